"""Render a :class:`~bench.generate_model.Budget` as a 部门预算 text dump.

Two layouts, both copied from the real Xicheng samples: up to 2019 that of
``003_1a17e53dc63c4bde.txt`` (figures with thousands separators in the prose, 表一–表十二),
from 2020 on that of ``001_90b99e851999fa19.txt`` (a contents list, plain figures in the prose,
``表一、…`` headings over the tables, 表一–表十二).

Anchor keys (see :mod:`bench.generate_doc`): ``p/<figure>/{cur,prior,change,pct}`` for prose
comparisons, ``p/<figure>/share``, ``p/major/<i>``; ``t<n>/<row>/<column>`` for table cells,
``t<n>/unit`` for the unit cell, ``t<n>/title`` for the title; ``fact/…`` for the lines of
the duty list, the hotline duty, the duty transfer and renames.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from bench import pools
from bench.generate_doc import Doc, Override
from bench.generate_model import Budget, Item
from bench.generate_numbers import pct2, pct_short, wan, wan_value, yuan, yuan_plain, yuan_short
from bench.generate_prose import (
    Comparison, cn_number, compare, duties, hotline_duty_index, reason, rename_sentence, renames_stated, share,
    transfer_sentence, units,
)


@dataclass(frozen=True)
class Style:
    name: str
    money: Callable[[int], str]  # prose figures
    pct: Callable[[Decimal], str]
    zero: str  # a zero component in 表三/表五/表六
    t7_money: Callable[[int], str]
    t9_total: Callable[[int], str]
    indent: bool  # indented codes and names in 表三/表五
    pct_words: tuple[str, str]


def yuan_prose(cents: int) -> str:
    """2019-style prose figure: ``51,157,480.90``, but a plain ``0`` for nothing."""
    return yuan(cents) if cents else "0"


STYLE_2019 = Style("2019", yuan_prose, pct2, "0.00", yuan_plain, yuan, True, ("增长", "下降"))
STYLE_2021 = Style("2021", yuan_short, pct_short, "", yuan, yuan_plain, False, ("增长", "减少"))

REVENUE_LABELS = (
    "预算内资金", "财政专户管理", "　财政专户资金", "　　教育收费收入", "　　其他财政专户收入", "　批准留用",
    "上级补助收入", "事业收入（不含事业单位预算外资金）", "经营收入", "附属单位上缴收入", "其他收入",
)
TABLE_TITLES = {
    1: "部门收支总体情况表", 2: "部门收入总体情况表", 3: "部门支出总体情况表", 4: "财政拨款收支总体情况表",
    5: "一般公共预算支出情况表", 6: "一般公共预算基本支出情况表", 7: "一般公共预算“三公”经费支出情况表",
    8: "政府性基金预算支出情况表", 9: "部门预算明细表",
}
CONTENTS_2021 = (
    "表一、部门收支总体情况表 ", "表二、部门收入总体情况表", "表三、部门支出总体情况表", "表四、财政拨款收支总体情况表",
    "表五、一般公共预算支出情况表", "表六、一般公共预算基本支出情况表", "表七、一般公共预算“三公”经费支出情况表",
    "表八、政府性基金预算支出情况表", "表九、部门预算明细表", "表十、政府购买服务预算财政拨款明细表",
    "表十一、专项转移支付预算表", "表十二、部门整体支出绩效目标申报表", "表十三、项目支出绩效目标申报表",
)
TERMS_2019 = (
    "行政运行经费是指为保障单位正常运行，用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、"
    "日常维修费、专用材料及一般设备购置费、网络运行维护费、办公用房租赁费、办公用房水电费、办公用房取暖费、办公用房物业管理费、"
    "公务用车运行维护以及其他费用。",
    "三公经费是指单位通过财政拨款资金安排的因公出国（境）费、公务用车购置及运行费和公务接待费。其中，因公出国（境）费指单位公务"
    "出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置及运行费指单位公务用车车辆购置支出"
    "（含车辆购置税）及单位按规定保留的公务用车燃料费、维修费、过桥过路费、保险费、安全奖励费用等支出；公务接待费指单位按规定"
    "开支的各类公务接待（含外宾接待）费用。",
)
TERMS_2021 = (
    "1.“三公”经费：部门预算中的因公出国（境）费、公务接待费、公务用车购置及运行维护费。",
    "2.机构运行经费：为保障单位正常运行，用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、"
    "日常维修费、专用材料及一般设备购置费、网络运行维护费、办公用房租赁费、办公用房水电费、办公用房取暖费、办公用房物业管理费、"
    "公务用车运行维护以及其他费用。",
)
INDICATORS = (
    ("产出指标", "产出数量指标", "按计划完成年度各项工作任务。"),
    ("", "产出质量指标", "各项工作符合相关标准和规范要求。"),
    ("", "产出进度指标", "一季度完成25%，二季度完成50%，三季度完成75%，四季度完成全年任务。"),
    ("", "产出成本指标", "严格控制项目成本，按照批复预算执行。"),
    ("效果指标", "社会效益指标", "提升公共服务水平和群众满意度。"),
    ("", "可持续影响指标", "建立长效工作机制。"),
    ("", "服务对象满意度指标", "服务对象满意度不低于90%。"),
)
THREE_PUBLIC_ROWS = (
    ("abroad", "1、因公出国（境）费"), ("reception", "2、公务接待费"), ("cars", "3、公务用车购置及运行维护费"),
    ("car_purchase", "其中；公务用车购置费"), ("car_running", "      公务用车运行维护费"), ("total", "总计"),
)


def render_budget(b: Budget, overrides: dict[str, Override] | None = None) -> Doc:
    """The text of the budget filing, with its anchors."""
    return BudgetWriter(b, overrides).render()


class BudgetWriter:
    def __init__(self, b: Budget, overrides: dict[str, Override] | None):
        if b.prior is None:
            raise ValueError("a budget needs last year's budget to compare with")
        self.b, self.prior = b, b.prior
        self.doc = Doc(overrides)
        self.s = STYLE_2019 if b.year <= 2019 else STYLE_2021
        self.y, self.py = b.year, b.year - 1
        self.dept = b.dept
        self.name = self.dept.name(self.y)
        self.full = self.dept.full_name(self.y)
        self.tree = b.tree()
        self.kuans = [c for c in self.tree if len(c) == 5]
        self.detail = sorted(b.items, key=lambda it: (it.code[:5], it.project, it.code, it.econ, it.label))
        self.major = b.major_projects()

    def render(self) -> Doc:
        if self.s.name == "2019":
            self._explanation_2019()
        else:
            self._explanation_2021()
        self._tables()
        return self.doc

    # -- helpers ------------------------------------------------------------------------------

    def cmp(self, key: str, cur: int, prior: int, pct: bool = True, prior_printed: bool = True) -> Comparison:
        return compare(self.doc, f"p/{key}", cur, prior, self.s.money, self.s.pct if pct else None,
                       prior_printed)

    def money(self, key: str, cents: int) -> str:
        return self.doc.num(key, cents, self.s.money)

    def mark(self, key: str, what: str = "") -> None:
        """Anchor a textual fact on the line being built."""
        self.doc.value(key, what)

    def reason(self, key: str, up: bool | None) -> str:
        return reason(self.b.reasons[key], up)

    def fname(self, code: str) -> str:
        return pools.functional_name(code, self.y)

    # -- 第一部分 (2019 layout) ----------------------------------------------------------------

    def _explanation_2019(self) -> None:
        d, y = self.doc, self.y
        d.add(f" 第一部分  {y}部门预算情况说明", "一、部门主要职责及机构设置情况", "", "（一）部门机构设置、职责")
        self._restructuring_lines()
        self._organisation_2019()
        self._money_2019()
        self._three_public_2019()
        self._other_2019()
        d.add("六、名称解释", "", TERMS_2019[0], "", TERMS_2019[1], "", f"\t第二部分  {y}部门预算表", "")

    def _organisation_2019(self) -> None:
        d, b, y = self.doc, self.b, self.y
        d.add("1、主要职责")
        self.mark("fact/duties")
        if hotline_duty_index(self.dept, y) is not None:
            self.mark("fact/hotline_duty")
        d.add(f"{self.name}主要职责：" + "；".join(duties(self.dept, y)) + "。")
        unit_list = units(self.dept, y)
        d.add("2、内设机构", f"根据上述职责，{self.name}设{len(unit_list)}个内设机构。")
        for i, u in enumerate(unit_list, 1):
            d.add(f"（{i}）{u}。")
            if i < len(unit_list):
                d.add("")
        st = b.staff
        d.add("（二）人员构成情况",
              f"{self.name}行政编制{st.admin}人;事业编制{st.sub}人；工勤编制{st.workers}名；实际{st.actual}人；"
              f"长期聘用临时工{st.temps}人。",
              f"离退休人员{st.retired}人，其中：离休0人，退休{st.retired}人。")

    def _money_2019(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        d.add(f"二、{y}年部门预算收支及增减变化情况说明", "", "（一）收入预算说明", "")
        c = self.cmp("revenue", b.total, self.prior.total)
        own = self.money("p/revenue/own", b.total)
        d.add(f"{y}年收入预算{c.cur}元，其中：预算内资金安排{own}元，{py}年收入预算{c.prior}元，{c.vs(py)}。"
              f"主要原因是{self.reason('revenue', c.up)}。")
        d.add("（二）支出预算说明", "")
        c = self.cmp("expenditure", b.total, self.prior.total, prior_printed=False)
        d.add(f"{y}年支出预算{c.cur}元，{c.vs(py)}。主要原因是{self.reason('revenue', c.up)}。")
        c = self.cmp("basic", b.basic, self.prior.basic)
        sh = share(self.doc, "p/basic/share", "p/basic/cur", b.total, self.s.pct)
        d.add(f"1、基本支出预算{c.cur}元，占总支出预算的{sh}%，比{py}年{c.prior}元{c.phrase()}，"
              f"主要原因是{self.reason('basic', c.up)}。", "")
        c = self.cmp("project", b.project, self.prior.project)
        sh = share(self.doc, "p/project/share", "p/project/cur", b.total, self.s.pct)
        d.add(f"2、项目支出预算{c.cur}元，占总支出预算的{sh}%。比{py}年{c.prior}元"
              f"{c.phrase(pct_words=('上升', '下降'))}。主要原因是{self.reason('project', c.up)}。")
        d.add("三、主要支出情况")
        parts = [f"{cn_number(i + 1)}是{it.label}，安排预算资金{self.money(f'p/major/{i}', it.amount)}元"
                 for i, it in enumerate(self.major)]
        d.add("主要项目：" + "；".join(parts) + "。")

    def _restructuring_lines(self) -> None:
        for i, r in enumerate(renames_stated(self.dept, self.y)):
            self.mark(f"fact/rename/{i}")
            self.doc.add(rename_sentence(self.dept, r))
        if self.dept.hotline_role == "target" and self.dept.holds_hotline(self.y) and self.s.name == "2019":
            self.mark("fact/transfer")
            self.doc.add(transfer_sentence(self.dept, self.y))

    def _scope(self) -> tuple[int, str]:
        """How many units the 三公 figures cover, and which."""
        if self.b.staff.sub_actual and self.dept.is_admin():
            return 2, f"{self.full}本级和所属事业单位"
        return 1, f"{self.full}本级"

    def _three_public_2019(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        tp, prior = b.three_public, self.prior.three_public
        n, which = self._scope()
        d.add(" 四、部门“三公”经费财政拨款预算说明", "", "（一）“三公”经费的单位范围", "",
              f"{self.full}部门预算中因公出国（境）费、公务接待费、公务用车购置及运行维护费的支出单位包括{n}个所属单位，"
              f"即{which}。", "（二）“三公”经费预算财政拨款情况说明", "")
        c = self.cmp("three_public", tp.total, prior.total, pct=False)
        tail = f"{y}年与{py}年财政预算数一致。" if c.up is None else f"{y}年比{py}年{c.delta()}元。"
        d.add(f"{y}年部门预算“三公”经费财政拨款预算安排{c.cur}元，{py}年部门预算“三公”经费财政拨款预算安排{c.prior}元，"
              f" {tail} 主要原因是{self.reason('three_public', c.up)}。", "")
        for i, (key, label) in enumerate((("abroad", "因公出国（境）费"), ("reception", "公务接待费")), 1):
            d.add(f"{i}、{label}")
            c = self.cmp(key, getattr(tp, key), getattr(prior, key), pct=False)
            tail = f"{y}年与{py}年财政预算数一致。" if c.up is None else f"{y}年比{py}年{c.delta()}元。"
            d.add(f"{y}年财政拨款预算安排{c.cur}元，{py}年财政拨款预算安排{c.prior}元，{tail}")
        d.add("", "3、公务用车购置及运行维护费")
        c = self.cmp("cars", tp.cars, prior.cars, pct=False)
        cp = self.money("p/car_purchase/cur", tp.car_purchase)
        cr = self.money("p/car_running/cur", tp.car_running)
        pp = self.money("p/car_purchase/prior", prior.car_purchase)
        pr = self.money("p/car_running/prior", prior.car_running)
        tail = f"{y}年与{py}年财政预算数一致。" if c.up is None else f"{y}年比{py}年{c.delta()}元，原因是{self.reason('three_public', c.up)}。"
        d.add(f"{y}年公务用车数量为{tp.vehicles}辆，财政拨款预算安排{c.cur}元，其中公务用车购置费{cp}元，公务用车运行维护费{cr}元。"
              f"{py}年公务用车数量为{prior.vehicles}辆，财政拨款预算安排{c.prior}元，其中公务用车购置费{pp}元，"
              f"公务用车运行维护费{pr}元。{tail}")

    def _other_2019(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        d.add(" 五、其他情况说明", "（一）机构运行经费说明")
        c = self.cmp("admin_costs", b.public, self.prior.public)
        d.add(f"{y}年本部门（含下属单位）履行一般行政事业管理职能、维持机关运行，用于一般公共预算安排的行政运行经费，合计{c.cur}元。"
              f"{py}年用于一般公共预算安排的行政运行经费，合计{c.prior}元，{c.vs(py)}，主要原因是{self.reason('admin_costs', c.up)}。")
        self._procurement_lines(list_services=False)
        d.add("（四）绩效目标情况及绩效评价结果说明")
        self._performance_line()
        for i, it in enumerate(self.major[:3], 1):
            d.add(f"{i}、{it.label}。按计划完成年度工作任务，保障各项工作有序开展，提升服务质量和群众满意度。")
        d.add("（五）国有资本经营预算财政拨款情况说明", "本部门没有国有资本经营预算财政拨款项目。",
              "（六）国有资产占用情况说明")
        assets = self.money("p/assets", b.assets)
        d.add(f"截止{py}年12月31日，我单位固定资产总额{assets}元。")

    def _procurement_lines(self, list_services: bool) -> None:
        """（二）政府采购 and （三）政府购买服务 (the 2021 layout lists the services)."""
        d, b, y = self.doc, self.b, self.y
        procured, services = b.procured(), b.services()
        d.add("（二）政府采购预算说明")
        amount = self.money("p/procurement", sum(it.amount for it in procured))
        d.add(f"{y}年涉及政府采购项目{len(procured)}个，预算资金{amount}元。")
        d.add("（三）政府购买服务预算说明")
        amount = self.money("p/services", sum(it.amount for it in services))
        text = f"{y}年涉及政府购买服务项目{len(services)}个，预算资金{amount}元。"
        if list_services and services:
            text += "主要项目是：" + "，".join(
                f"{it.label}{self.money(f'p/service/{i}', it.amount)}元" for i, it in enumerate(services)) + "。"
        d.add(text)

    def _performance_line(self) -> None:
        b = self.b
        targeted = [it for it in b.projects() if it.amount >= 500000_00 or it.hotline] or b.projects()[:1]
        amount = self.money("p/performance/amount", sum(it.amount for it in targeted))
        total = self.money("p/performance/project", b.project)
        sh = share(self.doc, "p/performance/share", "p/performance/amount", b.project, self.s.pct)
        self.doc.add(f"{self.y}年本部门项目经费中申报绩效目标的项目有{len(targeted)}项，涉及一般公共预算当年拨款{amount}元，"
                     f"占项目支出预算{total}元的{sh}%。")

    # -- 第一部分 (2021 layout) ----------------------------------------------------------------

    def _explanation_2021(self) -> None:
        d, y = self.doc, self.y
        d.add(f"{y}年部门预算编制情况说明", "", f"第一部分、{y}年部门预算情况说明", " 一、部门主要职责及机构设置情况",
              "（一）部门机构设置、职责", "（二）人员构成情况", f"二、{y}年部门预算收支及增减变化情况说明", "三、主要支出情况",
              " 四、部门“三公”经费财政拨款预算说明", "（一）“三公”经费的单位范围", "（二）“三公”经费预算财政拨款情况说明",
              " 五、其他情况说明", "（一）机关运行经费说明", "（二）政府采购预算说明", "（三）政府购买服务预算说明",
              "（四）绩效目标情况及绩效评价结果说明", "（五）国有资本经营预算财政拨款情况说明", "（六）国有资产占用情况说明",
              "六、名称解释", f"第二部分、{y}年部门预算表", *CONTENTS_2021, "1. ", "",
              f"第一部分：{y}年度部门预算情况说明", "", "一、部门主要职责及机构设置情况", "（一）部门机构设置、职责")
        self._restructuring_lines()
        self._organisation_2021()
        self._money_2021()
        self._three_public_2021()
        self._other_2021()
        d.add("六、名词解释", *TERMS_2021, "", f"第二部分、{y}年部门预算表")

    def _organisation_2021(self) -> None:
        d, b, y = self.doc, self.b, self.y
        unit_list = units(self.dept, y)
        head = ""
        if self.dept.hotline_role == "target" and self.dept.holds_hotline(y):
            self.mark("fact/transfer")
            head = transfer_sentence(self.dept, y)
        subs = 1 if b.staff.sub_actual and self.dept.is_admin() else 0
        d.add(f"{head}设{'、'.join(unit_list[:5])}等{len(unit_list)}个职能科室。所属全额拨款事业单位{subs}个。", "主要职责是：")
        self.mark("fact/duties")
        hot = hotline_duty_index(self.dept, y)
        for i, duty in enumerate(duties(self.dept, y)):
            if i == hot:
                self.mark("fact/hotline_duty")
            d.add(f"{i + 1}.{duty}。")
        st = b.staff
        d.add("（二）人员构成情况",
              f"行政编制{st.admin}人；事业编制{st.sub}人；工勤编制{st.workers}名；实际在岗{st.actual}人；长期聘用临时工{st.temps}人。"
              f"离退休人员{st.retired}人，其中：离休0人，退休{st.retired}人。")

    def _money_2021(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        d.add(f"二、{y}年部门预算收支及增减变化情况说明", "（一）收入预算说明")
        c = self.cmp("revenue", b.total, self.prior.total)
        f = self.cmp("fiscal", b.total, self.prior.total)
        d.add(f"{y}年收入预算{c.cur}元，比{py}年收入预算{c.prior}元{self._vs_2021(c)}。"
              f"其中财政拨款{f.cur}元，比{py}年财政拨款{f.prior}元{self._vs_2021(f)}。"
              f"{'增加' if c.up else '减少'}主要原因是：{self.reason('revenue', c.up)}。")
        d.add("（二）支出预算说明", f"1.{y}年支出预算按用途划分：")
        c = self.cmp("basic", b.basic, self.prior.basic)
        d.add(f"（1） 基本支出预算{c.cur}元，比{py}年基本支出预算{c.prior}元{self._vs_2021(c)}。主要原因是：{self.reason('basic', c.up)}。")
        c = self.cmp("project", b.project, self.prior.project, pct=False)
        d.add(f"（2） 项目支出预算{c.cur}元，比{py}年项目支出预算{c.prior}元{self._vs_2021(c)}。主要原因是：{self.reason('project', c.up)}。")
        d.add("三、主要支出情况", "主要项目是：")
        for i, it in enumerate(self.major):
            end = "。" if i == len(self.major) - 1 else "；"
            d.add(f"{i + 1}. {it.label}，安排预算资金{self.money(f'p/major/{i}', it.amount)}元{end}")

    def _vs_2021(self, c: Comparison) -> str:
        """增加19182984.57元，增长42.13% / 持平 — the 2021 wording after 比…元."""
        return c.phrase(pct_words=("增长", "减少"))

    def _three_public_2021(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        tp, prior = b.three_public, self.prior.three_public
        n = self._scope()[0]
        which = self.name if n == 1 else f"{self.name}和所属事业单位"
        d.add("四、部门“三公”经费财政拨款预算说明", "（一）“三公”经费的单位范围",
              f"“三公”经费支出单位包括{n}个所属单位，即{which}。", "（二）“三公”经费预算财政拨款情况说明")
        c = self.cmp("three_public", tp.total, prior.total, pct=False)
        d.add(f"{y}年部门预算“三公”经费财政预算{c.cur}元，比{py}年部门预算“三公”经费财政预算{c.prior}元"
              f"{self._vs_2021(c)}。{'增加' if c.up else '减少'}原因是：{self.reason('three_public', c.up)}。")
        for i, (key, label) in enumerate((("abroad", "因公出国（境）费"), ("reception", "公务接待费"),
                                          ("cars", "公务用车购置及运行维护费")), 1):
            d.add(f"{i}.{label}")
            c = self.cmp(key, getattr(tp, key), getattr(prior, key), pct=False, prior_printed=False)
            tail = f"与{py}年财政预算数一致" if c.up is None else f"比{py}年财政拨款预算{c.delta()}元"
            d.add(f"{y}年财政拨款预算安排{c.cur}元，{tail}。")

    def _other_2021(self) -> None:
        d, b, y, py = self.doc, self.b, self.y, self.py
        d.add("五、其他情况说明", "（一）机构运行经费说明")
        c = self.cmp("admin_costs", b.public, self.prior.public)
        d.add(f"{y}年本部门（含下属单位）履行一般行政事业管理职能、维持机关运行，用于一般公共预算安排的行政运行经费，"
              f"合计{c.cur}元，比{py}年{c.prior}元{self._vs_2021(c)}。原因是：{self.reason('admin_costs', c.up)}。")
        self._procurement_lines(list_services=True)
        d.add("（四）绩效目标情况及绩效评价结果说明")
        self._performance_line()
        d.add("（五）国有资本经营预算财政拨款情况说明", "我单位没有国有资本经营预算财政拨款项目。", "（六）国有资产占用情况说明")
        assets = self.doc.num("p/assets", b.assets, wan)
        tp = b.three_public
        d.add(f"截止{py}年底，本部门固定资产总额{assets}万元，其中：车辆{tp.vehicles}台；单位价值50万元以上的通用设备0台（套）、0万元，"
              f"单位价值100万元以上的专用设备0台（套）、0万元。",
              f"{y}部门预算中，安排购置车辆{1 if tp.car_purchase else 0}台，{wan(tp.car_purchase)}万元；"
              f"安排购置单位价值50万元以上的通用设备0台（套）、0万元，安排购置单位价值100万元以上的专用设备0台（套）、0万元。")

    # -- 第二部分: the tables --------------------------------------------------------------------

    def _tables(self) -> None:
        for write in (self._t1, self._t2, self._t3, self._t4, self._t5, self._t6, self._t7, self._t8, self._t9):
            write()
        if self.s.name == "2019":
            self._transfer_table(10)
            self._department_form(11)
            self._project_forms(12)
        else:
            self._services_table(10)
            self._transfer_table(11)
            self._department_form(12)

    def _title(self, n: int) -> str:
        title = TABLE_TITLES.get(n, "")
        if self.s.name == "2021":
            return title
        return f"{self.y}{title}" if n == 1 else f"{self.y}年{title}"

    def _head(self, n: int, cells: int, unit_at: int, unit_cells: int) -> None:
        """The 表X： row (``cells`` wide), the title row and the unit row: ``unit_cells`` cells
        with 单位：元 at index ``unit_at``."""
        d = self.doc
        title = self._title(n)
        self.mark(f"t{n}/title", title)
        if self.s.name == "2021":
            d.add(f"表{cn_number(n)}、{TABLE_TITLES[n]}")
        d.row(f"表{cn_number(n)}：", *[""] * (cells - 1))
        d.row(title)
        self._unit_row(n, unit_at, unit_cells)

    def _unit_row(self, n: int, unit_at: int, cells: int, colon: str = "：") -> None:
        d = self.doc
        for i in range(cells):
            d.cell(d.num(f"t{n}/unit", "元", lambda u: f"单位{colon}{u}") if i == unit_at else "")
        d.end_row()

    def _tail(self) -> None:
        if self.s.name == "2019":
            self.doc.add("")

    def _amount_cells(self, n: int, row: str, values: list[tuple[str, int]], zero: str) -> None:
        """Anchored amount cells ``t<n>/<row>/<col>``; zero shown as ``zero``."""
        for col, cents in values:
            self.doc.money_cell(f"t{n}/{row}/{col}", cents, lambda v: yuan(v) if v else zero)

    def _t1(self) -> None:
        d, b = self.doc, self.b
        self._head(1, 4, 0, 1)
        d.row("收入项目类别", "收入金额", "支出项目类别", "支出金额")
        rows = max(len(REVENUE_LABELS) + 4, len(self.kuans))
        for i in range(rows):
            d.cell(REVENUE_LABELS[i] if i < len(REVENUE_LABELS) else "")
            if i == 0:
                d.money_cell("t1/rev/item", b.total, yuan)
            else:
                d.cell("")
            if i < len(self.kuans):
                code = self.kuans[i]
                d.cell(self.fname(code))
                d.money_cell(f"t1/exp/{code}", sum(self.tree[code]), yuan)
            else:
                d.cell("")
                d.cell("")
            d.end_row()
        d.cell("    本年收入合计")
        d.money_cell("t1/rev/sub", b.total, yuan)
        d.cell("    本年支出合计")
        d.money_cell("t1/exp/sub", b.total, yuan)
        d.end_row()
        d.row("用事业基金弥补收支差额", "", "", "")
        d.row("      上年结转", "", "      结转下年 ", "")
        d.cell("    收入总计：")
        d.money_cell("t1/rev/total", b.total, yuan)
        d.cell("    支出总计：")
        d.money_cell("t1/exp/total", b.total, yuan)
        d.end_row()
        self._tail()

    def _code_cells(self, code: str) -> None:
        level = {3: 0, 5: 1, 7: 2}[len(code)]
        if self.s.indent:
            self.doc.cell(("", "   ", "     ")[level] + code)
            self.doc.cell(("", "    ", "      ")[level] + self.fname(code))
        else:
            self.doc.cell(code)
            self.doc.cell(self.fname(code))

    def _t2(self) -> None:
        d = self.doc
        self._head(2, 12, 11, 12)
        d.row("科目", "合计", "上年结转", "一般公共预算拨款收入", "政府性基金预算拨款收入", "上级补助收入", "事业收入", "经营收入",
              "附属单位上缴收入", "其他收入", "用事业基金弥补收支差额")
        d.row("科目编码", "科目名称", *[""] * 10)
        for code, (basic, project) in self.tree.items():
            d.cell(code)
            d.cell(self.fname(code))
            self._revenue_cells(code, basic + project)
        d.cell("")
        d.cell("总计")
        self._revenue_cells("total", self.b.total)
        self._tail()

    def _revenue_cells(self, row: str, total: int) -> None:
        d = self.doc
        d.money_cell(f"t2/{row}/total", total, yuan)
        d.cell("")
        d.money_cell(f"t2/{row}/gpb", total, yuan)
        for _ in range(7):
            d.cell("")
        d.end_row()

    def _spending_table(self, n: int, extra_columns: bool) -> None:
        d = self.doc
        cells = 8 if extra_columns else 5
        self._head(n, cells, 6 if extra_columns else 4, cells)
        header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
        d.row(*header, *(("上缴上级支出", "事业单位经营支出", "对下级单位补助支出") if extra_columns else ()))
        for code, (basic, project) in self.tree.items():
            self._code_cells(code)
            self._spending_cells(n, code, basic, project, extra_columns)
        d.cell("")
        d.cell("合计" if self.s.name == "2019" else "总计")
        self._spending_cells(n, "total", self.b.basic, self.b.project, extra_columns)
        self._tail()

    def _spending_cells(self, n: int, row: str, basic: int, project: int, extra_columns: bool) -> None:
        self._amount_cells(n, row, [("total", basic + project), ("basic", basic), ("project", project)], self.s.zero)
        if extra_columns:
            self.doc.extend(("\t", "\t", "\t"))
        self.doc.end_row()

    def _t3(self) -> None:
        self._spending_table(3, True)

    def _t5(self) -> None:
        self._spending_table(5, False)

    def _t4(self) -> None:
        d, b = self.doc, self.b
        zero = "0.00" if self.s.name == "2019" else ""
        self._head(4, 4, 3, 4)
        d.row("收入", "支出")
        d.row("项目", "预算金额", "项目", "预算金额")
        left: list[tuple[str, str | None, int]] = [
            ("一、本年收入", "t4/rev/sub", b.total), ("  （一）一般公共预算拨款", "t4/rev/gpb", b.total),
            ("  （二）政府性基金预算拨款", None, 0), ("", None, -1), ("二、上年结转", None, 0),
            ("  （一）一般公共预算拨款", None, 0), ("  （二）政府性基金预算拨款", None, 0)]
        right: list[tuple[str, str | None, int]] = [("一、本年支出", "t4/exp/sub", b.total)]
        right += [(f"（{cn_number(i + 1)}）{self.fname(code)}", f"t4/exp/{code}", sum(self.tree[code]))
                  for i, code in enumerate(self.kuans)]
        rows = max(len(left), len(right))
        left += [("", None, -1)] * (rows - len(left))
        right += [("", None, -1)] * (rows - len(right))
        right.append(("二、结转下年", None, 0))
        left.append(("", None, -1))
        for (ltext, lkey, lval), (rtext, rkey, rval) in zip(left, right):
            for text, key, val in ((ltext, lkey, lval), (rtext, rkey, rval)):
                d.cell(text)
                if key:
                    d.money_cell(key, val, yuan)
                else:
                    d.cell(zero if val == 0 else "")
            d.end_row()
        d.row("", "", "", "")
        d.cell("    收入总计：")
        d.money_cell("t4/rev/total", b.total, yuan)
        d.cell("    支出总计：")
        d.money_cell("t4/exp/total", b.total, yuan)
        d.end_row()
        self._tail()

    def _t6(self) -> None:
        d, b = self.doc, self.b
        self._head(6, 7, 5, 7)
        dept_cols = ("部门经济分类代码", "部门经济分类名称")
        gov_cols = ("政府经济分类代码", "政府经济分类名称")
        first, second = (dept_cols, gov_cols) if self.s.name == "2019" else (gov_cols, dept_cols)
        d.row(*first, *second, "合计", "人员经费", "公用经费")
        classes: dict[str, list[int]] = {}
        for econ, (pers, pub) in b.econ.items():
            pair = classes.setdefault(econ[:3], [0, 0])
            pair[0] += pers
            pair[1] += pub
        for cls, (pers, pub) in classes.items():
            self._econ_row(cls, pers, pub)
            for econ, (p, u) in b.econ.items():
                if econ[:3] == cls:
                    self._econ_row(econ, p, u)
        if self.s.name == "2019":
            d.extend(("\t", "\t", "\t", "\t总  计"))
        else:
            d.extend(("\t", "\t总计", "\t", "\t"))
        self._amount_cells(6, "total", [("total", b.basic), ("personnel", b.personnel), ("public", b.public)],
                           self.s.zero)
        d.end_row()
        self._tail()

    def _econ_row(self, econ: str, personnel: int, public: int) -> None:
        gov = pools.ECON_TO_GOV.get(econ) or {"301": "501", "302": "502", "303": "509", "310": "503"}[econ]
        dept_cells = (econ, pools.ECON[econ])
        gov_cells = (gov, pools.GOV_ECON[gov])
        first, second = (dept_cells, gov_cells) if self.s.name == "2019" else (gov_cells, dept_cells)
        self.doc.extend("\t" + c for c in (*first, *second))
        self._amount_cells(6, econ, [("total", personnel + public), ("personnel", personnel), ("public", public)],
                           self.s.zero)
        self.doc.end_row()

    def _t7(self) -> None:
        d = self.doc
        self._head(7, 3, 2, 3)
        d.row("项目", f"{self.py}年预算数", f"{self.y}年预算数")
        cur, prior = self.b.three_public, self.prior.three_public
        for key, label in THREE_PUBLIC_ROWS:
            d.cell(label)
            d.money_cell(f"t7/{key}/prior", getattr(prior, key), self.s.t7_money)
            d.money_cell(f"t7/{key}/cur", getattr(cur, key), self.s.t7_money)
            d.end_row()
        self._tail()

    def _t8(self) -> None:
        d = self.doc
        self._head(8, 5, 4, 5)
        d.row("科目编码", "科目名称", "合计", "基本支出", "项目支出")
        if self.s.name == "2019":
            d.row("无", "", "0", "0", "0")
            for _ in range(9):
                d.row("", "", "", "", "")
            d.row("", "总计", "0", "0", "0")
            self._tail()
        else:
            for _ in range(3):
                d.row("", "", "", "", "")
            d.row("", "总计", "", "", "")
            d.add("", "注：本部门因没有政府性基金收入，故没有数据。", "")

    def _t9(self) -> None:
        d = self.doc
        self._head(9, 8, 7, 8)
        dept_cols = ("部门经济分类代码", "部门经济分类名称")
        gov_cols = ("政府经济分类代码", "政府经济分类名称")
        first, second = (dept_cols, gov_cols) if self.s.name == "2019" else (gov_cols, dept_cols)
        d.row("功能分类代码", "功能分类名称", *first, *second, "项目名称", "预算金额")
        kuan = None
        major = {id(it): j for j, it in enumerate(self.major)}
        for i, it in enumerate(self.detail):
            if id(it) in major:
                self.doc.value(f"link/major/{major[id(it)]}", f"t9/{i}/amount")
            if self.s.name == "2019" and it.code[:5] != kuan:
                kuan = it.code[:5]
                d.extend(("\t　", "\t  " + self.fname(kuan), *["\t　"] * 5))
                d.money_cell(f"t9/g{kuan}/amount", sum(self.tree[kuan]), yuan)
                d.end_row()
            self._detail_row(i, it)
        if self.s.name == "2019":
            d.extend(("\t　", "\t      合计", *["\t　"] * 5))
        else:
            d.extend(("\t", "\t", "\t合计", "\t", "\t", "\t", "\t"))
        d.money_cell("t9/total/amount", self.b.total, self.s.t9_total)
        d.end_row()
        self._tail()

    def _detail_row(self, i: int, it: Item) -> None:
        gov = pools.ECON_TO_GOV[it.econ]
        dept_cells = (it.econ, pools.ECON[it.econ])
        gov_cells = (gov, pools.GOV_ECON[gov])
        first, second = (dept_cells, gov_cells) if self.s.name == "2019" else (gov_cells, dept_cells)
        self.doc.extend("\t" + c for c in (it.code, "    " + self.fname(it.code), *first, *second, it.label))
        self.doc.money_cell(f"t9/{i}/amount", it.amount, yuan)
        self.doc.end_row()

    def _services_table(self, n: int) -> None:
        """表十 (2021 layout): 政府购买服务预算财政拨款明细表."""
        d, b = self.doc, self.b
        services = b.services()
        self.mark(f"t{n}/title", "政府购买服务预算财政拨款明细表")
        d.add(f"表{cn_number(n)}、政府购买服务预算财政拨款明细表", "")
        d.row(f"表{cn_number(n)}：", "", "", "", "")
        d.row("政府购买服务预算财政拨款明细表")
        self._unit_row(n, 0, 1, colon=":")
        d.row("编码(代码)", "政府购买服务目录及项目名称", "支出功能分类科目", "预算批复数")
        self.mark("fact/unit_code")
        d.extend(("\t" + self.dept.code, "\t" + self.full, "\t"))
        d.money_cell(f"t{n}/unit_total/amount", sum(it.amount for it in services), yuan)
        d.end_row()
        groups = (("B", "社会管理性服务", "B01", "社区建设", lambda it: it.econ != "30227"),
                  ("E", "政府履职所需辅助性服务", "E01", "法律服务", lambda it: it.econ == "30227"))
        for letter, label, sub, sub_label, belongs in groups:
            members = [(i, it) for i, it in enumerate(services) if belongs(it)]
            if not members:
                continue
            amount = sum(it.amount for _, it in members)
            d.extend(("\t" + letter, f"\t{label}    ({letter})", "\t"))
            d.money_cell(f"t{n}/{letter}/amount", amount, yuan)
            d.end_row()
            d.extend(("\t    " + sub, f"\t    {sub_label}    ({sub})", "\t"))
            d.money_cell(f"t{n}/{sub}/amount", amount, yuan)
            d.end_row()
            for i, it in members:
                d.extend((f"\t{self.py}{self.dept.code}{i + 1:04d}", "\t" + it.label,
                          f"\t{it.code}{self.fname(it.code)}"))
                d.money_cell(f"t{n}/{i}/amount", it.amount, yuan)
                d.end_row()
        self._tail()

    def _transfer_table(self, n: int) -> None:
        """专项转移支付预算表: the synthetic departments have none."""
        d = self.doc
        title = "专项转移支付预算表" if self.s.name == "2021" else f"{self.y}年专项转移支付预算表"
        self.mark(f"t{n}/title", title)
        if self.s.name == "2021":
            d.add(f"表{cn_number(n)}、专项转移支付预算表")
        d.row(f"表{cn_number(n)}：", *[""] * 8)
        d.row(title)
        self._unit_row(n, 8, 9)
        d.row("预算单位代码", "预算单位名称", "功能科目代码", "部门经济分类代码", "政府经济分类代码", "项目名称", "是否政府采购",
              "指标金额", "市指标文号")
        for _ in range(3):
            d.row(*[""] * 9)
        d.row("", "", "合计", *[""] * 6)
        d.row("注：本部门因没有专项转移收入，故没有数据。", *[""] * 8)
        self._tail()

    def _department_form(self, n: int) -> None:
        """部门整体支出绩效目标申报表, figures in 万元 as its label says."""
        d, b = self.doc, self.b
        title = "部门整体支出绩效目标申报表"
        self.mark(f"t{n}/title", title)
        if self.s.name == "2019":
            d.add(f"表{cn_number(n)}：", "", title, "", f"（{self.y}年度）", "")
        else:
            d.add(f"表{cn_number(n)}、{title}")
            d.row(title)
            d.row(f"（{self.y}年度）")
        d.row("部门（单位）名称", self.name)
        if self.s.name == "2019":
            d.row("部门（单位）负责人", self._person(0), "联系电话", self._phone(0))
        for i, (label, key, cents) in enumerate((("资金总额：", "total", b.total), ("基本支出：", "basic", b.basic),
                                                 ("项目支出：", "project", b.project))):
            d.cell("部门（单位）总体资金情况（万元）" if i == 0 else "")
            d.cell(label)
            d.cell(d.num(f"t{n}/{key}/amount", cents, lambda v: f"{wan_value(v):.2f}"))
            d.end_row()
        if self.s.name == "2019":
            d.row("", "其他：", "0.00")
            d.row("部门（单位）职能概述", "；".join(duties(self.dept, self.y)) + "。")
        d.row("部门（单位）绩效目标", "围绕部门职责，全面完成年度重点工作任务，不断提升服务水平和工作效能。")
        if self.s.name == "2019":
            d.row("绩效指标", "一级指标", "二级指标", "具体指标（指标内容、指标值）")
            for first, second, text in INDICATORS:
                d.row("", first, second, text)
            d.row("其他说明的问题", "")
            d.row("填报人：", self._person(1), "联系电话", self._phone(1), f"填报日期：{self.y}.2.13")
            d.add("")
        else:
            d.row("绩效指标", "指标名称", "指标内容和指标值")
            for first, second, text in INDICATORS:
                d.row("", f"绩效指标-{first or '效果指标'}-{second}", text)
            d.row("其他说明的问题", "无")

    def _project_forms(self, n: int) -> None:
        """项目支出绩效目标申报表, one form per major project (2019 layout)."""
        d = self.doc
        for i, it in enumerate(self.major[:3]):
            if i == 0:
                self.mark(f"t{n}/title", "项目支出绩效目标申报表")
                d.add(f"表{cn_number(n)}：", "")
            d.add("项目支出绩效目标申报表", "", f"（{self.y}年度）", "")
            d.row("部门（单位）名称", self.full)
            d.cell("项目名称")
            d.cell(it.label)
            d.cell("预算金额")
            d.cell(d.num(f"t{n}/{i}/amount", it.amount, lambda v: f"{wan(v)}万元"))
            d.end_row()
            d.row("项目负责人", self._person(2 + i), "联系电话", self._phone(2 + i))
            kind = "信息化系统改造类√" if it.code == "2069999" else "信息化系统改造类"
            d.add("\t项目类型", f"\t1.大型会议培训    2.{kind}", "3.宣传活动类      4.其他一般类", "")
            d.row("项目绩效目标", f"保障{it.label}顺利实施，按期完成年度目标。")
            d.row("绩效指标", "一级指标", "二级指标", "具体指标（指标内容、指标值）")
            for first, second, text in INDICATORS:
                d.row("", first, second, text)
            d.row("其他说明的问题", "", "", "")
            d.add("")

    def _person(self, i: int) -> str:
        h = int(self.dept.code) + i * 7 + self.y
        return pools.PEOPLE[h % len(pools.PEOPLE)] + pools.GIVEN[(h // 3) % len(pools.GIVEN)]

    def _phone(self, i: int) -> str:
        return f"8{(int(self.dept.code) * 37 + i * 11) % 10_000_000:07d}"
