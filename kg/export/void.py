"""The VoID description of the export, ``void.ttl``.

One ``void:Dataset`` for the whole store (its dumps, SPARQL endpoint, vocabularies, example
resources and triple count) with one ``void:subset`` per named graph; a subset is named by its
graph's IRI (a filing's IRI is its graph's name) and links its Turtle and JSON-LD dumps.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from kg.export.config import ExportConfig
from kg.export.documents import write_turtle
from kg.export.dumps import WHOLE_DUMPS, GraphFiles
from kg.export.files import Folder
from kg.export.inventory import Inventory
from kg.export.terms import (
    EXPORT_PREFIXES,
    FOAF,
    A,
    TripleList,
    day,
    dct,
    n,
    text,
    typed,
    void,
)
from kg.namespaces import KGO, RDF

VOID_FILE = "void.ttl"

_EXAMPLE_OBSERVATION = f"SELECT ?o WHERE {{ GRAPH ?g {{ ?o a <{KGO}Observation> }} }} LIMIT 1"
_RDF_TYPE = RDF + "type"


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: a known prefix's namespace, else up to its last # or /."""
    known = [ns for ns in EXPORT_PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


class VocabularyCollector:
    """Gathers the predicates and classes every graph uses while the dumps stream the graphs by
    (a :class:`kg.export.dumps.GraphVisitor`)."""

    def __init__(self):
        self.terms: set[str] = set()

    def visit(self, graph, triples) -> None:
        terms = self.terms
        for t in triples:
            p = t.predicate.value
            terms.add(p)
            if p == _RDF_TYPE and isinstance(t.object, NamedNode):
                terms.add(t.object.value)

    def vocabularies(self) -> list[str]:
        return sorted({namespace_of(t) for t in self.terms})


def void_triples(store, inv: Inventory, graph_files: dict[str, GraphFiles], vocabularies: list[str],
                 cfg: ExportConfig) -> TripleList:
    out = TripleList()
    description = cfg.iri("void")
    kg = cfg.iri("void#kg")
    out.add(description, A, void("DatasetDescription"))
    out.add(description, dct("title"), text("VoID description of the kg export", "en"))
    out.add(description, n(FOAF, "primaryTopic"), kg)

    out.add(kg, A, void("Dataset"))
    out.add(kg, dct("title"), text("部门预算与部门决算知识图谱", "zh"))
    out.add(kg, dct("title"), text("Knowledge graph of department budget and final-accounts filings", "en"))
    out.add(kg, dct("license"), cfg.licence)
    out.add(kg, dct("issued"), day(cfg.issued))
    out.add(kg, void("triples"), typed(sum(f.triples for f in graph_files.values()), "integer"))
    out.add(kg, void("uriSpace"), text(cfg.base_iri))
    out.add(kg, void("feature"), "http://www.w3.org/ns/formats/N-Quads")
    out.add(kg, void("feature"), "http://www.w3.org/ns/formats/TriG")
    for name in WHOLE_DUMPS.values():
        out.add(kg, void("dataDump"), cfg.url(name))
    if cfg.sparql_endpoint:
        out.add(kg, void("sparqlEndpoint"), cfg.sparql_endpoint)
    for ns in vocabularies:
        out.add(kg, void("vocabulary"), ns)
    for example in _examples(store, inv):
        out.add(kg, void("exampleResource"), example)
    for graph, files in sorted(graph_files.items()):
        out.add(kg, void("subset"), graph)
        out.add(graph, A, void("Dataset"))
        out.add(graph, void("triples"), typed(files.triples, "integer"))
        out.add(graph, void("dataDump"), cfg.url(files.turtle))
        out.add(graph, void("dataDump"), cfg.url(files.jsonld))
    return out


def _examples(store, inv: Inventory) -> list[str]:
    examples = [o.iri for o in inv.departments()[:1]] + [f.graph for f in inv.filings[:1]]
    rows = store.select(_EXAMPLE_OBSERVATION).rows
    if rows:
        examples.append(rows[0][0].value)
    return examples


def write_void(triples: TripleList, folder: Folder) -> None:
    write_turtle(folder, VOID_FILE, triples)
