"""Validate one filing's graph against kg's SHACL shapes.

The graph of ONE filing (its own triples, the helper statements of ``derive``, the
classification concepts it uses or names, and the disclosure template) goes into a fresh
in-memory pyoxigraph Store, and an engine runs the shapes on it: kg's own
(kg.validation.native, the default) or pyshacl (kg.validation.pyshacl_engine, the reference;
both give the same findings). Cost grows with the filing, not with the corpus
(bench/validation_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import KgError
from kg.namespaces import KGO, PROV, SKOS
from kg.validation.derive import derive_triples
from kg.validation.findings import Finding
from kg.validation.native import native_results
from kg.validation.pyshacl_engine import pyshacl_results
from kg.validation.results import findings_from_results
from kg.validation.shapes import LAYERS, template_triples, vocabulary

_FINDING_SEGMENT = "/finding/"
_NT = ox.RdfFormat.N_TRIPLES


def filing_triples(source, filing: str) -> list[ox.Triple]:
    """The triples of ``filing``'s graph: from a kg Store, a pyoxigraph Store (its named graph
    ``filing``), or the triples given. Findings stored by an earlier load are left out."""
    prefix = filing + _FINDING_SEGMENT
    return [t for t in _graph_triples(source, filing)
            if not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix))]


def filing_ntriples(source, filing: str) -> bytes:
    """``filing_triples`` as N-Triples, the form the validation store loads (a pyoxigraph Store
    writes them without a Python object per triple)."""
    if isinstance(source, ox.Store):
        data = source.dump(format=_NT, from_graph=ox.NamedNode(filing))
    else:
        data = ox.serialize(_graph_triples(source, filing), format=_NT)
    marker = f"<{filing}{_FINDING_SEGMENT}".encode()
    if marker not in data:
        return data
    return b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(marker))


def _graph_triples(source, filing: str) -> list[ox.Triple]:
    if isinstance(source, ox.Store):
        return [q.triple for q in source.quads_for_pattern(None, None, None, ox.NamedNode(filing))]
    if hasattr(source, "construct"):
        return source.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{filing}> {{ ?s ?p ?o }} }}")
    return list(source)


def validation_store(triples: Iterable[ox.Triple] | bytes, filing: str) -> ox.Store:
    """An in-memory store holding what the shapes need to see of one filing (its triples, or
    their N-Triples)."""
    db = own_store(triples)
    add_helpers(db, filing)
    return db


def own_store(triples: Iterable[ox.Triple] | bytes) -> ox.Store:
    """An in-memory store of a filing's own triples (or their N-Triples) alone; ``add_helpers``
    makes it a validation store."""
    db = ox.Store()
    _load(db, triples if isinstance(triples, bytes) else ox.serialize(triples, format=_NT))
    return db


def add_helpers(db: ox.Store, filing: str) -> None:
    """Add to a store of ``filing``'s own triples what the shapes also read: the helper
    statements of ``derive``, the vocabulary it uses and the disclosure template."""
    _add(db, derive_triples(db, filing))
    concepts, names = _classified(db)
    _add(db, vocabulary().triples_for(concepts, names) + list(template_triples()))


_CLASSIFIED = f"""SELECT DISTINCT ?c ?n WHERE {{ ?o <{KGO}functionalClass>|<{KGO}economicClass> ?c
                  OPTIONAL {{ ?o <{KGO}table> ?t ; <{SKOS}note> ?n }} }}"""


def _classified(db: ox.Store) -> tuple[set[str], set[str]]:
    """The classification concepts the filing uses, and the row names its classified table
    rows print (a code printed with another code's name needs that code's labels)."""
    concepts, names = set(), set()
    for concept, name in db.query(_CLASSIFIED):
        concepts.add(concept.value)
        if name is not None:
            names.add(name.value)
    return concepts, names


def _add(db: ox.Store, triples: Iterable[ox.Triple]) -> None:
    """Add triples to the default graph. Through N-Triples: building a Quad per triple in
    Python costs four times what serialising and loading them does."""
    _load(db, ox.serialize(triples, format=_NT))


def _load(db: ox.Store, ntriples: bytes) -> None:
    """Load N-Triples Oxigraph wrote into the default graph, leniently: without validating
    IRIs and language tags again (a third faster)."""
    db.load(ntriples, format=_NT, lenient=True)


ENGINES = {"native": native_results, "pyshacl": pyshacl_results}


def store_locator(db: ox.Store):
    """``locate`` over a pyoxigraph store: table, row and line of each node."""

    def locate(nodes: list[str]) -> dict[str, dict]:
        if not nodes:
            return {}
        values = " ".join(f"<{n}>" for n in nodes)
        query = f"""SELECT ?n ?table ?row ?line WHERE {{ VALUES ?n {{ {values} }}
          OPTIONAL {{ ?n <{PROV}wasDerivedFrom> ?loc . ?loc <{KGO}line> ?l1
                     OPTIONAL {{ ?loc <{KGO}tableNumber> ?t1 }} OPTIONAL {{ ?loc <{KGO}rowLine> ?row }} }}
          OPTIONAL {{ ?n <{KGO}line> ?l2 }} OPTIONAL {{ ?n <{KGO}tableNumber> ?t2 }}
          BIND(COALESCE(?l1, ?l2) AS ?line) BIND(COALESCE(?t1, ?t2) AS ?table) }}"""
        out: dict[str, dict] = {}
        for s in db.query(query):
            place = {k: (int(s[k].value) if s[k] is not None else None) for k in ("table", "row", "line")}
            out.setdefault(s["n"].value, place)
        return out

    return locate


def validate_filing(store_or_triples, filing_graph_iri: str, layers: tuple[str, ...] = LAYERS,
                    engine: str = "native") -> list[Finding]:
    """Validate ONE filing: its graph (from a kg Store, or the triples of its graph) plus the
    vocabulary it needs, against the shapes of ``layers``, with ``engine`` (``native`` or
    ``pyshacl``: the same findings). Returns the findings, sorted."""
    if engine not in ENGINES:
        raise KgError(f"unknown validation engine {engine!r}: choose one of {', '.join(ENGINES)}")
    db = validation_store(filing_ntriples(store_or_triples, filing_graph_iri), filing_graph_iri)
    return validate_validation_store(db, filing_graph_iri, layers, engine)


def validate_validation_store(db: ox.Store, filing_graph_iri: str, layers: tuple[str, ...] = LAYERS,
                              engine: str = "native") -> list[Finding]:
    """``validate_filing`` of the validation store of a filing (``validation_store``)."""
    results = ENGINES[engine](db, layers)
    return findings_from_results(results, filing_graph_iri, store_locator(db))
