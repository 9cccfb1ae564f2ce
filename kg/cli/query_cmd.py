"""``kg query``: run SPARQL against the store and print the result."""

from __future__ import annotations

import click

from kg.cli.options import format_option, store_option
from kg.querying import read_query_file, run_sparql
from kg.results import format_select, term_ntriples
from kg.store import open_store


@click.command()
@click.argument("query_file", required=False, metavar="[FILE.rq]")
@click.option("--sparql", help="The query text itself, instead of a file.")
@store_option
@format_option("table", "csv", "tsv", "json")
def query(query_file: str | None, sparql: str | None, store_location: str, fmt: str) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) against the store.

    Give the query as a .rq file or with --sparql. SELECT results print as a table,
    CSV, TSV or SPARQL JSON; CONSTRUCT/DESCRIBE print N-Triples; ASK prints true/false.

    \b
    Example:
        kg query --sparql 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
        kg query my-question.rq --format csv > answer.csv
    """
    if bool(query_file) == bool(sparql):
        raise click.UsageError("give either FILE.rq or --sparql TEXT (exactly one)")
    text = sparql if sparql else read_query_file(query_file)
    with open_store(store_location, read_only=True) as store:
        outcome = run_sparql(store, text)
    if outcome.form == "SELECT":
        click.echo(format_select(fmt, outcome.variables, outcome.rows))
    elif outcome.form == "ASK":
        click.echo("true" if outcome.boolean else "false")
    else:
        for t in outcome.triples:
            click.echo(f"{term_ntriples(t.subject)} {term_ntriples(t.predicate)} {term_ntriples(t.object)} .")
