"""The ``kg`` command line. Each command lives in a module named after its noun and only
parses options, calls the library and formats output; library errors (KgError) become
one-line messages with exit status 1 here, at the edge. Usage errors exit with 2."""

from __future__ import annotations

import sys

import click

from kg import __version__
from kg.errors import KgError


class KgGroup(click.Group):
    """Turns user-facing errors into ``kg: error: …`` and exit status 1, without a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: a knowledge graph of Chinese government department budget disclosures.

    Reads 部门预算 / 部门决算 filings, recovers every table and stated figure with the line
    it came from, and (in later commands) loads them into an RDF store with their lineage.
    """


def _register_commands() -> None:
    from kg.cli import parse_cmd, query_cmd, store_cmds

    main.add_command(parse_cmd.parse)
    main.add_command(store_cmds.load)
    main.add_command(store_cmds.stats)
    main.add_command(store_cmds.dump)
    main.add_command(query_cmd.query)
    main.add_command(query_cmd.queries)
    from kg.cli.export_cmd import export
    main.add_command(export)
    from kg.cli.serve_cmd import serve
    main.add_command(serve)
    from kg.cli.validate_cmd import validate
    main.add_command(validate)


_register_commands()
