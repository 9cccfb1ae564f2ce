"""Options shared by many commands: one decorator each, so every command spells them alike."""

from __future__ import annotations

import click


def format_option(*choices: str, default: str | None = None):
    """``--format`` with the given choices; the first is the default unless one is named."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default or choices[0],
        show_default=True, help="Output format.",
    )


def store_option(f):
    """``--store``: an embedded store directory (default ./kg-store) or a SPARQL server's URL."""
    return click.option(
        "--store", "store_location", envvar="KG_STORE", default="kg-store", show_default=True,
        metavar="DIR|URL", help="Store to use: a directory (embedded store) or the http(s) URL of a SPARQL server "
             "(settings: KG_SERVER, KG_USER … or ~/.config/kg/config.toml) (env KG_STORE).",
    )(f)


def base_iri_option(f):
    """``--base-iri``: the base of every IRI kg mints for instance data."""
    from kg.namespaces import DEFAULT_BASE

    return click.option(
        "--base-iri", envvar="KG_BASE_IRI", default=DEFAULT_BASE, show_default=True,
        help="Base IRI for filings, organisations and observations (env KG_BASE_IRI).",
    )(f)
