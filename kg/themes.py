"""Classify duties, projects and duty transfers into the duty themes of ontology/themes.ttl.

The rules live in the ontology, not here: a theme's ``skos:hiddenLabel`` values (@zh) are its
keywords, and a text belongs to the theme when it contains one of them. This module only
reads the keywords and matches text, after NFKC normalisation with whitespace removed (so a
full-width ``１２３４５`` or a line-wrapped title still matches). A text may match several
themes or none.

Classification is done at mapping time, per filing (``theme_triples``): each classified
resource gets ``kgo:theme`` (for fast queries by theme) and ``kgo:matchedKeyword`` (the
keyword that matched, to explain the classification). It is deterministic for a given
filing and rules file; ``rules_digest`` goes into each filing graph's load fingerprint, so
editing the rules re-maps the filings on the next load.

    >>> rules = ThemeRules.from_keywords({"https://w3id.org/kg/theme/hotline": ["热线", "12345"]})
    >>> rules.classify("负责政府热线工作")
    [('https://w3id.org/kg/theme/hotline', ['热线'])]
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.namespaces import DCT, KGO, RDF, SKOS, THEME
from kg.paths import ONTOLOGY_DIR

THEMES_FILE = ONTOLOGY_DIR / "themes.ttl"

_TYPE = RDF + "type"
# which resources are classified, and which of their literals is the text to read
_CLASSIFIED = {
    KGO + "Duty": KGO + "text",
    KGO + "Project": DCT + "title",
    KGO + "DutyTransfer": KGO + "duty",
}


def normalise_text(text: str) -> str:
    """NFKC, whitespace removed: the form both texts and keywords are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class ThemeRules:
    """Theme IRI -> its keywords (normalised), in a stable order."""

    keywords: dict[str, list[str]] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def from_keywords(cls, keywords: dict[str, Iterable[str]], digest: str = "") -> ThemeRules:
        clean = {theme: sorted({normalise_text(k) for k in words if normalise_text(k)})
                 for theme, words in sorted(keywords.items())}
        return cls({t: ws for t, ws in clean.items() if ws}, digest)

    @classmethod
    def load(cls, path: str | Path = THEMES_FILE) -> ThemeRules:
        """Read the hiddenLabels (@zh) of the concepts in the theme scheme."""
        path = Path(path)
        try:
            data = path.read_bytes()
            triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError) as e:
            raise KgError(f"{path}: cannot read the duty themes: {e}") from None
        keywords: dict[str, list[str]] = {}
        for t in triples:
            if (t.predicate.value == SKOS + "hiddenLabel" and t.subject.value.startswith(THEME)
                    and isinstance(t.object, ox.Literal) and (t.object.language or "").startswith("zh")):
                keywords.setdefault(t.subject.value, []).append(t.object.value)
        return cls.from_keywords(keywords, hashlib.sha256(data).hexdigest())

    def classify(self, text: str) -> list[tuple[str, list[str]]]:
        """The themes ``text`` belongs to, each with the keywords that matched."""
        norm = normalise_text(text)
        out = []
        for theme, words in self.keywords.items():
            hits = [w for w in words if w in norm]
            if hits:
                out.append((theme, hits))
        return out


@lru_cache(maxsize=1)
def default_rules() -> ThemeRules:
    return ThemeRules.load()


def rules_digest() -> str:
    """A digest of the rules file, for load fingerprints ('' when there is no file)."""
    return default_rules().digest if THEMES_FILE.exists() else ""


def theme_triples(triples: Iterable[ox.Triple], rules: ThemeRules | None = None) -> list[ox.Triple]:
    """``kgo:theme`` and ``kgo:matchedKeyword`` triples for the duties, projects and duty
    transfers among ``triples`` (one filing's graph), from their text, title or duty."""
    if rules is None:
        rules = default_rules() if THEMES_FILE.exists() else ThemeRules()
    triples = list(triples)
    types: dict[str, set[str]] = {}
    texts: dict[tuple[str, str], list[str]] = {}
    for t in triples:
        if t.predicate.value == _TYPE:
            types.setdefault(t.subject.value, set()).add(t.object.value)
        elif isinstance(t.object, ox.Literal) and t.predicate.value in _CLASSIFIED.values():
            texts.setdefault((t.subject.value, t.predicate.value), []).append(t.object.value)
    theme_p, keyword_p = ox.NamedNode(KGO + "theme"), ox.NamedNode(KGO + "matchedKeyword")
    out: list[ox.Triple] = []
    seen: set[tuple[str, str, str]] = set()
    for subject in sorted(types):
        for cls, prop in _CLASSIFIED.items():
            if cls not in types[subject]:
                continue
            for text in texts.get((subject, prop), []):
                for theme, hits in rules.classify(text):
                    node = ox.NamedNode(subject)
                    if (subject, "t", theme) not in seen:
                        seen.add((subject, "t", theme))
                        out.append(ox.Triple(node, theme_p, ox.NamedNode(theme)))
                    for word in hits:
                        if (subject, "k", word) not in seen:
                            seen.add((subject, "k", word))
                            out.append(ox.Triple(node, keyword_p, ox.Literal(word, language="zh")))
    return out


__all__ = ["ThemeRules", "default_rules", "normalise_text", "rules_digest", "theme_triples"]
