"""The ground-truth record of one generated filing (a line of ``ground_truth.jsonl``).

Money is given in 元 as decimal strings (``"49864180.90"``), whatever unit the filing
prints; line numbers are 1-based lines of the written file. The figures are the true ones:
an injected error changes only what is printed, and is described under ``errors``.

Keys of a record::

    file, index, sha256            the written file (name, position in the corpus, SHA-256 of its bytes)
    district, district_full, city  西城区, 北京市西城区, 北京市
    year, kind, layout, unit       2019, budget|final, 2019|2021|final, 元|万元
    department                     {id, name (full, as that year), short, code (budget unit code), type, unit_kind}
    totals                         revenue, expenditure, basic, project, personnel, public, three_public,
                                   abroad, reception, cars, car_purchase, car_running, vehicles,
                                   procurement, services (+ admin_costs in a budget, assets in a final)
    prior                          budget: last year's budget figures as this filing states them
                                   ({year, revenue, expenditure, basic, project, admin_costs, three_public …});
                                   final: {year, total} — last year's 决算 total
    budget                         final only: the same year's 年初预算 {year, total, three_public {…},
                                   items {项 code: amount}} (rounded to 0.01 万元 as the 决算 states them)
    functional                     budget: {类/款/项 code: {total, basic, project}}; final: {项 code: 决算 amount}
    classes                        final only: {类 code: amount}
    staff                          {admin, sub, workers, actual, temps, retired}
    tables                         [{number, title, line}] — the line of the table's caption
    hotline                        {role: source|target|null, holds_duty, duty_line, projects [{name, amount, line}]}
    duty_transfers                 [{type, year, duty, from, from_id, to, to_id, line}] stated in this filing
    restructurings                 [{type: rename, year, from, from_short, to, to_short, document, date, line}]
    period                         final only: the 绩效 考核期间 {start, end (ISO), line} (true dates)
    errors                         see bench.generate_errors.describe
"""

from __future__ import annotations

from bench.generate_doc import Doc
from bench.generate_model import Budget, Dept, Final, ThreePublic
from bench.generate_numbers import round_wan, yuan_plain
from bench.generate_prose import renames_stated


def money(cents: int) -> str:
    return yuan_plain(cents)


def _line(doc: Doc, key: str) -> int | None:
    a = doc.anchors.get(key)
    return a.line if a else None


def _department(dept: Dept, year: int) -> dict:
    return {"id": dept.id, "name": dept.full_name(year), "short": dept.short(year), "code": dept.code,
            "type": dept.type.key, "unit_kind": dept.type.kind}


def _three_public(tp: ThreePublic) -> dict:
    return {"three_public": money(tp.total), "abroad": money(tp.abroad), "reception": money(tp.reception),
            "cars": money(tp.cars), "car_purchase": money(tp.car_purchase), "car_running": money(tp.car_running),
            "vehicles": tp.vehicles}


def _tables(doc: Doc) -> list[dict]:
    out = []
    for key, anchor in doc.anchors.items():
        if key.startswith("t") and key.endswith("/title"):
            out.append({"number": int(key[1:].split("/")[0]), "title": anchor.true, "line": anchor.line})
    return out


def _restructurings(dept: Dept, year: int, doc: Doc) -> tuple[list[dict], list[dict]]:
    renames = [dict(r.to_dict(), line=_line(doc, f"fact/rename/{i}"))
               for i, r in enumerate(renames_stated(dept, year)) if _line(doc, f"fact/rename/{i}")]
    transfers = []
    if _line(doc, "fact/transfer"):
        transfers.append(dict(dept.transfer.to_dict(dept.short(year)), line=_line(doc, "fact/transfer")))
    return renames, transfers


def _hotline(dept: Dept, year: int, doc: Doc, projects: list[dict]) -> dict:
    return {"role": dept.hotline_role, "holds_duty": dept.holds_hotline(year),
            "duty_line": _line(doc, "fact/hotline_duty"), "projects": projects}


def budget_truth(b: Budget, doc: Doc) -> dict:
    """Figures, prior-year figures and facts of a budget filing."""
    dept, y = b.dept, b.year
    prior = b.prior
    detail = sorted(b.items, key=lambda it: (it.code[:5], it.project, it.code, it.econ, it.label))
    hot = [{"name": it.label, "amount": money(it.amount), "line": _line(doc, f"t9/{i}/amount")}
           for i, it in enumerate(detail) if it.hotline]
    renames, transfers = _restructurings(dept, y, doc)
    return {
        "layout": "2019" if y <= 2019 else "2021",
        "unit": "元",
        "department": _department(dept, y),
        "totals": {"revenue": money(b.total), "expenditure": money(b.total), "basic": money(b.basic),
                   "project": money(b.project), "personnel": money(b.personnel), "public": money(b.public),
                   "admin_costs": money(b.public), **_three_public(b.three_public),
                   "procurement": money(sum(it.amount for it in b.procured())),
                   "services": money(sum(it.amount for it in b.services()))},
        "prior": {"year": y - 1, "revenue": money(prior.total), "expenditure": money(prior.total),
                  "basic": money(prior.basic), "project": money(prior.project), "admin_costs": money(prior.public),
                  **_three_public(prior.three_public)},
        "functional": {code: {"total": money(bb + pp), "basic": money(bb), "project": money(pp)}
                       for code, (bb, pp) in b.tree().items()},
        "staff": vars(b.staff),
        "tables": _tables(doc),
        "hotline": _hotline(dept, y, doc, hot),
        "duty_transfers": transfers,
        "restructurings": renames,
    }


def final_truth(f: Final, doc: Doc) -> dict:
    """Figures and prior figures of a final-accounts filing (amounts in 元, multiples of 100)."""
    dept, y = f.dept, f.year
    renames, transfers = _restructurings(dept, y, doc)
    hot = [{"name": it.label, "budget": money(it.amount)} for it in f.budget.items if it.hotline]
    return {
        "layout": "final",
        "unit": "万元",
        "department": _department(dept, y),
        "totals": {"revenue": money(f.total), "expenditure": money(f.total), "basic": money(f.basic),
                   "project": money(f.project), "personnel": money(f.personnel), "public": money(f.public),
                   **_three_public(f.three_public), "procurement": money(sum(f.procurement)),
                   "services": money(f.purchase), "assets": money(f.assets)},
        "prior": {"year": y - 1, "total": money(f.prior_total)},
        "budget": {"year": y, "total": money(round_wan(f.budget.total)),
                   "three_public": {k: money(round_wan(v)) for k, v in (
                       ("three_public", f.budget.three_public.total), ("abroad", f.budget.three_public.abroad),
                       ("reception", f.budget.three_public.reception), ("cars", f.budget.three_public.cars))},
                   "items": {code: money(round_wan(b + p)) for code, (b, p) in f.budget.by_code.items()}},
        "functional": {code: money(b + p) for code, (b, p) in sorted(f.by_code.items())},
        "classes": {code: money(v) for code, v in sorted(f.classes().items())},
        "staff": vars(f.staff),
        "tables": [],
        "hotline": _hotline(dept, y, doc, hot),
        "duty_transfers": transfers,
        "restructurings": renames,
        "period": {"start": f"{y - 1}-02-01", "end": f"{y}-01-31", "line": _line(doc, "f/period")},
    }
