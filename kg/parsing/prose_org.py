"""Prose rules about the organisation: restructuring, internal and subordinate units, duties,
staffing. Each rule is a function ``(ctx, line, text) -> bool`` (True: the line is read)."""

from __future__ import annotations

import re

from kg.parsing.prose_text import LOCAL_PREFIX, ORG_SUFFIX, clean_name, iso_date, numbered_item, split_names

_NAME = rf"(?:{LOCAL_PREFIX})?[^\s，。；、（）()“”:：,]{{1,30}}?{ORG_SUFFIX}"

# --- restructuring ------------------------------------------------------------------------------

_DOCUMENT = re.compile(r"(?:根据|依据|按照)(?P<doc>[^《，。；]{1,20}?〔\d{4}〕\d+号)(?:《(?P<title>[^》]+)》)?")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_REASON = re.compile(r"^因(?P<reason>[^，。]+)，")

# (type, pattern). Groups: from, to, duty (any may be absent).
_RESTRUCTURING: list[tuple[str, re.Pattern]] = [
    ("rename", re.compile(rf"将(?P<from>{_NAME})更名为(?P<to>{_NAME})")),
    ("rename", re.compile(rf"(?P<from>{_NAME})更名为(?P<to>{_NAME})")),
    ("transfer", re.compile(rf"原?(?P<from>{_NAME})(?P<duty>[^，。；]{{1,30}}?职责)划转至(?P<to>{_NAME})")),
    ("transfer", re.compile(rf"(?P<duty>[^，。；]{{1,30}}?职责)划[转入]至?(?P<to>{_NAME})")),
    ("merge", re.compile(r"(?:^|[因及和，、；])(?P<from>[^因及和，、。；]{2,30}?)并入(?P<to>[^，。；]{2,30})")),
    ("add_name", re.compile(rf"(?P<from>{_NAME})?加挂(?P<to>[^，。；]{{2,40}}?)牌子")),
    ("establish", re.compile(rf"(?:组建|成立|新设立)(?P<to>{_NAME})")),
    ("abolish", re.compile(rf"撤销(?P<from>{_NAME})")),
]


def restructuring(ctx, ln: int, text: str) -> bool:
    seen_spans: list[tuple[int, int]] = []
    for kind, pattern in _RESTRUCTURING:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in seen_spans):
                continue
            seen_spans.append(m.span())
            values: dict = {"type": kind}
            groups = m.groupdict()
            if groups.get("from"):
                values["from"] = clean_name(groups["from"])
            if groups.get("to"):
                values["to"] = clean_name(groups["to"])
            if groups.get("duty"):
                values["duty"] = clean_name(groups["duty"])
            before = text[: m.start()]
            date = None
            for d in _DATE.finditer(before):
                date = d
            if date and m.start() - date.end() < 4:
                values["date"] = iso_date(date.group("y"), date.group("m"), date.group("d"))
            doc = _DOCUMENT.search(text)
            if doc:
                values["document"] = doc.group("doc").strip()
                if doc.group("title"):
                    values["document_title"] = doc.group("title")
            reason = _REASON.search(text)
            if reason and reason.end() <= m.start() + 1:
                values["reason"] = reason.group("reason")
            s = text.rfind("。", 0, m.start()) + 1
            e = text.find("。", m.end())
            ctx.add("restructuring", ln, text[s: (e + 1 if e >= 0 else len(text))], values)
            _restructuring_names(ctx, ln, values)
    return False


def _restructuring_names(ctx, ln: int, values: dict) -> None:
    to, frm = values.get("to"), values.get("from")
    if values["type"] == "rename" and to in ctx.own_names:
        if frm:
            ctx.name(frm, "former", ln)
        ctx.name(to, "full" if to.startswith("北京市") else "body", ln)
    elif to in ctx.own_names:
        ctx.name(to, "full" if to.startswith("北京市") else "body", ln)


# --- internal and subordinate units -----------------------------------------------------------

_UNITS_LISTED = re.compile(r"设(?P<list>[^。；，]*?、[^。；]*?)等(?P<n>\d+)个(?P<label>职能科室|内设机构|科室|处室|职能处室)")
_UNITS_COUNT = [
    re.compile(r"设(?P<n>\d+)个(?P<label>内设机构|职能科室|科室|处室)"),
    re.compile(r"(?P<label>内设科室|内设机构|职能科室)(?P<n>\d+)个"),
]
_GUIDED = re.compile(r"其中(?P<list>[^。；]+?)的业务受(?P<who>[^。，；]+?)指导")
_SUBORDINATE = [
    re.compile(r"所属(?P<type>[^，。；\d]{0,12}?单位)(?P<n>\d+)个(?:，名称为(?P<name>[^，。；]+))?"),
    re.compile(r"(?P<n>\d+)个(?P<type>直属机构|直属单位|下属单位|所属单位)(?!，即)"),
]


