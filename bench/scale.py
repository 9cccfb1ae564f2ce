"""How kg scales with the number of filings (issue 6): parse, load, validate and query a
synthetic corpus of N filings (bench/generate.py) for several N, against the ground truth.

    python -m bench.scale [--sizes 100,1000,10000] [--out bench/results] [--seed 1]
                          [--naive-max 100] [--naive-timeout 600] [--time-limit S] [--bulk-max N]

Each N runs in a fresh process (bench/scale_run.py; see it for what each phase times), so the
peak memory reported is that N's own. Writes OUT/scale.json (everything, with the machine)
and OUT/scale.md (a table), and prints PASS/MISS against the targets:

- 10,000 filings parsed, loaded and validated in under 15 minutes in all;
- peak memory under 4 GiB;
- per-filing cost (parse + map/load + validate) at 10,000 within 1.5x of that at 100;
- every named query under 1 s at 10,000 filings;
- injected-error recall and precision of the validator both 100%.

A target about 10,000 filings is judged at the largest N run, and says so when that is not
10,000 (the time target is then a linear projection). Baselines in the same run: pyoxigraph's
bulk loader on the same quads (the floor for loading), and pyshacl over the union graph in
rdflib (the naive validation, for N <= --naive-max: on the first K = 1, 2, 4, … filings
until one takes longer than --naive-timeout seconds; compared with K filings' share of kg's
validation CPU).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

TARGET_TOTAL_S = 15 * 60
TARGET_PEAK_MIB = 4 * 1024
TARGET_COST_RATIO = 1.5
TARGET_QUERY_S = 1.0
TARGET_N = 10_000
REPO = Path(__file__).resolve().parent.parent


# -- running -----------------------------------------------------------------------------------


def run_size(n: int, seed: int, naive_timeout: float, time_limit: float | None, bulk: bool = True) -> dict:
    """bench.scale_run for one N in a fresh process; what it wrote, also when stopped."""
    with tempfile.TemporaryDirectory(prefix=f"kg-scale-{n}-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench.scale_run", "--n", str(n), "--seed", str(seed), "--work", tmp,
               "--result", str(result), "--naive-timeout", str(naive_timeout)] + ([] if bulk else ["--skip-bulk"])
        status = "done"
        try:
            subprocess.run(cmd, cwd=REPO, timeout=time_limit, check=True)
        except subprocess.TimeoutExpired:
            status = f"stopped at the time limit ({time_limit:.0f} s)"
        except subprocess.CalledProcessError as exc:
            status = f"failed (exit {exc.returncode})"
        data = json.loads(result.read_text(encoding="utf-8")) if result.exists() else {"n": n, "phases": {}}
    data["status"] = status
    return data


# -- deriving the figures ------------------------------------------------------------------------


def seconds(run: dict, phase: str, key: str = "seconds") -> float | None:
    return run["phases"].get(phase, {}).get(key)


def summarise(run: dict) -> dict:
    """Throughput, per-filing cost, where the time goes, and baseline ratios of one N.

    ``total_s`` is wall time: the load (parse, map and validate in worker processes, writes and
    the links graph here) plus the cross-filing check. The per-step figures are CPU seconds
    summed over the workers (parse, map, validate, serialise) or spent in the writing process
    (write, links); with J workers they add up to about J times the load's wall time."""
    n = run["n"]
    phases = run["phases"]
    load, cross, bulk = seconds(run, "load"), seconds(run, "cross"), seconds(run, "bulk")
    steps = phases.get("load", {}).get("step_seconds", {})
    triples = phases.get("load", {}).get("triples")
    naive = run.get("naive", {})
    out = {"n": n, "status": run["status"], "jobs": phases.get("load", {}).get("jobs"), "load_s": load,
           "cross_s": cross, "bulk_s": bulk, "steps_s": steps, "triples": triples,
           "peak_rss_mib": max([p.get("peak_rss_mib_after", 0) for p in phases.values()] or [0]),
           "worker_peak_rss_mib": phases.get("load", {}).get("children_peak_rss_mib"),
           "store_mib": _mib(phases.get("load", {}).get("store_bytes")),
           "bulk_store_mib": _mib(phases.get("bulk", {}).get("store_bytes"))}
    # the workers live only during the load: the peak of all processes together is the larger of
    # (writer after the load + J × the largest worker) and the writer's own peak (the cross check)
    during_load = phases.get("load", {}).get("peak_rss_mib_after", 0) + (out["jobs"] or 0) * (out["worker_peak_rss_mib"] or 0)
    out["peak_all_mib"] = max(during_load, out["peak_rss_mib"])
    if None not in (load, cross):
        out["total_s"] = load + cross
        out["ms_per_filing"] = 1000 * out["total_s"] / n
        out["filings_per_s"] = n / out["total_s"]
    if load:
        out["load_triples_per_s"] = (triples or 0) / load
    map_load = sum(steps.get(k, 0.0) for k in ("map", "serialise", "write"))
    if bulk and map_load:
        out["map_load_s"] = map_load
        out["map_load_vs_bulk"] = map_load / bulk
    # the naive baseline validated the first K filings: compare with K filings' share of the validate CPU
    validate_k = steps.get("validate", 0) * naive.get("filings", n) / n
    if naive.get("status") == "done" and validate_k:
        out["naive_s"] = f"{naive['seconds']:.1f} (K={naive['filings']})"
        out["naive_vs_per_filing"] = naive["seconds"] / validate_k
    elif naive.get("status") == "timeout" and validate_k:
        out["naive_s"] = f"> {naive['timeout_s']:.0f} (K={naive['filings']}, timeout)"
        out["naive_vs_per_filing"] = f"> {naive['timeout_s'] / validate_k:.1f}×"
    elif naive:
        out["naive_s"] = naive.get("status")
    if naive.get("stopped_at") and naive.get("status") == "done":
        out["naive_s"] += f"; K={naive['stopped_at']} > {naive['ladder'][-1].get('timeout_s', 0):.0f} s"
    queries = phases.get("queries", {}).get("queries", {})
    out["queries_median_s"] = {q: v["median_s"] for q, v in queries.items()}
    validator = run.get("validator", {})
    out["recall"], out["precision"] = validator.get("recall"), validator.get("precision")
    out["query_checks_ok"] = {q: c.get("ok") for q, c in run.get("query_checks", {}).items()}
    return out


