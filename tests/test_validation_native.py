"""kg's native SHACL engine: a SPARQL constraint that several shapes share (kgsh:<Check> and
kgsh:<Check>Rounding) runs once per focus node and gives each shape the rows pyshacl gives it."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from kg.mapping import graph_iri, map_filing
from kg.namespaces import DEFAULT_BASE
from kg.parsing import parse_file
from kg.paths import ROOT
from kg.register import Register
from kg.validation import findings_to_triples, validate_filing
from kg.validation.engine import filing_ntriples, filing_triples, validation_store
from kg.validation.native import Compiler, _bind_shapes, compiled_shapes, native_results
from kg.validation.native_core import DataGraph

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Gap a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:GapQuery .
ex:GapRounding a sh:NodeShape ; sh:targetClass ex:Thing ; sh:severity sh:Warning ; sh:sparql ex:GapQuery .
ex:GapQuery a sh:SPARQLConstraint ; sh:message "{?value} gap {?n}"@en ;
    sh:select \"\"\"SELECT $this $currentShape ?value ?n WHERE {
        $this <http://example.org/gap> ?n . BIND($this AS ?value)
        FILTER(IF(STRENDS(STR($currentShape), "Rounding"), ?n > 0 && ?n <= 1, ?n > 1)) }\"\"\" .
"""

DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:gap 0 . ex:b a ex:Thing ; ex:gap 0.5 . ex:c a ex:Thing ; ex:gap 3 , 0.25 .
"""


class CountingStore:
    """A pyoxigraph store that counts the queries run on it."""

    def __init__(self, db: ox.Store):
        self.db, self.queries = db, 0

    def query(self, *args, **kwargs):
        self.queries += 1
        return self.db.query(*args, **kwargs)

    def quads_for_pattern(self, *args):
        return self.db.quads_for_pattern(*args)


def test_a_shared_constraint_gives_each_shape_its_rows_as_pyshacl_does():
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    db = ox.Store()
    db.load(DATA, format=ox.RdfFormat.TURTLE)
    counting = CountingStore(db)
    data = DataGraph(counting)
    native = {(r.shape, r.severity, r.focus, r.message_en) for s in Compiler(shapes).shapes() for r in s.validate(counting, data)}
    _, report, _ = pyshacl.validate(rdflib.Graph().parse(data=DATA, format="turtle"), shacl_graph=shapes)
    reference = {(str(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                  str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)))
                 for r in report.subjects(RDF.type, SH.ValidationResult)}
    assert native == reference
    ex = "http://example.org/"
    assert (ex + "GapRounding", "Warning", ex + "b", f"{ex}b gap 0.5") in native
    assert {(r[0], r[3]) for r in native if r[2] == ex + "c"} == {(ex + "Gap", f"{ex}c gap 3"), (ex + "GapRounding", f"{ex}c gap 0.25")}
    assert counting.queries == 3, "one query per focus node for both shapes"


def test_a_query_that_cannot_be_shared_is_not():
    shapes = ["http://example.org/A", "http://example.org/ARounding"]
    nested = 'SELECT $this $currentShape WHERE { { SELECT ?x WHERE { ?x ?p ?o FILTER(STR($currentShape) != "}") } } }'
    assert _bind_shapes(nested, shapes) is None
    assert _bind_shapes("SELECT $this $currentShape ?o WHERE { $this ?p ?o } LIMIT 1", shapes) is None
    braces = 'SELECT $this $currentShape ?o WHERE { # a comment with a brace }\n $this <urn:p#x> ?o FILTER(REGEX(?o, "[0-9]{3}")) }'
    shared = _bind_shapes(braces, shapes)
    assert shared is not None and shared.index("VALUES ?currentShape") < shared.index("$this <urn:p#x>")


def test_kg_shapes_run_each_shared_query_once_per_filing():
    """The arithmetic checks' Violation and Rounding shapes share their query: one run each."""
    sample = min((ROOT / "filings" / "xicheng").glob("*.txt"))
    register = Register.load(DEFAULT_BASE)
    filing = parse_file(sample)
    graph = graph_iri(filing, register, DEFAULT_BASE)
    db = validation_store(filing_triples(map_filing(filing, register, DEFAULT_BASE).triples, graph), graph)
    counting = CountingStore(db)
    native_results(counting)
    constraints = [c for s in compiled_shapes() for c in s.sparql]
    shared = {id(c.shared) for c in constraints if c.shared is not None}
    assert len(shared) >= 10
    assert counting.queries == len(shared) + sum(c.shared is None for c in constraints)


def test_the_filing_read_from_a_store_leaves_its_stored_findings_out():
    """kg validate reads a filing from the store, where an earlier load stored its findings."""
    sample = sorted((ROOT / "filings" / "xicheng").glob("*.txt"))[3]
    register = Register.load(DEFAULT_BASE)
    filing = parse_file(sample)
    graph = graph_iri(filing, register, DEFAULT_BASE)
    triples = map_filing(filing, register, DEFAULT_BASE).triples
    findings = validate_filing(triples, graph)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                 for t in triples + findings_to_triples(findings, graph))
    lines = set(filing_ntriples(store, graph).decode().splitlines())
    assert len(lines) == len(triples) and not any(line.startswith(f"<{graph}/finding/") for line in lines)
    as_read = filing_triples(store, graph)  # (the store writes decimals in their canonical form)
    assert lines == set(ox.serialize(as_read, format=ox.RdfFormat.N_TRIPLES).decode().splitlines())
    assert [f.to_dict() for f in validate_filing(store, graph)] == [f.to_dict() for f in validate_filing(as_read, graph)]
    assert findings
