"""Run SPARQL against a store: ad-hoc text, a .rq file, or (kg/named_queries.py) a named query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError

_PROLOGUE = re.compile(r"^\s*(?:#[^\n]*\n|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|\s+)*", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query, read past its prologue."""
    rest = sparql[_PROLOGUE.match(sparql).end():]
    word = re.match(r"[A-Za-z]+", rest)
    form = word.group().upper() if word else ""
    if form not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise QueryError("not a SPARQL query (expected SELECT, ASK, CONSTRUCT or DESCRIBE); "
                         "updates are not run by kg query")
    return form


@dataclass
class QueryOutcome:
    form: str
    variables: list[str] | None = None
    rows: list[tuple] | None = None
    boolean: bool | None = None
    triples: list | None = None


def run_sparql(store, sparql: str) -> QueryOutcome:
    form = query_form(sparql)
    if form == "SELECT":
        result = store.select(sparql)
        return QueryOutcome(form, variables=result.variables, rows=result.rows)
    if form == "ASK":
        return QueryOutcome(form, boolean=store.ask(sparql))
    return QueryOutcome(form, triples=store.construct(sparql))


def read_query_file(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"{path}: no such query file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query file: {exc}") from None
