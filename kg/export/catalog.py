"""The DCAT 3 catalogue (DCAT-AP 3 profile): ``catalog.ttl`` and ``catalog.jsonld``.

:func:`plan_catalog` groups the filings into datasets, one per department × fiscal year ×
phase (budget / final accounts), each in its department's ``dcat:DatasetSeries`` and with one
distribution per file of its filings (Turtle, JSON-LD), carrying the file's byte size and
SHA-256. The plan is plain Python: :func:`catalog_triples` turns it into RDF and
:mod:`kg.export.ckan` into CKAN API calls.

DCAT-AP ranges every object property over a class, so the catalogue types what it points at:
publishers are ``foaf:Agent`` with a ``foaf:name``, download URLs ``rdfs:Resource``, the org
page a ``foaf:Document``. ``dct:source`` must be a ``dcat:Dataset``: the catalogue says the
filing is a ``kgo:Filing`` and, as kg's ontology does, that ``kgo:Filing`` is a subclass of
``dcat:Dataset``. A harvester without RDFS reasoning therefore lists only the catalogue's
own datasets, not the filings a second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby

from kg.export.config import LANGUAGE_EN, LANGUAGE_ZH, ExportConfig
from kg.export.documents import write_turtle_and_jsonld
from kg.export.dumps import GraphFiles
from kg.export.files import FileRecord, Folder
from kg.export.inventory import PHASE_NAMES, Filing, Inventory, Organisation
from kg.export.terms import SPDX, A, TripleList, day, dcat, dct, foaf, n, text, typed
from kg.namespaces import KGO, RDFS, SKOS

CATALOG_TTL = "catalog.ttl"
CATALOG_JSONLD = "catalog.jsonld"
INDEX_PAGE = "index.html"
ONTOLOGY_IRI = "https://w3id.org/kg/ontology"

_THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
_ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
_LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
_SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
_SHA256 = SPDX + "checksumAlgorithm_sha256"


@dataclass
class Distribution:
    iri: str
    url: str
    title: str
    file: FileRecord


@dataclass
class Dataset:
    iri: str
    org: Organisation
    year: int
    phase: str  # "budget" | "final"
    series: str
    filings: list[Filing]
    landing_page: str
    distributions: list[Distribution] = field(default_factory=list)

    @property
    def name(self) -> str:
        """A short, URL-safe identifier (CKAN's package name)."""
        return re.sub(r"[^a-z0-9_-]+", "-", f"{self.org.key}-{self.year}-{self.phase}".lower())[-100:]

    @property
    def title_zh(self) -> str:
        return f"{self.org.name} {self.year}年{PHASE_NAMES[self.phase][0]}"

    @property
    def title_en(self) -> str:
        return f"{self.org.name_en or self.org.name}: {self.year} {PHASE_NAMES[self.phase][1]}"

    @property
    def description_zh(self) -> str:
        return (f"{self.org.name}{self.year}年{PHASE_NAMES[self.phase][0]}公开文件所列的全部数字、事实、职责与项目，"
                f"以 RDF 表示，每个数字注明来源文件及行号。")

    @property
    def description_en(self) -> str:
        return (f"Every figure, fact, duty and project stated in the {self.year} {PHASE_NAMES[self.phase][1]} "
                f"filing of {self.org.name_en or self.org.name}, as RDF; each figure names the file and line it "
                f"was read from.")


@dataclass
class Series:
    iri: str
    org: Organisation
    datasets: list[Dataset]


@dataclass
class CatalogPlan:
    iri: str
    datasets: list[Dataset]
    series: list[Series]


def plan_catalog(inv: Inventory, graph_files: dict[str, GraphFiles], folder: Folder,
                 cfg: ExportConfig, org_pages: dict[str, str]) -> CatalogPlan:
    """Group filings into datasets and series and attach each filing's files as distributions."""
    datasets: list[Dataset] = []
    for (org_iri, year, phase), group in groupby(inv.filings, key=lambda f: f.dataset_key):
        org = inv.organisations[org_iri]
        ds = Dataset(cfg.iri(f"dataset/{org.key}/{year}-{phase}"), org, year, phase,
                     cfg.iri(f"series/{org.key}"), list(group), cfg.url(org_pages[org_iri]))
        for filing in ds.filings:
            files = graph_files[filing.graph]
            for path in (files.turtle, files.jsonld):
                record = folder.records[path]
                ds.distributions.append(Distribution(
                    cfg.iri("distribution/" + path), cfg.url(path),
                    f"{filing.title or ds.title_zh} ({record.format.name})", record))
        datasets.append(ds)
    series = [Series(ds_group[0].series, ds_group[0].org, ds_group)
              for ds_group in (list(g) for _, g in groupby(datasets, key=lambda d: d.series))]
    return CatalogPlan(cfg.iri("catalog"), datasets, series)


def catalog_triples(plan: CatalogPlan, cfg: ExportConfig, known_licences: set[str]) -> TripleList:
    """The catalogue as RDF (see the module docstring for what is typed and why)."""
    out = TripleList()
    issued = day(cfg.issued)
    licence = cfg.licence
    if licence not in known_licences:
        out.add(licence, A, dct("LicenseDocument"))
    publisher = cfg.iri("publisher")
    _agent(out, publisher, cfg.publisher_name)
    homepage = cfg.url(INDEX_PAGE)
    out.add(homepage, A, foaf("Document"))

    c = plan.iri
    out.add(c, A, dcat("Catalog"))
    out.add(c, dct("title"), text(cfg.catalog_title, "zh"))
    out.add(c, dct("title"), text(cfg.catalog_title_en, "en"))
    out.add(c, dct("description"), text(
        "部门预算、部门决算公开文件中的数字、事实、职责与机构沿革，按部门、年度和阶段发布。", "zh"))
    out.add(c, dct("description"), text(
        "Figures, facts, duties and organisational lineage from department budget and final-accounts "
        "filings, published per department, year and phase.", "en"))
    out.add(c, dct("publisher"), publisher)
    out.add(c, dct("license"), licence)
    out.add(c, dct("issued"), issued)
    out.add(c, dct("modified"), issued)
    out.add(c, foaf("homepage"), homepage)
    for lang in (LANGUAGE_ZH, LANGUAGE_EN):
        out.add(c, dct("language"), lang)
    out.add(ONTOLOGY_IRI, A, dct("Standard"))
    out.add(KGO + "Filing", n(RDFS, "subClassOf"), dcat("Dataset"))

    for series in plan.series:
        _series(out, series, issued)
    for ds in plan.datasets:
        out.add(c, dcat("dataset"), ds.iri)
        _dataset(out, ds, cfg, issued)
    if cfg.sparql_endpoint:
        _service(out, plan, cfg, publisher)
    return out


def _agent(out: TripleList, iri: str, name_zh: str, name_en: str = "") -> None:
    out.add(iri, A, foaf("Agent"))
    out.add(iri, A, foaf("Organization"))
    out.add(iri, foaf("name"), text(name_zh, "zh"))
    out.add(iri, n(SKOS, "prefLabel"), text(name_zh, "zh"))
    if name_en:
        out.add(iri, foaf("name"), text(name_en, "en"))
        out.add(iri, n(SKOS, "prefLabel"), text(name_en, "en"))


def _series(out: TripleList, series: Series, issued) -> None:
    org = series.org
    s = series.iri
    _agent(out, org.iri, org.name, org.name_en)
    out.add(org.iri, dct("type"), _LOCAL_AUTHORITY)
    out.add(s, A, dcat("DatasetSeries"))
    out.add(s, dct("title"), text(f"{org.name} 部门预算与部门决算", "zh"))
    out.add(s, dct("title"), text(f"{org.name_en or org.name}: department budgets and final accounts", "en"))
    out.add(s, dct("description"),
            text(f"{org.name}历年部门预算、部门决算公开文件中的数据，每年每阶段一个数据集。", "zh"))
    out.add(s, dct("description"), text(
        f"The data of every budget and final-accounts filing of {org.name_en or org.name}, "
        f"one dataset per year and phase.", "en"))
    out.add(s, dct("publisher"), org.iri)
    out.add(s, dct("accrualPeriodicity"), _ANNUAL)
    out.add(s, dct("issued"), issued)
    out.add(s, dct("modified"), issued)


def _dataset(out: TripleList, ds: Dataset, cfg: ExportConfig, issued) -> None:
    d = ds.iri
    out.add(d, A, dcat("Dataset"))
    out.add(d, dct("identifier"), text(ds.name))
    out.add(d, dct("title"), text(ds.title_zh, "zh"))
    out.add(d, dct("title"), text(ds.title_en, "en"))
    out.add(d, dct("description"), text(ds.description_zh, "zh"))
    out.add(d, dct("description"), text(ds.description_en, "en"))
    out.add(d, dct("publisher"), ds.org.iri)
    out.add(d, dct("language"), LANGUAGE_ZH)
    out.add(d, dct("license"), cfg.licence)
    out.add(d, dct("issued"), issued)
    out.add(d, dct("modified"), issued)
    out.add(d, dct("conformsTo"), ONTOLOGY_IRI)
    out.add(d, dcat("inSeries"), ds.series)
    out.add(d, dcat("theme"), _THEME)
    out.add(d, dcat("landingPage"), ds.landing_page)
    out.add(ds.landing_page, A, foaf("Document"))
    for keyword in (PHASE_NAMES[ds.phase][0], ds.org.name, str(ds.year)):
        out.add(d, dcat("keyword"), text(keyword, "zh"))
    period = cfg.iri(f"period/{ds.year}")
    out.add(d, dct("temporal"), period)
    out.add(period, A, dct("PeriodOfTime"))
    out.add(period, dcat("startDate"), typed(f"{ds.year}-01-01", "date"))
    out.add(period, dcat("endDate"), typed(f"{ds.year}-12-31", "date"))
    for filing in ds.filings:
        out.add(d, dct("source"), filing.graph)
        out.add(filing.graph, A, KGO + "Filing")
        out.add(filing.graph, dct("title"), text(filing.title or ds.title_zh, "zh"))
        out.add(filing.graph, dct("description"), text(
            f"The filing {filing.source_file or filing.graph} as kg read it (SHA-256 {filing.sha256}).", "en"))
        if filing.source_file:
            out.add(filing.graph, KGO + "sourceFile", text(filing.source_file))
        if filing.sha256:
            out.add(filing.graph, KGO + "sha256", text(filing.sha256))
    for dist in ds.distributions:
        out.add(d, dcat("distribution"), dist.iri)
        _distribution(out, dist, cfg, issued)


def _distribution(out: TripleList, dist: Distribution, cfg: ExportConfig, issued) -> None:
    x = dist.iri
    fmt = dist.file.format
    out.add(x, A, dcat("Distribution"))
    out.add(x, dct("title"), text(dist.title, "zh"))
    out.add(x, dcat("downloadURL"), dist.url)
    out.add(x, dcat("accessURL"), dist.url)
    out.add(dist.url, A, n(RDFS, "Resource"))
    out.add(x, dcat("mediaType"), fmt.media_type_iri)
    out.add(x, dct("format"), fmt.file_type_iri)
    out.add(x, dcat("byteSize"), typed(dist.file.size, "nonNegativeInteger"))
    out.add(x, dct("license"), cfg.licence)
    out.add(x, dct("issued"), issued)
    out.add(x, dct("conformsTo"), ONTOLOGY_IRI)
    checksum = x + "#sha256"
    out.add(x, n(SPDX, "checksum"), checksum)
    out.add(checksum, A, n(SPDX, "Checksum"))
    out.add(checksum, n(SPDX, "algorithm"), _SHA256)
    out.add(checksum, n(SPDX, "checksumValue"), typed(dist.file.sha256, "hexBinary"))


def _service(out: TripleList, plan: CatalogPlan, cfg: ExportConfig, publisher: str) -> None:
    svc = cfg.iri("sparql-service")
    endpoint = cfg.sparql_endpoint
    out.add(plan.iri, dcat("service"), svc)
    out.add(svc, A, dcat("DataService"))
    out.add(svc, dct("title"), text("SPARQL 查询服务", "zh"))
    out.add(svc, dct("title"), text("SPARQL endpoint", "en"))
    out.add(svc, dcat("endpointURL"), endpoint)
    out.add(endpoint, A, n(RDFS, "Resource"))
    out.add(svc, dct("conformsTo"), _SPARQL_PROTOCOL)
    out.add(svc, dct("publisher"), publisher)
    out.add(svc, dct("license"), cfg.licence)
    for ds in plan.datasets:
        out.add(svc, dcat("servesDataset"), ds.iri)


def write_catalog(triples: TripleList, folder: Folder) -> None:
    """catalog.ttl and catalog.jsonld, holding the same triples."""
    write_turtle_and_jsonld(folder, CATALOG_TTL.removesuffix(".ttl"), triples)