def _mib(nbytes: int | None) -> float | None:
    return None if nbytes is None else round(nbytes / 2**20, 1)


def add_ratios(rows: list[dict]) -> None:
    """Per-filing cost relative to the smallest N."""
    base = next((r["ms_per_filing"] for r in rows if r.get("ms_per_filing")), None)
    for r in rows:
        if base and r.get("ms_per_filing"):
            r["cost_ratio_to_smallest"] = r["ms_per_filing"] / base


def judge(rows: list[dict]) -> list[dict]:
    """PASS/MISS per target, judged at the largest N that has the figure."""
    done = [r for r in rows if r.get("total_s") is not None]
    largest = done[-1] if done else rows[-1]
    at = largest["n"]
    note = "" if at == TARGET_N else f" (judged at N={at}, not {TARGET_N})"
    targets = []

    def add(name, ok, got, target):
        targets.append({"target": name, "result": "PASS" if ok else "MISS", "got": got, "target_value": target})

    if largest.get("total_s") is not None:
        projected = largest["total_s"] * TARGET_N / at
        add("10,000 filings parsed+loaded+validated < 15 min" + note, projected < TARGET_TOTAL_S,
            f"{projected:.0f} s" + ("" if at == TARGET_N else f" projected linearly from {largest['total_s']:.0f} s"),
            f"{TARGET_TOTAL_S} s")
    peak = max(r["peak_all_mib"] for r in rows)
    add("peak memory < 4 GiB", peak < TARGET_PEAK_MIB,
        f"{peak:.0f} MiB (max over N, all processes)", f"{TARGET_PEAK_MIB} MiB")
    if largest.get("cost_ratio_to_smallest") is not None:
        add("per-filing cost at 10,000 within 1.5x of smallest N" + note,
            largest["cost_ratio_to_smallest"] <= TARGET_COST_RATIO, f"{largest['cost_ratio_to_smallest']:.2f}x",
            f"{TARGET_COST_RATIO}x")
    q = max(((v, k) for k, v in largest["queries_median_s"].items()), default=None)
    if q:
        add("every named query < 1 s at 10,000" + note, q[0] < TARGET_QUERY_S, f"slowest {q[1]} {q[0] * 1000:.0f} ms",
            f"{TARGET_QUERY_S * 1000:.0f} ms")
    recall = [r["recall"] for r in rows if r.get("recall") is not None]
    precision = [r["precision"] for r in rows if r.get("precision") is not None]
    if recall:
        add("injected-error recall 100%", min(recall) == 1.0, f"{100 * min(recall):.1f}% (min over N)", "100%")
    if precision:
        add("validator precision 100%", min(precision) == 1.0, f"{100 * min(precision):.1f}% (min over N)", "100%")
    return targets


