"""Namespaces the export adds to :mod:`kg.namespaces` (publication vocabularies), the prefixes
its files use, and small helpers to build pyoxigraph terms."""

from __future__ import annotations

from datetime import date

from pyoxigraph import Literal, NamedNode, Triple

from kg.namespaces import DCAT, DCT, PREFIXES, RDF, RDFS, SKOS, VOID, XSD

FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
DCATAP = "http://data.europa.eu/r5r/"
SD = "http://www.w3.org/ns/sparql-service-description#"

#: prefixes of every exported RDF file and of context.jsonld
EXPORT_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "foaf": FOAF,
    "spdx": SPDX,
    "adms": ADMS,
    "dcatap": DCATAP,
    "sd": SD,
}

A = NamedNode(RDF + "type")


def n(namespace: str, local: str = "") -> NamedNode:
    return NamedNode(namespace + local)


def dcat(local: str) -> NamedNode:
    return NamedNode(DCAT + local)


def dct(local: str) -> NamedNode:
    return NamedNode(DCT + local)


def foaf(local: str) -> NamedNode:
    return NamedNode(FOAF + local)


def void(local: str) -> NamedNode:
    return NamedNode(VOID + local)


def typed(value, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def day(value: date) -> Literal:
    return typed(value.isoformat(), "date")


def text(value: str, lang: str | None = None) -> Literal:
    return Literal(value, language=lang) if lang else Literal(value)


class TripleList(list):
    """A list of triples with ``add(s, p, o)``; IRIs may be given as strings."""

    def add(self, s, p, o) -> None:
        self.append(Triple(_node(s), _node(p), _node(o)))


def _node(term):
    return NamedNode(term) if isinstance(term, str) else term


__all__ = ["A", "ADMS", "DCATAP", "EXPORT_PREFIXES", "FOAF", "RDFS", "SD", "SKOS", "SPDX", "TripleList"]
