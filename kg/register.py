"""The register of organisations (ontology/organisations.ttl): name → organisation IRI.

``resolve`` tries, in order:

1. an exact match on any skos:prefLabel / skos:altLabel / skos:hiddenLabel;
2. a match after normalising both sides: NFKC (full-width brackets, digits and spaces become
   half-width), whitespace removed, a trailing 本级 dropped, and one leading district prefix
   stripped (北京市西城区 / 西城区 / 西城 / 区).

Nothing fuzzier: an unknown name gives None, and the caller mints an ``org/unresolved/…`` IRI
and reports it. ``北京市`` alone is NOT stripped: 北京市政务服务管理局 is a city body, not the
district's 政务服务管理局. A normalised key shared by two organisations resolves to neither
(``ambiguous`` lists them; the register's tests keep it empty).

    >>> reg = Register.load("https://kg.example.org/")
    >>> reg.resolve("区城管监督指挥中心") == reg.resolve("北京市西城区全响应服务中心")
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.namespaces import ORG, RDF, SKOS, normalise_base
from kg.paths import ONTOLOGY_DIR

REGISTER_FILE = ONTOLOGY_DIR / "organisations.ttl"

_LABELS = (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel")
_ORG_TYPES = (ORG + "Organization", ORG + "FormalOrganization", ORG + "OrganizationalUnit")
_PREFIX = re.compile(r"^(?:北京市西城区|西城区|西城|区)")
_HOME = re.compile(r"^(?:北京市)?西城区$")  # the district whose bodies the register holds


def normalise(name: str) -> str:
    """The comparison key of a name (see the module docstring).

    >>> normalise("北京市西城区 政务服务中心本级"), normalise("（区）城指")
    ('政务服务中心', '(区)城指')
    """
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    key = key.removesuffix("本级")
    stripped = _PREFIX.sub("", key, count=1)
    return stripped if len(stripped) >= 2 else key


@dataclass
class Register:
    base_iri: str
    _labels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # iri -> (text, lang, property)
    _exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _normalised: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def load(cls, base_iri: str | None = None, path: str | Path = REGISTER_FILE) -> "Register":
        """Read the register, resolving its relative IRIs against ``base_iri``."""
        base = normalise_base(base_iri)
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base))
        except (OSError, SyntaxError) as e:
            raise KgError(f"{path}: cannot read the organisation register: {e}") from None
        register = cls(base)
        orgs = {t.subject.value for t in triples
                if t.predicate.value == RDF + "type" and t.object.value in _ORG_TYPES}
        for t in sorted(triples, key=lambda t: (_LABELS.index(t.predicate.value) if t.predicate.value in _LABELS else 9)):
            if t.subject.value in orgs and t.predicate.value in _LABELS:
                register._add(t.subject.value, t.object.value, t.object.language or "", t.predicate.value)
        for iri in orgs:
            register._labels.setdefault(iri, [])
        return register

    def _add(self, iri: str, text: str, lang: str, prop: str) -> None:
        self._labels.setdefault(iri, []).append((text, lang, prop))
        self._exact[text].add(iri)
        self._normalised[normalise(text)].add(iri)

    def resolve(self, name: str) -> str | None:
        """The IRI of the organisation ``name`` denotes, or None if the register does not know it."""
        if not name or not name.strip():
            return None
        for index, key in ((self._exact, name.strip()), (self._normalised, normalise(name))):
            found = index.get(key)
            if found:
                return next(iter(found)) if len(found) == 1 else None
        return None

    @staticmethod
    def is_home(place: str) -> bool:
        """Whether ``place`` (北京市西城区, 西城区, 上海市普陀区 …) is the register's own district,
        the one a district-agnostic name (区城管监督指挥中心) in its filings refers to."""
        return bool(_HOME.match(place))

    def labels(self, iri: str, lang: str | None = None) -> list[str]:
        """Every label of an organisation, prefLabel first; only those in ``lang`` if given."""
        return [text for text, tag, _ in self._labels.get(iri, []) if lang is None or tag == lang]

    def pref_label(self, iri: str, lang: str = "zh") -> str | None:
        return next((text for text, tag, prop in self._labels.get(iri, [])
                     if tag == lang and prop == SKOS + "prefLabel"), None)

    def organisations(self) -> list[str]:
        return sorted(self._labels)

    def ambiguous(self) -> dict[str, list[str]]:
        """Names (or normalised keys) that more than one organisation carries."""
        out = {k: sorted(v) for k, v in self._exact.items() if len(v) > 1}
        out.update({k: sorted(v) for k, v in self._normalised.items() if len(v) > 1})
        return out
