"""What an export is configured with, and the fixed vocabulary of the formats it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kg.namespaces import DEFAULT_BASE, normalise_base

#: CC BY 4.0, by its IRI in the EU Publications Office licence table (DCAT-AP's choice).
DEFAULT_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"

LANGUAGE_ZH = "http://publications.europa.eu/resource/authority/language/ZHO"
LANGUAGE_EN = "http://publications.europa.eu/resource/authority/language/ENG"

CHECK_LEVELS = ("auto", "full")

_IANA = "https://www.iana.org/assignments/media-types/"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class Format:
    """A file format as DCAT names it: IANA media type IRI and EU file-type IRI."""

    name: str
    media_type: str  # e.g. "text/turtle"
    file_type: str  # EU file-type code, e.g. "RDF_TURTLE"

    @property
    def media_type_iri(self) -> str:
        return _IANA + self.media_type

    @property
    def file_type_iri(self) -> str:
        return _FILE_TYPE + self.file_type


FORMATS: dict[str, Format] = {
    ".ttl": Format("Turtle", "text/turtle", "RDF_TURTLE"),
    ".nq": Format("N-Quads", "application/n-quads", "RDF_N_QUADS"),
    ".trig": Format("TriG", "application/trig", "RDF_TRIG"),
    ".jsonld": Format("JSON-LD", "application/ld+json", "JSON_LD"),
    ".csv": Format("CSV", "text/csv", "CSV"),
    ".json": Format("CSVW metadata", "application/csvm+json", "JSON"),
    ".html": Format("HTML", "text/html", "HTML"),
}


def format_of(path: str) -> Format:
    """The format of an exported file, by its extension."""
    return FORMATS["." + path.rsplit(".", 1)[-1]]


@dataclass(frozen=True)
class ExportConfig:
    """Options of one export.

    ``base_iri`` is where the folder will be published: download URLs are the files' paths
    relative to it, and the catalogue's own resources (catalogue, datasets, distributions)
    are minted under it. ``issued`` dates the catalogue entries (dct:issued / dct:modified)."""

    base_iri: str = DEFAULT_BASE
    licence: str = DEFAULT_LICENCE
    sparql_endpoint: str | None = None
    issued: date = field(default_factory=date.today)
    publisher_name: str = "kg 部门预决算知识图谱"
    catalog_title: str = "部门预算与部门决算公开数据"
    catalog_title_en: str = "Department budget and final-accounts disclosures"
    check: str = "auto"  # "auto" | "full": how much the slow validators read (kg.export.sampling)

    def __post_init__(self):
        object.__setattr__(self, "base_iri", normalise_base(self.base_iri))
        if self.check not in CHECK_LEVELS:
            raise ValueError(f"check must be one of {', '.join(CHECK_LEVELS)}, not {self.check!r}")

    def url(self, relative_path: str) -> str:
        """The published URL of a file in the folder."""
        return self.base_iri + relative_path

    def iri(self, local: str) -> str:
        """An IRI for a catalogue resource (catalogue, dataset, distribution …)."""
        return self.base_iri + local
