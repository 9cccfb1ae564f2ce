"""RDF dumps: the whole store, and each graph on its own.

* ``kg.nq`` and ``kg.trig``: every quad, one named graph per filing (plus the ontology and
  register graphs), as the store holds them;
* per filing, ``filing/<org>/<year>-<kind>.ttl`` and ``.jsonld``; per other graph (ontology,
  register, vocabularies), ``graph/<name>.ttl`` and ``.jsonld``: the graph's triples, the
  graph name being the file's subject of description in the VoID and DCAT files;
* ``context.jsonld``: the context every JSON-LD file embeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.export.files import Folder
from kg.export.inventory import Inventory, safe_path
from kg.export.jsonld import CONTEXT_FILE, context_document, jsonld_document

WHOLE_DUMPS = {"nquads": "kg.nq", "trig": "kg.trig"}
_GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }"


@dataclass(frozen=True)
class GraphFiles:
    graph: str
    path: str  # without extension
    triples: int

    @property
    def turtle(self) -> str:
        return self.path + ".ttl"

    @property
    def jsonld(self) -> str:
        return self.path + ".jsonld"


def graph_paths(inv: Inventory) -> dict[str, str]:
    """Folder path (without extension) for every graph: filings by their IRI, others by name."""
    paths = {f.graph: f.path for f in inv.filings}
    for g in inv.other_graphs:
        base = "graph/" + safe_path(g.rstrip("/#").rsplit("/", 1)[-1])
        path, i = base, 1
        while path in paths.values():
            i += 1
            path = f"{base}-{i}"
        paths[g] = path
    return paths


def write_dumps(store, inv: Inventory, folder: Folder) -> dict[str, GraphFiles]:
    """Write the whole-store dumps, every graph's Turtle and JSON-LD, and context.jsonld.
    Returns the per-graph files by graph IRI."""
    total = store.count()
    for fmt, name in WHOLE_DUMPS.items():
        with open(folder.path(name), "wb") as out:
            store.dump(out, fmt)
        folder.record(name, quads=total)
    folder.write_bytes(CONTEXT_FILE, context_document())
    written = {}
    for graph, path in graph_paths(inv).items():
        written[graph] = write_graph(store, folder, graph, path)
    return written


def write_graph(store, folder: Folder, graph: str, path: str) -> GraphFiles:
    """One graph as Turtle (the store's serialiser) and as JSON-LD (kg's compactor)."""
    triples = store.construct(_GRAPH_QUERY % graph)
    files = GraphFiles(graph, path, len(triples))
    with open(folder.path(files.turtle), "wb") as out:
        store.dump(out, "turtle", graph=graph)
    folder.record(files.turtle, quads=files.triples, graph=graph)
    folder.write_bytes(files.jsonld, jsonld_document(triples), quads=files.triples, graph=graph)
    return files