# -- the machine and the report ------------------------------------------------------------------


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    versions = {}
    for package in ("pyoxigraph", "pyshacl", "rdflib", "kg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "kg", "shapes"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip())
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "commit": commit, "kg_or_shapes_uncommitted_changes": dirty,
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def _f(value, fmt: str = "{:.1f}") -> str:
    return "—" if value is None else (fmt.format(value) if isinstance(value, (int, float)) else str(value))


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = ["# kg scale benchmark", "",
             f"`{report['command']}` — {m['date']}, {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
             f"Python {m['python']}, pyoxigraph {m['versions']['pyoxigraph']}, pyshacl {m['versions']['pyshacl']}, "
             f"rdflib {m['versions']['rdflib']}, commit {m['commit']}"
             + (" (kg/ or shapes/ with uncommitted changes)" if m["kg_or_shapes_uncommitted_changes"] else ""), "",
             "Wall seconds: the load (`kg load --jobs J`: parse, map and validate in J worker processes, one "
             "writer, then the links graph) and the cross-filing check. CPU seconds per step: parse, map, "
             "validate, serialise summed over the workers; write and links in the writer. map+load ÷ bulk = "
             "(map + serialise + write) ÷ pyoxigraph's bulk loader on the same quads; naive ÷ per-filing = "
             "pyshacl over the union graph of the first K filings (the largest K it validated within the "
             "time limit) ÷ K filings' share of the validate CPU seconds.", "",
             "| N | J | status | load s | cross s | total s | ms/filing | ×smallest | filings/s | triples/s | "
             "parse | map | validate | serialise | write | links | triples | bulk floor s | map+load ÷ bulk | "
             "naive s | naive ÷ per-filing | peak MiB | store MiB | recall | precision |",
             "|" + "---|" * 25]
    for r in report["sizes"]:
        st = r["steps_s"]
        lines.append("| " + " | ".join([
            str(r["n"]), _f(r["jobs"], "{}"), r["status"], _f(r["load_s"]), _f(r["cross_s"]), _f(r.get("total_s")),
            _f(r.get("ms_per_filing"), "{:.0f}"), _f(r.get("cost_ratio_to_smallest"), "{:.2f}"),
            _f(r.get("filings_per_s")), _f(r.get("load_triples_per_s"), "{:.0f}"),
            *(_f(st.get(k)) for k in ("parse", "map", "validate", "serialise", "write", "links")),
            _f(r["triples"], "{}"), _f(r["bulk_s"]), _f(r.get("map_load_vs_bulk"), "{:.1f}×"), _f(r.get("naive_s")),
            _f(r.get("naive_vs_per_filing"), "{:.1f}×"), _f(r["peak_all_mib"], "{:.0f}"), _f(r["store_mib"]),
            _f(r["recall"], "{:.1%}"), _f(r["precision"], "{:.1%}")]) + " |")
    names = sorted({q for r in report["sizes"] for q in r["queries_median_s"]})
    lines += ["", "Named queries, median of 5 (ms):", "", "| N | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for r in report["sizes"]:
        lines.append(f"| {r['n']} | " + " | ".join(_f(1000 * r["queries_median_s"][q], "{:.1f}")
                                                    if q in r["queries_median_s"] else "—" for q in names) + " |")
    lines += ["", "Query results against the ground truth:", ""]
    for r in report["sizes"]:
        checks = ", ".join(f"{q} {'ok' if ok else 'WRONG'}" for q, ok in r["query_checks_ok"].items())
        lines.append(f"- N={r['n']}: {checks or '—'}")
    for run in report["runs"]:
        ladder = run.get("naive", {}).get("ladder")
        validate = run["phases"].get("load", {}).get("step_seconds", {}).get("validate")
        if ladder and validate:
            per_filing = validate / run["n"]
            steps = ", ".join(f"K={s['filings']} {s['seconds']:.1f} s ({s['seconds'] / (per_filing * s['filings']):.0f}×)"
                              if s["status"] == "done" else f"K={s['filings']} {s['status']}" for s in ladder)
            lines += ["", f"Naive validation (pyshacl, union graph of the first K filings of N={run['n']}) against "
                          f"kg's per-filing validation of the same filings ({1000 * per_filing:.0f} ms CPU each): {steps}."]
    lines += ["", "| target | result | got | target |", "|---|---|---|---|"]
    lines += [f"| {t['target']} | **{t['result']}** | {t['got']} | {t['target_value']} |" for t in report["targets"]]
    lines += ["", "Validator false positives by check (largest N; details in scale.json):", ""]
    runs = [r for r in report["runs"] if r.get("validator")]
    if runs:
        v = runs[-1]["validator"]
        lines += [f"- {c}: {x['count']} on {x['filings']} filings" for c, x in v["false_positives_by_check"].items()] or ["- none"]
        lines.append(f"- missed injected errors: {len(v['missed'])} of {v['injected_errors']} "
                     f"({', '.join(f'{k} {n}' for k, n in v['recall_by_kind'].items())})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="comma-separated N (default 100,1000,10000)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--naive-max", type=int, default=100, help="largest N for the naive pyshacl baseline (default 100)")
    ap.add_argument("--naive-timeout", type=float, default=600, help="seconds for the naive baseline (default 600)")
    ap.add_argument("--time-limit", type=float, default=None, help="seconds per N; a stopped N reports what it measured")
    ap.add_argument("--bulk-max", type=int, default=None,
                    help="largest N for the bulk-loader floor (default: every N; at 10,000 it takes ~7 min)")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    runs = []
    for n in sizes:
        print(f"N={n} …", file=sys.stderr, flush=True)
        runs.append(run_size(n, args.seed, args.naive_timeout if n <= args.naive_max else 0, args.time_limit,
                             bulk=args.bulk_max is None or n <= args.bulk_max))
    rows = [summarise(r) for r in runs]
    add_ratios(rows)
    report = {"command": "python -m bench.scale " + " ".join(argv if argv is not None else sys.argv[1:]),
              "machine": machine(), "sizes": rows, "targets": judge(rows), "runs": runs}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    (args.out / "scale.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0 if all(t["result"] == "PASS" for t in report["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
