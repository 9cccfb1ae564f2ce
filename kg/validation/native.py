"""kg's own SHACL engine: kg's shapes run directly on a filing's pyoxigraph validation store.

pyshacl (kg.validation.pyshacl_engine) needs an rdflib copy of the filing for the core
constraints and re-parses every SPARQL constraint for every filing; here the shapes are
compiled once per process and each filing costs what its data costs:

- SPARQL-based constraints (SHACL-SPARQL, sh:sparql/sh:select) run as pyoxigraph queries with
  ``$this`` (and ``$currentShape``) pre-bound by substitution, which follows the same
  pre-binding rules as SHACL (SEP-0007); a constraint several shapes share, telling them apart
  by ``$currentShape`` (kgsh:<Check> and kgsh:<Check>Rounding), runs once per focus node for
  all of them (``SharedQuery``);
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


_THIS, _CURRENT_SHAPE = ox.Variable("this"), ox.Variable("currentShape")


def _solutions(db: ox.Store, query: str, subs: dict) -> list[dict[str, ox.Term]]:
    """The rows of a SELECT, each as {variable name: term} (unbound variables left out)."""
    solutions = db.query(query, substitutions=subs)
    names = [v.value for v in solutions.variables]
    return [{n: t for n, t in zip(names, s) if t is not None} for s in solutions]


@dataclass
class SharedQuery:
    """A SELECT several shapes share, with ``$currentShape`` bound to each of them by a
    ``VALUES`` block (``_bind_shapes``): it runs once per focus node, and its rows are split
    by the shape they name. The same rows as substituting each shape in turn, in one run."""

    query: str

    def rows(self, data: core.DataGraph, focus) -> dict[str, list[dict[str, ox.Term]]]:
        key = (id(self), focus)
        if key not in data.memo:
            by_shape: dict[str, list] = {}
            for row in _solutions(data.db, self.query, {_THIS: focus}):
                by_shape.setdefault(row["currentShape"].value, []).append(row)
            data.memo[key] = by_shape
        return data.memo[key]


@dataclass
class SparqlConstraint:
    shape: str
    query: str
    substitute_shape: bool
    messages: Messages
    shared: SharedQuery | None = None

    def rows(self, data: core.DataGraph, focus) -> list[dict[str, ox.Term]]:
        if self.shared is not None:
            return self.shared.rows(data, focus).get(self.shape, [])
        subs = {_THIS: focus}
        if self.substitute_shape:
            subs[_CURRENT_SHAPE] = ox.NamedNode(self.shape)
        return _solutions(data.db, self.query, subs)


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
        nodes = self.focus_nodes(data)
        core_results = self.core_results(data, nodes)
        for focus, found in zip(nodes, core_results):
            results += found
            for constraint in self.sparql:
                results += self.sparql_results(data, constraint, focus)
        return results

    def core_results(self, data: core.DataGraph, nodes: list) -> list[list[Result]]:
        """The results of the core constraints and nested property shapes for each focus node
        (component by component, then property by property), each component run over all
        the nodes at once."""
        out: list[list[Result]] = [[] for _ in nodes]
        if not self.components and not self.properties:
            return out
        values = [self.value_nodes(data, focus) for focus in nodes]
        for component in self.components:
            for i, value in component.all_failures(data, nodes, values):
                zh, en, used = self.messages.fill({})
                out[i].append(_result(self, nodes[i], self.path, value, zh, en, used))
        for prop in self.properties:
            for found, more in zip(out, prop.core_results(data, nodes)):
                found += more
        return out

    def sparql_results(self, data: core.DataGraph, constraint: SparqlConstraint, focus) -> list[Result]:
        results, seen = [], set()
        for row in constraint.rows(data, focus):
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
        self._shared: dict = {}  # constraint node -> its SharedQuery (None: not shareable)

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
        shared = self.shared_query(node, query) if substitute else None
        return SparqlConstraint(shape.iri, query, substitute, messages, shared)

    def shared_query(self, node, query: str) -> SharedQuery | None:
        """The SharedQuery of a constraint that several active shapes use with their own
        ``$currentShape`` (None for one shape, or a query that cannot be shared)."""
        if node not in self._shared:
            users = sorted(str(s) for s in self.g.subjects(SH.sparql, node) if not self._deactivated(s))
            bound = _bind_shapes(query, users) if len(users) > 1 else None
            self._shared[node] = None if bound is None else SharedQuery(bound)
        return self._shared[node]


def _projects(query: str, variable: str) -> bool:
    """Whether the query accepts ``variable`` as a substitution (it projects it)."""
    try:
        ox.Store().query(query, substitutions={ox.Variable(variable): ox.NamedNode("urn:x")})
        return True
    except RuntimeError:
        return False


# what is not a query's structure: strings, IRIs, comments (blanked out to find its braces)
_LEXEMES = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                      r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_SHAPE_VARIABLE = re.compile(r"[?$]currentShape\b")
_SLICE = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE)


def _bind_shapes(query: str, shapes: list[str]) -> str | None:
    """``query`` with ``VALUES ?currentShape { <shape> … }`` opening its WHERE clause: the rows
    of every shape in one run, the same as pre-binding each in turn as long as the variable is
    used in the top-level group, the projection, GROUP BY or HAVING only (a sub-select or
    nested group would not see the VALUES as it sees a pre-bound value) and no LIMIT or OFFSET
    slices the rows of all shapes together. None when it is used elsewhere or the result
    does not parse."""
    masked = _LEXEMES.sub(lambda m: " " * len(m.group(0)), query)
    depth, depths = 0, []
    for ch in masked:
        depth += (ch == "{") - (ch == "}")
        depths.append(depth)
    if "{" not in masked or any(depths[m.start()] > 1 for m in _SHAPE_VARIABLE.finditer(masked)):
        return None
    if any(depths[m.start()] == 0 for m in _SLICE.finditer(masked)):
        return None
    start = masked.index("{") + 1
    values = "VALUES ?currentShape { " + " ".join(f"<{s}>" for s in shapes) + " } "
    bound = query[:start] + " " + values + query[start:]
    return bound if _parses(bound) else None


def _parses(query: str) -> bool:
    try:
        ox.Store().query(query)
        return True
    except (RuntimeError, SyntaxError, ValueError):
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
