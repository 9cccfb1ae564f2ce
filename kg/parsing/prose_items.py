"""Prose rules for the itemised statements: 三公 scope, procurement, purchased services,
performance scores and goals, fixed assets and purchase plans, major projects.
Each rule is a function ``(ctx, line, text) -> bool`` (True: the line is read)."""

from __future__ import annotations

import re
from decimal import Decimal

from kg.parsing.identity import three_public_own_units
from kg.parsing.prose_text import (
    CIRCLED, MONEY, MONEY_RE, NUM, PCT, UNIT, as_of_date, clean_name, money, numbered_item, split_names,
)


def _sentence(text: str, start: int, end: int) -> str:
    s = text.rfind("。", 0, start) + 1
    e = text.find("。", max(end - 1, s))
    return text[s: (e + 1 if e >= 0 else len(text))].strip()


def _amount(ctx, m: re.Match, ln: int, num: str = "num", unit: str = "unit", text: str = ""):
    return money(m.group(num), m.group(unit), ln, ctx.problems, text or m.group(0))


# --- 三公 scope ---------------------------------------------------------------------------------

_SCOPE_LISTED = re.compile(r"包括(?P<n>\d+)个所属单位，即(?P<list>[^。]+)")
_SCOPE_COUNTED = re.compile(r"包括(?:本单位)?所属(?P<n>\d+)个(?P<type>[^，。；\d]{0,8}?单位)")


def three_public_scope(ctx, ln: int, text: str) -> bool:
    m = _SCOPE_LISTED.search(text)
    if m:
        units = split_names(m.group("list"))
        sentence = _sentence(text, m.start(), m.end())
        ctx.add("three_public_scope", ln, sentence, {"units": units, "count": int(m.group("n"))})
        own = three_public_own_units(m.group("list"), int(m.group("n")))
        if any(u.endswith("本级") for u in units):
            for unit in units:
                if not unit.endswith("本级") and unit not in own:
                    ctx.add("subordinate_unit", ln, sentence, {"name": unit, "type": "所属单位"})
        return False
    m = _SCOPE_COUNTED.search(text)
    if m:
        ctx.add("three_public_scope", ln, _sentence(text, m.start(), m.end()),
                {"units": [], "count": int(m.group("n")), "type": m.group("type")})
    return False


# --- procurement and purchased services --------------------------------------------------------------

_PROCUREMENT = re.compile(rf"涉及政府采购项目(?P<n>\d+)个(?:，(?:预算资金|资金|金额)?(?P<num>{NUM})\s*(?P<unit>{UNIT}))?")
_PROJECT_LIST = re.compile(r"(?:项目是|主要项目是|主要项目为|项目为)[：:](?P<list>.+)$")
_LIST_ITEM = re.compile(rf"(?P<name>[^，,；;：:。]+?)(?P<num>{NUM})\s*(?P<unit>{UNIT})")
_PROCUREMENT_FINAL = re.compile(rf"政府采购支出总额{MONEY}")
_PROCUREMENT_PARTS = [
    ("goods", re.compile(rf"政府采购货物支出{MONEY}")),
    ("works", re.compile(rf"政府采购工程支出{MONEY}")),
    ("services", re.compile(rf"政府采购服务支出{MONEY}")),
    ("sme", re.compile(rf"授予中小企业合同金额{MONEY}(?:，占[^，。；]*?的{PCT})?")),
    ("small_micro", re.compile(rf"授予小微企业合同金额{MONEY}(?:，占[^，。；]*?的{PCT})?")),
]
_SERVICES = re.compile(rf"涉及政府购买服务项目(?P<n>\d+)个(?:，(?:预算资金|资金|金额)?(?P<num>{NUM})\s*(?P<unit>{UNIT}))?")
_SERVICES_FINAL = re.compile(rf"政府购买服务(?:支出)?决算(?:数)?{MONEY}")


def _listed_items(ctx, ln: int, text: str) -> list[dict]:
    m = _PROJECT_LIST.search(text)
    if not m:
        return []
    items = []
    for it in _LIST_ITEM.finditer(m.group("list")):
        items.append({"name": clean_name(it.group("name")), "amount": _amount(ctx, it, ln)})
    return items


