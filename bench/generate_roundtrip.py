"""Read a generated corpus back with kg's parser and compare it with the ground truth.

    python -m bench.generate_roundtrip DIR [--limit N]

For a filing without injected errors, the parsed year, kind and department, the table
figures (表二/表三/表五 by classification code, 表一, 表六, 表七, 表九) and the prose facts
(totals with their prior-year comparisons, 三公, running costs, the 决算's 项 against the
年初预算, restructurings) must equal what the generator wrote. For a faulty filing, the parser
must see the printed (wrong) figure on the recorded line. Prints one line per mismatch and a
summary; exits 1 when anything disagrees.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from bench.generate_numbers import percent

THREE_PUBLIC_ORDER = ("abroad", "reception", "cars", "car_purchase", "car_running", "three_public")


def _yuan(a: Any) -> Decimal | None:
    """The 元 value of a parsed Amount (None when absent or unreadable)."""
    return None if a is None else a.yuan


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


class Checker:
    """Collects the mismatches of one filing."""

    def __init__(self, filing, truth: dict):
        self.f, self.t = filing, truth
        self.problems: list[str] = []

    def expect(self, what: str, got: Any, want: Any) -> None:
        if got != want:
            self.problems.append(f"{what}: parsed {got!r}, wrote {want!r}")

    def money(self, what: str, amount: Any, want: str | int) -> None:
        want_d = Decimal(want) if isinstance(want, str) else Decimal(want) / 100
        self.expect(what, _yuan(amount), want_d)

    def facts(self, kind: str, **match) -> list:
        return [x for x in self.f.facts_of(kind) if all(x.values.get(k) == v for k, v in match.items())]

    def one(self, kind: str, **match):
        found = self.facts(kind, **match)
        if len(found) != 1:
            self.problems.append(f"{kind} {match or ''}: {len(found)} facts")
            return None
        return found[0]

    def comparison(self, what: str, fact, cur: str, prior: str | None, stated_prior: bool = True) -> None:
        """amount, prior_amount (when printed), change and percent of a comparison fact."""
        if fact is None:
            return
        v = fact.values
        self.money(f"{what} amount", v.get("amount"), cur)
        if prior is None:
            return
        if stated_prior and "prior_amount" in v:
            self.money(f"{what} prior", v.get("prior_amount"), prior)
        change = _cents(cur) - _cents(prior)
        if change and "change" in v:
            self.money(f"{what} change", v["change"], change)
        if change and v.get("percent") is not None:
            self.expect(f"{what} percent", v["percent"], percent(change, _cents(prior)))


# -- budgets --------------------------------------------------------------------------------

def check_budget(c: Checker) -> None:
    f, t = c.f, c.t
    c.expect("tables", [x.number for x in f.tables], [x["number"] for x in t["tables"]])
    for n in (2, 3, 5):
        _tree_table(c, n)
    _table1(c)
    _table6(c)
    _table7(c)
    _table9(c)
    _budget_facts(c)


def _tree_table(c: Checker, n: int) -> None:
    table = c.f.table(n)
    if table is None:
        return
    want = c.t["functional"]
    seen = set()
    columns = (("total", "total"), ("col:一般公共预算拨款收入", "total")) if n == 2 else (
        ("total", "total"), ("basic", "basic"), ("project", "project"))
    for row in table.rows:
        if not row.code:
            continue
        seen.add(row.code)
        for key, field in columns:
            got = _yuan(row.values.get(key)) or Decimal(0)
            if row.code in want:
                c.expect(f"表{n} {row.code} {key}", got, Decimal(want[row.code][field]))
    c.expect(f"表{n} codes", sorted(seen), sorted(want))


def _table1(c: Checker) -> None:
    table = c.f.table(1)
    if table is None:
        return
    total = Decimal(c.t["totals"]["revenue"])
    revenue = [_yuan(r.values["revenue"]) for r in table.rows if "revenue" in r.values]
    c.expect("表1 revenue figures", revenue, [total] * 3)
    spending = [_yuan(r.values["expenditure"]) for r in table.rows if "expenditure" in r.values]
    c.expect("表1 expenditure items", sum(spending[:-2], Decimal(0)), total)


def _table6(c: Checker) -> None:
    table = c.f.table(6)
    if table is None:
        return
    rows = [r for r in table.rows if r.values and not r.code]
    if len(rows) != 1:
        c.problems.append(f"表6: {len(rows)} total rows")
        return
    for key in ("total", "personnel", "public"):
        want = c.t["totals"]["basic" if key == "total" else key]
        c.expect(f"表6 total {key}", _yuan(rows[0].values.get(key)) or Decimal(0), Decimal(want))


def _table7(c: Checker) -> None:
    table = c.f.table(7)
    if table is None:
        return
    y = c.t["year"]
    rows = [r for r in table.rows if r.values]
    c.expect("表7 rows", len(rows), len(THREE_PUBLIC_ORDER))
    for row, key in zip(rows, THREE_PUBLIC_ORDER):
        c.expect(f"表7 {key} {y}", _yuan(row.values.get(f"year:{y}")), Decimal(c.t["totals"][key]))
        c.expect(f"表7 {key} {y - 1}", _yuan(row.values.get(f"year:{y - 1}")), Decimal(c.t["prior"][key]))


def _table9(c: Checker) -> None:
    table = c.f.table(9)
    if table is None:
        return
    items = [r for r in table.rows if r.code]
    c.expect("表9 items add up", sum((_yuan(r.values.get("amount")) or Decimal(0) for r in items), Decimal(0)),
             Decimal(c.t["totals"]["revenue"]))
    totals = [r for r in table.rows if r.name and r.name.strip() == "合计"]
    if totals:
        c.expect("表9 合计", _yuan(totals[-1].values.get("amount")), Decimal(c.t["totals"]["revenue"]))


def _budget_facts(c: Checker) -> None:
    t, prior = c.t["totals"], c.t["prior"]
    c.comparison("revenue", c.one("revenue_total"), t["revenue"], prior["revenue"])
    c.comparison("basic", c.one("basic_expenditure"), t["basic"], prior["basic"])
    c.comparison("project", c.one("project_expenditure"), t["project"], prior["project"])
    c.comparison("三公", c.one("three_public_total"), t["three_public"], prior["three_public"])
    c.comparison("operating cost", c.one("operating_cost"), t["admin_costs"], prior["admin_costs"])
    for kind, key in (("three_public_abroad", "abroad"), ("three_public_reception", "reception")):
        c.comparison(key, c.one(kind), t[key], prior[key])
    proc = c.one("procurement")
    if proc is not None:
        c.money("procurement", proc.values.get("amount"), t["procurement"])
    services = c.one("purchased_services")
    if services is not None:
        c.money("purchased services", services.values.get("amount"), t["services"])
    _restructuring_facts(c)


def _restructuring_facts(c: Checker) -> None:
    renames = [x.values for x in c.f.facts_of("restructuring") if x.values.get("type") == "rename"]
    want = [(r["from"], r["to"], r["document"], r["date"]) for r in c.t["restructurings"]]
    got = [(v.get("from"), v.get("to"), v.get("document"), v.get("date")) for v in renames]
    c.expect("renames", got, want)
    transfers = [x.values for x in c.f.facts_of("restructuring") if x.values.get("type") == "transfer"]
    want = [(r["from"], r["to"]) for r in c.t["duty_transfers"]]
    c.expect("duty transfers", [(v.get("from"), v.get("to")) for v in transfers], want)


# -- finals ---------------------------------------------------------------------------------

def check_final(c: Checker) -> None:
    t, prior = c.t["totals"], c.t["prior"]
    c.expect("tables", len(c.f.tables), 0)
    for label in ("收、支总计", "本年收入合计"):
        c.comparison(label, c.one("revenue_total", label=label), t["revenue"], prior["total"], False)
    c.comparison("本年支出合计", c.one("expenditure_total", label="本年支出合计"), t["expenditure"], prior["total"], False)
    for name, key in (("基本支出", "basic"), ("项目支出", "project")):
        fact = c.one("expenditure_item", name=name)
        if fact is not None:
            c.money(name, fact.values.get("amount"), t[key])
    for kind, key in (("personnel_expenditure", "personnel"), ("public_expenditure", "public")):
        fact = c.one(kind)
        if fact is not None:
            c.money(key, fact.values.get("amount"), t[key])
    classes = [x.values for x in c.f.facts_of("spending_by_class")]
    c.expect("classes", [_yuan(v.get("amount")) for v in classes], [Decimal(v) for v in c.t["classes"].values()])
    items = c.f.facts_of("final_vs_budget")
    c.expect("项 count", len(items), len(c.t["functional"]))
    for fact, (code, amount) in zip(items, c.t["functional"].items()):
        c.money(f"项 {code}", fact.values.get("amount"), amount)
        budget = _cents(c.t["budget"]["items"][code])
        change = _cents(amount) - budget
        if change:
            c.money(f"项 {code} vs 年初预算", fact.values.get("budget_change"), change)
    fact = c.one("three_public_total")
    if fact is not None:
        c.money("三公 决算", fact.values.get("amount"), t["three_public"])
        c.money("三公 年初预算", fact.values.get("budget_amount"), c.t["budget"]["three_public"]["three_public"])
    period = c.one("period")
    if period is not None:
        c.expect("考核期间", (period.line, period.values["start"], period.values["end"]),
                 (c.t["period"]["line"], c.t["period"]["start"], c.t["period"]["end"]))
    _restructuring_facts(c)


# -- errors ---------------------------------------------------------------------------------

def check_errors(c: Checker) -> None:
    """The parser must see each injected error's printed text on its recorded line."""
    for err in c.t["errors"]:
        if err["kind"] == "unit_mismatch" and err["printed"].startswith("单位"):
            table = c.f.table(err["table"])
            c.expect(f"{err['kind']} unit of 表{err['table']}", table.unit if table else None, "万元")
            continue
        if err["kind"] == "malformed_amount":
            lines = [p.line for p in c.f.problems if p.kind == "malformed_amount" and err["printed"] in p.text]
            c.expect(f"{err['kind']} reported on line", err["line"] in lines, True)
            continue
        if err["kind"] == "date_order":
            periods = [x for x in c.f.facts_of("period") if x.line == err["line"] and x.text == err["printed"]]
            c.expect(f"date_order {err['printed']!r} read on line {err['line']} ending before it starts",
                     any(x.values["end"] < x.values["start"] for x in periods), True)
            continue
        if err.get("implied"):
            continue  # an implied prior-year figure is not printed anywhere
        printed = err["printed"]
        texts = _texts_on_line(c.f, err["line"])
        c.expect(f"{err['kind']} printed {printed!r} on line {err['line']}", printed in texts, True)


