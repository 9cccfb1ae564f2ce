"""What the store holds, as the export needs it: filings, their departments, other graphs.

Read once per export with a few SELECT queries; everything else keys off these records.
A filing's folder path comes from its IRI (``…/filing/<org>/<year>-<kind>`` →
``filing/<org>/<year>-<kind>``), so the published files sit where the IRIs point.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kg.namespaces import DCT, KGO, SKOS

FILING_GRAPH_MARK = "/filing/"
ORG_MARK = "/org/"

_FILINGS = f"""
PREFIX kgo: <{KGO}>
PREFIX dct: <{DCT}>
SELECT ?g ?org ?year ?kind ?title ?file ?sha WHERE {{
  GRAPH ?g {{
    ?g a kgo:Filing ; kgo:department ?org ; kgo:fiscalYear ?year ; kgo:filingKind ?kind .
    OPTIONAL {{ ?g dct:title ?title }}
    OPTIONAL {{ ?g kgo:sourceFile ?file }}
    OPTIONAL {{ ?g kgo:sha256 ?sha }}
  }}
}}
"""

_ORG_LABELS = f"""
PREFIX skos: <{SKOS}>
SELECT ?org ?label WHERE {{
  VALUES ?org {{ %s }}
  ?org skos:prefLabel ?label .
}}
"""

# The register's organisations (typed), beside the departments of filings.
_REGISTER_ORGS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX cv: <http://data.europa.eu/m8g/>
SELECT DISTINCT ?org WHERE {
  VALUES ?type { org:Organization org:FormalOrganization cv:PublicOrganisation }
  ?org a ?type .
}
"""

PHASE_SLUGS = {KGO + "Budget": "budget", KGO + "FinalAccounts": "final"}
PHASE_NAMES = {
    "budget": ("部门预算", "department budget"),
    "final": ("部门决算", "department final accounts"),
}


def safe_path(text: str) -> str:
    """A path-safe rendering of an IRI tail: letters, digits, ``-_.`` and ``/`` kept."""
    cleaned = re.sub(r"[^0-9A-Za-z_./-]+", "-", text).strip("-/.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    return cleaned or hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def tail_after(iri: str, mark: str) -> str:
    """The part of ``iri`` after the last ``mark`` (or a hash of the IRI if it has none)."""
    if mark in iri:
        return safe_path(iri.rsplit(mark, 1)[1])
    return hashlib.sha1(iri.encode("utf-8")).hexdigest()[:16]


@dataclass
class Organisation:
    iri: str
    key: str  # path-safe, unique: "xicheng-command-centre", "unresolved-3f2a…"
    name_zh: str = ""
    name_en: str = ""

    @property
    def name(self) -> str:
        return self.name_zh or self.name_en or self.key


@dataclass
class Filing:
    graph: str
    org: str
    year: int
    phase: str  # "budget" | "final"
    title: str
    source_file: str = ""
    sha256: str = ""

    @property
    def path(self) -> str:
        """Folder path (without extension) of the filing's files."""
        return "filing/" + tail_after(self.graph, FILING_GRAPH_MARK)

    @property
    def dataset_key(self) -> tuple[str, int, str]:
        """The DCAT dataset this filing belongs to: department × year × phase."""
        return (self.org, self.year, self.phase)


@dataclass
class Inventory:
    filings: list[Filing] = field(default_factory=list)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    other_graphs: list[str] = field(default_factory=list)  # ontology, register …

    @classmethod
    def read(cls, store) -> "Inventory":
        inv = cls()
        for g, org, year, kind, title, file, sha in store.select(_FILINGS).rows:
            if kind.value not in PHASE_SLUGS:
                continue
            inv.filings.append(Filing(
                graph=g.value, org=org.value, year=int(year.value), phase=PHASE_SLUGS[kind.value],
                title=title.value if title else "", source_file=file.value if file else "",
                sha256=sha.value if sha else ""))
        inv.filings.sort(key=lambda f: (f.org, f.year, f.phase, f.graph))
        filing_graphs = {f.graph for f in inv.filings}
        inv.other_graphs = [g for g in store.graphs() if g not in filing_graphs]
        org_iris = {f.org for f in inv.filings}
        org_iris |= {row[0].value for row in store.select(_REGISTER_ORGS).rows}
        inv._read_organisations(store, sorted(org_iris))
        return inv

    def _read_organisations(self, store, iris: list[str]) -> None:
        keys: set[str] = set()
        for iri in iris:
            key = tail_after(iri, ORG_MARK).replace("/", "-")
            while key in keys:  # two IRIs with the same tail: keep both pages apart
                key += "-" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:6]
            keys.add(key)
            self.organisations[iri] = Organisation(iri, key)
        if not iris:
            return
        values = " ".join(f"<{i}>" for i in iris)
        for org, label in store.select(_ORG_LABELS % values).rows:
            o = self.organisations[org.value]
            if label.language == "zh" and not o.name_zh:
                o.name_zh = label.value
            elif label.language == "en" and not o.name_en:
                o.name_en = label.value
        for f in self.filings:  # unresolved departments: the name the filing's title gives
            o = self.organisations[f.org]
            if not o.name_zh and f.title:
                o.name_zh = f.title.split(" ")[0]

    def departments(self) -> list[Organisation]:
        """Organisations that filed, in IRI order."""
        return [self.organisations[iri] for iri in sorted({f.org for f in self.filings})]