def procurement(ctx, ln: int, text: str) -> bool:
    m = _PROCUREMENT.search(text)
    if m:
        values: dict = {"count": int(m.group("n"))}
        if m.group("num"):
            values["amount"] = _amount(ctx, m, ln)
        items = _listed_items(ctx, ln, text)
        if items:
            values["projects"] = items
        ctx.add("procurement", ln, text, values)
        return True
    m = _PROCUREMENT_FINAL.search(text)
    if m:
        values = {"amount": _amount(ctx, m, ln)}
        for key, pattern in _PROCUREMENT_PARTS:
            p = pattern.search(text)
            if not p:
                continue
            if key in ("sme", "small_micro"):
                values[f"{key}_amount"] = _amount(ctx, p, ln)
                if p.group("pct"):
                    values[f"{key}_share"] = Decimal(p.group("pct"))
            else:
                values[key] = _amount(ctx, p, ln)
        ctx.add("procurement", ln, text, values)
        return True
    return False


def purchased_services(ctx, ln: int, text: str) -> bool:
    m = _SERVICES.search(text)
    if m:
        values: dict = {"count": int(m.group("n"))}
        if m.group("num"):
            values["amount"] = _amount(ctx, m, ln)
        items = _listed_items(ctx, ln, text)
        if items:
            values["items"] = items
        ctx.add("purchased_services", ln, text, values)
        return True
    m = _SERVICES_FINAL.search(text)
    if m:
        ctx.add("purchased_services", ln, _sentence(text, m.start(), m.end()), {"amount": _amount(ctx, m, ln)})
        return True
    return False


# --- operating cost outside scope --------------------------------------------------------------------

_NOT_APPLICABLE = re.compile(r"不属于(?P<label>机关运行经费|行政运行经费|机构运行经费)(?:支出)?统计范围")


def operating_cost_scope(ctx, ln: int, text: str) -> bool:
    m = _NOT_APPLICABLE.search(text)
    if m:
        ctx.add("operating_cost", ln, text, {"applicable": False, "label": m.group("label")})
        return True
    return False


# --- performance --------------------------------------------------------------------------------------

_SCORE = re.compile(r"(?:评价得分为?|综合自评分数为|自评分数为|自评得分为?|总得分为?|得分为)(?P<score>\d+(?:\.\d+)?)分")
_GRADE = re.compile(r"(?:评定级别为|评价等级为|自评等次为|自评等级为|自评结果为|评价结果为|等级为|等次为)“?(?P<grade>[^”。，,；]+)”?")
_COMPONENT = re.compile(r"(?P<name>[\u4e00-\u9fff“”]{2,20}?)(?:得分)?(?P<s>\d+(?:\.\d+)?)分?(?=[，,；;。]|$)")
_EVALUATED = [
    re.compile(r"开展了(?P<y>(?:19|20)\d{2})年度(?P<scope>[^，。]*?)绩效自评"),
    re.compile(r"^(?P<y>(?:19|20)\d{2})年.{0,40}?(?:绩效考评|绩效自评|绩效评价)"),
    re.compile(r"对(?P<y>(?:19|20)\d{2})年度(?P<scope>[^，。]*?)实施绩效自评"),
]
_PART_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?.{0,10}绩效")
_EVALUATION_YEAR = re.compile(r"(?:^|。)(?P<y>(?:19|20)\d{2})年，")
_PROJECT = [
    re.compile(r"选取“?(?P<p>[^，。”]+)”?(?:项目)?(?:填写自评报告)?[，。]"),
    re.compile(r"是(?P<p>[^,，。]+?项目)[,，]"),
]
_WHOLE = re.compile(r"(?P<scope>部门整体支出|整体支出)(?:单位)?自评结果为")
_COVERAGE = re.compile(
    rf"申报绩效目标的项目有(?P<n>\d+)项，涉及(?P<label>[^，。]*?)(?P<num>{NUM})\s*(?P<unit>{UNIT})，"
    rf"占项目支出预算(?P<num2>{NUM})\s*(?P<unit2>{UNIT})的{PCT}")
_REPORT_PROJECT = re.compile(r"^[一二三四五六七八九十]+、\s*(?P<p>.+?)(?:绩效评价报告|绩效自评报告)")
_FUNDING = re.compile(rf"项目(?:整体)?预算{MONEY}")
_PAYMENT = re.compile(rf"(?:分别为|[、，]|第[一二三四五]笔款|尾款)(?P<num>{NUM})\s*(?P<unit>{UNIT})")


