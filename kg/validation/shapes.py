"""The shapes (shapes/*.ttl), their message templates, and the vocabulary a filing needs.

Loaded once per process. pyshacl fills a SPARQL constraint's ``{?var}`` placeholders but
drops the language tag of the message, so ``MessageTemplates`` matches each result message
back to its template: that tells Chinese from English and recovers the values the query
bound (the figures, the difference, the tolerance) for ``Finding.values``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from kg.paths import ONTOLOGY_DIR, SHAPES_DIR

LAYERS = ("structure", "arithmetic", "completeness")
PREFIX_FILE = "prefixes.ttl"
TEMPLATE_FILE = SHAPES_DIR / "template.ttl"  # data the completeness shapes query
CLASSIFICATION_FILE = ONTOLOGY_DIR / "classification.ttl"
PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")  # {?var} / {$var} in an sh:message


def shape_files(layers: tuple[str, ...] = LAYERS) -> list[Path]:
    return [SHAPES_DIR / PREFIX_FILE] + [SHAPES_DIR / f"{layer}.ttl" for layer in layers]


@lru_cache(maxsize=4)
def shapes_graph(layers: tuple[str, ...] = LAYERS) -> rdflib.Graph:
    """The shapes of the given layers as one rdflib graph (cached; do not modify)."""
    g = rdflib.Graph()
    for path in shape_files(layers):
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=8)
def shapes_part(layers: tuple[str, ...], part: str) -> rdflib.Graph:
    """The ``"core"`` or the ``"sparql"`` shapes of ``layers``: the same graph with the targets
    of the other part's node shapes removed, so each part can run on the engine that suits it
    (core constraints on rdflib's in-memory graph, SPARQL constraints on Oxigraph)."""
    full = shapes_graph(layers)
    sparql = set(full.subjects(SH.sparql, None))
    g = rdflib.Graph()
    for s, p, o in full:
        if p == SH.targetClass and ((s in sparql) != (part == "sparql")):
            continue
        g.add((s, p, o))
    return g


@lru_cache(maxsize=8)
def core_predicates(layers: tuple[str, ...] = LAYERS) -> frozenset[str]:
    """The predicates the core shapes look at (their sh:path values, plus rdf:type for targets
    and sh:class): the only triples the core part needs to see."""
    g = shapes_part(layers, "core")
    return frozenset({str(RDF.type)} | {str(o) for o in g.objects(None, SH.path) if isinstance(o, rdflib.URIRef)})


@dataclass(frozen=True)
class Template:
    lang: str
    text: str
    pattern: re.Pattern

    def match(self, message: str) -> dict[str, str] | None:
        m = self.pattern.fullmatch(message)
        return None if m is None else {k: v for k, v in m.groupdict().items()}


def _compile(text: str) -> re.Pattern:
    parts, seen, pos = [], set(), 0
    for m in PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[pos:m.start()]))
        name = m.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts), re.DOTALL)


class MessageTemplates:
    """The sh:message templates of every shape (its own and its SPARQL constraints')."""

    def __init__(self, graph: rdflib.Graph):
        self.by_shape: dict[str, list[Template]] = {}
        shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
        for shape in shapes:
            sources = [shape] + list(graph.objects(shape, SH.sparql))
            templates = []
            for source in sources:
                for msg in graph.objects(source, SH.message):
                    if isinstance(msg, rdflib.Literal):
                        templates.append(Template(msg.language or "en", str(msg), _compile(str(msg))))
            self.by_shape[str(shape)] = templates

    def read(self, shape: str, messages: list) -> tuple[str, str, dict[str, str]]:
        """(Chinese message, English message, bound values) of one result. ``messages`` are
        the result's sh:resultMessage literals: a core constraint's keep their language tag,
        a SPARQL constraint's lost it and are matched to their template."""
        zh = en = ""
        values: dict[str, str] = {}
        templates = self.by_shape.get(shape, [])
        for message in messages:
            lang = getattr(message, "language", None)
            message = str(message)
            if lang in ("zh", "en"):
                zh, en = (message, en) if lang == "zh" else (zh, message)
                continue
            for t in templates:
                found = t.match(message)
                if found is None:
                    continue
                values.update(found)
                if t.lang == "zh":
                    zh = message
                else:
                    en = message
                break
            else:  # pyshacl's own wording (core constraints without sh:message)
                en = en or message
        return zh or en, en or zh, values


@lru_cache(maxsize=4)
def message_templates(layers: tuple[str, ...] = LAYERS) -> MessageTemplates:
    return MessageTemplates(shapes_graph(layers))


class Vocabulary:
    """The classification schemes (ontology/classification.ttl), indexed by concept, so a
    filing's validation graph gets only the concepts it uses (and the scheme nodes)."""

    def __init__(self, path: Path = CLASSIFICATION_FILE):
        self.by_subject: dict[str, list[ox.Triple]] = {}
        self.by_label: dict[str, set[str]] = {}  # a name (without spaces) -> concepts with that label
        self.schemes: list[ox.Triple] = []
        if not path.exists():
            return
        scheme_type = ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme")
        rdf_type = ox.NamedNode(str(RDF.type))
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            t = quad.triple
            if isinstance(t.subject, ox.NamedNode):
                self.by_subject.setdefault(t.subject.value, []).append(t)
                if t.predicate == rdf_type and t.object == scheme_type:
                    self.schemes.append(t)
                if t.predicate.value in _LABELS:
                    self.by_label.setdefault(_squash(t.object.value), set()).add(t.subject.value)

    def triples_for(self, concepts, names=()) -> list[ox.Triple]:
        """The scheme nodes, the ``concepts`` and the concepts labelled with one of ``names``."""
        wanted = set(concepts)
        for name in names:
            wanted |= self.by_label.get(_squash(name), set())
        out = list(self.schemes)
        for c in sorted(wanted):
            out.extend(self.by_subject.get(c, ()))
        return out


_LABELS = {"http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#altLabel"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary()


@lru_cache(maxsize=1)
def template_triples() -> tuple[ox.Triple, ...]:
    """The disclosure template (shapes/template.ttl), which completeness.ttl queries as data."""
    return tuple(q.triple for q in ox.parse(path=str(TEMPLATE_FILE), format=ox.RdfFormat.TURTLE))
