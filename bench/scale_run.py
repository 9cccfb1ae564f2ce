"""One size of the scale benchmark (bench/scale.py), run in a fresh process so that the peak
memory it reports is this size's own.

    python -m bench.scale_run --n 100 --seed 1 --work DIR --result OUT.json [--naive-timeout S]

Phases, timed separately, each written to OUT.json as soon as it ends (a run stopped by a time
limit still leaves what it measured):

``generate``  bench.generate into DIR/corpus (not part of kg's cost).
``load``      what ``kg load --jobs J`` does (J = the machine's cores): kg.loading.Loader(validate=True,
              jobs=J).load_paths into a fresh on-disk store: every file parsed, mapped and validated
              in J worker processes, written by this one, then the links graph. Its wall time is
              the pipeline's; the workers' CPU seconds per step (parse, map, validate, serialise:
              LoadResult.timings) and this process's CPU seconds in store writes and in the links
              graph say where it goes (links: this thread's CPU; RocksDB's compactions meanwhile
              count as write).
``cross``     the cross-filing check (kg.validation.validate_cross_filing) over the loaded store:
              the rest of what "parsed, loaded and validated" takes.
``bulk``      the floor: the store's filing graphs dumped to N-Quads, then pyoxigraph's own
              ``Store.bulk_load`` of that file into a fresh store, in its own process
              (bench/scale_bulk.py; only the load is timed, its memory is not kg's).
``queries``   every named query (kg.named_queries), parameters from the ground truth, median of 5.
``truth``     the validator's findings against the injected errors, the queries against the
              ground truth (bench/scale_truth.py).
``naive``     pyshacl over the union graph in rdflib (bench/scale_naive.py) of the first K
              filings, K = 1, 2, 4, … up to N, each in its own process with a time limit, until
              one does not finish (when --naive-timeout > 0): the largest K it still validates.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench import scale_truth
from bench.generate import generate
from kg.errors import QueryError
from kg.loading import Loader
from kg.namespaces import KGO
from kg.named_queries import bind, bindings_for, get_query, list_queries
from kg.store import open_store
from kg.validation import filings_in, validate_cross_filing

QUERY_REPEAT = 5
NAIVE_FIRST_K = 1  # filings of the naive baseline's first step; doubled while it finishes


def peak_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mib() -> float:
    """The largest peak resident memory of a finished child process (the load's workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


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


def run_load(corpus: Path, location: Path, jobs: int) -> tuple[dict, list]:
    """Load (and validate) the corpus as ``kg load --jobs`` does; the figures and the findings."""
    steps: dict[str, float] = {}
    with open_store(str(location)) as store:
        loader = Loader(store, validate=True, jobs=jobs)
        loader.ensure_reference_graphs()
        _time_calls(store, "add_new_ntriples", steps, "write")
        # RocksDB compacts what the writer wrote in background threads while the links graph is
        # computed: that CPU is the write's (at 10,000 filings it was most of "links")
        _time_calls(loader, "refresh_links", steps, "links", others_to="write")
        statuses, findings, triples, rejected = {}, [], 0, []
        for r in loader.load_paths([corpus]):  # results are not kept: findings only
            statuses[r.status] = statuses.get(r.status, 0) + 1
            findings += r.findings
            triples += r.triples
            for step, seconds in r.timings.items():
                steps[step] = steps.get(step, 0.0) + seconds
            if not r.ok and len(rejected) < 5:
                rejected.append(f"{r.path}: {r.reason}")
        figures = {"filings": sum(n for s, n in statuses.items() if s != "rejected"), "triples": triples,
                   "statuses": statuses, "rejected_examples": rejected, "quads_in_store": store.count(), "jobs": jobs,
                   "step_seconds": {k: round(v, 3) for k, v in steps.items()}}
    return figures, findings


def _time_calls(obj, method: str, totals: dict[str, float], key: str, others_to: str | None = None) -> None:
    """Wrap ``obj.method`` so that the CPU seconds spent in it add up in ``totals[key]``: the
    whole process's (the bulk loader's own threads included), or with ``others_to`` this
    thread's only, the other threads' going to ``totals[others_to]``."""
    inner = getattr(obj, method)

    def timed_call(*args, **kwargs):
        t0, own0 = time.process_time(), time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent, own = time.process_time() - t0, time.thread_time() - own0
            totals[key] = totals.get(key, 0.0) + (spent if others_to is None else own)
            if others_to is not None:
                totals[others_to] = totals.get(others_to, 0.0) + spent - own

    setattr(obj, method, timed_call)


def run_cross(location: Path) -> list:
    with open_store(str(location), read_only=True) as store:
        return validate_cross_filing(store)


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


def run_bulk(nquads: Path, location: Path) -> dict:
    """bench/scale_bulk.py in its own process: the bulk loader's memory is not kg's."""
    out = location.with_suffix(".json")
    subprocess.run([sys.executable, "-m", "bench.scale_bulk", str(nquads), str(location), str(out)], check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def any_project(location: Path) -> str:
    """A project of the store (its IRI), for project-history when the corpus has no hotline project."""
    with open_store(str(location), read_only=True) as store:
        return first_project(store)


def first_project(store) -> str:
    return store.select(f"SELECT ?p WHERE {{ ?p a <{KGO}Project> }} ORDER BY ?p LIMIT 1").rows[0][0].value


def run_queries(location: Path, params: dict[str, dict[str, str]]) -> tuple[dict, dict]:
    """Each named query: median and worst of QUERY_REPEAT runs (parameter resolution included),
    after one warm-up; and its last result, for the truth checks."""
    timings, results = {}, {}
    with open_store(str(location), read_only=True) as store:
        for q in list_queries():
            named = get_query(q.name)
            values = params.get(q.name, {})
            try:
                bindings_for(store, named, values)
            except QueryError as exc:  # a ground-truth parameter the store does not resolve: time the query anyway
                fallback = {"project": first_project(store)} if q.name == "project-history" else {}
                print(f"{q.name}: {exc}; timing it with {fallback or 'its defaults'}", file=sys.stderr)
                values = fallback
            times, result = [], None
            for i in range(QUERY_REPEAT + 1):
                t0 = time.perf_counter()
                result = store.select(bind(named, bindings_for(store, named, values)))
                if i:
                    times.append(time.perf_counter() - t0)
            timings[q.name] = {"median_s": statistics.median(times), "max_s": max(times), "rows": len(result.rows),
                               "params": values, "asked_params": params.get(q.name, {})}
            results[q.name] = result.dicts()
    return timings, results


def run_naive(work: Path, location: Path, timeout: float, n: int) -> dict:
    """The naive baseline on the store's first K filings for K = 1, 2, 4, … up to ``n``,
    until one does not finish within ``timeout`` seconds: where it still finishes, and how its
    cost grows. Each K in its own process (bench/scale_naive.py)."""
    ladder, k = [], min(NAIVE_FIRST_K, n)
    while True:
        step = _naive_step(work, location, timeout, k)
        ladder.append(step)
        if step["status"] != "done" or k == n:
            break
        k = min(2 * k, n)
    done = [s for s in ladder if s["status"] == "done"]
    return {**(done[-1] if done else ladder[-1]), "ladder": ladder,
            "stopped_at": None if ladder[-1]["status"] == "done" else ladder[-1]["filings"]}


def _naive_step(work: Path, location: Path, timeout: float, k: int) -> dict:
    out = work / f"naive-{k}.json"
    cmd = [sys.executable, "-m", "bench.scale_naive", "--store", str(location), "--result", str(out), "--filings", str(k)]
    try:
        subprocess.run(cmd, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:  # pyshacl ran for the time left after building the graph
        build = json.loads(out.read_text(encoding="utf-8")).get("build_s", 0) if out.exists() else timeout
        return {"status": "timeout", "filings": k, "timeout_s": timeout - build, "build_s": build}
    except subprocess.CalledProcessError as exc:
        return {"status": f"failed ({exc.returncode})", "filings": k}
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, required=True, help="a scratch directory (corpus, stores)")
    ap.add_argument("--result", type=Path, required=True)
    ap.add_argument("--naive-timeout", type=float, default=0, help="seconds for the naive baseline; 0 skips it")
    ap.add_argument("--skip-bulk", action="store_true", help="skip the bulk-loader floor (minutes at 10,000 filings)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for the load (default: cores)")
    args = ap.parse_args(argv)
    rec = Recorder(args.result, args.n, args.seed)
    corpus, store, bulk = args.work / "corpus", args.work / "store", args.work / "bulk"

    manifest, t = timed(generate, corpus, args.n, args.seed)
    rec.data["manifest"] = {k: manifest[k] for k in ("departments", "filings", "files_with_errors", "errors", "districts")}
    rec.phase("generate", seconds=t)

    (load, findings), t = timed(run_load, corpus, store, args.jobs)
    rec.phase("load", seconds=t, store_bytes=du_bytes(store), children_peak_rss_mib=round(children_peak_mib(), 1), **load)

    cross, t = timed(run_cross, store)
    findings += cross
    rec.phase("cross", seconds=t, findings=len(cross))

    if not args.skip_bulk:
        nquads = args.work / "filings.nq"
        quads = dump_filing_graphs(store, nquads)
        floor = run_bulk(nquads, bulk)
        rec.phase("bulk", seconds=floor["seconds"], quads=quads, store_bytes=du_bytes(bulk),
                  bulk_process_peak_rss_mib=round(floor["peak_rss_mib"], 1))
        nquads.unlink()

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
        rec.data["naive"] = run_naive(args.work, store, args.naive_timeout, args.n)
        rec.phase("naive")
    rec.data["done"] = True
    rec.data["peak_rss_mib"] = round(peak_mib(), 1)
    rec.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
