"""One filing's side of the cross-filing checks, computed from that filing alone.

The queries of ``shapes/cross/`` run on one filing's triples and give what it *claims* of
another filing (figures of the previous year; a 决算's 年初预算 figures) and what it *offers*
to the checks of others (its own figures by item; a 部门预算's 项 rows and 三公 figures by key).
kg.validation.cross joins the claims of every filing with the offers of the filing they name.

When a filing is validated on load, its side is stored with it (one ``rdf:JSON`` literal,
``kgo:crossFilingKeys`` on the filing), so the check over a whole store reads one literal per
filing and joins them in Python, in time linear in the corpus. (Joining the figures of all
filings in one SPARQL query over the store took 186–238 s at 10,000 filings and 4 GiB.) A side
stored by other queries (``version``) or missing (loaded without validation, another kg) is
computed again from the filing's graph.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox

from kg.namespaces import KGO, RDF
from kg.paths import SHAPES_DIR
from kg.validation.engine import add_helpers, filing_ntriples, own_store

CROSS_DIR = SHAPES_DIR / "cross"
KEYS = ox.NamedNode(KGO + "crossFilingKeys")
_RDF_JSON = ox.NamedNode(RDF + "JSON")

#: the parts of a side read from the filing's own triples: (query file, the kind of filing it
#: applies to, None: any)
PARTS = {
    "prior_claims": ("prior_year_claims", None),
    "prior_offers": ("prior_year_counterparts", None),
    "budget_claims": ("budget_claims", KGO + "FinalAccounts"),
    "budget_offers": ("budget_counterparts", KGO + "Budget"),
}
#: the parts read from its validation store (which adds kg.validation.derive's statements)
VALIDATION_PARTS = {"prior_table_offers": ("prior_year_table_counterparts", None)}


@cache
def _queries() -> dict[str, str]:
    """Each part's query text."""
    return {part: (CROSS_DIR / f"{name}.rq").read_text(encoding="utf-8")
            for part, (name, _) in (PARTS | VALIDATION_PARTS).items()}


@cache
def version() -> str:
    """A digest of the queries: a stored side made by other queries is not used."""
    digest = hashlib.sha256()
    for query in _queries().values():
        digest.update(query.encode("utf-8"))
    return digest.hexdigest()[:12]


def _value(term) -> str | None:
    return None if term is None else term.value


def side_and_validation_store(data: Iterable[ox.Triple] | bytes, filing: str) -> tuple[dict | None, ox.Store]:
    """The side of ``filing`` (its triples, or their N-Triples), and its validation store
    (kg.validation.engine), which the side's last part reads: one store serves both."""
    db = own_store(data)
    side = filing_side(db, PARTS)
    add_helpers(db, filing)
    if side is not None:
        side.update(_parts(db, side["kind"], VALIDATION_PARTS))
    return side, db


def side_of_graph(store, filing: str) -> dict | None:
    """The side of a filing as its graph in ``store`` gives it."""
    return side_and_validation_store(filing_ntriples(store, filing), filing)[0]


def filing_side(db: ox.Store, parts: dict = PARTS) -> dict | None:
    """The side of the one filing whose triples are in ``db``'s default graph: its
    organisation, year and kind, and the rows of each of ``parts`` (lists of strings, in the
    order of the query's SELECT). None when ``db`` holds no filing with an organisation and a
    year."""
    head = list(db.query(f"""SELECT ?filing ?org ?year ?kind WHERE {{
        ?filing a <{KGO}Filing> ; <{KGO}department> ?org ; <{KGO}fiscalYear> ?year ; <{KGO}filingKind> ?kind }}"""))
    if len(head) != 1:
        return None
    filing, org, year, kind = (head[0][v].value for v in ("filing", "org", "year", "kind"))
    side = {"version": version(), "filing": filing, "org": org, "year": year, "kind": kind}
    side.update(_parts(db, kind, parts))
    return side


def _parts(db: ox.Store, kind: str, parts: dict) -> dict[str, list[list[str | None]]]:
    out = {}
    for part, (_, applies_to) in parts.items():
        if applies_to is not None and applies_to != kind:
            out[part] = []
            continue
        solutions = db.query(_queries()[part])
        names = [v.value for v in solutions.variables]
        rows = [[_value(s[n]) for n in names] for s in solutions]
        out[part] = sorted(rows, key=lambda row: [v or "" for v in row])  # the same side from any store
    return out


def side_triple(side: dict) -> ox.Triple:
    """The triple that stores a side with its filing."""
    text = json.dumps(side, ensure_ascii=False, separators=(",", ":"))
    return ox.Triple(ox.NamedNode(side["filing"]), KEYS, ox.Literal(text, datatype=_RDF_JSON))


def stored_side(text: str) -> dict | None:
    """A side as stored, or None when it was made by other queries than these."""
    side = json.loads(text)
    return side if side.get("version") == version() else None
