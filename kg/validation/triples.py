"""Findings as RDF: ``kgo:Finding`` resources stored in the filing's own graph.

Each finding is also a ``sh:ValidationResult`` (severity, source shape, focus node, messages
in Chinese and English), with the filing, its place (``kgo:tableNumber``, ``kgo:rowLine``,
``kgo:line``) and the values involved as ``rdf:JSON``. IRIs are deterministic
(``<filing>/finding/<hash of check, severity, focus and place>``), so validating the same
graph twice yields the same findings at the same IRIs.

    SELECT ?filing ?line ?message WHERE {
      ?f a kgo:Finding ; kgo:filing ?filing ; sh:resultSeverity sh:Violation ;
         sh:resultMessage ?message . OPTIONAL { ?f kgo:line ?line } FILTER(LANG(?message) = "en") }
"""

from __future__ import annotations

import hashlib
import json

from pyoxigraph import Literal, NamedNode, Triple

from kg.mapping import int_literal
from kg.namespaces import KGO, RDF
from kg.validation.findings import Finding
from kg.validation.terms import KGSH, sh

_A = NamedNode(RDF + "type")
_RDF_JSON = NamedNode(RDF + "JSON")
_PLACES = {"table": "tableNumber", "row": "rowLine", "line": "line"}


def finding_iri(finding: Finding) -> str:
    """``<filing>/finding/<hash>`` of what the finding is about: check, severity, focus node and
    place (not the message, whose lists may come in any order)."""
    where = [finding.where.get(k) for k in ("table", "row", "line")]
    key = json.dumps([finding.check, finding.severity, finding.focus, where], ensure_ascii=False)
    return f"{finding.filing}/finding/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def finding_iris(findings: list[Finding]) -> list[str]:
    """The IRI of each finding; two findings about the same thing (one whole, two ways of
    adding it up) get ``-2``, ``-3`` … in the order of their English messages."""
    order = sorted(range(len(findings)), key=lambda i: (finding_iri(findings[i]), findings[i].message_en))
    iris: list[str] = [""] * len(findings)
    seen: dict[str, int] = {}
    for i in order:
        base = finding_iri(findings[i])
        seen[base] = seen.get(base, 0) + 1
        iris[i] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return iris


def finding_triples(finding: Finding, node: NamedNode | None = None) -> list[Triple]:
    """The triples describing one finding (at ``node``, default its deterministic IRI)."""
    node = node or NamedNode(finding_iri(finding))
    out = [
        Triple(node, _A, NamedNode(KGO + "Finding")),
        Triple(node, _A, sh("ValidationResult")),
        Triple(node, NamedNode(KGO + "filing"), NamedNode(finding.filing)),
        Triple(node, sh("resultSeverity"), sh(finding.severity)),
        Triple(node, sh("sourceShape"), NamedNode(KGSH + (finding.check or "Finding"))),
        Triple(node, sh("resultMessage"), Literal(finding.message_zh, language="zh")),
        Triple(node, sh("resultMessage"), Literal(finding.message_en, language="en")),
        Triple(node, NamedNode(KGO + "values"),
               Literal(json.dumps(finding.values, ensure_ascii=False, sort_keys=True), datatype=_RDF_JSON)),
    ]
    if finding.focus.startswith(("http://", "https://", "urn:")):
        out.append(Triple(node, sh("focusNode"), NamedNode(finding.focus)))
    for key, prop in _PLACES.items():
        if finding.where.get(key) is not None:
            out.append(Triple(node, NamedNode(KGO + prop), int_literal(finding.where[key])))
    return out


def findings_to_triples(findings: list[Finding], filing_graph: str) -> list[Triple]:
    """The triples of the findings about ``filing_graph``, to store in that graph."""
    mine = [f for f in findings if f.filing == filing_graph]
    out: list[Triple] = []
    for finding, iri in zip(mine, finding_iris(mine)):
        out.extend(finding_triples(finding, NamedNode(iri)))
    return list(dict.fromkeys(out))
