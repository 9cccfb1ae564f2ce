"""``export_folder``: write, validate, and only then publish an export folder.

The folder is written into a temporary sibling of the destination (``.DIR.kg-export-…``),
validated (:mod:`kg.export.validate`), and renamed into place; an existing destination is
replaced only then (moved aside and removed after the rename). A folder that fails any check
is deleted and :class:`ExportError` lists every problem, so nothing unvalidated is ever left
where a portal could harvest it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.export import validate
from kg.export.catalog import (
    CATALOG_JSONLD,
    CATALOG_TTL,
    INDEX_PAGE,
    CatalogPlan,
    catalog_triples,
    plan_catalog,
    write_catalog,
)
from kg.export.config import ExportConfig
from kg.export.dcatap import known_licences
from kg.export.dumps import NQUADS_FILE, WHOLE_DUMPS, write_dumps
from kg.export.files import Folder
from kg.export.index_page import write_index
from kg.export.inventory import Inventory
from kg.export.jsonld import CONTEXT_FILE
from kg.export.observations import (
    CSV_FILE,
    METADATA_FILE,
    ObservationTable,
    write_observations,
)
from kg.export.ontology_docs import ONTOLOGY_PAGE, write_ontology_docs
from kg.export.org_pages import write_org_pages
from kg.export.void import VOID_FILE, VocabularyCollector, void_triples, write_void

FIXED_FILES = [*WHOLE_DUMPS.values(), CONTEXT_FILE, CATALOG_TTL, CATALOG_JSONLD, VOID_FILE, CSV_FILE,
               METADATA_FILE, ONTOLOGY_PAGE, INDEX_PAGE]


class ExportError(KgError):
    """The export failed validation (or could not be written); nothing was published."""

    def __init__(self, destination: Path, problems: list[str]):
        self.problems = problems
        shown = problems[:20]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{destination}: not exported, {len(problems)} problem(s):\n  "
                         + "\n  ".join(shown) + more)


@dataclass
class ExportResult:
    path: Path
    plan: CatalogPlan
    files: int
    quads: int
    observations: int
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def datasets(self) -> int:
        return len(self.plan.datasets)


class _Clock:
    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._t, 3)
        self._t = now


def export_folder(store, destination: str | Path, cfg: ExportConfig | None = None) -> ExportResult:
    """Export the store to ``destination`` (see the module docstring); raises ExportError."""
    cfg = cfg or ExportConfig()
    destination = Path(destination).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.kg-export-", dir=destination.parent))
    try:
        result = _write_and_check(store, staging, destination, cfg)
        _publish(staging, destination)
        result.path = destination
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_and_check(store, staging: Path, destination: Path, cfg: ExportConfig) -> ExportResult:
    clock = _Clock()
    folder = Folder(staging)
    inv = Inventory.read(store)
    if not inv.filings:
        raise ExportError(destination, ["the store holds no filings (run kg load first)"])
    with validate.Validation(staging, cfg) as checks:
        table, vocabulary = ObservationTable(store, inv), VocabularyCollector()
        graph_files, parsed = write_dumps(store, inv, folder, visitors=[table, vocabulary])
        quads = store.count()
        for name in WHOLE_DUMPS.values():
            folder.records[name].quads = quads
        if parsed != quads:
            checks.checked.problems.append(f"{NQUADS_FILE}: pyoxigraph reads {parsed} quads, the store holds {quads}")
        checks.check_dumps(list(folder.records.values()), graph_files, {f.graph for f in inv.filings},
                           parsed_in_place={NQUADS_FILE})
        clock.lap("dumps")
        observations = write_observations(table, folder, cfg)
        notes = [n for n in [write_ontology_docs(store, folder, {g: f.turtle for g, f in graph_files.items()})] if n]
        org_pages = write_org_pages(store, inv, graph_files, folder)
        clock.lap("csv_html")
        plan = plan_catalog(inv, graph_files, folder, cfg, org_pages)
        write_catalog(catalog_triples(plan, cfg, known_licences()), folder)
        write_void(void_triples(store, inv, graph_files, vocabulary.vocabularies(), cfg), folder)
        write_index(plan, inv, org_pages, folder, cfg)
        clock.lap("catalog")

        expected = FIXED_FILES + [p for f in graph_files.values() for p in (f.turtle, f.jsonld)]
        expected += [p.removesuffix(".html") + ext for p in org_pages.values() for ext in (".html", ".ttl", ".jsonld")]
        checked = checks.finish(list(folder.records.values()), expected, observations)
    if checked.problems:
        raise ExportError(destination, checked.problems)
    return ExportResult(destination, plan, len(folder.records), quads, observations,
                        {**clock.seconds, **checked.seconds}, notes + checked.notes)


def _publish(staging: Path, destination: Path) -> None:
    """Move the validated folder into place, replacing what was there."""
    old = None
    if destination.exists():
        if not destination.is_dir():
            raise ExportError(destination, ["exists and is not a directory"])
        old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.kg-old-", dir=destination.parent))
        old.rmdir()
        destination.rename(old)
    staging.rename(destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
