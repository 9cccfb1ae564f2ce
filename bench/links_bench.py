"""Time the refresh of the links graph (kg/links.py) on a loaded store, step by step, and
check that it writes the same graph as another version of kg/links.py.

    python -m bench.links_bench --store DIR [--base-iri IRI] [--drop] [--repeat N]
                                [--profile] [--dump FILE] [--against REV]

Opens the store (it must not be open elsewhere: an embedded store has one process) and
waits until RocksDB's background compactions stop (they burn CPU of this process for a
while after an open or a big write: ``settle``). Then it times, in CPU seconds
(``time.process_time``, RocksDB's threads included, so a bulk write's ingestion and the
compactions it sets off count; in brackets this thread's alone; the machine may be shared):
reading the projects and transfers, computing the links, building the triples, finding what
changed (``links_patch``, when the store holds the graph) and writing it (``write_links``);
then N whole ``refresh_links`` as ``Loader.refresh_links`` calls them (on an unchanged graph:
the cost of a refresh after a load that linked nothing new).

``--drop`` drops the links graph first, so that it is written anew, as after a first load.
``--profile`` prints the cProfile top 25 of one refresh. ``--dump FILE`` writes the links
graph at the end as sorted N-Triples. ``--against REV`` runs kg/links.py of git revision REV
(e.g. HEAD~1) too, timed (writing the graph anew, and replacing it), and checks that the
current code stores exactly its graph (sorted N-Triples) three ways: patching REV's graph,
patching a damaged copy of it (triples removed, one added), and writing it anew into a
store without it; it exits 1 when they differ. The store's links graph is left as the
current code computes it.

Make a store with ``python -m bench.generate --out C -n 3000 --seed 1`` and
``kg load --store S C`` (about 10 minutes for 3,000 filings on 2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import time
import types
from pathlib import Path

import pyoxigraph as ox

from kg import links
from kg.namespaces import DEFAULT_BASE
from kg.paths import ROOT
from kg.store import open_store


def _timed(label: str, fn, *args):
    """``fn(*args)``, printing its CPU seconds: the process's, and this thread's alone."""
    start, own = time.process_time(), time.thread_time()
    value = fn(*args)
    print(f"{label:>16}: {time.process_time() - start:7.2f} s CPU ({time.thread_time() - own:.2f} s this thread)",
          flush=True)
    return value


def _note(text: str) -> None:
    print(f"{'':>16}  {text}", flush=True)


def settle(limit: float = 180.0) -> None:
    """Wait until the store's background work (RocksDB compactions after an open or a big
    write: CPU of this process) stops, so that it is not counted in the steps."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        cpu = time.process_time()
        time.sleep(2)
        if time.process_time() - cpu < 0.05:
            break
    _note(f"store settled after {time.perf_counter() - start:.0f} s")


def steps(store, base_iri: str) -> None:
    """Each step of ``links.refresh_links`` on its own."""
    projects, transfers, years = _timed("read", links.read_inputs, store)
    _note(f"{len(projects)} projects, {len(transfers)} transfers, {len(years)} organisations")
    result = _timed("compute", links.compute_links, projects, transfers, years)
    triples = _timed("triples", links.link_triples, result, projects, base_iri)
    _note(f"{len(result.links)} links, {len(triples)} triples")
    if links.LINKS_GRAPH in store.graphs():
        gone, came = _timed("patch", links.links_patch, store, triples)
        _note(f"{len(gone)} statements to delete, {len(came)} to insert")
    _timed("write", links.write_links, store, triples)


def profile(store, base_iri: str) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(links.refresh_links, store, base_iri)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    print(text.getvalue())


def stored_lines(store) -> list[str]:
    """The links graph as sorted N-Triples lines."""
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=links.LINKS_GRAPH)
    return sorted(line for line in out.getvalue().decode("utf-8").splitlines() if line.strip())


def reference(rev: str) -> types.ModuleType:
    """kg/links.py as it was at git revision ``rev``, as a module."""
    source = subprocess.run(["git", "show", f"{rev}:kg/links.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType(f"links_at_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:kg/links.py", "exec"), module.__dict__)
    return module


def _damage(store, base_iri: str) -> None:
    """The current graph without every tenth triple and with one it should not have."""
    projects, transfers, years = links.read_inputs(store)
    triples = links.link_triples(links.compute_links(projects, transfers, years), projects, base_iri)
    stray = ox.Triple(ox.NamedNode(base_iri + "stray"), ox.NamedNode(links.RDFS + "label"), ox.Literal("stray"))
    store.replace_graph(links.LINKS_GRAPH, [t for i, t in enumerate(triples) if i % 10] + [stray])


def check_against(store, base_iri: str, rev: str) -> bool:
    """Whether the current code stores exactly the graph that kg/links.py at ``rev`` does.
    Times ``rev``'s refresh too: writing the graph anew, then replacing it by itself."""
    old = reference(rev)
    store.drop_graph(links.LINKS_GRAPH)
    settle()
    _timed(f"{rev} anew", old.refresh_links, store, base_iri)
    want = stored_lines(store)
    settle()
    _timed(f"{rev} replacing", old.refresh_links, store, base_iri)
    ok = stored_lines(store) == want
    _note(f"{rev} writes {len(want)} triples" + ("" if ok else f", and DIFFERENT ones when it replaces them"))
    for how, prepare in (("patching it", None), ("patching a damaged copy", _damage),
                         ("writing it anew", lambda s, _: s.drop_graph(links.LINKS_GRAPH))):
        if prepare is not None:
            prepare(store, base_iri)
        settle()
        _timed("refresh", links.refresh_links, store, base_iri)
        got = stored_lines(store)
        same = got == want
        ok = ok and same
        _note(f"{'same' if same else 'DIFFERENT'} graph as {rev} ({len(want)} triples) after {how}"
              + ("" if same else f": {len(set(want) - set(got))} missing, {len(set(got) - set(want))} extra"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--base-iri", default=DEFAULT_BASE)
    parser.add_argument("--drop", action="store_true", help="drop the links graph first: time its first build")
    parser.add_argument("--repeat", type=int, default=1, help="whole refreshes to time (default 1)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", type=Path, help="write the links graph here at the end (sorted N-Triples)")
    parser.add_argument("--against", metavar="REV", help="check the graph against kg/links.py at this git revision")
    args = parser.parse_args()
    ok = True
    with open_store(args.store) as store:
        settle()
        if args.drop:
            _timed("drop", store.drop_graph, links.LINKS_GRAPH)
        steps(store, args.base_iri)
        for _ in range(args.repeat):
            _timed("refresh_links", links.refresh_links, store, args.base_iri)
        if args.profile:
            profile(store, args.base_iri)
        if args.against:
            ok = check_against(store, args.base_iri, args.against)
        if args.dump:
            lines = stored_lines(store)
            args.dump.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            print(f"wrote {len(lines)} triples to {args.dump}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
