"""Namespaces of the validation layer.

``kgsh:`` names the shapes (shapes/*.ttl); ``kgv:`` names the helper statements that
``kg.validation.derive`` adds to a filing's graph *for validation only* (they are never
stored): the label, share and parent a sentence gives a figure, what a table cell measures,
the year a column is about. They are kept apart from the ontology on purpose: when the
mapper emits equivalents, derive.py shrinks and the shapes keep working.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

KGSH = "https://w3id.org/kg/shapes#"
KGV = "https://w3id.org/kg/validation#"
SH = "http://www.w3.org/ns/shacl#"

SEVERITIES = ("Violation", "Warning", "Info")  # most severe first


def kgv(local: str) -> NamedNode:
    return NamedNode(KGV + local)


def sh(local: str) -> NamedNode:
    return NamedNode(SH + local)
