"""RDF documents the export builds itself (catalogue, VoID, organisation descriptions):
Turtle grouped by subject with only the prefixes it uses, and its JSON-LD twin."""

from __future__ import annotations

from typing import Iterable

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from kg.export.files import Folder
from kg.export.jsonld import jsonld_document
from kg.export.terms import EXPORT_PREFIXES


def unique_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Each triple once, grouped by subject (first-seen order otherwise kept)."""
    unique = list(dict.fromkeys(triples))
    return sorted(unique, key=lambda t: str(t.subject))


def used_prefixes(triples: list[Triple]) -> dict[str, str]:
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, Literal)}
    return {p: ns for p, ns in EXPORT_PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def turtle_document(triples: list[Triple]) -> bytes:
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=used_prefixes(triples))


def write_turtle(folder: Folder, path: str, triples: Iterable[Triple]) -> list[Triple]:
    """Write ``path`` (.ttl); returns the triples written."""
    unique = unique_triples(triples)
    folder.write_bytes(path, turtle_document(unique), quads=len(unique))
    return unique


def write_turtle_and_jsonld(folder: Folder, base: str, triples: Iterable[Triple]) -> None:
    """Write ``base.ttl`` and ``base.jsonld`` holding the same triples."""
    unique = write_turtle(folder, base + ".ttl", triples)
    folder.write_bytes(base + ".jsonld", jsonld_document(unique), quads=len(unique))
