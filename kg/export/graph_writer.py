"""Write the per-graph files and ``kg.trig`` in a process of its own (``kg.export.dumps``
starts it while it feeds the CSV table and the VoID vocabulary list from the same dump).

``python -m kg.export.graph_writer NQUADS ROOT PATHS`` streams the N-Quads dump graph by graph;
for each graph listed in the PATHS file (``graph<TAB>path`` lines) it writes
``ROOT/<path>.ttl`` and ``ROOT/<path>.jsonld``, and every graph becomes one block of
``ROOT/kg.trig``. It prints, per listed graph,
``graph<TAB>triples<TAB>trig start<TAB>trig end`` and then for each file it wrote
``<TAB>path<TAB>bytes<TAB>sha256``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.export.dumps import TRIG_FILE, graph_chunks, prefix_header, prefix_lines_end
from kg.export.jsonld import jsonld_document
from kg.export.terms import EXPORT_PREFIXES


def _write(root: Path, relative: str, data: bytes) -> str:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return f"\t{relative}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}"


def main() -> None:
    nquads, root, paths_file = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    paths = dict(line.rstrip("\n").split("\t", 1) for line in open(paths_file, encoding="utf-8") if line.strip())
    with open(root / TRIG_FILE, "wb") as trig:
        trig.write(prefix_header())
        for graph, quads in graph_chunks(Path(nquads)):
            start = trig.tell()
            block = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES)
            trig.write(block[prefix_lines_end(block):])
            if graph is None or graph.value not in paths:
                continue
            triples = [q.triple for q in quads]
            line = f"{graph.value}\t{len(triples)}\t{start}\t{trig.tell()}"
            line += _write(root, paths[graph.value] + ".ttl",
                           ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=EXPORT_PREFIXES))
            line += _write(root, paths[graph.value] + ".jsonld", jsonld_document(triples))
            print(line, flush=True)


if __name__ == "__main__":
    main()
