"""Validation results as either engine reports them, and the findings made from them.

Both engines (kg.validation.native, which runs the shapes itself on pyoxigraph, and
kg.validation.pyshacl_engine, which runs pyshacl) describe each SHACL validation result as a
``Result``; ``findings_from_results`` turns them into ``Finding``s the same way for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.validation.findings import Finding, sort_findings


@dataclass(frozen=True)
class Result:
    """One SHACL validation result: the shape (IRI) that produced it, its severity (local
    name: Violation/Warning/Info), focus node, result path and value node (as strings; the
    value is an IRI when ``value_is_iri``), the messages in Chinese and English, and the
    values the message was filled with."""

    shape: str
    severity: str
    focus: str
    path: str | None
    value: str | None
    value_is_iri: bool
    message_zh: str
    message_en: str
    values: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def anchor(self) -> str:
        """Where the finding is placed: its value node when a SPARQL constraint reports one
        (the figure at fault), else its focus node (the node a property shape found wanting)."""
        return self.value if self.path is None and self.value_is_iri else self.focus


def findings_from_results(results: list[Result], filing: str, locate) -> list[Finding]:
    """Findings, sorted, one per problem. ``locate(nodes)`` gives each node's place."""
    places = locate(sorted({r.anchor for r in results}))
    findings = []
    for r in results:
        values = dict(r.values)
        if r.path is not None:
            values.setdefault("path", r.path)
            if r.value is not None:
                values.setdefault("value", r.value)
        findings.append(Finding(r.severity, filing, places.get(r.anchor, {}), r.message_zh, r.message_en, values,
                                check=r.shape.rsplit("#", 1)[-1], focus=r.anchor))
    return merge_repeats(sort_findings(findings))


def merge_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: a filing that repeats a sentence (or a figure in two
    sentences) yields the same message at several lines; keep the first and list the others
    under ``values["also_at_lines"]``."""
    kept: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.check, f.severity, f.message_zh, f.message_en, f.where.get("table"), tuple(sorted(f.values.items())))
        first = kept.get(key)
        if first is None:
            kept[key] = f
        elif f.where.get("line") is not None and f.where.get("line") != first.where.get("line"):
            lines = [x for x in str(first.values.get("also_at_lines", "")).split(",") if x]
            first.values["also_at_lines"] = ",".join(lines + [str(f.where["line"])])
    return list(kept.values())
