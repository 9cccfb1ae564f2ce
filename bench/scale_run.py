"""One size of the scale benchmark (bench/scale.py), run in a fresh process so that the peak
memory it reports is this size's own.

    python -m bench.scale_run --n 100 --seed 1 --work DIR --result OUT.json [--naive-timeout S]

Phases, timed separately, each written to OUT.json as soon as it ends (a run stopped by a time
limit still leaves what it measured):

``generate``  bench.generate into DIR/corpus (not part of kg's cost).
``parse``     kg.parsing.parse_file over every file.
``load``      kg.loading.Loader(validate=False).load_paths into a fresh on-disk store: parse + map
              + bulk ingestion + the links graph. ``map_load_s`` = load − parse (the parse phase
              measured just before on the same files).
``bulk``      the floor: the store's filing graphs dumped to N-Quads, then pyoxigraph's own
              ``Store.bulk_load`` of that file into a fresh store, in its own process
              (bench/scale_bulk.py; only the load is timed, its memory is not kg's).
``validate``  what ``kg validate`` does (kg.validation.validate_store): validate_filing for every
              filing, then validate_cross_filing, timed apart.
``queries``   every named query (kg.named_queries), parameters from the ground truth, median of 5.
``truth``     the validator's findings against the injected errors, the queries against the
              ground truth (bench/scale_truth.py).
``naive``     pyshacl over the union graph in rdflib (bench/scale_naive.py), in its own process
              with a time limit, when --naive-timeout > 0.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench import scale_truth
from bench.generate import generate
from kg.loading import Loader
from kg.namespaces import KGO
from kg.named_queries import bind, bindings_for, get_query, list_queries
from kg.parsing import parse_file
from kg.store import open_store
from kg.validation import filings_in, validate_cross_filing, validate_filing

QUERY_REPEAT = 5


def peak_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def du_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class Recorder:
    """The result of this size, rewritten to disk after every phase."""

    def __init__(self, out: Path, n: int, seed: int):
        self.out = out
        self.data: dict = {"n": n, "seed": seed, "phases": {}, "done": False}

    def phase(self, name: str, **values) -> None:
        values["peak_rss_mib_after"] = round(peak_mib(), 1)
        self.data["phases"][name] = values
        self.save()

    def save(self) -> None:
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        tmp.replace(self.out)


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - t0


def run_load(corpus: Path, location: Path) -> dict:
    with open_store(str(location)) as store:
        loader = Loader(store, validate=False)
        loader.ensure_reference_graphs()
        results = list(loader.load_paths([corpus]))
        statuses = {}
        for r in results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        rejected = [f"{r.path}: {r.reason}" for r in results if not r.ok][:5]
        return {"filings": sum(r.ok for r in results), "triples": sum(r.triples for r in results),
                "statuses": statuses, "rejected_examples": rejected, "quads_in_store": store.count()}


def dump_filing_graphs(location: Path, out: Path) -> int:
    """The filing graphs of the store (what the Loader wrote for the filings) as N-Quads,
    streamed graph by graph."""
    count = 0

    def quads(db, filings):
        nonlocal count
        for iri in filings:
            for q in db.quads_for_pattern(None, None, None, ox.NamedNode(iri)):
                count += 1
                yield q

    with open_store(str(location), read_only=True) as store, open(out, "wb") as fh:
        filings = [f["iri"] for f in filings_in(store)]
        ox.serialize(quads(store._db, filings), fh, ox.RdfFormat.N_QUADS)  # the pyoxigraph store underneath
    return count


def parse_all(files: list[Path]) -> None:
    for path in files:  # nothing kept: the memory peak is one filing's
        parse_file(path)


def run_bulk(nquads: Path, location: Path) -> dict:
    """bench/scale_bulk.py in its own process: the bulk loader's memory is not kg's."""
    out = location.with_suffix(".json")
    subprocess.run([sys.executable, "-m", "bench.scale_bulk", str(nquads), str(location), str(out)], check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def run_validate(location: Path) -> tuple[list, dict]:
    """kg.validation.validate_store, with the per-filing and cross-filing parts timed apart."""
    with open_store(str(location), read_only=True) as store:
        filings = [f["iri"] for f in filings_in(store)]
        t0 = time.perf_counter()
        findings = [f for iri in filings for f in validate_filing(store, iri)]
        t1 = time.perf_counter()
        findings += validate_cross_filing(store, filings)
        t2 = time.perf_counter()
    return findings, {"filings": len(filings), "per_filing_s": t1 - t0, "cross_s": t2 - t1, "total_s": t2 - t0}


def any_project(location: Path) -> str:
    """A project of the store (its IRI), for project-history when the corpus has no hotline project."""
    with open_store(str(location), read_only=True) as store:
        rows = store.select(f"SELECT ?p WHERE {{ ?p a <{KGO}Project> }} ORDER BY ?p LIMIT 1").rows
    return rows[0][0].value


def run_queries(location: Path, params: dict[str, dict[str, str]]) -> tuple[dict, dict]:
    """Each named query: median and worst of QUERY_REPEAT runs (parameter resolution included),
    after one warm-up; and its last result, for the truth checks."""
    timings, results = {}, {}
    with open_store(str(location), read_only=True) as store:
        for q in list_queries():
            named = get_query(q.name)
            values = params.get(q.name, {})
            times, result = [], None
            for i in range(QUERY_REPEAT + 1):
                t0 = time.perf_counter()
                result = store.select(bind(named, bindings_for(store, named, values)))
                if i:
                    times.append(time.perf_counter() - t0)
            timings[q.name] = {"median_s": statistics.median(times), "max_s": max(times), "rows": len(result.rows),
                               "params": values}
            results[q.name] = result.dicts()
    return timings, results


def run_naive(work: Path, location: Path, timeout: float) -> dict:
    """bench/scale_naive.py in its own process, stopped after ``timeout`` seconds."""
    out = work / "naive.json"
    cmd = [sys.executable, "-m", "bench.scale_naive", "--store", str(location), "--result", str(out)]
    try:
        subprocess.run(cmd, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:  # pyshacl ran for the time left after building the graph
        build = json.loads(out.read_text(encoding="utf-8")).get("build_s", 0) if out.exists() else timeout
        return {"status": "timeout", "timeout_s": timeout - build, "build_s": build}
    except subprocess.CalledProcessError as exc:
        return {"status": f"failed ({exc.returncode})"}
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, required=True, help="a scratch directory (corpus, stores)")
    ap.add_argument("--result", type=Path, required=True)
    ap.add_argument("--naive-timeout", type=float, default=0, help="seconds for the naive baseline; 0 skips it")
    args = ap.parse_args(argv)
    rec = Recorder(args.result, args.n, args.seed)
    corpus, store, bulk = args.work / "corpus", args.work / "store", args.work / "bulk"

    manifest, t = timed(generate, corpus, args.n, args.seed)
    rec.data["manifest"] = {k: manifest[k] for k in ("departments", "filings", "files_with_errors", "errors", "districts")}
    rec.phase("generate", seconds=t)

    files = sorted(corpus.glob("*.txt"))
    _, t = timed(parse_all, files)
    rec.phase("parse", seconds=t, filings=len(files))

    load, t = timed(run_load, corpus, store)
    rec.phase("load", seconds=t, map_load_s=t - rec.data["phases"]["parse"]["seconds"],
              store_bytes=du_bytes(store), **load)

    nquads = args.work / "filings.nq"
    quads = dump_filing_graphs(store, nquads)
    floor = run_bulk(nquads, bulk)
    rec.phase("bulk", seconds=floor["seconds"], quads=quads, store_bytes=du_bytes(bulk),
              bulk_process_peak_rss_mib=round(floor["peak_rss_mib"], 1))

    (findings, split), t = timed(run_validate, store)
    rec.phase("validate", seconds=t, findings=len(findings), **split)

    truth = scale_truth.read_truth(corpus)
    params = scale_truth.query_params(truth)
    params.setdefault("project-history", {"project": any_project(store)})
    timings, results = run_queries(store, params)
    rec.phase("queries", seconds=sum(q["median_s"] for q in timings.values()), queries=timings)

    with open_store(str(store), read_only=True) as st:
        files_of = {f["iri"]: f["file"] for f in filings_in(st)}
    rec.data["validator"] = scale_truth.score_findings(findings, truth, files_of)
    rec.data["violation_findings"] = [dict(f.to_dict(), check=f.check, file=Path(files_of.get(f.filing, "")).name)
                                      for f in findings if f.severity == "Violation"]  # to score again later
    rec.data["query_checks"] = scale_truth.check_queries(results, truth, params, files_of)
    rec.phase("truth")

    if args.naive_timeout > 0:
        rec.data["naive"] = run_naive(args.work, store, args.naive_timeout)
        rec.phase("naive")
    rec.data["done"] = True
    rec.data["peak_rss_mib"] = round(peak_mib(), 1)
    rec.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
