"""Count the statements rdflib reads from RDF files, with the network disabled.

Run as ``python -m kg.export.rdflib_check`` with one path per line on standard input; prints
``path<TAB>count`` (or ``path<TAB>!error``) per file. :mod:`kg.export.validate` starts a few of
these as separate interpreters, so rdflib's slow parsers run in parallel with the other checks,
and works the same from a script, a notebook or the CLI (no multiprocessing re-import of
``__main__``). With sockets refused, a JSON-LD file that needed a remote context fails.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

RDFLIB_FORMATS = {".nq": "nquads", ".trig": "trig", ".ttl": "turtle", ".jsonld": "json-ld"}


class _RefusedSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network access is disabled while checking exported files")


def _refuse(*args, **kwargs):
    raise OSError("network access is disabled while checking exported files")


def disable_network() -> None:
    """Make every attempt to resolve a host or open a connection fail (sockets stay a class,
    so modules imported later, such as ssl, can still subclass it)."""
    socket.socket = _RefusedSocket  # type: ignore[misc]
    socket.create_connection = _refuse  # type: ignore[assignment]
    socket.getaddrinfo = _refuse  # type: ignore[assignment]


def rdflib_quads(path: str | Path) -> int:
    """Statements rdflib reads from an RDF file (format from its extension)."""
    import rdflib

    ds = rdflib.Dataset()
    ds.parse(str(path), format=RDFLIB_FORMATS[Path(path).suffix])
    return sum(1 for _ in ds.quads((None, None, None, None)))


def main() -> None:
    disable_network()
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            result = str(rdflib_quads(path))
        except Exception as exc:  # noqa: BLE001 - reported for that file
            result = "!" + f"{type(exc).__name__}: {exc}".replace("\n", " ").replace("\t", " ")
        print(f"{path}\t{result}", flush=True)


if __name__ == "__main__":
    main()
