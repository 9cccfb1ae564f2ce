"""SHACL core constraint components, evaluated on a pyoxigraph store (kg.validation.native).

Each component is compiled from a shape's parameters into a small object that, given a
focus node's value nodes, returns the values at fault (``None`` for a result about the
focus node as a whole, as minCount and maxCount report). Semantics follow the SHACL
recommendation (https://www.w3.org/TR/shacl/#core-components-value-type and on); only the
components kg's shapes need are here, and compiling any other is an error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_LEXICAL = {  # well-formed lexical forms of the datatypes SPARQL knows (an ill-typed literal fails sh:datatype)
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "date": re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"),
    XSD + "gYear": re.compile(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?"),
}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
                               "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                               "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


class DataGraph:
    """Read access to the default graph of an in-memory pyoxigraph store, indexed on first
    use: the objects of each predicate by subject, and the instances of each class (with
    rdfs:subClassOf in the data, as SHACL's class-based targets and sh:class require).
    ``memo`` keeps what several shapes share for this store (kg.validation.native)."""

    def __init__(self, db: ox.Store):
        self.db = db
        self.memo: dict = {}
        self._by_predicate: dict[str, dict[ox.Term, list[ox.Term]]] = {}
        self._subclasses: dict[str, set[str]] | None = None
        self._instances: dict[str, list] = {}
        self._instance_sets: dict[str, set] = {}

    def index(self, predicate: str) -> dict[ox.Term, list[ox.Term]]:
        """The objects of ``predicate`` by subject."""
        index = self._by_predicate.get(predicate)
        if index is None:
            index = self._by_predicate[predicate] = {}
            for q in self.db.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph()):
                index.setdefault(q.subject, []).append(q.object)
        return index

    def objects(self, subject, predicate: str) -> list:
        return self.index(predicate).get(subject, [])

    def _subclasses_of(self, cls: str) -> set[str]:
        """The classes below ``cls`` (rdfs:subClassOf, transitively)."""
        if self._subclasses is None:
            direct = defaultdict(set)
            for q in self.db.quads_for_pattern(None, ox.NamedNode(SUBCLASS_OF), None, ox.DefaultGraph()):
                direct[q.object.value].add(q.subject.value)
            self._subclasses = {start: _reachable(direct, start) for start in direct}
        return self._subclasses.get(cls, set())

    def is_instance(self, node, cls: str) -> bool:
        if cls not in self._instance_sets:
            self._instance_sets[cls] = set(self.instances(cls))
        return node in self._instance_sets[cls]

    def instances(self, cls: str) -> list:
        """The nodes typed ``cls`` or one of its subclasses (read class by class: the shapes
        target under half of a filing's typed nodes)."""
        if cls not in self._instances:
            nodes: dict = {}
            for c in [cls] + sorted(self._subclasses_of(cls)):
                for q in self.db.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(c), ox.DefaultGraph()):
                    nodes[q.subject] = None
            self._instances[cls] = list(nodes)
        return self._instances[cls]


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


class Component:
    """A core constraint component with its parameter values."""

    name = ""

    def failures(self, data: DataGraph, focus, values: list) -> list:
        """The value nodes at fault (``None``: the focus node as a whole)."""
        return [v for v in values if not self.accepts(data, v)]

    def all_failures(self, data: DataGraph, nodes: list, values: list[list]) -> list[tuple[int, object]]:
        """(index of the focus node, value at fault) over ``nodes`` and their ``values``, in
        order: ``failures`` for many focus nodes in one call, each distinct value tested once
        (a filing's observations share their year, phase, unit, tolerance)."""
        verdicts: dict = {}
        out = []
        for i, vs in enumerate(values):
            for v in vs:
                accepted = verdicts.get(v)
                if accepted is None:
                    accepted = verdicts[v] = self.accepts(data, v)
                if not accepted:
                    out.append((i, v))
        return out

    def accepts(self, data: DataGraph, value) -> bool:
        raise NotImplementedError


class MinCount(Component):
    name = "MinCountConstraintComponent"

    def __init__(self, n: int):
        self.n = n

    def failures(self, data, focus, values):
        return [None] if self.wrong(len(values)) else []

    def all_failures(self, data, nodes, values):
        return [(i, None) for i, vs in enumerate(values) if self.wrong(len(vs))]

    def wrong(self, count: int) -> bool:
        return count < self.n


class MaxCount(MinCount):
    name = "MaxCountConstraintComponent"

    def wrong(self, count: int) -> bool:
        return count > self.n


class Datatype(Component):
    name = "DatatypeConstraintComponent"

    def __init__(self, datatype: str):
        self.datatype = datatype
        self.lexical = _LEXICAL.get(datatype)

    def accepts(self, data, value) -> bool:
        if not isinstance(value, ox.Literal):
            return False
        actual = LANG_STRING if value.language else value.datatype.value
        return actual == self.datatype and (self.lexical is None or self.lexical.fullmatch(value.value) is not None)


class NodeKind(Component):
    name = "NodeKindConstraintComponent"
    KINDS = {"IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
             "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
             "IRIOrLiteral": (ox.NamedNode, ox.Literal)}

    def __init__(self, kind: str):
        self.types = self.KINDS[kind.removeprefix(SH)]

    def accepts(self, data, value) -> bool:
        return isinstance(value, self.types)


class Pattern(Component):
    name = "PatternConstraintComponent"

    def __init__(self, pattern: str, flags: str = ""):
        self.regex = re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
                                | (re.S if "s" in flags else 0) | (re.X if "x" in flags else 0))

    def accepts(self, data, value) -> bool:
        return not isinstance(value, ox.BlankNode) and self.regex.search(value.value) is not None


class Class(Component):
    name = "ClassConstraintComponent"

    def __init__(self, cls: str):
        self.cls = cls

    def accepts(self, data, value) -> bool:
        return not isinstance(value, ox.Literal) and data.is_instance(value, self.cls)


class In(Component):
    name = "InConstraintComponent"

    def __init__(self, members: list):
        self.members = set(members)

    def accepts(self, data, value) -> bool:
        return value in self.members


class Range(Component):
    """sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive on numbers."""

    TESTS = {"minInclusive": lambda v, b: v >= b, "maxInclusive": lambda v, b: v <= b,
             "minExclusive": lambda v, b: v > b, "maxExclusive": lambda v, b: v < b}

    def __init__(self, which: str, bound: ox.Literal):
        self.name = which[0].upper() + which[1:] + "ConstraintComponent"
        self.test = self.TESTS[which]
        self.bound = _number(bound)
        if self.bound is None:
            raise ValueError(f"sh:{which} {bound} is not a number (only numeric ranges are supported)")

    def accepts(self, data, value) -> bool:
        number = _number(value)
        return number is not None and self.test(number, self.bound)


def _number(term) -> Decimal | None:
    if not isinstance(term, ox.Literal) or term.datatype.value not in _NUMERIC:
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


class Or(Component):
    """sh:or: the value conforms to at least one of the member shapes (kg.validation.native.Shape)."""

    name = "OrConstraintComponent"

    def __init__(self, shapes: list):
        self.shapes = shapes

    def accepts(self, data, value) -> bool:
        return any(shape.conforms(data, value) for shape in self.shapes)
