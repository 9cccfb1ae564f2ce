"""The reference engine: pyshacl over one filing's validation store.

pyshacl runs twice, each part of the shapes where it is fast: the SPARQL-based constraints on
the Oxigraph store itself (through pyshacl's Oxigraph adapter), the core constraints on an
rdflib copy of the triples they look at. kg.validation.native gives the same results several
times faster (tests/test_validation_engines.py holds them equal); this engine is the yardstick,
and ``kg validate --engine pyshacl`` runs it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib.namespace import RDF, SH

from kg.validation.results import Result
from kg.validation.shapes import LAYERS, core_predicates, message_templates, shapes_part


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
    convert = rdflib_term
    for q in db.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if predicates is None or q.predicate.value in predicates:
            g.add((convert(q.subject), convert(q.predicate), convert(q.object)))
    return g


def rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def run_shapes(db: ox.Store, layers: tuple[str, ...] = LAYERS) -> rdflib.Graph:
    """pyshacl over one filing's validation store; the merged report graph."""
    report = _pyshacl(to_rdflib(db, core_predicates(layers)), shapes_part(layers, "core"))
    report += _pyshacl(_OxigraphData(db), shapes_part(layers, "sparql"))
    return report


def results_from_report(report: rdflib.Graph, layers: tuple[str, ...] = LAYERS) -> list[Result]:
    """The results of a pyshacl report graph. pyshacl drops the language tag of a SPARQL
    constraint's filled-in message, so each message is matched back to its template, which
    tells Chinese from English and recovers the values the query bound."""
    templates = message_templates(layers)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = str(report.value(node, SH.sourceShape))
        path, value = report.value(node, SH.resultPath), report.value(node, SH.value)
        zh, en, values = templates.read(shape, sorted(report.objects(node, SH.resultMessage), key=str))
        results.append(Result(
            shape=shape, severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=str(report.value(node, SH.focusNode)), path=None if path is None else str(path),
            value=None if value is None else str(value), value_is_iri=isinstance(value, rdflib.URIRef),
            message_zh=zh, message_en=en, values=values))
    return results


def pyshacl_results(db: ox.Store, layers: tuple[str, ...] = LAYERS) -> list[Result]:
    return results_from_report(run_shapes(db, layers), layers)
