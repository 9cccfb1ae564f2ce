"""Validation of filings against kg's SHACL shapes (shapes/*.ttl) and across filings.

``validate_filing`` checks ONE filing's graph (structure, arithmetic, completeness) with kg's
own SHACL engine (or pyshacl); ``validate_cross_filing`` compares, over a store, what a
filing states about the previous year with the previous year's own filing, and
what a 决算 states of the year's budget with that year's 部门预算. Both return ``Finding``s;
``findings_to_triples`` turns them into ``kgo:Finding`` resources stored with the filing, and
``format_findings`` writes them as text, JSON or a SHACL validation report in Turtle.
``validate_store`` does both for every filing of a store.
"""

from kg.validation.cross import validate_cross_filing
from kg.validation.engine import validate_filing
from kg.validation.findings import Finding, has_violations, sort_findings
from kg.validation.report import (
    FORMATS,
    format_findings,
    format_json,
    format_text,
    format_turtle,
)
from kg.validation.store import filings_in, resolve_filing, validate_store
from kg.validation.triples import findings_to_triples

__all__ = [
    "FORMATS", "Finding", "filings_in", "findings_to_triples", "format_findings", "format_json",
    "format_text", "format_turtle", "has_violations", "resolve_filing", "sort_findings",
    "validate_cross_filing", "validate_filing", "validate_store",
]
