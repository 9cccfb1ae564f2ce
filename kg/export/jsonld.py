"""JSON-LD files with a stable, local context.

Every JSON-LD file kg exports is compacted against one context, written once as
``context.jsonld`` and embedded, identical, in each file: a reader needs no network to parse
any of them (a context referenced by URL would be fetched by most JSON-LD processors, and
pyoxigraph's parser does not fetch at all). The context only declares prefixes
(``kgo:``, ``dct:``, ``dcat:`` …), so the JSON stays close to the Turtle.

pyoxigraph writes the expanded form (fast, in Rust); :func:`compact` then shortens the IRIs in
the places JSON-LD reads as IRIs (property keys, ``@id`` and ``@type`` values) to
``prefix:local``. It works on the JSON text: a key is a string right after ``{`` or ``,`` and
before ``:``, which a string inside a literal can never be (its quotes are escaped). The
export's checks parse every JSON-LD file back and compare it with its Turtle twin.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from pyoxigraph import RdfFormat, Triple, serialize

from kg.export.terms import EXPORT_PREFIXES

CONTEXT_FILE = "context.jsonld"


def context() -> dict:
    """The ``@context`` object every exported JSON-LD file uses."""
    return dict(sorted(EXPORT_PREFIXES.items()))


def context_document() -> bytes:
    """The bytes of ``context.jsonld``."""
    return (json.dumps({"@context": context()}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_PREFIX_OF = {ns: prefix for prefix, ns in EXPORT_PREFIXES.items()}
_NAMESPACES = "|".join(re.escape(ns) for ns in sorted(_PREFIX_OF, key=len, reverse=True))
# local part: no quote or backslash, not empty, not starting with "//" (would read as an absolute IRI)
_LOCAL = r'(?!//)[^"\\]+'
_KEY = re.compile(rf'([{{,])"({_NAMESPACES})({_LOCAL})":')
_IRI_VALUE = re.compile(rf'"(@id|@type)":"({_NAMESPACES})({_LOCAL})"')
_HEAD = b'{"@context":' + json.dumps(context(), ensure_ascii=False).encode("utf-8") + b',\n"@graph":'


def compact(expanded: str) -> str:
    """Shorten IRIs in expanded JSON-LD text (pyoxigraph's output) to ``prefix:local``."""
    text = _KEY.sub(lambda m: f'{m[1]}"{_PREFIX_OF[m[2]]}:{m[3]}":', expanded)
    return _IRI_VALUE.sub(lambda m: f'"{m[1]}":"{_PREFIX_OF[m[2]]}:{m[3]}"', text)


def jsonld_document(triples: Iterable[Triple]) -> bytes:
    """A JSON-LD document (embedded ``@context`` + ``@graph``) holding exactly ``triples``."""
    expanded = serialize(triples, format=RdfFormat.JSON_LD).decode("utf-8")
    return _HEAD + compact(expanded).encode("utf-8") + b"}\n"


__all__ = ["CONTEXT_FILE", "compact", "context", "context_document", "jsonld_document"]
