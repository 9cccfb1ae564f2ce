"""Benchmark parse + map + load of the sample filings and of many distinct copies of them,
against pyoxigraph's own bulk loader on the same triples (the floor for loading).

    python bench/load_bench.py [--copies 200]

Copies are made distinct filings by rewriting the district name (西城区 → 西城<n in 甲乙丙…>区) and
loading with an empty organisation register, which gives each copy its own (unresolved)
organisation and so its own filing IRI. Prints
filings/s, triples/s and the ratio (map + load) / bulk load; the target is ≤ 2×.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.loading import Loader
from kg.mapping import map_filing
from kg.parsing import parse_bytes
from kg.register import Register
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store


def _stems(n: int) -> str:
    """n written with the heavenly stems (甲乙丙…): a name part the parser reads as text."""
    return "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(n))


def corpus(copies: int) -> list[tuple[str, bytes]]:
    samples = sorted(SAMPLE_FILINGS_DIR.glob("*.txt"))
    out = [(p.name, p.read_bytes()) for p in samples]
    for n in range(1, copies + 1):
        for p in samples:
            text = p.read_text("utf-8").replace("西城区", f"西城{_stems(n)}区")
            out.append((f"copy{n}-{p.name}", text.encode("utf-8")))
    return out


def run(copies: int) -> dict:
    """Time parse and map alone, then the Loader's whole path, then the bulk loader alone."""
    files = corpus(copies)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "filings"
        folder.mkdir()
        for name, data in files:
            (folder / name).write_bytes(data)
        store = open_store(str(Path(tmp) / "kg"))
        loader = Loader(store)
        loader.ensure_reference_graphs()
        # An empty register: every copy's department stays unresolved, so each copy gets its
        # own organisation (minted from its rewritten name) and is a distinct filing.
        loader.register = Register(loader.base_iri)
        t_parse = t_map = 0.0
        all_quads: list[ox.Quad] = []
        for name, data in files:
            t0 = time.perf_counter()
            filing = parse_bytes(data, name)
            t1 = time.perf_counter()
            mapped = map_filing(filing, loader.register, loader.base_iri)
            t_parse, t_map = t_parse + t1 - t0, t_map + time.perf_counter() - t1
            graph = ox.NamedNode(mapped.graph)
            all_quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in mapped.triples)
        t0 = time.perf_counter()
        results = list(loader.load_paths([folder]))
        t_total = time.perf_counter() - t0
        assert all(r.status == "loaded" for r in results), {r.status for r in results}
        store.close()
        bulk = ox.Store(str(Path(tmp) / "bulk"))
        t0 = time.perf_counter()
        bulk.bulk_extend(all_quads)
        bulk.flush()
        t_bulk = time.perf_counter() - t0
    n, triples = len(files), len(all_quads)
    t_load = t_total - t_parse - t_map  # the store's share of the Loader's time
    return {
        "filings": n, "triples": triples,
        "parse_s": t_parse, "map_s": t_map, "load_s": t_load, "total_s": t_total, "bulk_s": t_bulk,
        "filings_per_s": n / t_total,
        "triples_per_s": triples / t_total,
        "ms_per_filing_parse": 1000 * t_parse / n,
        "ratio_map_load_vs_bulk": (t_total - t_parse) / t_bulk,
        "ratio_load_vs_bulk": t_load / t_bulk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200, help="copies of each sample (default 200)")
    args = parser.parse_args()
    for copies in (0, args.copies):
        r = run(copies)
        print(f"{r['filings']:>6} filings {r['triples']:>9} triples | parse {r['parse_s']:.2f}s "
              f"({r['ms_per_filing_parse']:.1f} ms/filing) map {r['map_s']:.2f}s load {r['load_s']:.2f}s "
              f"bulk {r['bulk_s']:.2f}s | {r['filings_per_s']:.0f} filings/s {r['triples_per_s']:.0f} triples/s | "
              f"(map+load)/bulk {r['ratio_map_load_vs_bulk']:.2f}x load/bulk {r['ratio_load_vs_bulk']:.2f}x")


if __name__ == "__main__":
    main()
