"""``kg parse``: read filings and print what was recovered."""

from __future__ import annotations

import json
import sys

import click

from kg.cli.options import format_option
from kg.errors import FilingError
from kg.parsing import parse_file
from kg.summary import summarise


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@format_option("summary", "json")
def parse(files: tuple[str, ...], fmt: str) -> None:
    """Parse budget filings and print a summary or the full typed record.

    Every file is parsed; a file that cannot be read or is not a filing gets a one-line
    message and makes the exit status 1, the others are still reported.

    \b
    Example:
        kg parse filings/xicheng/*.txt
        kg parse --format json filings/xicheng/003_1a17e53dc63c4bde.txt > 2019.json
    """
    records = []
    failed = False
    for path in files:
        try:
            filing = parse_file(path)
        except FilingError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            failed = True
            continue
        if fmt == "json":
            records.append(filing.to_dict())
        else:
            click.echo(summarise(filing))
    if fmt == "json" and records:
        click.echo(json.dumps(records if len(files) > 1 else records[0], ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)
