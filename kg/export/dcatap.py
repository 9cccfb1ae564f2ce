"""DCAT-AP 3 validation of a catalogue with pyshacl.

The shapes are every ``*.ttl`` in ``shapes/dcat-ap/``; the controlled vocabularies in
``shapes/dcat-ap/vocabularies/`` are added to the data as background knowledge (they type
the EU authority-table and IANA IRIs the catalogue uses), as the EU's DCAT-AP validator does.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kg.paths import SHAPES_DIR

DCAT_AP_DIR = SHAPES_DIR / "dcat-ap"
VOCABULARY_DIR = DCAT_AP_DIR / "vocabularies"
_LICENSE_DOCUMENT = "http://purl.org/dc/terms/LicenseDocument"


def _graph(paths):
    import rdflib

    g = rdflib.Graph()
    for path in sorted(paths):
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph():
    return _graph(DCAT_AP_DIR.glob("*.ttl"))


@lru_cache(maxsize=1)
def vocabulary_graph():
    return _graph(VOCABULARY_DIR.glob("*.ttl"))


def known_licences() -> set[str]:
    """Licence IRIs the vendored vocabulary types as dct:LicenseDocument."""
    from rdflib import RDF, URIRef

    return {str(s) for s in vocabulary_graph().subjects(RDF.type, URIRef(_LICENSE_DOCUMENT))}


def validate_catalog(catalog: Path) -> list[str]:
    """DCAT-AP 3 violations of a catalogue file, one readable line each (empty: conforms)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph().parse(catalog, format="turtle")
    data += vocabulary_graph()
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none",
                                            allow_warnings=True, abort_on_first=False)
    if conforms:
        return []
    return _messages(results)


def _messages(results) -> list[str]:
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for r in results.subjects(sh.resultSeverity, sh.Violation):
        focus = results.value(r, sh.focusNode)
        path = results.value(r, sh.resultPath)
        message = results.value(r, sh.resultMessage)
        out.append(f"DCAT-AP: {focus} {path}: {message}")
    return sorted(out)
