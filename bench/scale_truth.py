"""Correctness at scale: kg's answers against the generator's ground truth (bench/generate.py).

Validator. An injected error is FOUND when the filing it was injected into has a Violation
finding that is at one of the error's lines (``where.line``, ``where.row`` or a line listed in
``values.also_at_lines``) or in its table, or whose check is one that ``CHECKS`` maps the error's
kind (or a kind in its ``implies``) to. Recall counts only errors that can be found: not a
prior_year error whose misquoted filing is outside the corpus (2014) unless the filing contradicts
itself (``restated_figure``); those are listed as ``undetectable_not_counted``. Precision: every
Violation finding must be explained by an injected error, found or not — on the faulty filing
itself (as above), or, for ``PriorYearAgrees``, on the next year's filing of the same department
and kind when the error changed one of its year's figures that filing restates (kinds other than
prior_year with ``restated_figure`` in ``implies``). Every other Violation is a false positive,
reported grouped by check with examples.

Scoring again: ``python -m bench.scale_truth --result R.json --corpus DIR`` scores the Violation
findings a ``bench.scale_run`` result saved against the ground truth of DIR (the same ``-n`` and
``--seed``, regenerated), without loading anything: the way to check a change of the generator's
truth or of this module against a finished run.

Queries, every named one. budget-overview's totals for one department against the ground
truth's ``totals`` (filings without injected errors); duty-history for the hotline theme against
the filings whose ground truth has a ``hotline.duty_line``; money-by-theme for the hotline theme
against every budget's ``hotline.projects`` (amount within half of 0.01 万元: the query takes a
project's largest statement, which may be the prose's 万元 figure); lineage of the hotline's
holder against the renames and duty transfers stated by its filings and those of the body it
took the duty from (file, line, type); prior-year-check of a department that misquotes a
prior-year figure against its injected errors and the ``prior`` figures; project-history of the
holder's hotline project against the hotline projects of its district's budgets, across the
transfer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from bench.generate import GROUND_TRUTH
from kg.validation.findings import Finding

#: error kind (or implied kind) -> the shapes/checks that rightly report it
CHECKS = {
    "child_sum": {"CodeTreeSum", "TableTotal", "RowParts", "PartsSum"},  # a final's 类 sentence lists its 项
    "row_sum": {"RowParts", "TableTotal", "PartsSum"},
    "revenue_expenditure": {"RevenueEqualsExpenditure", "TableTotal", "PartsSum"},
    "personnel_public": {"PartsSum", "RowParts"},
    "change_wrong": {"StatedChange"},
    "percent_wrong": {"StatedPercent", "StatedShare"},
    "prose_table": {"ProjectAgrees", "FiguresAgree"},
    "prior_year": {"PriorYearAgrees", "BudgetAgrees", "StatedChange", "FiguresAgree"},
    "malformed_amount": {"MalformedAmount", "ParserNote"},
    "unit_mismatch": {"UnitSlip", "ImplausibleUnit"},
    "date_order": {"DateOrder"},
    # a wrong figure that the filing states again elsewhere (prose, another table, a change)
    "restated_figure": {"FiguresAgree", "ProjectAgrees", "StatedChange", "StatedPercent", "StatedShare",
                        "PartsSum", "TableTotal", "RevenueEqualsExpenditure"},
}
CROSS_CHECK = "PriorYearAgrees"
EXAMPLES = 5
HALF_WAN_CENT = Decimal("50")  # half of 0.01 万元, in 元


def read_truth(corpus: Path) -> list[dict]:
    with open(corpus / GROUND_TRUTH, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- validator -------------------------------------------------------------------------------


def _lines(finding) -> set[int]:
    where = finding.where
    lines = {where.get("line"), where.get("row")}
    lines |= {int(x) for x in str(finding.values.get("also_at_lines", "")).split(",") if x.strip().isdigit()}
    return {x for x in lines if x is not None}


def _checks_for(error: dict) -> set[str]:
    out = set(CHECKS.get(error["kind"], ()))
    for implied in error.get("implies", []):
        out |= CHECKS.get(implied, set())
    return out


def _explains(error: dict, finding) -> bool:
    """An injected error explains a finding on its own filing."""
    at_line = bool(_lines(finding) & set(error.get("lines") or [error["line"]]))
    in_table = error.get("table") is not None and finding.where.get("table") == error["table"]
    return at_line or in_table or finding.check in _checks_for(error)


# prior_year keys of a 决算 that quote the same year's 部门预算 (年初预算), not last year's 决算
_BUDGET_QUOTED = re.compile(r"f/(item/\d{7}|three_public|abroad|reception|cars)/prior")


def _reference(error: dict, record: dict) -> tuple[str, str, int]:
    """(department, kind, year) of the filing a prior_year error misquotes: the same year's
    budget for a 决算's 年初预算 (a 项's, or a 三公 figure's), else last year's filing of the same kind."""
    dept = record["department"]["id"]
    if record["kind"] == "final" and _BUDGET_QUOTED.fullmatch(str(error.get("key", ""))):
        return dept, "budget", record["year"]
    return dept, record["kind"], record["year"] - 1


def _detectable(error: dict, record: dict, have: set) -> bool:
    """Whether an injected error can be found. A prior_year error can when the filing it
    misquotes is in the corpus (not 2014, before the first year), or when the filing contradicts
    itself anyway: the wrong figure is stated outright and takes part in a sum of that year the
    filing states (``restated_figure`` in ``implies``: a 三公 part, 基本支出 under the 上年 total)."""
    if error["kind"] != "prior_year" or "restated_figure" in error.get("implies", []):
        return True
    return _reference(error, record) in have


def _next_filing(truth: list[dict]) -> dict[str, str]:
    """file -> the file of the same department's next-year filing of the same kind."""
    by_key = {(r["department"]["id"], r["kind"], r["year"]): r["file"] for r in truth}
    return {r["file"]: by_key.get((r["department"]["id"], r["kind"], r["year"] + 1)) for r in truth}


