"""Validation as filings are loaded (used by kg.loading.Loader).

Each filing is validated on its own triples before they are written. Its findings become
triples of its graph (written in the same atomic replacement), with its side of the
cross-filing checks (kg.validation.cross_keys); with ``strict`` a filing with violations is not
written at all and the load result says why.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pyoxigraph import Triple

from kg.namespaces import KGO
from kg.paths import ROOT, SHAPES_DIR
from kg.validation.cross_keys import side_and_validation_store, side_triple
from kg.validation.engine import validate_validation_store
from kg.validation.findings import Finding
from kg.validation.terms import SH
from kg.validation.triples import findings_to_triples


def _validation_version() -> str:
    """A hash of the shapes and the validation code: when they change, graphs are revalidated."""
    digest = hashlib.sha256()
    shapes = sorted(SHAPES_DIR.glob("*.ttl")) + sorted(SHAPES_DIR.rglob("*.rq"))
    for path in shapes + sorted((ROOT / "kg" / "validation").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


VALIDATION_VERSION = _validation_version()


@dataclass
class Verdict:
    findings: list[Finding] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)  # the findings and cross-filing side, to store with the filing
    reason: str = ""  # why a strict load rejects the filing; empty when it may be written

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in ("Violation", "Warning", "Info")}


def check_filing(graph: str, triples: list[Triple], strict: bool = False) -> Verdict:
    """Validate a filing's triples before they are written, and read its side of the
    cross-filing checks from the same validation store."""
    side, db = side_and_validation_store(triples, graph)
    findings = validate_validation_store(db, graph)
    violations = [f for f in findings if f.severity == "Violation"]
    reason = ""
    if strict and violations:
        first = violations[0]
        line = first.where.get("line")
        reason = (f"{len(violations)} violation(s); first" + (f" at line {line}" if line else "")
                  + f": {first.message_en}")
    stored = findings_to_triples(findings, graph) + ([side_triple(side)] if side is not None else [])
    return Verdict(findings, stored, reason)


def stored_violations(store, graph: str) -> int:
    """How many violations the findings stored in ``graph`` record."""
    rows = store.select(f"""SELECT (COUNT(?f) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?f a <{KGO}Finding> ; <{SH}resultSeverity> <{SH}Violation> }} }}""").rows
    return int(rows[0][0].value) if rows else 0
