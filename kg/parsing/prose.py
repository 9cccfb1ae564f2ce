"""Facts stated in the prose of a filing (the 情况说明 / 决算说明 text around the tables).

``extract_facts(lines, table_lines, tables, ident)`` returns ``(facts, names, problems)``.
Prose lines are the lines not in ``table_lines`` and not starting with a TAB (a table cell).
The text is walked line by line keeping a small context (``ProseContext``: the current
heading and what it is about, an open numbered list, the year a comparison section is about);
each line is offered to a list of small rules (``prose_periods.RULES``, ``prose_org.RULES``,
``prose_items.RULES``, ``prose_money.RULES``, in that order; each rule is a few regexes and a short function, and names
the sections it runs in). A new template is a new rule or a new row in one of the label tables
(``prose_money.LABEL_KINDS``), not an edit of a big function.

Every fact has the line it was read from and ``text``, the source sentence (or clause).
Money is an ``Amount`` in the unit printed (元 / 万元; ``0万元`` is 万元). Nothing is corrected:
a figure that cannot be read is kept as printed and reported as a ``malformed_amount``
Problem; a figure printed without its unit gets the unit of its sentence and a ``missing_unit``
Problem; stray punctuation next to a figure (``支出。375.02万元``, ``支出,7.18%``) or doubled
(``4.8%。，其中``) gives a ``stray_punctuation`` Problem.

Comparisons (all money kinds)
-----------------------------
``amount`` (this year), ``year`` (when the sentence states one), ``label`` (the words printed
before the figure), ``prior_year`` (int), ``prior_amount``, ``change`` (signed Amount, negative
for 减少/下降), ``percent`` (signed Decimal as printed), ``reason`` (the stated 原因 text),
``unchanged`` (True for 与…一致 / 没变化), ``share`` (Decimal, the 占…% share), ``parent``
(the label of the total an item is listed under with 其中). A sentence about an earlier year
with no current figure (a 与2018年…对比 section in a 2019 budget) gives a fact with only the ``prior_*`` keys.
A 决算 compares with the year's 年初预算: ``budget_year``, ``budget_amount`` and
``budget_change``; a change printed ``增加（减少）0万元`` is kept with ``direction_printed``.

Fact kinds and their values
---------------------------
revenue_total          收入预算 / 预算总收入 / 本年收入合计 / 收、支总计: comparison keys.
expenditure_total      支出预算 / 预算总支出 / 本年支出合计 / 收、支总计: comparison keys.
fiscal_appropriation   财政拨款 totals (其中财政拨款…, 财政拨款收、支总计, 一般公共预算财政拨款支出).
revenue_item           a listed revenue source: ``name`` + amount (+ ``share``, ``parent``):
                       预算内资金安排, 市级提前下达专项转移支付项目资金安排, 财政拨款收入, 上级补助收入 …
expenditure_item       a listed expenditure part with ``name`` (决算: 基本支出/项目支出/上缴上级支出 …
                       with ``share``).
basic_expenditure      基本支出; project_expenditure 项目支出; personnel_expenditure 人员支出;
public_expenditure     公用支出 — comparison keys (+ ``share``).
three_public_total     “三公”经费 total.
three_public_abroad    因公出国（境）费 (+ ``groups``, ``person_times``, ``per_capita`` in a 决算).
three_public_reception 公务接待费 (+ ``batches``, ``person_times`` in a 决算).
three_public_vehicle   公务用车购置及运行维护费: + ``vehicle_count``, ``vehicle_purchase``,
                       ``vehicle_operation`` (``prior_`` versions for the earlier year); a 决算's
                       separate 购置费 / 运行维护费 statements are facts with ``part`` purchase|operation
                       (+ ``purchased_count``, ``per_vehicle_purchase``, ``per_vehicle_operation``).
three_public_scope     ``units`` (names as printed), ``count``.
operating_cost         机关/机构/行政运行经费 (``label`` says which); ``applicable`` False when the
                       filing says the unit is outside its scope.
procurement            ``count``, ``amount``, ``projects`` [{name, amount}]; a 决算: ``goods``,
                       ``works``, ``services``, ``sme_amount``, ``sme_share``,
                       ``small_micro_amount``, ``small_micro_share``.
purchased_services     ``count``, ``amount``, ``items`` [{name, amount}].
performance_score      ``score``, ``components`` [{name, score}], ``grade``, ``evaluated_year``,
                       ``evaluation_year``, ``project``, ``scope``.
performance_goal       numbered goals under 绩效目标: ``order``, ``name``, ``text``.
performance_goal_coverage  ``project_count``, ``amount``, ``project_expenditure``, ``share``.
project_funding        a project's ``budget`` and ``payments`` in a 决算 evaluation report.
fixed_assets           ``amount``, ``as_of`` (ISO date), ``as_of_text``, ``items`` [{name, count,
                       count_unit, amount}].
asset_purchase_plan    ``year``, ``items`` [{name, count, count_unit, amount}].
final_vs_budget        决算 per 类/款/项: ``classification`` [names as written], ``levels``,
                       ``amount``, ``budget_change``, ``percent``, ``reason``, ``heading_line``.
spending_by_class      决算 按大类: ``name``, ``amount``, ``share``.
staffing               one per category: ``category`` (行政编制, 事业编制, 工勤编制, 实际在岗, 实际,
                       实有, 长期聘用临时工, 离退休, 离休, 退休), ``count``, ``label``, ``of``.
internal_unit          ``name``, ``order`` (None when not in a numbered list), ``alias``,
                       ``guided_by``.
internal_unit_count    ``count``, ``label``.
subordinate_unit       ``name``, ``type``.
subordinate_unit_count ``count``, ``type``.
duty                   ``order``, ``text``.
major_project          ``name``, ``amount`` (when stated), ``order``.
period                 a span of dates: ``start``, ``end`` (ISO), ``start_text``, ``end_text``
                       (2023年2月1日-2024年1月31日; an end without a year takes the start's).
restructuring          ``type`` rename|transfer|merge|establish|abolish|add_name, ``from``, ``to``,
                       ``duty``, ``date`` (ISO), ``document``, ``document_title``, ``reason``
                       (更名为 → rename, 职责划转至 → transfer, 并入 → merge, 加挂…牌子 → add_name,
                       组建/成立 → establish, 撤销 → abolish).

Names: the prose adds a Name for a department's former name (role ``former``) and for
restructuring targets that name the filing's own department, unless ``identify`` already
listed the same name on the same line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from kg.model import Fact, Name, Problem, Table
from kg.parsing.prose_text import cn_number

# Section categories from heading words (most specific first).
_SECTION_WORDS: list[tuple[str, str]] = [
    (r"名词解释|名称解释", "glossary"),
    (r"三公", "three_public"),
    (r"人员构成|人员情况", "staff"),
    (r"机构设置|主要职责|单位基本情况|职责", "org"),
    (r"运行经费", "operating"),
    (r"政府采购", "procurement"),
    (r"购买服务", "purchased_services"),
    (r"绩效目标", "performance_goals"),
    (r"绩效", "performance"),
    (r"国有资产", "assets"),
    (r"国有资本", "state_capital"),
    (r"主要支出情况|重点项目|主要项目", "major"),
    (r"预算表|决算表|决算公开报表", "table"),
    (r"收入|支出|收支|预算|决算", "money"),
]

_PART = re.compile(r"^\s*第(?P<n>[一二三四五六七八九十]+)部分")
_H1 = re.compile(r"^\s*(?P<n>[一二三四五六七八九十]+)\s*[、.．]")
_H2 = re.compile(r"^\s*[（(](?P<n>[一二三四五六七八九十]+)[）)]")
_TABLE_TITLE = re.compile(r"^\s*表(?P<n>[一二三四五六七八九十]+)\s*[、：:]")
_COMPARE_YEAR = re.compile(r"与((?:19|20)\d{2})年.*对比")


def section_of(text: str) -> str | None:
    for pattern, name in _SECTION_WORDS:
        if re.search(pattern, text):
            return name
    return None


@dataclass
class ProseContext:
    """What the rules know about where they are. Rules read it and may set the list state."""

    year: int | None
    kind: str | None
    department: str
    own_names: set[str]
    part: str | None = None  # section of the current 第X部分
    h1: str | None = None  # section of the current 一、 heading
    h2: str | None = None  # section of the current （一） heading
    heading: str = ""  # text of the innermost heading
    h1_text: str = ""
    part_text: str = ""
    in_table: bool = False  # after a 表X title, until the next 第X部分
    default_year: int | None = None  # 与2018年…对比情况: sentences are about 2018
    item_kind: str | None = None  # 三公 item heading (1.因公出国（境）费) → its fact kind
    list_mode: str | None = None  # duty | internal_unit | major_project | performance_goal
    state: dict = field(default_factory=dict)  # per-rule scratch (pending classification …)
    facts: list[Fact] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def section(self) -> str | None:
        return self.h2 or self.h1 or self.part

    def add(self, kind: str, line: int, text: str, values: dict) -> Fact:
        fact = Fact(kind, line, text.strip(), values)
        self.facts.append(fact)
        return fact

    def problem(self, kind: str, line: int, message: str, text: str = "") -> None:
        self.problems.append(Problem(kind, line, message, text))

    def name(self, text: str, role: str, line: int) -> None:
        self.names.append(Name(text, role, line))


# A rule: (name, sections it runs in (None: any but glossary/table), function). The function
# gets (ctx, line number, text) and returns True when it has read the whole line (then the
# generic money rule does not look at it again).
Rule = tuple[str, "set[str] | None", Callable[[ProseContext, int, str], bool]]


def _rules() -> list[Rule]:
    from kg.parsing import prose_items, prose_money, prose_org, prose_periods

    return prose_periods.RULES + prose_org.RULES + prose_items.RULES + prose_money.RULES


def extract_facts(lines, table_lines: set[int], tables: list[Table], ident) -> tuple[list[Fact], list[Name], list[Problem]]:
    ctx = ProseContext(
        year=ident.year,
        kind=ident.kind,
        department=ident.department,
        own_names={n.text for n in ident.names if n.role not in ("short", "budget_unit_code")} | {ident.department},
    )
    rules = _rules()
    for index, raw in enumerate(lines):
        ln = index + 1
        if ln in table_lines or raw.startswith("\t"):
            continue
        text = raw.strip().strip("\u3000")
        if not text:
            continue
        _update_headings(ctx, text)
        if ctx.in_table or ctx.section == "glossary":
            continue
        for _name, sections, rule in rules:
            if sections is not None and ctx.section not in sections:
                continue
            if rule(ctx, ln, text):
                break
    _finish(ctx)
    known = {(n.text, n.line) for n in ident.names}
    names = []
    for n in ctx.names:
        if (n.text, n.line) in known:
            continue
        known.add((n.text, n.line))
        names.append(n)
    return ctx.facts, names, ctx.problems


def _update_headings(ctx: ProseContext, text: str) -> None:
    if _PART.match(text):
        ctx.part = section_of(text)
        ctx.h1 = ctx.h2 = None
        ctx.in_table = ctx.part == "table"
        ctx.heading = ctx.h1_text = ctx.part_text = text
        ctx.list_mode = None
        ctx.default_year = None
        ctx.item_kind = None
        return
    if _TABLE_TITLE.match(text):
        ctx.in_table = True
        return
    if ctx.in_table:
        return
    m = _H1.match(text)
    if m and cn_number(m.group("n")):
        ctx.h1 = section_of(text) or ctx.part
        ctx.h2 = None
        ctx.heading = ctx.h1_text = text
        ctx.list_mode = None
        ctx.default_year = None
        ctx.item_kind = None
        return
    m = _H2.match(text)
    if m and cn_number(m.group("n")):
        ctx.h2 = section_of(text[m.end():]) or ctx.h1
        ctx.heading = text
        ctx.list_mode = None
        y = _COMPARE_YEAR.search(text)
        ctx.default_year = int(y.group(1)) if y else None
        ctx.item_kind = None


def _finish(ctx: ProseContext) -> None:
    from kg.parsing import prose_items

    prose_items.flush_goal(ctx)
