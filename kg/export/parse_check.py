"""Parse exported RDF files back, in worker processes, with the network disabled.

Run as ``python -m kg.export.parse_check``; reads one job per line on standard input and
prints one result line per job (tab-separated):

* ``ox PATH`` → ``ox PATH COUNT``: statements pyoxigraph reads;
* ``rdflib PATH`` → ``rdflib PATH COUNT``: statements rdflib reads (into a Dataset: distinct);
* ``twin A B`` → ``twin A COUNT_A COUNT_B SAME``: both files parsed by pyoxigraph, SAME is 1 when
  they hold the same triples (compared by an order-free sum of triple hashes, or, when blank
  nodes make labels differ, by their canonical form);

or ``PATH !error`` when a file cannot be parsed. :mod:`kg.export.validate` starts one worker
per core, so the parsers run in parallel with each other and with the SHACL and CSVW checks,
and the same code works from a script, a notebook or the CLI (no re-import of ``__main__``).
With sockets refused, a JSON-LD file that needed a remote context fails.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

RDFLIB_FORMATS = {".nq": "nquads", ".trig": "trig", ".ttl": "turtle", ".jsonld": "json-ld"}
_MASK = (1 << 64) - 1


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


def oxigraph_quads(path: str | Path) -> list:
    import pyoxigraph as ox

    path = Path(path)
    return list(ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip("."))))


def fingerprint(quads: list) -> int:
    """An order-free fingerprint of a set of statements, blank-node labels aside."""
    import pyoxigraph as ox

    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        ds = ox.Dataset(quads)
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        quads = list(ds)
    return sum(map(hash, quads)) & _MASK


def rdflib_quads(path: str | Path) -> int:
    """Statements rdflib reads from an RDF file (format from its extension)."""
    import rdflib

    ds = rdflib.Dataset()
    ds.parse(str(path), format=RDFLIB_FORMATS[Path(path).suffix])
    return sum(1 for _ in ds.quads((None, None, None, None)))


def run(job: str) -> str:
    kind, *paths = job.split("\t")
    if kind == "ox":
        return f"ox\t{paths[0]}\t{len(oxigraph_quads(paths[0]))}"
    if kind == "rdflib":
        return f"rdflib\t{paths[0]}\t{rdflib_quads(paths[0])}"
    if kind == "twin":
        a, b = oxigraph_quads(paths[0]), oxigraph_quads(paths[1])
        same = len(a) == len(b) and fingerprint(a) == fingerprint(b)
        return f"twin\t{paths[0]}\t{len(a)}\t{len(b)}\t{int(same)}"
    raise ValueError(f"unknown job {kind!r}")


def main() -> None:
    disable_network()
    for line in sys.stdin:
        job = line.rstrip("\n")
        if not job:
            continue
        try:
            result = run(job)
        except Exception as exc:  # noqa: BLE001 - reported for that file
            kind, path = (job.split("\t") + [""])[:2]
            message = f"{type(exc).__name__}: {exc}".replace("\n", " ").replace("\t", " ")
            result = f"{kind}\t{path}\t!{message}"
        print(result, flush=True)


if __name__ == "__main__":
    main()