def performance(ctx, ln: int, text: str) -> bool:
    claimed = False
    m = _COVERAGE.search(text)
    if m:
        claimed = True
        ctx.add("performance_goal_coverage", ln, _sentence(text, m.start(), m.end()), {
            "project_count": int(m.group("n")),
            "label": m.group("label"),
            "amount": _amount(ctx, m, ln),
            "project_expenditure": _amount(ctx, m, ln, "num2", "unit2"),
            "share": Decimal(m.group("pct")),
        })
    m = _FUNDING.search(text)
    if m:
        claimed = True
        values = {"budget": _amount(ctx, m, ln)}
        report = _REPORT_PROJECT.match(ctx.h1_text or "")
        if report:
            values = {"project": report.group("p").strip("“”"), **values}
        payments = [_amount(ctx, p, ln) for p in _PAYMENT.finditer(text, m.end())]
        if payments:
            values["payments"] = payments
        ctx.add("project_funding", ln, text, values)
    score = _SCORE.search(text)
    whole = _WHOLE.search(text)
    if score or whole:
        claimed = True
        values: dict = {}
        start = score.start() if score else whole.start()
        evaluated = _EVALUATED[0].search(text) or _EVALUATED[1].search(text)
        first = min(start, evaluated.start()) if evaluated else start
        sentence_start = text.rfind("。", 0, first) + 1
        head = text[: start]
        for pattern in _EVALUATED:
            e = pattern.search(head) or pattern.search(text)
            if e:
                values["evaluated_year"] = int(e.group("y"))
                if e.groupdict().get("scope"):
                    values["scope"] = e.group("scope")
                break
        y = _EVALUATION_YEAR.search(text)
        if y:
            values["evaluation_year"] = int(y.group("y"))
        for pattern in _PROJECT:
            p = None if whole else pattern.search(head)
            if p:
                values["project"] = p.group("p").strip("“”")
                break
        else:
            report = _REPORT_PROJECT.match(ctx.h1_text or "")
            if report and score:
                values["project"] = report.group("p").strip("“”")
        if "evaluated_year" not in values:
            part = _PART_YEAR.search(ctx.part_text or "")
            if part:
                values["evaluated_year"] = int(part.group("y"))
        if whole:
            values["scope"] = "部门整体"
        if score:
            values["score"] = Decimal(score.group("score"))
            tail = text[score.end():]
            grade_at = _GRADE.search(tail)
            segment = tail[: grade_at.start()] if grade_at else tail
            if segment.lstrip("，, ").startswith("其中"):
                comps = _components(segment.lstrip("，, ")[2:])
                if comps:
                    values["components"] = comps
        pending = ctx.state.pop("score_components", None)
        if score and "components" not in values and pending:
            values["components"], values["components_line"] = pending[1], pending[0]
        grade = _GRADE.search(text, start)
        if grade:
            values["grade"] = grade.group("grade")
        end = grade.end() if grade else (score.end() if score else whole.end())
        ctx.add("performance_score", ln, _sentence(text, sentence_start, end), values)
        return True
    if "得分" in text and not claimed:
        comps = _components(text)
        if comps:
            ctx.state["score_components"] = (ln, comps)
            return True
    return claimed


def _components(text: str) -> list[dict]:
    comps = []
    for part in re.split(r"[，,；;。]", text):
        part = part.strip()
        c = re.match(r"^(?P<name>[^\d]{2,30}?)(?:得分)?(?P<s>\d+(?:\.\d+)?)分?(?:$|[^\d%])", part)
        if c and "%" not in part[c.end("s"): c.end("s") + 1]:
            name = c.group("name").strip()
            name = re.sub(r"得分$", "", name)
            comps.append({"name": name, "score": Decimal(c.group("s"))})
    return comps


_NOT_A_GOAL = re.compile(r"自评|评价结果|评价得分|绩效评价")


def performance_goals(ctx, ln: int, text: str) -> bool:
    item = numbered_item(text)
    pending = ctx.state.get("goal")
    if item and not _NOT_A_GOAL.search(item[1]):
        order, rest = item
        stop = rest.find("。")
        if 0 <= stop < len(rest) - 1:
            values = {"order": order, "name": rest[:stop], "text": rest}
            ctx.add("performance_goal", ln, text, values)
            ctx.state.pop("goal", None)
        else:
            fact = ctx.add("performance_goal", ln, text, {"order": order, "name": rest.rstrip("。")})
            ctx.state["goal"] = fact
        return True
    if item:
        ctx.state.pop("goal", None)
        return False
    if pending is not None and not _SCORE.search(text):
        pending.values["text"] = text
        pending.text = f"{pending.text}\n{text}"
        ctx.state.pop("goal", None)
        return True
    return False


