"""Validating what a store holds: every filing graph on its own, then across filings."""

from __future__ import annotations

from kg.errors import KgError
from kg.namespaces import KGO
from kg.validation.cross import validate_cross_filing
from kg.validation.engine import validate_filing
from kg.validation.findings import Finding, sort_findings


def filings_in(store) -> list[dict[str, str]]:
    """The filings of a store: IRI and source file name, sorted by IRI."""
    rows = store.select(f"""SELECT ?g ?file WHERE {{ GRAPH ?g {{ ?g a <{KGO}Filing>
                            OPTIONAL {{ ?g <{KGO}sourceFile> ?file }} }} }} ORDER BY ?g""").rows
    return [{"iri": g.value, "file": f.value if f is not None else ""} for g, f in rows]


def resolve_filing(store, ident: str) -> str:
    """A filing's IRI from its IRI, a unique ending of it (``2021-budget``,
    ``xicheng-command-centre/2021-budget``) or its source file name."""
    filings = filings_in(store)
    exact = [f["iri"] for f in filings if ident in (f["iri"], f["file"])]
    matches = exact or [f["iri"] for f in filings if f["iri"].endswith("/" + ident.strip("/"))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise KgError(f"no filing {ident!r} in the store (kg stats lists them)")
    raise KgError(f"{ident!r} names {len(matches)} filings: " + ", ".join(matches))


def validate_store(store, filings: list[str] | None = None, engine: str = "native") -> list[Finding]:
    """Per-filing validation of ``filings`` (default every filing) with ``engine``, then the
    cross-filing check."""
    targets = filings if filings is not None else [f["iri"] for f in filings_in(store)]
    findings: list[Finding] = []
    for filing in targets:
        findings.extend(validate_filing(store, filing, engine=engine))
    findings.extend(validate_cross_filing(store, filings))  # None: one unrestricted pass
    return sort_findings(findings)
