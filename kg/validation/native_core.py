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
    rdfs:subClassOf in the data, as SHACL's class-based targets and sh:class require)."""

    def __init__(self, db: ox.Store):
        self.db = db
        self._by_predicate: dict[str, dict[ox.Term, list[ox.Term]]] = {}
        self._types: dict[ox.Term, set[str]] | None = None
        self._superclasses: dict[str, set[str]] | None = None
        self._instances: dict[str, list] = {}

    def objects(self, subject, predicate: str) -> list:
        index = self._by_predicate.get(predicate)
        if index is None:
            index = defaultdict(list)
            for q in self.db.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph()):
                index[q.subject].append(q.object)
            self._by_predicate[predicate] = index
        return index.get(subject, [])

    def _classes(self, node) -> set[str]:
        if self._types is None:
            self._types = defaultdict(set)
            for q in self.db.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, ox.DefaultGraph()):
                self._types[q.subject].add(q.object.value)
        return self._types.get(node, set())

    def _supers(self, cls: str) -> set[str]:
        if self._superclasses is None:
            direct = defaultdict(set)
            for q in self.db.quads_for_pattern(None, ox.NamedNode(SUBCLASS_OF), None, ox.DefaultGraph()):
                direct[q.subject.value].add(q.object.value)
            self._superclasses = {}
            for start in list(direct):
                seen, todo = set(), [start]
                while todo:
                    for sup in direct.get(todo.pop(), ()):
                        if sup not in seen:
                            seen.add(sup)
                            todo.append(sup)
                self._superclasses[start] = seen
        return self._superclasses.get(cls, set())

    def is_instance(self, node, cls: str) -> bool:
        return any(c == cls or cls in self._supers(c) for c in self._classes(node))

    def instances(self, cls: str) -> list:
        if cls not in self._instances:
            self._classes(None)
            self._instances[cls] = [n for n, classes in self._types.items()
                                    if cls in classes or any(cls in self._supers(c) for c in classes)]
        return self._instances[cls]


class Component:
    """A core constraint component with its parameter values."""

    name = ""

    def failures(self, data: DataGraph, focus, values: list) -> list:
        """The value nodes at fault (``None``: the focus node as a whole)."""
        return [v for v in values if not self.accepts(data, v)]

    def accepts(self, data: DataGraph, value) -> bool:
        raise NotImplementedError


class MinCount(Component):
    name = "MinCountConstraintComponent"

    def __init__(self, n: int):
        self.n = n

    def failures(self, data, focus, values):
        return [None] if len(values) < self.n else []


class MaxCount(MinCount):
    name = "MaxCountConstraintComponent"

    def failures(self, data, focus, values):
        return [None] if len(values) > self.n else []


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
