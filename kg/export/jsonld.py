"""JSON-LD files with a stable, local context.

Every JSON-LD file kg exports is compacted against one context, written once as
``context.jsonld`` and embedded, identical, in each file: a reader needs no network to parse
any of them (a context referenced by URL would be fetched by most JSON-LD processors, and
pyoxigraph's parser does not fetch at all). The context only declares prefixes
(``kgo:``, ``dct:``, ``dcat:`` …), so the JSON stays close to the Turtle.

The writer is a plain compactor over triples (node objects grouped by subject, values as
JSON-LD value objects), sorted so that the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable

from pyoxigraph import BlankNode, Literal, Triple

from kg.export.terms import EXPORT_PREFIXES
from kg.namespaces import RDF, XSD

CONTEXT_FILE = "context.jsonld"
_RDF_TYPE = RDF + "type"
_XSD_STRING = XSD + "string"


def context() -> dict:
    """The ``@context`` object every exported JSON-LD file uses."""
    return dict(sorted(EXPORT_PREFIXES.items()))


def context_document() -> bytes:
    """The bytes of ``context.jsonld``."""
    return (json.dumps({"@context": context()}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class Compactor:
    """Shortens IRIs to ``prefix:local`` with the context's prefixes, longest namespace first."""

    def __init__(self, prefixes: dict[str, str]):
        self._prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: str) -> str:
        for prefix, namespace in self._prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                # "p://x" would read as an absolute IRI; an empty local part as the prefix itself
                if local and not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri

    def node_id(self, term) -> str:
        return f"_:{term.value}" if isinstance(term, BlankNode) else self.iri(term.value)

    def value(self, term) -> dict | str:
        if isinstance(term, Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == _XSD_STRING:
                return term.value
            return {"@value": term.value, "@type": self.iri(term.datatype.value)}
        return {"@id": self.node_id(term)}


def _sort_key(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def jsonld_document(triples: Iterable[Triple]) -> bytes:
    """A compacted JSON-LD document (``@context`` + ``@graph``) holding exactly ``triples``."""
    ctx = context()
    c = Compactor(ctx)
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        node = nodes[c.node_id(t.subject)]
        if t.predicate.value == _RDF_TYPE and not isinstance(t.object, Literal):
            node["@type"].append(c.node_id(t.object))
        else:
            node[c.iri(t.predicate.value)].append(c.value(t.object))
    lines = []
    for node_id in sorted(nodes):
        props = nodes[node_id]
        node: dict = {"@id": node_id}
        for key in sorted(props, key=lambda k: (k != "@type", k)):
            node[key] = sorted(props[key], key=_sort_key)
        lines.append(json.dumps(node, ensure_ascii=False, sort_keys=False))
    head = json.dumps(ctx, ensure_ascii=False)
    body = ",\n".join(lines)
    return f'{{"@context": {head},\n"@graph": [\n{body}\n]}}\n'.encode("utf-8")


__all__ = ["CONTEXT_FILE", "Compactor", "context", "context_document", "jsonld_document"]
