"""Turn a filing file's bytes into normalised text lines, whatever the encoding.

kg never assumes UTF-8. A file may be UTF-8 (with or without BOM), GB18030/GBK,
use CRLF or LF, write digits and number punctuation full-width (``１２７．６２``)
and carry stray markup from the Word export (``[bookmark: _GoBack]``). All of
these normalise to the same lines, so one filing in any of these encodings parses
to an identical record. Line numbers are those of the file as published (1-based).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import FilingError

# Encodings tried in order after a BOM check. GB18030 is a superset of GBK and GB2312.
_CANDIDATE_ENCODINGS = ("utf-8", "gb18030")

_MARKUP = re.compile(r"\[bookmark:[^\]]*\]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Full-width punctuation inside or next to numbers: 127．62 / 1，234 / －5 / ％
_NUMBER_PUNCT = re.compile(r"(?<=\d)[．，](?=\d)")
_FULLWIDTH_PERCENT = str.maketrans({"％": "%"})


@dataclass(frozen=True)
class SourceText:
    """The decoded, normalised text of one file."""

    path: str
    encoding: str
    sha256: str  # of the normalised text (UTF-8), so re-encodings of a filing share it
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)``; raise FilingError for empty or binary data."""
    if not data.strip():
        raise FilingError(path, "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise FilingError(path, "this is a binary file, not a text filing")
    for encoding in _CANDIDATE_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FilingError(path, "cannot decode the text as UTF-8 or GB18030")


def normalise_line(line: str) -> str:
    """Map full-width digits/number punctuation to ASCII and drop Word markup."""
    line = _MARKUP.sub("", line)
    line = line.translate(_FULLWIDTH_DIGITS).translate(_FULLWIDTH_PERCENT)
    line = _NUMBER_PUNCT.sub(lambda m: "." if m.group() == "．" else ",", line)
    return line.rstrip("\r")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 50)


def read_source(path: str | Path) -> SourceText:
    """Read a filing file from disk and normalise it."""
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise FilingError(name, "no such file")
    if p.is_dir():
        raise FilingError(name, "is a directory, not a filing file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FilingError(name, f"cannot read the file: {exc.strerror}") from None
    return source_from_bytes(data, name)


def source_from_bytes(data: bytes, path: str = "<bytes>") -> SourceText:
    text, encoding = decode(data, path)
    if _looks_binary(text):
        raise FilingError(path, "this is a binary file, not a text filing")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(normalise_line(line) for line in text.split("\n"))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return SourceText(path=path, encoding=encoding, sha256=digest, lines=lines)