def _describe(finding, file: str) -> dict:
    return {"file": file, "filing": finding.filing, "check": finding.check, "where": finding.where,
            "message": finding.message_en[:300], "values": {k: str(v)[:80] for k, v in finding.values.items()}}


def score_findings(findings: list, truth: list[dict], files_of: dict[str, str]) -> dict:
    """Recall and precision of the Violation findings against the injected errors."""
    violations = defaultdict(list)  # file -> its Violation findings
    for f in findings:
        if f.severity == "Violation":
            violations[Path(files_of.get(f.filing, f.filing)).name].append(f)
    have = {(r["department"]["id"], r["kind"], r["year"]) for r in truth}
    undetectable = [{"file": r["file"], "kind": e["kind"], "line": e["line"], "note": e.get("note")}
                    for r in truth for e in r["errors"] if not _detectable(e, r, have)]
    injected_into = {r["file"]: r["errors"] for r in truth if r["errors"]}  # explain findings, found or not
    errors_of = {r["file"]: [e for e in r["errors"] if _detectable(e, r, have)]
                 for r in truth if r["errors"]}  # to be found (recall)
    following = _next_filing(truth)
    restated_into = defaultdict(list)  # file -> errors of the previous year's filing it restates
    for file, errors in injected_into.items():
        if following.get(file):  # a prior_year error changes no figure of its own year: nothing to restate
            restated_into[following[file]] += [e for e in errors if "restated_figure" in e.get("implies", [])
                                               and e["kind"] != "prior_year"]

    found, missed = Counter(), []
    for file, errors in errors_of.items():
        for e in errors:
            if any(_explains(e, f) for f in violations.get(file, [])):
                found[e["kind"]] += 1
            else:
                missed.append({"file": file, **{k: e.get(k) for k in ("kind", "table", "line", "lines", "expected",
                                                                       "printed", "note")},
                               "violations_on_filing": [(f.check, f.where.get("line")) for f in violations.get(file, [])][:5]})
    false_pos: dict[str, list] = defaultdict(list)
    explained = 0
    for file, fs in violations.items():
        for f in fs:
            own = any(_explains(e, f) for e in injected_into.get(file, []))
            carried = f.check == CROSS_CHECK and bool(restated_into.get(file))
            if own or carried:
                explained += 1
            else:
                false_pos[f.check].append(_describe(f, file))
    n_errors = sum(len(e) for e in errors_of.values())
    n_violations = sum(len(v) for v in violations.values())
    by_kind = Counter(e["kind"] for es in errors_of.values() for e in es)
    return {
        "injected_errors": n_errors,
        "found": sum(found.values()),
        "recall": sum(found.values()) / n_errors if n_errors else 1.0,
        "recall_by_kind": {k: f"{found[k]}/{n}" for k, n in sorted(by_kind.items())},
        "missed": missed,
        "undetectable_not_counted": undetectable,
        "violations": n_violations,
        "explained_violations": explained,
        "precision": explained / n_violations if n_violations else 1.0,
        "false_positives_by_check": {c: {"count": len(v), "filings": len({x["file"] for x in v}),
                                         "examples": v[:EXAMPLES]} for c, v in sorted(false_pos.items(), key=lambda kv: -len(kv[1]))},
        "findings_by_severity_and_check": {f"{s}:{c}": n for (s, c), n in sorted(Counter(
            (f.severity, f.check) for f in findings).items())},
        "mapping": {k: sorted(v) for k, v in CHECKS.items()},
    }


