"""The figures and stated facts of one filing graph, read for kg.validation.derive."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from kg.amounts import Amount
from kg.namespaces import KGO, PROV, SKOS


@dataclass
class Fig:
    """A figure of the filing, as derive sees it."""

    iri: str
    amount: Decimal | None
    year: int | None
    item: str | None = None  # item local name
    column: str | None = None  # column local name
    phase: str | None = None
    fact: str | None = None
    table: str | None = None
    title: str = ""
    note: str = ""
    measure: str | None = None
    from_table: bool = False

    @property
    def current(self) -> bool:
        return self.phase != "PriorYearAsStated"


@dataclass
class Fact:
    iri: str
    kind: str
    line: int
    order: tuple[int, int]
    values: dict
    figs: dict[str, Fig] = field(default_factory=dict)  # key (amount, prior, column…) -> figure

    @property
    def label(self) -> str | None:
        return self.values.get("name") or self.values.get("label")


_QUERY_FIGURES = f"""
PREFIX kgo: <{KGO}> PREFIX skos: <{SKOS}> PREFIX dct: <http://purl.org/dc/terms/> PREFIX prov: <{PROV}>
SELECT ?o ?amount ?item ?column ?phase ?year ?table ?title ?note ?fact ?text ?line WHERE {{
  ?o a kgo:Observation .
  OPTIONAL {{ ?o kgo:amount ?amount }} OPTIONAL {{ ?o kgo:item ?item }}
  OPTIONAL {{ ?o kgo:column ?column }} OPTIONAL {{ ?o kgo:phase ?phase }}
  OPTIONAL {{ ?o kgo:fiscalYear ?year }} OPTIONAL {{ ?o skos:note ?note }}
  OPTIONAL {{ ?o kgo:table ?table OPTIONAL {{ ?table dct:title ?title }} }}
  OPTIONAL {{ ?fact kgo:figure ?o }} OPTIONAL {{ ?o kgo:printedText ?text }}
  OPTIONAL {{ ?o prov:wasDerivedFrom/kgo:line ?line }}
}}"""

_QUERY_FACTS = f"""
PREFIX kgo: <{KGO}>
SELECT ?fact ?kind ?line ?values ?comparison ?change ?prior WHERE {{
  ?fact a kgo:StatedFact ; kgo:factKind ?kind ; kgo:line ?line ; kgo:values ?values .
  OPTIONAL {{ ?comparison a kgo:Comparison . FILTER(STRSTARTS(STR(?comparison), CONCAT(STR(?fact), "/")))
             OPTIONAL {{ ?comparison kgo:statedChange ?change }} OPTIONAL {{ ?comparison kgo:prior ?prior }} }}
}}"""


def _local(term, sep: str = "#") -> str | None:
    if term is None:
        return None
    value = term.value
    return value.split(sep, 1)[1] if sep in value else value


def _decimal(term) -> Decimal | None:
    try:
        return Decimal(term.value) if term is not None else None
    except InvalidOperation:
        return None


def amount_from_json(d) -> Amount | None:
    """An Amount from its JSON form (kg.model._plain), or None."""
    if not isinstance(d, dict) or "text" not in d or "unit" not in d:
        return None
    try:
        value = Decimal(d["value"]) if d.get("value") is not None else None
    except InvalidOperation:
        value = None
    return Amount(d["text"], d["unit"], int(d.get("line") or 0), value, bool(d.get("malformed")))


@dataclass
class FilingFigures:
    """What derive reads from a filing graph."""

    figs: dict[str, Fig] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)  # in the order of the text
    comparisons: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)  # fact -> (comparison, has change, has prior)
    cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (line, printed text) -> table cell


def read_figures(db: ox.Store) -> FilingFigures:
    """Every observation (with its item, column, table, note, fact) and every stated fact."""
    out = FilingFigures()
    for s in db.query(_QUERY_FIGURES):
        iri = s["o"].value
        if iri in out.figs:
            continue
        year = s["year"]
        fig = Fig(iri, _decimal(s["amount"]), int(year.value) if year is not None else None,
                  item=(_local(s["item"]) or "").removeprefix("item/") or None,
                  column=(_local(s["column"]) or "").removeprefix("column/") or None,
                  phase=_local(s["phase"]), fact=s["fact"].value if s["fact"] is not None else None,
                  table=s["table"].value if s["table"] is not None else None,
                  title=s["title"].value if s["title"] is not None else "",
                  note=s["note"].value if s["note"] is not None else "")
        out.figs[iri] = fig
        if fig.table is not None and s["line"] is not None and s["text"] is not None:
            out.cells.setdefault((int(s["line"].value), s["text"].value), iri)
    by_fact: dict[str, Fact] = {}
    for s in db.query(_QUERY_FACTS):
        iri = s["fact"].value
        if iri in by_fact:
            continue
        try:
            values = json.loads(s["values"].value)
        except (ValueError, TypeError):
            continue
        index = re.search(r"-(\d+)$", iri)
        line = int(s["line"].value)
        by_fact[iri] = Fact(iri, s["kind"].value, line, (line, int(index.group(1)) if index else 0), values)
        if s["comparison"] is not None:
            out.comparisons[iri] = (s["comparison"].value, s["change"] is not None, s["prior"] is not None)
    for fig in out.figs.values():
        if fig.fact in by_fact:
            by_fact[fig.fact].figs[fig.iri.rsplit("/", 1)[1]] = fig
    out.facts = sorted(by_fact.values(), key=lambda f: f.order)
    return out
