"""The ``kg`` command line. Each command lives in a module named after its noun and only
parses options, calls the library and formats output; library errors (KgError) become
one-line messages with exit status 1 here, at the edge. Usage errors exit with 2."""

from __future__ import annotations

import importlib
import sys

import click

from kg import __version__
from kg.errors import KgError


#: Each command and where it lives; modules are imported only when their command runs,
#: so ``kg parse`` does not pay for the store, validation and export libraries.
COMMANDS = {
    "parse": "kg.cli.parse_cmd:parse",
    "load": "kg.cli.store_cmds:load",
    "stats": "kg.cli.store_cmds:stats",
    "dump": "kg.cli.store_cmds:dump",
    "query": "kg.cli.query_cmd:query",
    "queries": "kg.cli.query_cmd:queries",
    "validate": "kg.cli.validate_cmd:validate",
    "export": "kg.cli.export_cmd:export",
    "serve": "kg.cli.serve_cmd:serve",
}


class KgGroup(click.Group):
    """Loads commands lazily and turns user-facing errors into ``kg: error: …`` and exit
    status 1, without a traceback."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx, name: str):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

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