def units(ctx, ln: int, text: str) -> bool:
    found = False
    m = _UNITS_LISTED.search(text)
    counted = False
    if m:
        found = counted = True
        sentence = _sentence(text, m)
        ctx.add("internal_unit_count", ln, sentence, {"count": int(m.group("n")), "label": m.group("label")})
        for order, name in enumerate(split_names(m.group("list")), 1):
            ctx.add("internal_unit", ln, sentence, {"name": name, "order": order})
    if not counted:
        for pattern in _UNITS_COUNT:
            m = pattern.search(text)
            if m:
                found = True
                ctx.add("internal_unit_count", ln, _sentence(text, m), {"count": int(m.group("n")), "label": m.group("label")})
                ctx.list_mode = "internal_unit"
                break
    m = _GUIDED.search(text)
    if m:
        found = True
        for name in split_names(m.group("list")):
            ctx.add("internal_unit", ln, _sentence(text, m), {"name": name, "order": None, "guided_by": m.group("who")})
    for pattern in _SUBORDINATE:
        for m in pattern.finditer(text):
            found = True
            sentence = _sentence(text, m)
            ctx.add("subordinate_unit_count", ln, sentence, {"count": int(m.group("n")), "type": m.group("type")})
            if m.groupdict().get("name"):
                ctx.add("subordinate_unit", ln, sentence, {"name": clean_name(m.group("name")), "type": m.group("type")})
    return False


def _sentence(text: str, m: re.Match) -> str:
    s = text.rfind("。", 0, m.start()) + 1
    e = text.find("。", m.end())
    return text[s: (e + 1 if e >= 0 else len(text))].strip()


# --- duties and numbered lists in the organisation section --------------------------------------

_DUTY_MARKER = re.compile(r"主要职责(?:是|为|如下)?\s*[：:]?\s*(?P<rest>.*)$")
_UNITS_MARKER = re.compile(r"^(?:内设机构|机构设置)[：:。]?$")
_ALIAS = re.compile(r"^(?P<name>[^（(]+)[（(](?P<alias>[^）)]+)[）)]$")


def org_lists(ctx, ln: int, text: str) -> bool:
    item = numbered_item(text)
    body = item[1] if item else text
    marker = _DUTY_MARKER.search(body)
    if marker and len(body) - len(marker.group("rest")) < 40:
        rest = marker.group("rest").strip()
        if rest and "；" in rest:
            duties = [d.strip(" 。；") for d in rest.split("；")]
            for order, duty in enumerate((d for d in duties if d), 1):
                ctx.add("duty", ln, text, {"order": order, "text": duty})
            ctx.list_mode = None
            return True
        ctx.list_mode = "duty"
        return True
    if _UNITS_MARKER.match(body.strip()):
        ctx.list_mode = "internal_unit"
        return True
    if item and ctx.list_mode == "duty":
        ctx.add("duty", ln, text, {"order": item[0], "text": item[1]})
        return True
    if item and ctx.list_mode == "internal_unit":
        name = item[1].strip(" 。.；;")
        values = {"name": name, "order": item[0]}
        alias = _ALIAS.match(name)
        if alias:
            values = {"name": alias.group("name").strip(), "order": item[0], "alias": alias.group("alias").strip()}
        ctx.add("internal_unit", ln, text, values)
        return True
    return False


# --- staffing ---------------------------------------------------------------------------------------

_STAFF = re.compile(
    r"(?P<label>行政编制|事业编制|工勤编制|参公编制|实际在岗|实际在编|实有人数|实有|实际|"
    r"长期聘用临时工|离退休人员|离休|退休)(?:人员)?(?:人数)?(?:为|共)?(?P<n>\d+)(?:人|名)")
_EDITORIAL = ("行政编制", "事业编制", "工勤编制", "参公编制")


def staffing(ctx, ln: int, text: str) -> bool:
    found = False
    last_editorial = None
    for m in _STAFF.finditer(text):
        found = True
        label = m.group("label")
        category = re.sub(r"人数$|人员$", "", label)
        values: dict = {"category": category, "count": int(m.group("n")), "label": label}
        if category in _EDITORIAL:
            last_editorial = category
        elif category == "实有" and last_editorial:
            values["of"] = last_editorial
        ctx.add("staffing", ln, _sentence(text, m), values)
    return found


RULES = [
    ("restructuring", {"org", None}, restructuring),
    ("units", {"org", None}, units),
    ("staffing", {"staff", "org"}, staffing),
    ("org_lists", {"org"}, org_lists),
]
