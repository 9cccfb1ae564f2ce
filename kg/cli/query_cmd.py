"""``kg query``: run SPARQL against the store and print the result; ``kg queries``: list the
named queries of queries/."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.options import format_option, store_option
from kg.named_queries import (
    UnknownParameter,
    UnknownQuery,
    get_query,
    list_queries,
    run_named,
)
from kg.querying import read_query_file, run_sparql
from kg.results import format_select, term_ntriples
from kg.store import open_store


def _is_file(argument: str) -> bool:
    return argument.endswith(".rq") or "/" in argument or Path(argument).is_file()


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--param takes KEY=VALUE, not {pair!r}")
        out[key.strip()] = value
    return out


@click.command()
@click.argument("query_name", required=False, metavar="[NAME | FILE.rq]")
@click.option("--sparql", help="The query text itself, instead of a name or file.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of a named query (repeatable); see `kg queries`.")
@store_option
@format_option("table", "csv", "tsv", "json")
def query(query_name: str | None, sparql: str | None, params: tuple[str, ...], store_location: str, fmt: str) -> None:
    """Run a named query, a .rq file or SPARQL text against the store.

    NAME is one of the named queries of queries/ (list them with `kg queries`), given its
    parameters with --param KEY=VALUE; a value may be an IRI, a code or any zh/en name.
    A .rq file or --sparql runs as it is. SELECT results print as a table, CSV, TSV or
    SPARQL JSON; CONSTRUCT/DESCRIBE print N-Triples; ASK prints true/false.

    \b
    Example:
        kg query lineage --param org=城市管理指挥中心
        kg query money-by-theme --param theme=hotline --format csv > hotline.csv
        kg query my-question.rq --format json
        kg query --sparql 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
    """
    if bool(query_name) == bool(sparql):
        raise click.UsageError("give a query NAME, a FILE.rq or --sparql TEXT (exactly one)")
    if sparql or _is_file(query_name):
        if params:
            raise click.UsageError("--param is for named queries (see `kg queries`), not for a file or --sparql")
        text = sparql if sparql else read_query_file(query_name)
        with open_store(store_location, read_only=True) as store:
            outcome = run_sparql(store, text)
        if outcome.form == "SELECT":
            click.echo(format_select(fmt, outcome.variables, outcome.rows))
        elif outcome.form == "ASK":
            click.echo("true" if outcome.boolean else "false")
        else:
            for t in outcome.triples:
                click.echo(f"{term_ntriples(t.subject)} {term_ntriples(t.predicate)} {term_ntriples(t.object)} .")
        return
    values = _params(params)
    try:
        named = get_query(query_name)  # unknown names are usage errors, found before the store is opened
        for key in values:
            named.param(key)
        with open_store(store_location, read_only=True) as store:
            result = run_named(store, query_name, values)
    except (UnknownQuery, UnknownParameter) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(format_select(fmt, result.variables, result.rows))


@click.command()
@format_option("text", "json")
def queries(fmt: str) -> None:
    """List the named queries: what each answers and the parameters it takes.

    \b
    Example:
        kg queries
        kg query duty-history --param theme=接诉即办
    """
    found = list_queries()
    if fmt == "json":
        click.echo(json.dumps([q.to_dict() for q in found], ensure_ascii=False, indent=2))
        return
    for q in found:
        click.echo(f"{q.name}  —  {q.title}")
        click.echo(click.wrap_text(q.description, width=96, initial_indent="    ", subsequent_indent="    "))
        for p in q.params:
            default = f" = {p.default}" if p.default else (" (optional)" if p.optional else " (required)")
            click.echo(f"    --param {p.name}=…{default}")
            click.echo(click.wrap_text(f"{p.description} [{p.kind}]", width=96,
                                       initial_indent="        ", subsequent_indent="        "))
        for example in q.examples:
            click.echo(f"    e.g. {example}")
        click.echo()