def flush_goal(ctx) -> None:
    ctx.state.pop("goal", None)


# --- fixed assets and purchase plans -----------------------------------------------------------------

_ASSETS = re.compile(
    rf"截[至止](?P<date>(?:19|20)\d{{2}}年(?:\d{{1,2}}月\d{{1,2}}日|底|末))[，,]?(?P<who>[^，。]{{0,12}}?)"
    rf"固定资产总额(?P<num>{NUM})\s*(?P<unit>{UNIT})")
_PLAN = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年?度?(?:部门)?预算(?:中)?[：:，,]?\s*安排购置")
_ASSET_ITEM = re.compile(
    rf"(?P<name>[^；;。]+?)(?P<count>\d+)\s*(?P<cu>台（套）|台\(套\)|台|辆|件|套)[，、,]?\s*(?:金额)?(?P<num>{NUM})\s*(?P<unit>{UNIT})")


def _asset_items(ctx, ln: int, text: str) -> list[dict]:
    items = []
    for m in _ASSET_ITEM.finditer(text):
        name = re.sub(r"^[，,、；;：:\s]*(?:其中[：:，]?)?\s*(?:安排购置)?", "", m.group("name")).strip()
        items.append({"name": name, "count": int(m.group("count")), "count_unit": m.group("cu"),
                      "amount": _amount(ctx, m, ln)})
    return items


def fixed_assets(ctx, ln: int, text: str) -> bool:
    m = _ASSETS.search(text)
    if m:
        values: dict = {"amount": _amount(ctx, m, ln), "as_of": as_of_date(m.group("date")), "as_of_text": m.group("date")}
        items = _asset_items(ctx, ln, text[m.end():])
        if items:
            values["items"] = items
        ctx.add("fixed_assets", ln, text, values)
        return True
    m = _PLAN.search(text)
    if m:
        values = {"year": int(m.group("y")), "items": _asset_items(ctx, ln, text[m.end() - len("安排购置"):])}
        ctx.add("asset_purchase_plan", ln, text, values)
        return True
    return False


# --- major projects -------------------------------------------------------------------------------

_MAJOR_MARKER = re.compile(r"主要项目(?:是|为|有)?[：:]?(?P<rest>.*)$")
_ORDINAL_ITEMS = re.compile(r"[一二三四五六七八九十]+是")
_MAJOR_ITEM = re.compile(rf"^(?P<name>.+?)[，,]?\s*(?:安排预算资金|预算资金|安排资金)?(?P<num>{NUM})\s*(?P<unit>{UNIT})\s*等?[；;。，,]?\s*$")


def major_projects(ctx, ln: int, text: str) -> bool:
    m = _MAJOR_MARKER.search(text)
    if m:
        rest = m.group("rest").strip()
        if not rest:
            ctx.list_mode = "major_project"
            return True
        ctx.state["exclude"] = (ln, m.start())
        if _ORDINAL_ITEMS.match(rest):
            parts = [p for p in _ORDINAL_ITEMS.split(rest) if p.strip(" ；;。")]
            for order, part in enumerate(parts, 1):
                _major_item(ctx, ln, text, order, part)
        elif rest[0] in CIRCLED:
            parts = [p for p in re.split(f"[{CIRCLED}]", rest) if p.strip(" ；;。")]
            for order, part in enumerate(parts, 1):
                _major_item(ctx, ln, text, order, part)
        return False
    item = numbered_item(text)
    if item and ctx.list_mode == "major_project":
        _major_item(ctx, ln, text, item[0], item[1])
        return True
    return False


def _major_item(ctx, ln: int, line_text: str, order: int, part: str) -> None:
    part = part.strip(" ；;。，,")
    m = _MAJOR_ITEM.match(part)
    if m and MONEY_RE.search(part):
        values = {"name": clean_name(m.group("name")), "amount": _amount(ctx, m, ln), "order": order}
    else:
        values = {"name": clean_name(re.sub(r"等$", "", part)), "order": order}
    ctx.add("major_project", ln, line_text if ctx.list_mode == "major_project" else part, values)


RULES = [
    ("three_public_scope", {"three_public"}, three_public_scope),
    ("procurement", None, procurement),
    ("purchased_services", None, purchased_services),
    ("operating_cost_scope", None, operating_cost_scope),
    ("performance_goals", {"performance_goals"}, performance_goals),
    ("performance", {"performance", "performance_goals"}, performance),
    ("fixed_assets", None, fixed_assets),
    ("major_projects", {"major"}, major_projects),
]