# -- named queries ----------------------------------------------------------------------------


def query_params(truth: list[dict]) -> dict[str, dict[str, str]]:
    """Parameters that exist in this corpus: the hotline's latest holder when the corpus
    reaches it, else the first department; its latest name; the hotline theme; for
    prior-year-check, a department with a misquoted prior-year budget figure that the query
    can catch (its own last-year budget in the corpus), when there is one."""
    holders = [r for r in truth if r["hotline"]["projects"] and r["kind"] == "budget"]
    org_record = max(holders, key=lambda r: r["year"]) if holders else max(
        (r for r in truth if r["department"]["id"] == truth[0]["department"]["id"]), key=lambda r: r["year"])
    org = org_record["department"]["name"]
    params = {"budget-overview": {"org": org}, "lineage": {"org": org},
              "prior-year-check": {"org": _misquoting_department(truth) or org},
              "duty-history": {"theme": "hotline"}, "money-by-theme": {"theme": "hotline"}}
    if holders:
        params["project-history"] = {"project": org_record["hotline"]["projects"][0]["name"]}
    return params


def _misquoting_department(truth: list[dict]) -> str | None:
    """The latest name of the first department with a budget stating a wrong prior-year figure
    outright (not implied by a change) while last year's budget is in the corpus."""
    have = {(r["department"]["id"], r["kind"], r["year"]) for r in truth}
    for r in truth:
        if r["kind"] == "budget" and any(e["key"] in _PROSE_PRIOR_KEYS and e["kind"] == "prior_year"
                                         and (r["department"]["id"], "budget", r["year"] - 1) in have
                                         for e in r["errors"]):
            return max((x for x in truth if x["department"]["id"] == r["department"]["id"]),
                       key=lambda x: x["year"])["department"]["name"]
    return None


def _value(row: dict, key: str) -> str | None:
    term = row.get(key)
    return None if term is None else term.value


def _department_records(truth: list[dict], name: str) -> list[dict]:
    dept = next(r["department"]["id"] for r in truth if r["department"]["name"] == name)
    return [r for r in truth if r["department"]["id"] == dept]


