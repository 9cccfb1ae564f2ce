"""Parsing filings into typed records (kg.model.Filing). Knows nothing of RDF.

Readers are registered by name, in the manner of rdflib's plugin registry: a new filing
format (a DOCX source, another province's template) is a new reader class plus one
``register`` line, not an edit scattered across the code. ``parse_file`` picks the first
registered reader that accepts the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from kg.errors import FilingError
from kg.model import Filing
from kg.reading import SourceText, read_source, source_from_bytes


class Reader(Protocol):
    name: str

    def accepts(self, source: SourceText) -> bool: ...

    def parse(self, source: SourceText) -> Filing: ...


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> None:
    _READERS[reader.name] = reader


def readers() -> list[str]:
    return list(_READERS)


def parse_source(source: SourceText) -> Filing:
    for reader in _READERS.values():
        if reader.accepts(source):
            return reader.parse(source)
    raise FilingError(source.path, "not a budget filing: no 部门预算 / 部门决算 text found")


def parse_file(path: str | Path) -> Filing:
    """Read and parse one filing file; raises FilingError with the file (and line) named."""
    return parse_source(read_source(path))


def parse_bytes(data: bytes, path: str = "<bytes>") -> Filing:
    return parse_source(source_from_bytes(data, path))


def _register_builtin_readers() -> None:
    from kg.parsing.textdump import TextDumpReader

    register(TextDumpReader())


_register_builtin_readers()
