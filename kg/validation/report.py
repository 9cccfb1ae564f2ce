"""Reports of findings: text for people, JSON for programs, Turtle (a SHACL validation report).

JSON keeps exactly the keys ``{"conforms": bool, "findings": [{"severity", "filing", "where",
"message", "values"}, …]}`` with ``message`` as "中文 / English". The Turtle report is an
``sh:ValidationReport`` whose ``sh:result`` nodes are the findings as ``findings_to_triples``
stores them, so a report and the stored findings read alike.
"""

from __future__ import annotations

import json
from itertools import groupby

import pyoxigraph as ox

from kg.namespaces import PREFIXES, XSD
from kg.validation.findings import Finding, has_violations, sort_findings
from kg.validation.terms import KGSH, KGV, SEVERITIES, SH, sh
from kg.validation.triples import finding_iris, finding_triples

FORMATS = ("text", "json", "turtle")


def format_findings(findings: list[Finding], fmt: str = "text") -> str:
    if fmt == "json":
        return format_json(findings)
    if fmt == "turtle":
        return format_turtle(findings)
    return format_text(findings)


def _place(where: dict) -> str:
    parts = []
    if where.get("table") is not None:
        parts.append(f"表{where['table']} table {where['table']}")
    if where.get("row") is not None:
        parts.append(f"row {where['row']}")
    if where.get("line") is not None:
        parts.append(f"line {where['line']}")
    return ", ".join(parts) or "filing"


def format_text(findings: list[Finding]) -> str:
    """Grouped by filing, then severity; each finding with its place, both messages and values."""
    if not findings:
        return "No findings: every filing conforms.\n"
    lines = []
    for filing, of_filing in groupby(sort_findings(findings), key=lambda f: f.filing):
        of_filing = list(of_filing)
        counts = ", ".join(f"{sum(f.severity == s for f in of_filing)} {s.lower()}s" for s in SEVERITIES)
        lines.append(f"{filing}  ({counts})")
        for severity, group in groupby(of_filing, key=lambda f: f.severity):
            lines.append(f"  {severity}")
            for f in group:
                lines.append(f"    [{_place(f.where)}] {f.check}")
                lines.append(f"      {f.message_zh}")
                if f.message_en != f.message_zh:
                    lines.append(f"      {f.message_en}")
                extra = {k: v for k, v in f.values.items() if k in ("value", "path", "also_at_lines")}
                if extra:
                    lines.append("      " + ", ".join(f"{k}={v}" for k, v in extra.items()))
        lines.append("")
    total = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    lines.append(", ".join(f"{n} {s.lower()}s" for s, n in total.items()))
    return "\n".join(lines) + "\n"


def format_json(findings: list[Finding]) -> str:
    doc = {"conforms": not has_violations(findings), "findings": [f.to_dict() for f in sort_findings(findings)]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def report_triples(findings: list[Finding]) -> list[ox.Triple]:
    """An sh:ValidationReport over ``findings`` (whose result nodes are the findings' IRIs)."""
    report = ox.BlankNode("report")
    out = [
        ox.Triple(report, ox.NamedNode(PREFIXES["rdf"] + "type"), sh("ValidationReport")),
        ox.Triple(report, sh("conforms"), ox.Literal(str(not has_violations(findings)).lower(),
                                                      datatype=ox.NamedNode(XSD + "boolean"))),
    ]
    ordered = sort_findings(findings)
    for f, iri in zip(ordered, finding_iris(ordered)):
        node = ox.NamedNode(iri)
        out.append(ox.Triple(report, sh("result"), node))
        out.extend(finding_triples(f, node))
    return list(dict.fromkeys(out))


def format_turtle(findings: list[Finding]) -> str:
    prefixes = {"sh": SH, "kgsh": KGSH, "kgv": KGV, **{k: PREFIXES[k] for k in ("kgo", "rdf", "xsd")}}
    data = ox.serialize(report_triples(findings), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return data.decode("utf-8")
