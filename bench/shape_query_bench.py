"""Benchmark: each shape's SPARQL constraint run directly on a filing's validation store.

    python -m bench.shape_query_bench [--corpus DIR ...] [-n 30] [--repeat 3] [--no-samples]
                                      [--mutate K] [--rows OUT.json] [--compare BEFORE.json]
                                      [--findings OUT.json] [--compare-findings BEFORE.json]
                                      [--shapes CodeName,UnitSlip]

For ~30 filings of a generated corpus (default /tmp/sq/corpus, made with
``python -m bench.generate --out /tmp/sq/corpus -n 200 --seed 3`` when missing: evenly spread
over the corpus, plus up to ten filings with an injected error) and the five real samples
(filings/xicheng/*.txt), the filing's validation store is built exactly as
``kg.validation.engine.validation_store`` builds it (the filing's triples, the helper triples
of ``derive``, the classification concepts it needs, the template). Then every shape's
``sh:select`` (with the prefixes of its ``sh:prefixes``/``sh:declare``) runs on that
pyoxigraph store with ``$this`` substituted by the filing node, and ``$currentShape`` by the
shape when the query projects it (else written into the query): as kg.validation.native runs
them. Each query
runs ``--repeat`` times per filing, the fastest run counts.

Printed: ms per filing for every shape (mean over the filings of the fastest run), slowest
first, and the total. ``--rows`` writes every result row (shape → filing → sorted rows, each
variable's term in N-Triples form) as JSON; ``--compare`` diffs the rows against such a file
(they must be identical after a change to the shapes). ``--findings`` also runs
``kg.validation.validate_filing`` (as ``kg validate`` does, with the native engine and with
pyshacl) on the same filings and writes ``[f.to_dict() for f in findings]`` per filing and
engine; ``--compare-findings`` diffs them.

``--mutate K`` adds K damaged copies of every filing (seeded, so the same on every run): a few
triples dropped, amounts shifted or multiplied by 10000, units swapped, fact kinds, table
titles, row names and codes changed. They make the shapes that rarely fire on clean filings
(MissingSection, CodeName, RowParts …) fire, so comparing their rows before and after a
change to the shapes tests it on many more cases. To get the "before" rows of shapes already
changed, run this script from an unchanged checkout (``git archive HEAD | tar -x -C DIR``).

The machine is shared: keep runs short and repeat them; the numbers are for comparing shapes
before and after a change on the same machine, not absolute.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.mapping import graph_iri, map_filing
from kg.namespaces import DEFAULT_BASE
from kg.parsing import parse_file
from kg.register import Register
from kg.validation.engine import validation_store
from kg.validation.shapes import LAYERS, shapes_graph

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "filings" / "xicheng"
DEFAULT_CORPUS = Path("/tmp/sq/corpus")
_PROJECTION = re.compile(r"SELECT\s(.*?)\bWHERE\b", re.DOTALL | re.IGNORECASE)


def shape_queries(layers: tuple[str, ...] = LAYERS) -> list[tuple[str, str, bool]]:
    """(shape IRI, query with its PREFIX lines, whether it projects $currentShape) for every
    SPARQL constraint of every shape, sorted by shape."""
    g = shapes_graph(layers)
    out = []
    for shape, constraint in g.subject_objects(SH.sparql):
        select = str(g.value(constraint, SH.select))
        prefixes = {}
        for holder in g.objects(constraint, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefixes[str(g.value(decl, SH.prefix))] = str(g.value(decl, SH.namespace))
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
        m = _PROJECTION.search(select)
        projects_shape = bool(m and re.search(r"[$?]currentShape\b", m.group(1)))
        if not projects_shape:  # may not be substituted: written into the query, as kg.validation.native does
            select = re.sub(r"[?$]currentShape\b", f"<{shape}>", select)
        out.append((str(shape), head + select, projects_shape))
    return sorted(out)


def pick_filings(corpus: Path, n: int) -> list[Path]:
    """n filings spread evenly over the corpus, plus (up to 10 more) filings with an injected
    error, so the error-driven shapes fire."""
    files = sorted(corpus.glob("*.txt"))
    if not files:
        return []
    step = max(1, len(files) // n)
    chosen = set(files[::step][:n])
    truth = corpus / "ground_truth.jsonl"
    if truth.exists():
        for line in truth.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("errors") and len(chosen) < n + 10:
                chosen.add(corpus / record["file"])
    return sorted(chosen)


def term_text(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:blank"  # labels differ from store to store
    return str(term)


def run_query(db: ox.Store, query: str, subs: dict) -> list[dict]:
    solutions = db.query(query, substitutions=subs)
    names = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        rows.append({n: term_text(s[n]) for n in names if s[n] is not None})
    return rows


_KGO = "https://w3id.org/kg/ontology#"
_AMOUNT, _UNIT, _KIND = _KGO + "amount", _KGO + "printedUnit", _KGO + "factKind"
_TITLE, _NOTE = "http://purl.org/dc/terms/title", "http://www.w3.org/2004/02/skos/core#note"
_CLASSES = (_KGO + "functionalClass", _KGO + "economicClass")


def mutate(triples: list, filing: str, seed: int, key: str) -> list:
    """A damaged copy of a filing's triples (deterministic for a seed and a filing)."""
    rng = random.Random(f"{seed}/{key}")
    notes = [t.object for t in triples if t.predicate.value == _NOTE]
    classes = [t.object for t in triples if t.predicate.value in _CLASSES]
    out = []
    for t in triples:
        p, o = t.predicate.value, t.object
        if t.subject.value != filing and rng.random() < 0.02:
            continue  # dropped
        if p == _AMOUNT and rng.random() < 0.04:
            value = float(o.value)
            value = rng.choice([value * 10000, value + 0.01, value - 1, value + 1000, 0.0, value * 1.1])
            o = ox.Literal(f"{value:.2f}", datatype=o.datatype)
        elif p == _UNIT and rng.random() < 0.03:
            o = ox.Literal("元" if o.value == "万元" else "万元")
        elif p == _KIND and rng.random() < 0.15:
            o = ox.Literal("x_" + o.value)
        elif p == _TITLE and rng.random() < 0.15:
            o = ox.Literal(o.value[2:], language=o.language) if o.language else ox.Literal(o.value[2:])
        elif p == _NOTE and notes and rng.random() < 0.05:
            o = rng.choice(notes)
        elif p in _CLASSES and classes and rng.random() < 0.03:
            o = rng.choice(classes)
        out.append(ox.Triple(t.subject, t.predicate, o))
    return out


