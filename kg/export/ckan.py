"""Push an export's datasets to a CKAN portal (``kg export DIR --ckan URL``).

One CKAN package per DCAT dataset (department × year × phase), named after it, with one
resource per distribution, uploaded from the export folder. The package is looked up with
``package_show``; a missing one is made with ``package_create``, an existing one brought up to
date with ``package_update`` (keeping its other fields and resources). A resource is matched
by name: a new one is uploaded with ``resource_create``, a changed one (different SHA-256,
CKAN's ``hash``) re-uploaded with ``resource_update``, an unchanged one left alone.

The client is anything with ckanapi's ``RemoteCKAN`` surface (``client.action.<name>(**kw)``
raising ``ckanapi.NotFound``); :func:`remote_client` builds the real one, reading the API key
from ``$CKAN_API_KEY``. Tests pass a recorder instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.export.catalog import CatalogPlan, Dataset
from kg.export.config import ExportConfig

API_KEY_VAR = "CKAN_API_KEY"

#: CKAN's licence ids for the licences kg knows; any other licence is "other-open" (its IRI in extras)
_LICENCE_IDS = {
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": "cc-by",
    "https://creativecommons.org/licenses/by/4.0/": "cc-by",
    "http://publications.europa.eu/resource/authority/licence/CC_BYSA_4_0": "cc-by-sa",
    "https://creativecommons.org/licenses/by-sa/4.0/": "cc-by-sa",
    "http://publications.europa.eu/resource/authority/licence/CC0": "cc-zero",
    "https://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
    "http://publications.europa.eu/resource/authority/licence/ODC_BY": "odc-by",
}


class CkanError(KgError):
    """The portal refused a call; nothing after it was sent."""


@dataclass
class PushReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    uploaded: int = 0
    unchanged: int = 0


def remote_client(url: str, api_key: str | None = None):
    """A ckanapi RemoteCKAN for ``url``, with the API key from ``$CKAN_API_KEY``."""
    import ckanapi

    key = api_key or os.environ.get(API_KEY_VAR)
    if not key:
        raise CkanError(f"set {API_KEY_VAR} to the API key of a CKAN user who may edit the datasets")
    return ckanapi.RemoteCKAN(url, apikey=key, user_agent="kg-export")


def package_dict(ds: Dataset, cfg: ExportConfig, owner_org: str | None) -> dict:
    """The CKAN package fields kg sets for a dataset."""
    pkg = {
        "name": ds.name,
        "title": ds.title_zh,
        "notes": f"{ds.description_zh}\n\n{ds.description_en}",
        "license_id": _LICENCE_IDS.get(cfg.licence, "other-open"),
        "url": ds.landing_page,
        "tags": [{"name": ds.org.name[:100]}, {"name": str(ds.year)}, {"name": ds.phase}],
        "extras": [
            {"key": "uri", "value": ds.iri},
            {"key": "dcat_series", "value": ds.series},
            {"key": "publisher_uri", "value": ds.org.iri},
            {"key": "publisher_name", "value": ds.org.name},
            {"key": "fiscal_year", "value": str(ds.year)},
            {"key": "phase", "value": ds.phase},
            {"key": "temporal_start", "value": f"{ds.year}-01-01"},
            {"key": "temporal_end", "value": f"{ds.year}-12-31"},
            {"key": "license_uri", "value": cfg.licence},
            {"key": "source", "value": " ".join(f.graph for f in ds.filings)},
        ],
    }
    if owner_org:
        pkg["owner_org"] = owner_org
    return pkg


def push(client, plan: CatalogPlan, folder: Path, cfg: ExportConfig, owner_org: str | None = None) -> PushReport:
    """Create or update every dataset of ``plan`` on the portal and upload its files."""
    import ckanapi

    report = PushReport()
    for ds in plan.datasets:
        wanted = package_dict(ds, cfg, owner_org)
        try:
            existing = client.action.package_show(id=ds.name)
        except ckanapi.NotFound:
            existing = None
        try:
            if existing is None:
                package = client.action.package_create(**wanted)
                report.created.append(ds.name)
            else:
                package = client.action.package_update(**{**existing, **wanted})
                report.updated.append(ds.name)
            _push_resources(client, package, ds, folder, report)
        except ckanapi.CKANAPIError as exc:
            raise CkanError(f"{ds.name}: the portal refused: {exc}") from None
    return report


def _push_resources(client, package: dict, ds: Dataset, folder: Path, report: PushReport) -> None:
    by_name = {r.get("name"): r for r in package.get("resources") or []}
    for dist in ds.distributions:
        f = dist.file
        fields = {
            "name": f.path,
            "description": dist.title,
            "format": f.format.name,
            "mimetype": f.format.media_type,
            "hash": f.sha256,
            "size": f.size,
            "url": f.path.rsplit("/", 1)[-1],
        }
        current = by_name.get(f.path)
        if current is not None and current.get("hash") == f.sha256:
            report.unchanged += 1
            continue
        with open(folder / f.path, "rb") as upload:
            if current is None:
                client.action.resource_create(package_id=package["id"], upload=upload, **fields)
            else:
                client.action.resource_update(id=current["id"], upload=upload, **fields)
        report.uploaded += 1
