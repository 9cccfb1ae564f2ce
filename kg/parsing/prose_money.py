"""Prose rules for money statements: totals, their parts, and comparisons with an earlier year
or with the 年初预算.

A line is cut into clauses (at ，；。： and at a parenthesis that opens a year). Each clause is
one of a few shapes, each a regex below:

* a labelled amount ``基本支出预算27035047.61元`` — the label decides the fact kind
  through ``LABEL_KINDS`` (the first pattern that matches the label wins);
* a comparison ``比2019年基本支出预算26607917.24元增加427130.37元`` (``_COMPARE``),
  ``2019年比2018年减少24,500.00元`` (``_YEAR_COMPARE``), ``减少支出2459180元`` (``_CHANGE_ONLY``);
* a percent change ``增长42.13%`` (``_PERCENT``), a share ``占收入合计的100%`` (``_SHARE``);
* ``与2019年财政预算数一致`` / ``没变化`` (``_UNCHANGED``);
* counts ``公务用车数量为6辆``, ``团组0个``, ``0人次`` (``_COUNTS``);
* a reason ``主要原因是：…`` (``_REASON``, read before the clauses are cut, to the end of its
  sentence) — it goes to the facts compared since the previous reason.

A new template is usually a new row in ``LABEL_KINDS`` or one more clause regex.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.amounts import Amount
from kg.model import FINAL, Fact
from kg.parsing.prose_text import CIRCLED, NUM, PCT, UNIT, money, sentence_span, signed

# --- labels ------------------------------------------------------------------------------------

# (pattern searched in the cleaned label, kind). "inherit": the kind of the 三公 item heading
# the clause is under; "vehicle_purchase"/"vehicle_operation"/"per_*": a key of the current
# 三公 fact; "both_totals": 收、支总计 states revenue and expenditure totals at once.
LABEL_KINDS: list[tuple[re.Pattern, str]] = [(re.compile(p), k) for p, k in [
    (r"^人均", "per_capita"),
    (r"^车均购置费", "per_vehicle_purchase"),
    (r"^车均运行维护费", "per_vehicle_operation"),
    (r"三公", "three_public_total"),
    (r"因公出国", "three_public_abroad"),
    (r"公务接待", "three_public_reception"),
    (r"公务用车购置及运行(?:维护)?费", "three_public_vehicle"),
    (r"公务用车购置费", "vehicle_purchase"),
    (r"公务用车运行(?:维护)?费", "vehicle_operation"),
    (r"(?:行政|机关|机构)运行经费", "operating_cost"),
    (r"公用支出|公用经费", "public_expenditure"),
    (r"人员支出|人员经费", "personnel_expenditure"),
    (r"^包括", "part_of_current"),
    (r"基本支出", "basic_expenditure"),
    (r"项目支出", "project_expenditure"),
    (r"财政拨款收、?支总计|财政拨款收入支出总计|一般公共预算财政拨款支出$|^财政拨款$", "fiscal_appropriation"),
    (r"收、?支总计|收支总计", "both_totals"),
    (r"预算内收入", "revenue_item"),
    (r"收入预算$|预算总收入$|收入合计$|总收入$|^收入$", "revenue_total"),
    (r"支出预算$|预算总支出$|支出合计$|总支出$|^支出$", "expenditure_total"),
    (r"资金安排$|收入$", "revenue_item"),
    (r"上缴上级支出$|经营支出$|对附属单位补助支出$", "expenditure_item"),
    (r"^(?:财政拨款)?(?:预算安排|财政预算|预算数|预算|决算数)$", "inherit"),
    (r"^决算(?:数)?$", "final"),
]]

MAIN_KINDS = {
    "revenue_total", "expenditure_total", "fiscal_appropriation", "basic_expenditure", "project_expenditure",
    "personnel_expenditure", "public_expenditure", "operating_cost", "three_public_total", "three_public_abroad",
    "three_public_reception", "three_public_vehicle", "final_vs_budget",
}
ITEM_KINDS = {"revenue_item", "expenditure_item"}
THREE_PUBLIC_ITEMS = {"three_public_abroad", "three_public_reception", "three_public_vehicle"}
SUB_KEYS = {"vehicle_purchase": "vehicle_purchase", "vehicle_operation": "vehicle_operation",
            "per_capita": "per_capita", "per_vehicle_purchase": "per_vehicle_purchase",
            "per_vehicle_operation": "per_vehicle_operation"}
_PARTS = {"vehicle_purchase": "purchase", "vehicle_operation": "operation"}

_DIRECTION = r"增加（减少）|增加\(减少\)|增加|减少|增长|下降|上升|降低"
_COMPARE = re.compile(
    rf"^比(?:(?P<py>(?:19|20)\d{{2}})\s*年度?|(?P<last>上年度|上年|去年))(?P<plabel>[^\d]*?)"
    rf"(?:(?P<pnum>{NUM})\s*(?P<punit>{UNIT})?)?(?P<dir>{_DIRECTION})(?:支出)?"
    rf"(?:(?P<cnum>{NUM})\s*(?P<cunit>{UNIT}|%)?)?$")
_YEAR_COMPARE = re.compile(
    rf"^(?P<y>(?:19|20)\d{{2}})\s*年度?比(?P<py>(?:19|20)\d{{2}})\s*年度?(?P<label>[^\d]*?)(?P<dir>{_DIRECTION})"
    rf"(?:支出)?(?P<cnum>{NUM})\s*(?P<cunit>{UNIT}|%)?$")
_CHANGE_ONLY = re.compile(rf"^(?P<dir>增加|减少)(?:支出)?(?P<cnum>{NUM})\s*(?P<cunit>{UNIT})$")
_PERCENT = re.compile(rf"^(?P<dir>增长|下降|减少|上升|增加|降低)(?P<sp>[,，。]?)\s*{PCT}$")
_SHARE = re.compile(rf"^占(?P<of>[^\d%]*?)(?P<sp>[,，。]?)\s*{PCT}$")
_UNCHANGED = re.compile(r"与(?P<py>(?:19|20)\d{2})年[^，。]*?一致|没变化|没有变化|无变化|持平")
_COUNTS: list[tuple[str, re.Pattern]] = [
    ("vehicle_count", re.compile(r"(?:公务用车|公务车)(?:数量|保有量)(?:为|是)?(?P<n>\d+)辆")),
    ("purchased_count", re.compile(r"购置（更新）(?P<n>\d+)辆")),
    ("groups", re.compile(r"团组(?P<n>\d+)个")),
    ("person_times", re.compile(r"(?P<n>\d+)人次")),
    ("batches", re.compile(r"(?P<n>\d+)批次")),
]
_REASON = re.compile(
    r"(?:增加|减少)?(?:主要是原因是|主要原因是|主要原因为|主要原因|原因是|原因为|主要是(?=[：:]))[：:]?\s*(?P<r>[^。]*)(?:。|$)")
# Doubled punctuation (``增长4.8%。，其中``): reported, the text is read as if it were single.
_DOUBLED = re.compile(r"[。，,；;][。，,；;]+")
_CLAUSE_DELIM = re.compile(r"[，；;：:）)]|(?<!\d)。|。(?!\d)|(?<!\d),|,(?!\d)|[（(](?=(?:19|20)\d{2}年)")
_YEAR_LEAD = re.compile(r"^(?P<y>(?:19|20)\d{2})\s*年度?(?!底|末|\d)")
_ENUM = re.compile(rf"^\s*(?:\d{{1,2}}\s*[.、．](?!\d*%)|[（(]\d{{1,2}}[）)]|[{CIRCLED}])\s*")
_MONEY_IN = re.compile(rf"(?P<num>{NUM})\s*(?P<unit>{UNIT})")
_UNITLESS = re.compile(rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d{{2}})$")
_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d{2}\s*年度?")


def classify(label: str) -> str | None:
    for pattern, kind in LABEL_KINDS:
        if pattern.search(label):
            return kind
    return None


def clean_label(text: str) -> str:
    label = _ENUM.sub("", text.strip())
    label = re.sub(r"^其中[，,：:]?", "", label)
    label = _YEAR_ANYWHERE.sub("", label)
    return label.strip(" \u3000，,：:；;")


# --- clause cutting ------------------------------------------------------------------------------------

def _tokens(text: str) -> list[tuple[str, int, int, object]]:
    """(type, start, end, payload): type "clause" (payload: its text) or "reason" (payload: match)."""
    tokens: list[tuple[str, int, int, object]] = []
    pos = 0
    for r in _REASON.finditer(text):
        tokens += _clauses(text, pos, r.start())
        tokens.append(("reason", r.start(), r.end(), r))
        pos = r.end()
    tokens += _clauses(text, pos, len(text))
    return tokens


def _clauses(text: str, start: int, end: int) -> list[tuple[str, int, int, object]]:
    """Cut at ，；。： (and a comma that is not a thousands separator); a parenthesis that opens
    with a year (``（2018年公务用车数量为31辆，…）``) is cut at both ends."""
    out = []
    pos = start
    in_year_paren = False
    for d in _CLAUSE_DELIM.finditer(text, start, end):
        ch = d.group()
        if ch in "）)" and not in_year_paren:
            continue
        if d.start() > pos:
            out.append(("clause", pos, d.start(), text[pos:d.start()]))
        if ch == "。":
            out.append(("stop", d.start(), d.end(), None))
        if ch in "（(":
            in_year_paren = True
        elif ch in "）)":
            in_year_paren = False
        pos = d.end()
    if pos < end:
        out.append(("clause", pos, end, text[pos:end]))
    return out


# --- the line state -----------------------------------------------------------------------------------

class _Line:
    def __init__(self, ctx, ln: int, text: str):
        self.ctx, self.ln, self.text = ctx, ln, text
        self.current: list[Fact] = []  # the facts comparisons attach to
        self.last: Fact | None = None  # the fact a share attaches to
        self.spans: dict[int, list[int]] = {}  # id(fact) -> [start, end]
        self.facts: list[Fact] = []
        self.compared: list[Fact] = []  # facts given a comparison since the last reason
        self.year: int | None = None  # the year of the current sentence
        self.pending_kind: str | None = None
        self.pending_label: str | None = None
        self.parent: str | None = None  # set by 其中

    # helpers
    def prior(self, year: int | None) -> bool:
        return year is not None and self.ctx.year is not None and year < self.ctx.year

    def touch(self, fact: Fact, start: int, end: int) -> None:
        span = self.spans.setdefault(id(fact), [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)

    def compare(self, fact: Fact, start: int, end: int) -> None:
        self.touch(fact, start, end)
        if fact not in self.compared:
            self.compared.append(fact)

    def new(self, kind: str, values: dict, start: int, end: int) -> Fact:
        fact = Fact(kind, self.ln, "", values)
        self.facts.append(fact)
        self.touch(fact, start, end)
        return fact

    def amount(self, num: str, unit: str | None, context: str, infer_from: str | None = None) -> Amount:
        if unit is None:
            unit = infer_from or self.sentence_unit() or "元"
            self.ctx.problem("missing_unit", self.ln, f"the amount {num!r} is printed without a unit; "
                             f"read as {unit} from its sentence", context)
        return money(num, unit, self.ln, self.ctx.problems, context)

    def sentence_unit(self) -> str | None:
        m = _MONEY_IN.search(self.text)
        return m.group("unit") if m else None


def money_clauses(ctx, ln: int, text: str) -> bool:
    exclude = ctx.state.get("exclude")
    if exclude and exclude[0] == ln:
        text = text[: exclude[1]]
    state = _Line(ctx, ln, text)
    tokens = _tokens(text)
    for k, (kind, start, end, payload) in enumerate(tokens):
        if kind == "stop":
            state.year = None
            state.parent = None
            continue
        if kind == "reason":
            _reason(state, payload, start, end)
            continue
        _clause(state, payload, start, end, tokens[k + 1:])
    sentences = {id(f): sentence_span(text, *state.spans[id(f)]) for f in state.facts}
    for fact in state.facts:
        s, e = sentences[id(fact)]
        shared = any(other is not fact and _overlap(sentences[id(other)], (s, e)) for other in state.facts)
        if shared:  # several facts in one sentence: the fact's own clauses
            s, e = state.spans[id(fact)]
        fact.text = text[s:e].strip(" \u3000，,；;")
        ctx.facts.append(fact)
    return bool(state.facts)


def _clause(st: _Line, clause: str, start: int, end: int, rest: list) -> None:
    ctx = st.ctx
    body = clause.strip()
    if not body:
        return
    if _ENUM.match(body):
        st.parent = None
    if re.match(r"^其中", _ENUM.sub("", body)):
        st.parent = _label_of(st.last) if st.last else None
    lead = _YEAR_LEAD.match(_ENUM.sub("", body))
    if lead and not body.startswith("比"):
        st.year = int(lead.group("y"))
    year = st.year if st.year is not None else ctx.default_year

    m = _YEAR_COMPARE.match(body)
    if m:
        _year_compare(st, m, start, end)
        return
    m = _COMPARE.match(body)
    if m:
        _compare(st, m, start, end, body)
        return
    m = _CHANGE_ONLY.match(body)
    if m:
        for f in st.current:
            f.values["change"] = signed(st.amount(m.group("cnum"), m.group("cunit"), body), m.group("dir") == "减少")
            st.compare(f, start, end)
        return
    m = _PERCENT.match(body)
    if m:
        if m.group("sp"):
            ctx.problem("stray_punctuation", st.ln, f"stray {m.group('sp')!r} before the percent", body)
        for f in st.current:
            f.values["percent"] = _pct(m.group("pct"), m.group("dir"))
            st.compare(f, start, end)
        return
    m = _SHARE.match(body)
    if m:
        if m.group("sp"):
            ctx.problem("stray_punctuation", st.ln, f"stray {m.group('sp')!r} before the percent", body)
        if st.last is not None:
            st.last.values["share"] = Decimal(m.group("pct"))
            st.touch(st.last, start, end)
        return
    m = _UNCHANGED.search(body)
    if m and not _MONEY_IN.search(body):
        for f in st.current:
            f.values["unchanged"] = True
            if m.group("py"):
                f.values.setdefault("prior_year", int(m.group("py")))
            st.compare(f, start, end)
        return
    counts = [(key, int(c.group("n"))) for key, p in _COUNTS for c in p.finditer(body)]
    if counts and not _MONEY_IN.search(body):
        _counts(st, counts, year, start, end)
        return
    monies = list(_MONEY_IN.finditer(body))
    if not monies:
        unitless = _UNITLESS.search(body)
        if unitless and classify(clean_label(body[: unitless.start()])) in MAIN_KINDS | ITEM_KINDS:
            _labelled(st, body[: unitless.start()], st.amount(unitless.group("num"), None, body), year, start, end, rest)
            return
        label = clean_label(body)
        kind = classify(label)
        if kind and kind not in ("inherit", "final", "part_of_current") and len(label) <= 30 and "包括" not in label:
            st.pending_kind, st.pending_label = kind, label
            if kind in THREE_PUBLIC_ITEMS:
                ctx.item_kind = kind
        return
    pos = 0
    for mm in monies:
        label = body[pos: mm.start()]
        pos = mm.end()
        _labelled(st, label, st.amount(mm.group("num"), mm.group("unit"), body), year, start, end, rest)


def _label_of(fact: Fact) -> str | None:
    return fact.values.get("name") or fact.values.get("label")


def _labelled(st: _Line, raw_label: str, amount: Amount, year: int | None, start: int, end: int, rest: list) -> None:
    ctx = st.ctx
    label = clean_label(raw_label)
    kind = classify(label)
    if kind is None and st.pending_kind and re.fullmatch(r"(?:合计|共计|总计|为)?", label):
        kind, label = st.pending_kind, st.pending_label or label
    st.pending_kind = st.pending_label = None
    if kind == "inherit":
        kind = next((f.kind for f in st.current if f.kind in THREE_PUBLIC_ITEMS), None) or ctx.item_kind
    if kind == "final":
        cls = ctx.state.pop("classification", None)
        if cls is None:
            return
        kind = "final_vs_budget"
        fact = st.new(kind, {"classification": cls["names"], "levels": cls["levels"], "amount": amount,
                             "heading_line": cls["line"]}, start, end)
        if year is not None:
            fact.values["year"] = year
        st.current, st.last = [fact], fact
        return
    if kind is None:
        return
    if kind in THREE_PUBLIC_ITEMS:
        ctx.item_kind = kind
    share_of = _next_share(rest)
    if share_of and "合计" in share_of and kind not in ("three_public_total",):
        kind = "revenue_item" if "收入" in share_of else "expenditure_item"
    if kind == "part_of_current":
        family = st.current[0].kind if st.current else ""
        kind = "revenue_item" if family.startswith("revenue") else "expenditure_item"
        label = re.sub(r"^包括", "", label)
        st.parent = _label_of(st.current[0]) if st.current else None
    prior = st.prior(year)
    if kind in SUB_KEYS:
        _sub_key(st, kind, label, amount, year, prior, start, end)
        return
    kinds = ["revenue_total", "expenditure_total"] if kind == "both_totals" else [kind]
    made: list[Fact] = []
    for k in kinds:
        same = next((f for f in st.current if f.kind == k), None)
        key = "prior_amount" if prior else "amount"
        if same is not None and key not in same.values and (not prior or "prior_amount" not in same.values):
            same.values[key] = amount
            if prior:
                same.values["prior_year"] = year
                st.compare(same, start, end)
            else:
                st.touch(same, start, end)
            made.append(same)
            continue
        if same is not None and _same_value(same.values.get(key), amount):
            st.touch(same, start, end)  # the same figure stated again
            made.append(same)
            continue
        values: dict = {}
        if k in ITEM_KINDS:
            values["name"] = label
        if prior:
            values.update({"prior_year": year, "prior_amount": amount})
        else:
            values["amount"] = amount
            if year is not None:
                values["year"] = year
        values["label"] = label
        if st.parent and (k in ITEM_KINDS or k not in ("revenue_total", "expenditure_total")) and st.parent != label:
            values["parent"] = st.parent
        fact = st.new(k, values, start, end)
        made.append(fact)
    if made:
        st.last = made[-1]
        if kind not in ITEM_KINDS or not st.current:
            st.current = made


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_value(a, b: Amount) -> bool:
    return isinstance(a, Amount) and a.value is not None and a.yuan == b.yuan


def _sub_key(st: _Line, kind: str, label: str, amount: Amount, year, prior: bool, start: int, end: int) -> None:
    key = SUB_KEYS[kind]
    main = next((f for f in st.current if f.kind in THREE_PUBLIC_ITEMS and "part" not in f.values), None)
    name = ("prior_" + key) if prior else key
    if main is not None and name not in main.values:
        main.values[name] = amount
        st.touch(main, start, end)
        return
    if kind in _PARTS:
        values = {"part": _PARTS[kind], "label": label}
        values.update({"prior_year": year, "prior_amount": amount} if prior else {"amount": amount})
        fact = st.new("three_public_vehicle", values, start, end)
        st.current, st.last = [fact], fact
        return
    target = st.current[0] if st.current else None
    if target is not None:
        target.values[name] = amount
        st.touch(target, start, end)


def _counts(st: _Line, counts: list[tuple[str, int]], year, start: int, end: int) -> None:
    prior = st.prior(year)
    for key, n in counts:
        name = ("prior_" + key) if prior else key
        target = next((f for f in st.current if f.kind in THREE_PUBLIC_ITEMS), None)
        if target is None and key == "vehicle_count":
            kind = st.ctx.item_kind if st.ctx.item_kind == "three_public_vehicle" else "three_public_vehicle"
            target = st.new(kind, {}, start, end)
            if year is not None and not prior:
                target.values["year"] = year
            st.current, st.last = [target], target
        if target is None:
            continue
        target.values[name] = n
        st.touch(target, start, end)


def _compare(st: _Line, m: re.Match, start: int, end: int, body: str) -> None:
    ctx = st.ctx
    if not st.current:
        return
    plabel = m.group("plabel") or ""
    budget = "年初预算" in plabel or (ctx.kind == FINAL and "预算" in plabel)
    py = int(m.group("py")) if m.group("py") else (ctx.year - 1 if ctx.year else None)
    negative = _negative(m.group("dir"))
    cunit = m.group("cunit")
    for f in st.current:
        if budget:
            if m.group("py"):
                f.values["budget_year"] = py
            if m.group("pnum"):
                f.values["budget_amount"] = st.amount(m.group("pnum"), m.group("punit"), body,
                                                      cunit if cunit != "%" else None)
        else:
            f.values["prior_year"] = py
            if m.group("pnum"):
                f.values["prior_amount"] = st.amount(m.group("pnum"), m.group("punit"), body,
                                                     cunit if cunit != "%" else None)
        if m.group("cnum"):
            if cunit == "%":
                f.values["percent"] = _pct(m.group("cnum"), m.group("dir"))
            else:
                change = signed(st.amount(m.group("cnum"), cunit, body, m.group("punit")), negative)
                f.values["budget_change" if budget else "change"] = change
                if "（" in m.group("dir") or "(" in m.group("dir"):
                    f.values["direction_printed"] = m.group("dir")
        st.compare(f, start, end)


def _year_compare(st: _Line, m: re.Match, start: int, end: int) -> None:
    ctx = st.ctx
    y, py = int(m.group("y")), int(m.group("py"))
    st.year = y
    targets = st.current
    if not targets:
        label = clean_label(m.group("label") or "")
        kind = classify(label) if label else None
        if kind == "inherit" or kind is None:
            kind = ctx.item_kind
        if kind is None or kind not in MAIN_KINDS:
            return
        fact = st.new(kind, {"year": y, "label": label}, start, end)
        st.current, st.last = [fact], fact
        targets = [fact]
    for f in targets:
        f.values["prior_year"] = py
        if m.group("cunit") == "%":
            f.values["percent"] = _pct(m.group("cnum"), m.group("dir"))
        else:
            f.values["change"] = signed(st.amount(m.group("cnum"), m.group("cunit"), m.group(0)), _negative(m.group("dir")))
        st.compare(f, start, end)


def _reason(st: _Line, m: re.Match, start: int, end: int) -> None:
    reason = m.group("r").strip(" ：:。")
    if not reason:
        return
    for f in st.compared or st.current:
        f.values.setdefault("reason", reason)
        st.touch(f, start, end)
    st.compared = []


def _next_share(rest: list) -> str | None:
    for kind, _s, _e, payload in rest:
        if kind != "clause":
            return None
        m = _SHARE.match(payload.strip())
        return m.group("of") if m else None
    return None


def _negative(direction: str) -> bool:
    return direction in ("减少", "下降", "降低")


def _pct(text: str, direction: str) -> Decimal:
    value = Decimal(text)
    return -value if _negative(direction) else value


# --- 决算: per-classification statements and spending by class -----------------------------------------

_CLASS_NAME = r"(?:[^（）()]|[（(](?!类[）)]|款[）)]|项[）)])[^（）()]*[）)])+"
_CLASSIFICATION = re.compile(rf"^\s*(?P<n>\d{{1,2}})\s*[、.．]\s*(?P<cls>(?:{_CLASS_NAME}[（(](?:类|款|项)[）)])+)\s*[。.]?\s*$")
_CLASS_PART = re.compile(rf"(?P<name>{_CLASS_NAME})[（(](?P<level>类|款|项)[）)]")


def classification_heading(ctx, ln: int, text: str) -> bool:
    m = _CLASSIFICATION.match(text)
    if not m:
        return False
    parts = list(_CLASS_PART.finditer(m.group("cls")))
    ctx.state["classification"] = {
        "line": ln,
        "names": [p.group("name").strip() for p in parts],
        "levels": [p.group("level") for p in parts],
    }
    return True


_BY_CLASS = re.compile(rf"(?P<label>[^，。：:]*?财政拨款支出)(?P<num>{NUM})\s*(?P<unit>{UNIT})[，,]主要用于以下方面[（(]按大类[）)][：:]")
_CLASS_ITEM = re.compile(
    rf"(?P<name>[^：:；;，,。\d]+?)(?P<p1>[。，,]?)\s*(?P<num>{NUM})\s*(?P<unit>{UNIT})[，,]\s*"
    rf"占(?P<of>[^，,。\d]*?)(?P<p2>[,，。]?)\s*{PCT}")


def spending_by_class(ctx, ln: int, text: str) -> bool:
    m = _BY_CLASS.search(text)
    if not m:
        return False
    total = money(m.group("num"), m.group("unit"), ln, ctx.problems, m.group(0))
    year = _YEAR_LEAD.match(text)
    values = {"amount": total, "label": re.sub(r"^(?:19|20)\d{2}\s*年度?", "", m.group("label")).strip()}
    if year:
        values["year"] = int(year.group("y"))
    ctx.add("fiscal_appropriation", ln, text[: m.end()].rstrip("：:，,"), values)
    for item in _CLASS_ITEM.finditer(text, m.end()):
        for group, where in (("p1", "between the name and the amount"), ("p2", "before the percent")):
            if item.group(group):
                ctx.problem("stray_punctuation", ln, f"stray {item.group(group)!r} {where} in the statement for "
                            f"{item.group('name').strip('；; ')}; the figures are read as printed", item.group(0))
        ctx.add("spending_by_class", ln, item.group(0).strip("；; "), {
            "name": item.group("name").strip("；; "),
            "amount": money(item.group("num"), item.group("unit"), ln, ctx.problems, item.group(0)),
            "share": Decimal(item.group("pct")),
        })
    return True


def doubled_punctuation(ctx, ln: int, text: str) -> bool:
    for m in _DOUBLED.finditer(text):
        if re.match(r"\d", text[m.end():m.end() + 1]) and re.search(r"\d$", text[:m.start()]):
            continue  # inside a figure: left to the amount parser
        ctx.problem("stray_punctuation", ln, f"doubled punctuation {m.group()!r}",
                    text[max(0, m.start() - 12): m.end() + 12])
    return False


_MONEY_SECTIONS = {None, "money", "three_public", "operating", "major", "procurement", "purchased_services",
                   "assets", "state_capital"}

RULES = [
    ("doubled_punctuation", None, doubled_punctuation),
    ("classification_heading", {"money", None}, classification_heading),
    ("spending_by_class", {"money", None}, spending_by_class),
    ("money_clauses", _MONEY_SECTIONS, money_clauses),
]
