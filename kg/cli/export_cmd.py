"""``kg export``: write a publishable linked-data folder (and optionally push it to CKAN)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import store_option
from kg.export import DEFAULT_LICENCE, ExportConfig, export_folder
from kg.namespaces import DEFAULT_BASE
from kg.store import open_store


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@store_option
@click.option("--base-iri", envvar="KG_BASE_IRI", default=DEFAULT_BASE, show_default=True, metavar="IRI",
              help="Where the folder will be published: download URLs are relative to it (env KG_BASE_IRI).")
@click.option("--licence", "--license", "licence", default=DEFAULT_LICENCE, show_default=True, metavar="IRI",
              help="Licence of the data (default CC BY 4.0).")
@click.option("--sparql-endpoint", metavar="URL", help="A public SPARQL endpoint serving the same data.")
@click.option("--issued", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Date of issue of the catalogue entries (default: today).")
@click.option("--check", type=click.Choice(["auto", "full"]), default="auto", show_default=True,
              help="How much rdflib and csvw re-read: all of a large export (full) or a sample (auto).")
@click.option("--ckan", "ckan_url", metavar="URL",
              help="Also create or update the datasets on this CKAN portal (API key from $CKAN_API_KEY).")
@click.option("--ckan-org", metavar="NAME", help="The CKAN organisation that owns the datasets.")
def export(directory: Path, store_location: str, base_iri: str, licence: str, sparql_endpoint: str | None,
           issued, check: str, ckan_url: str | None, ckan_org: str | None) -> None:
    """Write a folder for open-data portals: RDF dumps, a DCAT-AP catalogue, VoID, CSVW, HTML.

    The folder is written beside DIRECTORY, validated (DCAT-AP 3 shapes, CSVW, every RDF
    file re-parsed by rdflib and pyoxigraph) and only then moved to DIRECTORY, replacing
    it. If a check fails nothing is written and the exit status is 1.

    \b
    Example:
        kg export site --base-iri https://data.example.gov/budgets/
        kg export site --sparql-endpoint https://data.example.gov/sparql
        CKAN_API_KEY=… kg export site --ckan https://ckan.example.gov --ckan-org xicheng
    """
    cfg_args = {"base_iri": base_iri, "licence": licence, "sparql_endpoint": sparql_endpoint, "check": check}
    if issued:
        cfg_args["issued"] = issued.date()
    cfg = ExportConfig(**cfg_args)
    with open_store(store_location, read_only=True) as store:
        result = export_folder(store, directory, cfg)
    click.echo(f"exported {result.datasets} datasets ({result.quads} quads, {result.observations} observations, "
               f"{result.files} files) to {result.path}")
    for note in result.notes:
        click.echo(f"note: {note}")
    if ckan_url:
        from kg.export import ckan

        report = ckan.push(ckan.remote_client(ckan_url), result.plan, result.path, cfg, ckan_org)
        click.echo(f"CKAN {ckan_url}: {len(report.created)} created, {len(report.updated)} updated, "
                   f"{report.uploaded} files uploaded, {report.unchanged} unchanged")
