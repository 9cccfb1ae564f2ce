"""Validate one filing's graph with pyshacl.

The graph of ONE filing (its own triples, the helper statements of ``derive``, the
classification concepts it uses or names, and the disclosure template) goes into a fresh in-memory
pyoxigraph Store. pyshacl then runs twice, each part of the shapes where it is fast
(measured, see ``run_shapes``): the SPARQL-based constraints on that Oxigraph store, each
query once (they target the single kgo:Filing node); the core constraints on an rdflib copy of
the triples they look at. Cost grows with the filing, not with the corpus
(bench/validation_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib.namespace import RDF, SH

from kg.namespaces import KGO, PROV, SKOS
from kg.validation.derive import derive_triples
from kg.validation.findings import Finding, sort_findings
from kg.validation.shapes import (
    LAYERS,
    core_predicates,
    message_templates,
    shapes_part,
    template_triples,
    vocabulary,
)

_FINDING_SEGMENT = "/finding/"


def filing_triples(source, filing: str) -> list[ox.Triple]:
    """The triples of ``filing``'s graph: from a kg Store, a pyoxigraph Store (its named graph
    ``filing``), or the triples given. Findings stored by an earlier load are left out."""
    if isinstance(source, ox.Store):
        triples = [q.triple for q in source.quads_for_pattern(None, None, None, ox.NamedNode(filing))]
    elif hasattr(source, "construct"):
        triples = source.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{filing}> {{ ?s ?p ?o }} }}")
    else:
        triples = list(source)
    prefix = filing + _FINDING_SEGMENT
    return [t for t in triples if not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix))]


def validation_store(triples: Iterable[ox.Triple], filing: str) -> ox.Store:
    """An in-memory store holding what the shapes need to see of one filing."""
    db = ox.Store()
    db.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    db.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derive_triples(db, filing))
    concepts = [s["c"].value for s in db.query(
        f"SELECT DISTINCT ?c WHERE {{ ?o <{KGO}functionalClass>|<{KGO}economicClass> ?c }}")]
    names = [s["n"].value for s in db.query(
        f"SELECT DISTINCT ?n WHERE {{ ?o <{KGO}table> ?t ; <{SKOS}note> ?n ; <{KGO}functionalClass>|<{KGO}economicClass> ?c }}")]
    extra = vocabulary().triples_for(concepts, names) + list(template_triples())
    db.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in extra)
    return db


class _OxigraphData(OxigraphDataGraph):
    """pyshacl's Oxigraph adapter, truthy without counting the store: pyshacl evaluates
    ``datagraph or shapes_graph`` for every result it reports, and the adapter's ``len`` runs a
    COUNT over all triples (20 ms on a 10k-triple filing, times three per result)."""

    def __bool__(self) -> bool:
        return True


def _pyshacl(data, shapes: rdflib.Graph) -> rdflib.Graph:
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inplace=True, inference="none", advanced=False)
    if isinstance(report, rdflib.Graph):
        return report
    raise RuntimeError(f"pyshacl could not run the shapes (a broken shape, not bad data): {report}")


def to_rdflib(db: ox.Store, predicates: frozenset[str] | None = None) -> rdflib.Graph:
    """The default graph of a pyoxigraph store (only ``predicates``, if given) as an rdflib
    in-memory graph."""
    g = rdflib.Graph()
    convert = _rdflib_term
    for q in db.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if predicates is None or q.predicate.value in predicates:
            g.add((convert(q.subject), convert(q.predicate), convert(q.object)))
    return g


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def run_shapes(db: ox.Store, layers: tuple[str, ...] = LAYERS) -> rdflib.Graph:
    """pyshacl over one filing's validation store; the merged report graph.

    Measured on the samples (bench/validation_bench.py): core constraints (counts, datatypes,
    patterns on every observation) are ~20x faster on rdflib's in-memory graph than through
    pyshacl's Oxigraph adapter, while the SPARQL constraints are 10–100x faster on Oxigraph.
    So each part runs where it is fast."""
    report = _pyshacl(to_rdflib(db, core_predicates(layers)), shapes_part(layers, "core"))
    report += _pyshacl(_OxigraphData(db), shapes_part(layers, "sparql"))
    return report


def report_findings(report: rdflib.Graph, filing: str, locate, layers: tuple[str, ...] = LAYERS) -> list[Finding]:
    """Findings from a pyshacl report graph. ``locate(nodes)`` gives each node's place.

    A result is placed at its value node when a SPARQL constraint reports one (the figure at
    fault), else at its focus node (the observation a property shape found wanting)."""
    templates = message_templates(layers)
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        focus, value = report.value(result, SH.focusNode), report.value(result, SH.value)
        anchor = str(value if path is None and isinstance(value, rdflib.URIRef) else focus)
        rows.append({
            "shape": str(report.value(result, SH.sourceShape)),
            "severity": str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            "messages": sorted(report.objects(result, SH.resultMessage), key=str),
            "anchor": anchor, "path": path, "value": value,
        })
    places = locate(sorted({r["anchor"] for r in rows}))
    findings = []
    for r in rows:
        zh, en, values = templates.read(r["shape"], r["messages"])
        if r["path"] is not None:
            values.setdefault("path", str(r["path"]))
            if r["value"] is not None:
                values.setdefault("value", str(r["value"]))
        findings.append(Finding(r["severity"], filing, places.get(r["anchor"], {}), zh, en, values,
                                check=r["shape"].rsplit("#", 1)[-1], focus=r["anchor"]))
    return merge_repeats(sort_findings(findings))


def merge_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: a filing that repeats a sentence (or a figure in two
    sentences) yields the same message at several lines; keep the first and list the others
    under ``values["also_at_lines"]``."""
    kept: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.check, f.severity, f.message_zh, f.message_en, f.where.get("table"), tuple(sorted(f.values.items())))
        first = kept.get(key)
        if first is None:
            kept[key] = f
        elif f.where.get("line") is not None and f.where.get("line") != first.where.get("line"):
            lines = [x for x in str(first.values.get("also_at_lines", "")).split(",") if x]
            first.values["also_at_lines"] = ",".join(lines + [str(f.where["line"])])
    return list(kept.values())


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


def validate_filing(store_or_triples, filing_graph_iri: str, layers: tuple[str, ...] = LAYERS) -> list[Finding]:
    """Validate ONE filing: its graph (from a kg Store, or the triples of its graph) plus the
    vocabulary it needs, against the shapes of ``layers``. Returns the findings, sorted."""
    triples = filing_triples(store_or_triples, filing_graph_iri)
    db = validation_store(triples, filing_graph_iri)
    report = run_shapes(db, layers)
    return report_findings(report, filing_graph_iri, store_locator(db), layers)
