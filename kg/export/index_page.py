"""The folder's front page, ``index.html``: what is here and where to start."""

from __future__ import annotations

from kg.export.catalog import CATALOG_JSONLD, CATALOG_TTL, INDEX_PAGE, CatalogPlan
from kg.export.config import ExportConfig
from kg.export.dumps import WHOLE_DUMPS
from kg.export.files import Folder
from kg.export.inventory import Inventory
from kg.export.jsonld import CONTEXT_FILE
from kg.export.observations import CSV_FILE, METADATA_FILE
from kg.export.ontology_docs import ONTOLOGY_PAGE
from kg.export.pages import bullets, esc, link, page
from kg.export.void import VOID_FILE


def write_index(plan: CatalogPlan, inv: Inventory, org_pages: dict[str, str], folder: Folder,
                cfg: ExportConfig) -> None:
    files = [
        f"{link(CATALOG_TTL, CATALOG_TTL)} · {link(CATALOG_JSONLD, CATALOG_JSONLD)}: "
        "DCAT-AP 3 catalogue (harvest this)",
        f"{link(VOID_FILE, VOID_FILE)}: VoID description",
        " · ".join(link(name, name) for name in WHOLE_DUMPS.values()) + ": the whole graph, one named graph per filing",
        f"{link(CSV_FILE, CSV_FILE)} · {link(METADATA_FILE, METADATA_FILE)}: every figure, CSV on the Web",
        f"{link(CONTEXT_FILE, CONTEXT_FILE)}: the JSON-LD context (embedded in every JSON-LD file)",
        f"{link(ONTOLOGY_PAGE, 'ontology/')}: the ontology's documentation",
    ]
    if cfg.sparql_endpoint:
        files.append(f"{link(cfg.sparql_endpoint, cfg.sparql_endpoint)}: SPARQL endpoint")
    parts = [f"<h1>{esc(cfg.catalog_title)}</h1>", f'<p class="muted">{esc(cfg.catalog_title_en)}</p>',
             "<h2>文件 Files</h2>", bullets(files), "<h2>数据集 Datasets</h2>"]
    for series in plan.series:
        parts.append(f"<h3>{link(org_pages[series.org.iri], series.org.name)}</h3>")
        parts.append(bullets(
            esc(ds.title_zh) + " · " + " · ".join(link(d.file.path, d.file.format.name) for d in ds.distributions)
            for ds in series.datasets))
    others = [iri for iri in org_pages if iri not in {s.org.iri for s in plan.series}]
    if others:
        parts.append("<h2>其他机构 Other organisations</h2>")
        parts.append(bullets(link(org_pages[i], inv.organisations[i].name) for i in sorted(others)))
    folder.write_text(INDEX_PAGE, page(cfg.catalog_title, "\n".join(parts)))
