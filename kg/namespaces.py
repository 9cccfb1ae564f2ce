"""Namespace IRIs used across kg, as plain strings and as pyoxigraph NamedNode helpers.

The string constants carry no rdflib dependency, so the mapper and the store can share
them; ``PREFIXES`` gives the customary prefix for each (for Turtle output and queries).

>>> kgo("Observation").value
'https://w3id.org/kg/ontology#Observation'
>>> code("fn", "2010301").value
'https://w3id.org/kg/code/fn/2010301'
"""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import NamedNode

# our own terms
KGO = "https://w3id.org/kg/ontology#"
CODE = "https://w3id.org/kg/code/"  # classification concepts: CODE + "fn/2010301" …
THEME = "https://w3id.org/kg/theme/"  # duty themes
DEFAULT_BASE = "https://kg.example.org/"  # instance data; configurable

# classification schemes (CODE + scheme is the skos:ConceptScheme, CODE + scheme + "/" + code a concept)
FN = "fn"  # 政府收支分类科目 functional 类/款/项 (and 1xx revenue codes)
ECON = "econ"  # 部门预算支出经济分类 (3xx)
GECON = "gecon"  # 政府预算支出经济分类 (5xx)

# reused standards
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
OBEU_DIM = "http://data.openbudgets.eu/ontology/dsd/dimension/"
OBEU_MEASURE = "http://data.openbudgets.eu/ontology/dsd/measure/"
OBEU_ATTR = "http://data.openbudgets.eu/ontology/dsd/attribute/"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"
CV = "http://data.europa.eu/m8g/"
RICO = "https://www.ica.org/standards/RiC/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"

PREFIXES: dict[str, str] = {
    "kgo": KGO,
    "code": CODE,
    "theme": THEME,
    "org": ORG,
    "prov": PROV,
    "skos": SKOS,
    "dct": DCT,
    "qb": QB,
    "obeu-dimension": OBEU_DIM,
    "obeu-measure": OBEU_MEASURE,
    "obeu-attribute": OBEU_ATTR,
    "sdmx-attribute": SDMX_ATTR,
    "cv": CV,
    "rico": RICO,
    "xsd": XSD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "dcat": DCAT,
    "void": VOID,
}


def iri(namespace: str, local: str = "") -> NamedNode:
    """The NamedNode ``namespace + local``."""
    return NamedNode(namespace + local)


@lru_cache(maxsize=4096)
def kgo(local: str) -> NamedNode:
    """The NamedNode of a kg ontology term (cached: the mapper asks for a few dozen terms
    hundreds of thousands of times)."""
    return NamedNode(KGO + local)


def code(scheme: str, notation: str | None = None) -> NamedNode:
    """A classification concept (``code("fn", "2010301")``) or, without a notation, its scheme."""
    return NamedNode(CODE + scheme if notation is None else f"{CODE}{scheme}/{notation}")


def theme(local: str) -> NamedNode:
    return NamedNode(THEME + local)


def org(local: str) -> NamedNode:
    return NamedNode(ORG + local)


def prov(local: str) -> NamedNode:
    return NamedNode(PROV + local)


def skos(local: str) -> NamedNode:
    return NamedNode(SKOS + local)


def dct(local: str) -> NamedNode:
    return NamedNode(DCT + local)


def qb(local: str) -> NamedNode:
    return NamedNode(QB + local)


def xsd(local: str) -> NamedNode:
    return NamedNode(XSD + local)


def rdf(local: str) -> NamedNode:
    return NamedNode(RDF + local)


def rdfs(local: str) -> NamedNode:
    return NamedNode(RDFS + local)


RDF_TYPE = rdf("type")


def scheme_of(code_value: str) -> str:
    """The classification scheme a code belongs to: 3xx → econ, 5xx → gecon, else fn.

    >>> [scheme_of(c) for c in ("2010301", "30101", "501", "103")]
    ['fn', 'econ', 'gecon', 'fn']
    """
    if code_value.startswith("3"):
        return ECON
    if code_value.startswith("5"):
        return GECON
    return FN


def normalise_base(base: str | None = None) -> str:
    """The instance base IRI, ending in ``/`` or ``#`` so that relative IRIs such as
    ``org/x`` (in ontology/organisations.ttl) resolve under it rather than beside it.

    >>> normalise_base("https://data.example/kg")
    'https://data.example/kg/'
    """
    base = base or DEFAULT_BASE
    return base if base.endswith(("/", "#")) else base + "/"
