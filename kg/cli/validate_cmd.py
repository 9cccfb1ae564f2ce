"""``kg validate``: check the filings in a store against the shapes, and across filings."""

from __future__ import annotations

import sys

import click

from kg.cli.options import format_option, store_option
from kg.errors import KgError
from kg.store import open_store
from kg.validation.engine import ENGINES
from kg.validation import (
    FORMATS,
    format_findings,
    has_violations,
    resolve_filing,
    validate_store,
)


@click.command()
@click.option("--filing", "filing_id", metavar="ID",
              help="Validate one filing: its IRI, a unique end of it (xicheng-command-centre/2021-budget) "
                   "or its source file name.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), default="native", show_default=True,
              help="Who runs the shapes: kg's own engine on Oxigraph (fast), or pyshacl (the reference; "
                   "the same findings, several times slower).")
@format_option(*FORMATS)
@store_option
def validate(filing_id: str | None, engine: str, fmt: str, store_location: str) -> None:
    """Validate the store: each filing against the structure, arithmetic and completeness
    shapes (shapes/*.ttl), then what filings state about the previous year against that
    year's own filing and what a 决算 states of the year's budget against that year's 部门预算
    (shapes/cross/).

    Findings are violations, warnings (gaps within rounding, with the tolerance stated) and
    infos (missing template parts). Exit status 0 without violations, 1 with, 2 on usage errors.

    \b
    Example:
        kg validate
        kg validate --filing xicheng-command-centre/2021-budget --format json
    """
    with open_store(store_location, read_only=True) as store:
        try:
            filings = [resolve_filing(store, filing_id)] if filing_id else None
        except KgError as exc:
            raise click.BadParameter(str(exc), param_hint="--filing") from None
        findings = validate_store(store, filings, engine)
    click.echo(format_findings(findings, fmt), nl=False)
    if has_violations(findings):
        sys.exit(1)
