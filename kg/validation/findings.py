"""A finding: one problem found in one filing, where it is and what a person can do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.validation.terms import SEVERITIES


@dataclass
class Finding:
    """One validation result.

    ``severity`` is ``Violation``, ``Warning`` or ``Info``; ``filing`` the filing's IRI;
    ``where`` holds ``table`` (number), ``row`` (line of the row) and ``line`` (line of the
    figure or sentence) when known; ``values`` the figures involved, the difference and the
    tolerance (strings, amounts in yuan). ``check`` names the shape that found it and
    ``focus`` the node it is about (an observation, a comparison, the filing)."""

    severity: str
    filing: str
    where: dict[str, int | None]
    message_zh: str
    message_en: str
    values: dict[str, Any] = field(default_factory=dict)
    check: str = ""
    focus: str = ""

    @property
    def message(self) -> str:
        """Both languages, Chinese first."""
        return f"{self.message_zh} / {self.message_en}"

    def sort_key(self) -> tuple:
        line = self.where.get("line") or self.where.get("row") or 0
        return (self.filing, SEVERITIES.index(self.severity), line, self.check, self.focus, self.message_en)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (keys exactly: severity, filing, where, message, values)."""
        return {
            "severity": self.severity,
            "filing": self.filing,
            "where": {k: self.where.get(k) for k in ("table", "row", "line")},
            "message": self.message,
            "values": dict(self.values),
        }


def has_violations(findings: list[Finding]) -> bool:
    return any(f.severity == "Violation" for f in findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