def load(path: Path, register: Register):
    parsed = parse_file(path)
    mapped = map_filing(parsed, register, DEFAULT_BASE, False)
    return mapped.triples, graph_iri(parsed, register, DEFAULT_BASE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shape_query_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help=f"generated corpus (default {DEFAULT_CORPUS}); repeatable")
    parser.add_argument("-n", type=int, default=30, help="filings per corpus (default 30, plus those with injected errors)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query per filing; the fastest counts (default 3)")
    parser.add_argument("--no-samples", action="store_true", help="leave out filings/xicheng/*.txt")
    parser.add_argument("--mutate", type=int, default=0, metavar="K", help="also run K damaged copies of each filing")
    parser.add_argument("--shapes", help="only these shapes (local names, comma-separated)")
    parser.add_argument("--rows", type=Path, help="write the result rows as JSON")
    parser.add_argument("--compare", type=Path, help="diff the result rows against this JSON (from --rows)")
    parser.add_argument("--findings", type=Path, help="also run validate_filing (pyshacl) and write its findings as JSON")
    parser.add_argument("--compare-findings", type=Path, help="diff the findings against this JSON (from --findings)")
    args = parser.parse_args(argv)

    corpora = args.corpus or [DEFAULT_CORPUS]
    for corpus in corpora:
        if corpus == DEFAULT_CORPUS and not corpus.exists():
            subprocess.run([sys.executable, "-m", "bench.generate", "--out", str(corpus), "-n", "200", "--seed", "3"],
                           check=True, cwd=ROOT)
    paths = [p for c in corpora for p in pick_filings(c, args.n)]
    if not args.no_samples:
        paths += sorted(SAMPLES.glob("*.txt"))

    queries = shape_queries()
    if args.shapes:
        wanted = set(args.shapes.split(","))
        queries = [q for q in queries if q[0].rsplit("#", 1)[-1] in wanted]
    register = Register.load(DEFAULT_BASE)
    this, current = ox.Variable("this"), ox.Variable("currentShape")

    times: dict[str, list[float]] = {shape: [] for shape, _, _ in queries}
    rows: dict[str, dict[str, list]] = {shape: {} for shape, _, _ in queries}
    findings: dict[str, list] = {}
    sizes = []
    runs = []
    for path in paths:
        key = f"{path.parent.name}/{path.name}"
        triples, iri = load(path, register)
        runs.append((key, triples, iri))
        for seed in range(1, args.mutate + 1):
            runs.append((f"{key}#mutant{seed}", mutate(triples, iri, seed, key), iri))
    for key, triples, iri in runs:
        db = validation_store(triples, iri)
        sizes.append(len(db))
        filing = ox.NamedNode(iri)
        for shape, query, projects_shape in queries:
            subs = {this: filing}
            if projects_shape:
                subs[current] = ox.NamedNode(shape)
            best = None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = run_query(db, query, subs)
                dt = time.perf_counter() - t0
                best = dt if best is None else min(best, dt)
            times[shape].append(best)
            if result:
                rows[shape][key] = sorted(result, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
        if args.findings:
            from kg.validation import validate_filing
            findings[key] = {engine: [f.to_dict() for f in validate_filing(triples, iri, engine=engine)]
                             for engine in ("native", "pyshacl")}

    n = len(runs)
    print(f"{n} filings, {sum(sizes) / n:.0f} triples per validation store on average, best of {args.repeat} runs")
    total = 0.0
    for shape, ts in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        ms = 1000 * sum(ts) / n
        total += ms
        fired = sum(len(r) for r in rows[shape].values())
        print(f"  {shape.rsplit('#', 1)[-1]:36s} {ms:7.2f} ms/filing  max {1000 * max(ts):6.2f}  rows {fired}")
    print(f"  {'TOTAL':36s} {total:7.2f} ms/filing")
    groups: dict[str, list[int]] = {}
    for i, (key, _, _) in enumerate(runs):
        groups.setdefault(key.split("/", 1)[0] + (", damaged" if "#mutant" in key else ""), []).append(i)
    if len(groups) > 1:
        for group, idx in groups.items():
            ms = 1000 * sum(ts[i] for ts in times.values() for i in idx) / len(idx)
            print(f"  {'TOTAL ' + group + f' ({len(idx)})':36s} {ms:7.2f} ms/filing")

    rows = {shape.rsplit("#", 1)[-1]: r for shape, r in rows.items()}
    if args.rows:
        args.rows.write_text(json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    status = 0
    if args.compare:
        status |= diff("rows", json.loads(args.compare.read_text(encoding="utf-8")), rows, only=set(rows) if args.shapes else None)
    if args.findings:
        args.findings.write_text(json.dumps(findings, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.compare_findings:
        status |= diff("findings", unordered(json.loads(args.compare_findings.read_text(encoding="utf-8"))),
                       unordered(findings))
    return status


def unordered(findings: dict) -> dict:
    """Findings per filing and engine as a sorted list: pyshacl reports results in the order of
    its report graph (blank nodes, different in every run), so findings that sort equal (and
    which of two repeats gets ``also_at_lines``) may come in another order."""
    return {key: {engine: sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in fs)
                  for engine, fs in by_engine.items()} for key, by_engine in findings.items()}


def diff(what: str, before: dict, after: dict, only: set | None = None) -> int:
    """Print the keys whose content differs; 0 when identical."""
    keys = sorted(set(before) | set(after))
    if only is not None:
        keys = [k for k in keys if k in only]
    bad = [k for k in keys if before.get(k) != after.get(k)]
    if not bad:
        print(f"{what}: identical to the earlier run ({len(keys)} keys)")
        return 0
    for k in bad:
        b, a = before.get(k), after.get(k)
        print(f"{what} DIFFER: {k}")
        if isinstance(b, dict) and isinstance(a, dict):
            for f in sorted(set(b) | set(a)):
                if b.get(f) != a.get(f):
                    print(f"    {f}: before {json.dumps(b.get(f), ensure_ascii=False)[:600]}")
                    print(f"    {' ' * len(f)}  after  {json.dumps(a.get(f), ensure_ascii=False)[:600]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