def _check_overview(rows: list[dict], truth: list[dict], org: str) -> dict:
    by_year = {(int(_value(r, "year")), "budget" if _value(r, "phase") == "budget" else "final"): r for r in rows}
    fields = {"revenue": "revenue", "expenditure": "expenditure", "basicExpenditure": "basic",
              "projectExpenditure": "project", "threePublic": "three_public"}
    compared, mismatches, missing_filings, not_stated = 0, [], [], Counter()
    for r in _department_records(truth, org):
        if r["errors"]:
            continue
        row = by_year.get((r["year"], r["kind"]))
        if row is None:
            missing_filings.append(r["file"])
            continue
        for column, key in fields.items():
            got = _value(row, column)
            if got is None:
                not_stated[column] += 1
                continue
            compared += 1
            if Decimal(got) != Decimal(r["totals"][key]):
                mismatches.append({"file": r["file"], "column": column, "query": got, "truth": r["totals"][key]})
    return {"ok": not mismatches and not missing_filings, "compared": compared, "mismatches": mismatches[:EXAMPLES],
            "mismatch_count": len(mismatches), "missing_filings": missing_filings[:EXAMPLES],
            "not_stated_by_column": dict(not_stated)}


def _check_duties(rows: list[dict], truth: list[dict], file_of: dict[str, str]) -> dict:
    want = {(r["year"], r["department"]["name"]) for r in truth if r["hotline"]["duty_line"]}
    got = {(int(_value(r, "year")), _value(r, "name")) for r in rows}
    want_at = {(r["file"], r["hotline"]["duty_line"]) for r in truth if r["hotline"]["duty_line"]}
    got_at = {(file_of.get(_value(r, "filing"), ""), int(_value(r, "line") or 0)) for r in rows}
    return {"ok": want == got and want_at <= got_at, "expected_year_names": len(want),
            "missing": sorted(want - got)[:EXAMPLES], "unexpected": sorted(got - want)[:EXAMPLES],
            "duty_lines_missing": sorted(want_at - got_at)[:EXAMPLES]}


def _check_money(rows: list[dict], truth: list[dict], file_of: dict[str, str]) -> dict:
    got = defaultdict(list)
    for r in rows:
        got[(file_of.get(_value(r, "filing"), ""), _value(r, "title"))].append(Decimal(_value(r, "amount")))
    expected, exact, missing, wrong = 0, 0, [], []
    for r in truth:
        if r["kind"] != "budget":
            continue
        for p in r["hotline"]["projects"]:
            expected += 1
            amounts = got.get((r["file"], p["name"]))
            want = Decimal(p["amount"])
            if not amounts:
                missing.append({"file": r["file"], "title": p["name"], "truth": p["amount"]})
            elif any(a == want for a in amounts):
                exact += 1
            elif not any(abs(a - want) <= HALF_WAN_CENT for a in amounts):
                wrong.append({"file": r["file"], "title": p["name"], "truth": p["amount"], "query": [str(a) for a in amounts]})
    truth_keys = {(r["file"], p["name"]) for r in truth for p in r["hotline"]["projects"]}
    extra = sorted({k[1] for k in got if k not in truth_keys})
    return {"ok": not missing and not wrong, "expected_projects": expected, "exact": exact,
            "within_rounding": expected - exact - len(missing) - len(wrong), "missing": missing[:EXAMPLES],
            "wrong": wrong[:EXAMPLES], "other_titles_in_theme": extra[:EXAMPLES]}


#: prior-year-check's items -> the keys of a budget's ground-truth ``prior`` (fiscal_appropriation has none)
PRIOR_ITEMS = {"basic_expenditure": "basic", "project_expenditure": "project", "revenue_total": "revenue",
               "operating_cost": "admin_costs", "three_public_total": "three_public",
               "three_public_abroad": "abroad", "three_public_reception": "reception", "three_public_vehicle": "cars"}
_PRIOR_KEY = re.compile(r"p/[a-z_]+/prior")
# misquotes the query can check in every layout: last year's budget states the item in its prose
# (the 2019 layout states 财政拨款 in 表四 only, where prior-year-check does not look)
_PROSE_PRIOR_KEYS = {f"p/{key}/prior" for key in PRIOR_ITEMS.values()}


def _stated_at(source: str, file_of: dict[str, str]) -> tuple[str, int] | None:
    """(file, line) of a lineage row's source ``<filing IRI> line N``."""
    filing, _, line = source.partition(" line ")
    return (file_of.get(filing, filing), int(line)) if line.isdigit() else None


