"""kg's own SHACL engine: kg's shapes run directly on a filing's pyoxigraph validation store.

pyshacl (kg.validation.pyshacl_engine) needs an rdflib copy of the filing for the core
constraints and re-parses every SPARQL constraint for every filing; here the shapes are
compiled once per process and each filing costs what its data costs:

- SPARQL-based constraints (SHACL-SPARQL, sh:sparql/sh:select) run as pyoxigraph queries with
  ``$this`` (and ``$currentShape``) pre-bound by substitution, which follows the same
  pre-binding rules as SHACL (SEP-0007);
- core constraints (kg.validation.native_core) run in Python over an index of the store.

Results are the ones pyshacl reports, field by field (tests/test_validation_engines.py checks
both engines on the sample filings and on generated filings with injected errors). A shape
using a SHACL feature this engine does not implement is refused when the shapes are compiled,
naming the shape and the feature: run ``kg validate --engine pyshacl`` for those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import KgError
from kg.validation import native_core as core
from kg.validation.results import Result
from kg.validation.shapes import LAYERS, PLACEHOLDER, shapes_graph

_IGNORED = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.targetClass, SH.targetNode,
            SH.path, SH.sparql, SH.property, SH.name, SH.description, SH.order, SH.group, SH.deactivated, SH.flags}


class UnsupportedShape(KgError):
    """A shape uses a SHACL feature the native engine does not implement."""


def _ox(term) -> ox.Term:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or rdflib.XSD.string)))


@dataclass
class Messages:
    """A shape's (or constraint's) sh:message templates by language."""

    by_lang: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, g: rdflib.Graph, *nodes) -> "Messages":
        found = {}
        for node in nodes:
            for m in g.objects(node, SH.message):
                found.setdefault(m.language or "en", str(m))
        return cls(found)

    def fill(self, bound: dict[str, str]) -> tuple[str, str, dict[str, str]]:
        """(zh, en, the values used): each ``{?var}`` replaced by its bound value (left as is
        when unbound, as pyshacl does)."""
        used: dict[str, str] = {}

        def sub(m: re.Match) -> str:
            if m.group(1) in bound:
                used[m.group(1)] = bound[m.group(1)]
                return bound[m.group(1)]
            return m.group(0)

        filled = {lang: PLACEHOLDER.sub(sub, text) for lang, text in self.by_lang.items()}
        zh, en = filled.get("zh", ""), filled.get("en", "")
        return zh or en, en or zh, used


@dataclass
class SparqlConstraint:
    shape: str
    query: str
    substitute_shape: bool
    messages: Messages

    def rows(self, db: ox.Store, focus) -> list[dict[str, ox.Term]]:
        subs = {ox.Variable("this"): focus}
        if self.substitute_shape:
            subs[ox.Variable("currentShape")] = ox.NamedNode(self.shape)
        solutions = db.query(self.query, substitutions=subs)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


@dataclass
class Shape:
    """A node or property shape, compiled."""

    iri: str
    severity: str = "Violation"
    targets: list[str] = field(default_factory=list)  # class IRIs
    target_nodes: list = field(default_factory=list)
    path: str | None = None
    components: list[core.Component] = field(default_factory=list)
    properties: list["Shape"] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    messages: Messages = field(default_factory=Messages)

    def focus_nodes(self, data: core.DataGraph) -> list:
        nodes = list(self.target_nodes)
        for cls in self.targets:
            nodes.extend(data.instances(cls))
        return list(dict.fromkeys(nodes))

    def value_nodes(self, data: core.DataGraph, focus) -> list:
        return [focus] if self.path is None else data.objects(focus, self.path)

    def conforms(self, data: core.DataGraph, node) -> bool:
        """Whether ``node`` conforms (core constraints and nested property shapes only: what
        sh:or members use)."""
        values = self.value_nodes(data, node)
        if any(c.failures(data, node, values) for c in self.components):
            return False
        return all(p.conforms(data, v) for p in self.properties for v in ([node] if self.path is None else values))

    def validate(self, db: ox.Store, data: core.DataGraph) -> list[Result]:
        results = []
        for focus in self.focus_nodes(data):
            results += self.core_results(data, focus)
            for constraint in self.sparql:
                results += self.sparql_results(db, constraint, focus)
        return results

    def core_results(self, data: core.DataGraph, focus) -> list[Result]:
        values = self.value_nodes(data, focus)
        results = []
        for component in self.components:
            for value in component.failures(data, focus, values):
                zh, en, used = self.messages.fill({})
                results.append(_result(self, focus, self.path, value, zh, en, used))
        for prop in self.properties:
            results += prop.core_results(data, focus)
        return results

    def sparql_results(self, db: ox.Store, constraint: SparqlConstraint, focus) -> list[Result]:
        results, seen = [], set()
        for row in constraint.rows(db, focus):
            this, path, value = row.pop("this", None), row.pop("path", None), row.pop("value", None)
            row.pop("failure", None)
            node = this or focus
            value = value if value is not None else (focus if self.path is None else None)
            key = (node, path, value, tuple(sorted((k, str(v)) for k, v in row.items())))
            if key in seen:
                continue
            seen.add(key)
            bound = {k: _text(v) for k, v in row.items()}
            bound.update({k: _text(v) for k, v in (("this", node), ("path", path), ("value", value)) if v is not None})
            zh, en, used = constraint.messages.fill(bound)
            results.append(_result(self, node, path.value if path is not None else None, value, zh, en, used))
        return results


def _text(term) -> str:
    return term.value


def _result(shape: Shape, focus, path: str | None, value, zh: str, en: str, used: dict[str, str]) -> Result:
    return Result(shape=shape.iri, severity=shape.severity, focus=focus.value, path=path,
                  value=None if value is None else value.value, value_is_iri=isinstance(value, ox.NamedNode),
                  message_zh=zh, message_en=en, values=used)


class Compiler:
    """Compiles the shapes of an rdflib shapes graph."""

    def __init__(self, g: rdflib.Graph):
        self.g = g

    def shapes(self) -> list[Shape]:
        g = self.g
        roots = set(g.subjects(SH.targetClass, None)) | set(g.subjects(SH.targetNode, None))
        for unsupported in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            for s in g.subjects(unsupported, None):
                raise UnsupportedShape(f"shape {s}: {unsupported.removeprefix(str(SH))} is not supported by the "
                                       "native engine (use --engine pyshacl)")
        return [self.shape(s) for s in sorted(roots, key=str) if not self._deactivated(s)]

    def _deactivated(self, node) -> bool:
        return any(bool(v.toPython()) for v in self.g.objects(node, SH.deactivated))

    def shape(self, node) -> Shape:
        g = self.g
        severity = g.value(node, SH.severity)
        path = g.value(node, SH.path)
        if path is not None and not isinstance(path, rdflib.URIRef):
            raise UnsupportedShape(f"shape {node}: only predicate paths are supported by the native engine")
        shape = Shape(
            iri=str(node), severity=str(severity or SH.Violation).rsplit("#", 1)[-1],
            targets=[str(c) for c in g.objects(node, SH.targetClass)],
            target_nodes=[_ox(n) for n in g.objects(node, SH.targetNode)],
            path=None if path is None else str(path), messages=Messages.of(g, node))
        shape.components = self.components(node)
        shape.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        shape.sparql = [self.sparql(shape, c) for c in g.objects(node, SH.sparql) if not self._deactivated(c)]
        return shape

    def components(self, node) -> list[core.Component]:
        g, out = self.g, []
        for p, o in sorted(g.predicate_objects(node), key=lambda po: str(po[0])):
            if p in _IGNORED:
                continue
            name = str(p).removeprefix(str(SH))
            if p == SH.minCount:
                out.append(core.MinCount(int(o)))
            elif p == SH.maxCount:
                out.append(core.MaxCount(int(o)))
            elif p == SH.datatype:
                out.append(core.Datatype(str(o)))
            elif p == SH.nodeKind:
                out.append(core.NodeKind(str(o)))
            elif p == SH.pattern:
                out.append(core.Pattern(str(o), str(g.value(node, SH.flags) or "")))
            elif p == SH["class"]:
                out.append(core.Class(str(o)))
            elif p == SH["in"]:
                out.append(core.In([_ox(m) for m in rdflib.collection.Collection(g, o)]))
            elif name in core.Range.TESTS:
                out.append(core.Range(name, _ox(o)))
            elif p == SH["or"]:
                out.append(core.Or([self.shape(m) for m in rdflib.collection.Collection(g, o)]))
            else:
                raise UnsupportedShape(f"shape {node}: sh:{name} is not supported by the native engine "
                                       "(use --engine pyshacl)")
        return out

    def sparql(self, shape: Shape, node) -> SparqlConstraint:
        g = self.g
        select = g.value(node, SH.select)
        if select is None:
            raise UnsupportedShape(f"shape {shape.iri}: only SELECT-based SPARQL constraints are supported")
        prefixes = "".join(f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
                           for p in g.objects(node, SH.prefixes) for d in g.objects(p, SH.declare))
        query = prefixes + str(select)
        if "$shapesGraph" in query:
            raise UnsupportedShape(f"shape {shape.iri}: $shapesGraph is not supported by the native engine")
        substitute = bool(re.search(r"[?$]currentShape\b", query))
        if substitute and not _projects(query, "currentShape"):
            query, substitute = re.sub(r"[?$]currentShape\b", f"<{shape.iri}>", query), False
        messages = Messages.of(g, node) if (node, SH.message, None) in g else shape.messages
        return SparqlConstraint(shape.iri, query, substitute, messages)


def _projects(query: str, variable: str) -> bool:
    """Whether the query accepts ``variable`` as a substitution (it projects it)."""
    try:
        ox.Store().query(query, substitutions={ox.Variable(variable): ox.NamedNode("urn:x")})
        return True
    except RuntimeError:
        return False


@lru_cache(maxsize=4)
def compiled_shapes(layers: tuple[str, ...] = LAYERS) -> tuple[Shape, ...]:
    return tuple(Compiler(shapes_graph(layers)).shapes())


def native_results(db: ox.Store, layers: tuple[str, ...] = LAYERS) -> list[Result]:
    """Every shape of ``layers`` over the default graph of ``db`` (one filing's validation store)."""
    data = core.DataGraph(db)
    results = []
    for shape in compiled_shapes(layers):
        results += shape.validate(db, data)
    return results