def _texts_on_line(filing, line: int) -> set[str]:
    """Every figure text the parser read from ``line`` (amounts, percentages, shares)."""
    out: set[str] = set()
    for table in filing.tables:
        for row in table.rows:
            for a in row.values.values():
                if a.line == line:
                    out.add(a.text)
    for fact in filing.facts:
        if fact.line == line:
            out.update(_texts(fact.values))
    return out


def _texts(value: Any) -> Iterator[str]:
    if hasattr(value, "text") and hasattr(value, "unit"):
        yield value.text
        yield value.text.lstrip("-")
    elif isinstance(value, Decimal):
        yield f"{abs(value):.2f}"
        yield str(abs(value)).rstrip("0").rstrip(".") if "." in str(value) else str(abs(value))
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)


# -- driving ------------------------------------------------------------------------------------

def check_file(path: Path, truth: dict) -> list[str]:
    """Mismatches between one generated file and its ground truth."""
    from kg.parsing import parse_file

    f = parse_file(path)
    c = Checker(f, truth)
    c.expect("year", f.year, truth["year"])
    c.expect("kind", f.kind, truth["kind"])
    c.expect("department", f.department, truth["department"]["name"])
    if truth["errors"]:
        check_errors(c)
    elif truth["kind"] == "budget":
        check_budget(c)
    else:
        check_final(c)
    return c.problems


def truth_records(corpus: Path) -> Iterator[dict]:
    with open(corpus / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def check_corpus(corpus: Path, limit: int | None = None) -> dict[str, list[str]]:
    """File name -> mismatches, for every file with any."""
    out: dict[str, list[str]] = {}
    for i, truth in enumerate(truth_records(corpus)):
        if limit is not None and i >= limit:
            break
        problems = check_file(corpus / truth["file"], truth)
        if problems:
            out[truth["file"]] = problems
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate_roundtrip", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="check only the first N filings")
    args = parser.parse_args(argv)
    found = check_corpus(args.corpus, args.limit)
    kinds: Counter = Counter()
    for name, problems in found.items():
        for p in problems:
            print(f"{name}: {p}")
            kinds[p.split(":")[0]] += 1
    for what, n in kinds.most_common():
        print(f"{n:6d}  {what}", file=sys.stderr)
    print(f"{len(found)} files disagree with the ground truth", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
