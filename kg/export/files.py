"""The files of an export folder: each written file is recorded with what validation and the
catalogue need to know about it (format, size, SHA-256, and for RDF the number of quads it
must parse back to)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kg.export.config import Format, format_of

_CHUNK = 1 << 20


@dataclass
class FileRecord:
    path: str  # relative to the folder, "/"-separated
    quads: int | None = None  # RDF files: statements the file must parse back to
    graph: str | None = None  # the named graph a per-graph file holds
    size: int = 0
    sha256: str = ""

    @property
    def format(self) -> Format:
        return format_of(self.path)

    @property
    def is_rdf(self) -> bool:
        return self.quads is not None


class Folder:
    """A folder being written: paths are relative, parents are created on demand, and every
    file written is recorded (``records``) with its size and checksum."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.records: dict[str, FileRecord] = {}

    def path(self, relative: str) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def record(self, relative: str, quads: int | None = None, graph: str | None = None) -> FileRecord:
        """Record a file already written at ``relative``: size and SHA-256 from its bytes."""
        size, digest = describe(self.root / relative)
        rec = FileRecord(relative, quads, graph, size, digest)
        self.records[relative] = rec
        return rec

    def write_bytes(self, relative: str, data: bytes, quads: int | None = None,
                    graph: str | None = None) -> FileRecord:
        self.path(relative).write_bytes(data)
        rec = FileRecord(relative, quads, graph, len(data), hashlib.sha256(data).hexdigest())
        self.records[relative] = rec
        return rec

    def write_text(self, relative: str, text: str, quads: int | None = None) -> FileRecord:
        return self.write_bytes(relative, text.encode("utf-8"), quads)

    def rdf_records(self) -> Iterator[FileRecord]:
        return (r for r in self.records.values() if r.is_rdf)


def describe(path: Path) -> tuple[int, str]:
    """Byte size and hex SHA-256 of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