def _check_lineage(rows: list[dict], truth: list[dict], org: str, file_of: dict[str, str]) -> dict:
    """Every rename and duty transfer a filing of the organisation states, or a filing of a
    body it received a duty from (transitively), is a row at its file and line with its type;
    and no other stated event is."""
    by_dept = defaultdict(list)
    for r in truth:
        by_dept[r["department"]["id"]].append(r)
    related, todo = set(), [_department_records(truth, org)[0]["department"]["id"]]
    while todo:
        dept = todo.pop()
        if dept not in related:
            related.add(dept)
            todo += [t["from_id"] for r in by_dept[dept] for t in r["duty_transfers"] if t.get("from_id")]
    types = {"rename": "Rename", "duty_transfer": "DutyTransfer"}
    want = {(r["file"], e["line"], types[e["type"]]) for d in related for r in by_dept[d]
            for e in r["restructurings"] + r["duty_transfers"]}
    got = set()
    for row in rows:
        if _value(row, "basis") == "stated by a filing":
            for source in (_value(row, "source") or "").split(" | "):
                at = _stated_at(source, file_of)
                if at:
                    got.add((*at, _value(row, "type")))
    return {"ok": want == got, "expected_stated_events": len(want), "departments": len(related),
            "missing": sorted(want - got)[:EXAMPLES], "unexpected": sorted(got - want)[:EXAMPLES],
            "curated_rows": sum(_value(r, "basis") == "curated" for r in rows)}


def _check_prior_year(rows: list[dict], truth: list[dict], org: str, file_of: dict[str, str]) -> dict:
    """The department's budgets' prior-year figures: every injected misquote is a row that
    differs (or is unchecked, when last year's filing does not state the item); where neither
    filing has an injected error, a figure agrees (with the ground truth's ``prior`` figure,
    where it has one) or, when last year's filing is not in the corpus or does not state the
    item, is unchecked. Rows where an error of another kind is in either filing are not judged
    (it may or may not touch the figure)."""
    records = {r["file"]: r for r in _department_records(truth, org)}
    by_year = {(r["kind"], r["year"]): r for r in records.values()}
    misquoted = {(file, line) for file, r in records.items() for e in r["errors"]
                 if e["kind"] == "prior_year" and _PRIOR_KEY.fullmatch(e["key"]) for line in e["lines"]}
    verdicts, wrong_verdicts, wrong_figures, figures, not_judged = Counter(), [], [], 0, 0
    stated_at = set()
    for row in rows:
        file, line = file_of.get(_value(row, "filing"), ""), int(_value(row, "line") or 0)
        verdict, item = _value(row, "verdict"), (_value(row, "item") or "").rsplit("/", 1)[-1]
        verdicts[verdict] += 1
        stated_at.add((file, line))
        record = records.get(file)
        previous = record and by_year.get((record["kind"], record["year"] - 1))
        if record is None:
            expected = "a filing of this department"
        elif (file, line) in misquoted:  # unchecked when last year's filing does not state the item
            expected = "differs" if _value(row, "previousStated") is not None else "unchecked"
        elif previous is None or (_value(row, "previousStated") is None and item not in PRIOR_ITEMS):
            expected = "unchecked"
        elif previous["errors"] or any(e["kind"] != "prior_year" for e in record["errors"]):
            not_judged += 1
            continue
        else:
            expected = "agrees"
        if verdict != expected:
            wrong_verdicts.append({"file": file, "line": line, "item": item, "verdict": verdict, "expected": expected})
        key = PRIOR_ITEMS.get(item)
        if expected == "agrees" and key in record.get("prior", {}):
            figures += 1
            if Decimal(_value(row, "statedPrior")) != Decimal(record["prior"][key]):
                wrong_figures.append({"file": file, "line": line, "item": item, "query": _value(row, "statedPrior"),
                                      "truth": record["prior"][key]})
    missed = sorted(misquoted - stated_at)  # misquotes the query does not list at all
    return {"ok": bool(rows) and not wrong_verdicts and not wrong_figures and not missed, "rows": len(rows),
            "verdicts": dict(verdicts), "injected_prior_year_errors": len(misquoted), "missed": missed[:EXAMPLES],
            "not_judged": not_judged, "figures_compared": figures, "wrong_verdicts": wrong_verdicts[:EXAMPLES],
            "wrong_verdict_count": len(wrong_verdicts), "wrong_figures": wrong_figures[:EXAMPLES]}


def _check_project_history(rows: list[dict], truth: list[dict], project: str, file_of: dict[str, str]) -> dict:
    """The hotline project's history: every budget of its district that funds a hotline
    project (the holder's, and before the transfer its predecessor's) is a row with the
    project's title and amount (within half of 0.01 万元), and no other filing is."""
    district = next(r["district"] for r in truth if any(p["name"] == project for p in r["hotline"]["projects"]))
    want = {(r["file"], p["name"]): Decimal(p["amount"]) for r in truth
            if r["kind"] == "budget" and r["district"] == district for p in r["hotline"]["projects"]}
    got = {(file_of.get(_value(row, "member").split("/project/")[0], ""), _value(row, "title")):
           Decimal(_value(row, "amount")) for row in rows if _value(row, "amount") is not None}
    wrong = [{"file": k[0], "title": k[1], "query": str(got[k]), "truth": str(v)}
             for k, v in want.items() if k in got and abs(got[k] - v) > HALF_WAN_CENT]
    continued = [r for r in rows if _value(r, "link") == "continuedBy"]
    return {"ok": bool(want) and set(want) == set(got) and not wrong and bool(continued), "expected": len(want),
            "missing": sorted(set(want) - set(got))[:EXAMPLES], "unexpected": sorted(set(got) - set(want))[:EXAMPLES],
            "wrong_amounts": wrong[:EXAMPLES], "inferred_links": len(continued)}


def check_queries(results: dict[str, list[dict]], truth: list[dict], params: dict, file_of: dict[str, str]) -> dict:
    file_of = {iri: Path(f).name for iri, f in file_of.items()}
    checks = {
        "budget-overview": _check_overview(results["budget-overview"], truth, params["budget-overview"]["org"]),
        "duty-history": _check_duties(results["duty-history"], truth, file_of),
        "money-by-theme": _check_money(results["money-by-theme"], truth, file_of),
        "lineage": _check_lineage(results["lineage"], truth, params["lineage"]["org"], file_of),
        "prior-year-check": _check_prior_year(results["prior-year-check"], truth, params["prior-year-check"]["org"],
                                              file_of),
    }
    project = params.get("project-history", {}).get("project")
    if any(p["name"] == project for r in truth for p in r["hotline"]["projects"]):  # not a fallback IRI
        checks["project-history"] = _check_project_history(results["project-history"], truth, project, file_of)
    return checks


# -- scoring a finished run again ---------------------------------------------------------------


def saved_findings(result: dict) -> tuple[list[Finding], dict[str, str]]:
    """The Violation findings a bench.scale_run result saved, and filing IRI -> file name."""
    findings, files_of = [], {}
    for v in result["violation_findings"]:
        zh, _, en = v["message"].partition(" / ")
        findings.append(Finding(v["severity"], v["filing"], v["where"], zh, en, v.get("values", {}), check=v["check"]))
        if v.get("file"):
            files_of[v["filing"]] = v["file"]
    return findings, files_of


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale_truth", description="Score the Violation findings of a "
                                 "bench.scale_run result again against a corpus's ground truth.")
    ap.add_argument("--result", type=Path, required=True, help="a bench.scale_run result (JSON)")
    ap.add_argument("--corpus", type=Path, required=True, help="the corpus (bench.generate with the run's -n and --seed)")
    args = ap.parse_args(argv)
    result = json.loads(args.result.read_text(encoding="utf-8"))
    truth = read_truth(args.corpus)
    if len(truth) != result.get("n", len(truth)):
        ap.error(f"the corpus has {len(truth)} filings, the run had {result['n']}")
    findings, files_of = saved_findings(result)
    score = score_findings(findings, truth, files_of)
    score.pop("findings_by_severity_and_check")  # the saved findings are the violations only
    print(json.dumps(score, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
