"""Render a :class:`~bench.generate_model.Final` as a 部门决算 text dump, in the manner of
``002_28812af1b3d468ad.txt``: narrative only, figures in 万元, each 项 compared with the
year's 年初预算 and the totals with last year's 决算.

Anchor keys: ``f/<figure>/{cur,prior,change,pct}`` (``prior`` is implied, not printed, except for
the 三公 figures), ``f/<figure>/share``, ``f/item/<项 code>/…``, ``f/class/<类 code>/…``,
``f/personnel``, ``f/public``; ``fact/…`` for the duty and transfer lines.
"""

from __future__ import annotations

from bench import pools
from bench.generate_doc import Doc, Override
from bench.generate_model import Final
from bench.generate_numbers import pct_short, round_wan, wan
from bench.generate_prose import Comparison, compare, duties, hotline_duty_index, reason, share, transfer_sentence, units

PCT = pct_short
UP_PCT = ("增长", "下降")

BASIC_EXPLAINED = (
    "（1）工资福利支出包括基本工资、津贴补贴、奖金、伙食补助费、绩效工资、其他社会保障缴费、其他工资福利等支出；"
    "（2）商品和服务支出包括办公费、印刷费、咨询费、手续费、水费、电费、邮电费、取暖费、物业管理费、差旅费、因公出国（境）费、"
    "维修（护）费、租赁费、会议费、培训费、公务接待费、专用材料费、劳务费、委托业务费、工会经费、福利费、公务用车运行维护费、"
    "其他交通费、其他商品和服务等支出；（3）对个人和家庭补助支出包括离休费、退休费、抚恤金、生活补助、救济费、医疗费补助、"
    "助学金、奖励金、其他对个人和家庭的补助等支出。"
)
TERMS = (
    "1.财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
    "2.基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "3.项目支出：指在基本支出之外为完成特定行政任务或事业发展目标所发生的支出。",
    "4.“三公”经费：是指单位通过财政拨款资金安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    "5.机关运行经费：指为保障行政单位（含参照公务员法管理事业单位）运行用于购买货物和服务的各项资金。",
)
ZERO_SOURCES = ("2.上级补助收入", "3.事业收入", "4.经营收入", "5.附属单位上缴收入", "6.其他收入")


def render_final(f: Final, overrides: dict[str, Override] | None = None) -> Doc:
    """The text of the final-accounts filing, with its anchors."""
    return FinalWriter(f, overrides).render()


def class_label(code: str, year: int) -> str:
    """一般公共服务（类）… the 类 name as the item headings print it."""
    name = pools.functional_name(code, year)
    return name[:-2] if code == "201" else name


class FinalWriter:
    def __init__(self, f: Final, overrides: dict[str, Override] | None):
        self.f = f
        self.doc = Doc(overrides)
        self.y = f.year
        self.dept = f.dept

    def render(self) -> Doc:
        self._identity()
        self._totals()
        self._classes()
        self._items()
        self._basic()
        self._other()
        return self.doc

    def cmp(self, key: str, cur: int, prior: int, prior_printed: bool = False) -> Comparison:
        return compare(self.doc, f"f/{key}", cur, prior, wan, PCT, prior_printed)

    def money(self, key: str, cents: int) -> str:
        return self.doc.num(key, cents, wan)

    def _identity(self) -> None:
        d, f, y = self.doc, self.f, self.y
        d.add(f"{y}年度{self.dept.full_name(y)}", "", "部门决算", f" 第一部分 {y}年度部门决算说明", "", "一、单位基本情况", "",
              "（一）机构设置、职责")
        head = ""
        if self.dept.hotline_role == "target" and self.dept.holds_hotline(y):
            self.doc.value("fact/transfer", "")
            head = transfer_sentence(self.dept, y)
        unit_list = units(self.dept, y)
        subs = 1 if f.staff.sub_actual and self.dept.is_admin() else 0
        d.add(f"{head}设{'、'.join(unit_list)}等{len(unit_list)}个职能科室，所属全额拨款事业单位{subs}个。", "",
              f"{self.dept.short(y)}主要职责是：", "")
        self.doc.value("fact/duties", "")
        hot = hotline_duty_index(self.dept, y)
        for i, duty in enumerate(duties(self.dept, y)):
            if i == hot:
                self.doc.value("fact/hotline_duty", "")
            d.add(f"{i + 1}.{duty}。", "")
        st = f.staff
        d.add("（二）人员构成情况", "",
              f"行政编制{st.admin}人，实有人数{st.admin_actual}人；事业编制{st.sub}人，实有人数{st.sub_actual}人。", "")

    def _totals(self) -> None:
        d, f, y = self.doc, self.f, self.y
        total, prior = f.total, f.prior_total
        d.add("   二、收入支出决算总体情况说明", "")
        c = self.cmp("total", total, prior)
        d.add(f"{y}年度收、支总计{c.cur}万元，比上年{self._wan_phrase(c)}。", "",
              "（一）收入决算说明")
        c = self.cmp("revenue", total, prior)
        d.add(f"{y}年度本年收入合计{c.cur}万元，比上年{self._wan_phrase(c)}。", "")
        fiscal = self.money("f/revenue/fiscal", total)
        gpb = self.money("f/revenue/gpb", total)
        d.add(f"1.财政拨款收入{fiscal}万元，占收入合计的100%。其中：一般公共预算财政拨款收入{gpb}万元，占收入合计的100%；"
              "政府性基金预算财政拨款收入0万元，占收入合计的0%；国有资本经营预算财政拨款收入0万元，占收入合计的0%；", "")
        for label in ZERO_SOURCES:
            d.add(f"{label}0万元，占收入合计的0%{'。' if label.startswith('6') else '；'}", "")
        d.add(" （二）支出决算说明")
        c = self.cmp("expenditure", total, prior)
        basic = self.money("f/basic/cur", f.basic)
        basic_share = share(d, "f/basic/share", "f/basic/cur", total, PCT)
        project = self.money("f/project/cur", f.project)
        project_share = share(d, "f/project/share", "f/project/cur", total, PCT)
        d.add(f"{y}年度本年支出合计{c.cur}万元，比上年{self._wan_phrase(c)}。其中：基本支出{basic}万元，占支出合计的"
              f"{basic_share}%；项目支出{project}万元，占支出合计的{project_share}%；上缴上级支出0万元，占支出合计的0%；"
              "经营支出0万元，占支出合计的0%；对附属单位补助支出0万元，占支出合计的0%。", "")
        d.add(" 三、财政拨款收入支出决算总体情况说明")
        c = self.cmp("fiscal", total, prior)
        d.add(f"{y}年度财政拨款收、支总计{c.cur}万元，比上年{self._wan_phrase(c)}。主要原因：{reason(f.reasons['total'], c.up)}。",
              "")

    @staticmethod
    def _wan_phrase(c: Comparison) -> str:
        """增加250.86万元，增长4.8%"""
        return c.phrase(pct_words=UP_PCT, unit="万元")

    def _classes(self) -> None:
        d, f, y = self.doc, self.f, self.y
        d.add("四、一般公共预算财政拨款支出决算情况说明", "", "（一）一般公共预算财政拨款支出决算总体情况", "")
        total = self.money("f/gpb_spending", f.total)
        parts = []
        for code, amount in sorted(f.classes().items()):
            amount_t = self.money(f"f/class/{code}/amount", amount)
            sh = share(d, f"f/class/{code}/share", f"f/class/{code}/amount", f.total, PCT)
            parts.append(f"{pools.functional_name(code, y)}{amount_t}万元，占本年财政拨款支出{sh}%")
        d.add(f"{y}年度一般公共预算财政拨款支出{total}万元，主要用于以下方面（按大类）：" + "；".join(parts) + "。")

    def _items(self) -> None:
        d, f, y = self.doc, self.f, self.y
        d.add("（二）一般公共预算财政拨款支出决算具体情况", "")
        for i, (code, (b, p)) in enumerate(sorted(f.by_code.items()), 1):
            budget = round_wan(sum(f.budget.by_code.get(code, (0, 0))))
            d.add(f"{i}、{class_label(code[:3], y)}（类）{pools.functional_name(code[:5], y)}（款）"
                  f"{pools.functional_name(code, y)}（项）。", "")
            c = self.cmp(f"item/{code}", b + p, budget)
            if c.up is None:
                text = f"{y}年度决算{c.cur}万元，与{y}年年初预算持平。"
            else:
                why = pools.FINAL_REASONS[f.reasons[code] % len(pools.FINAL_REASONS)]
                text = f"{y}年度决算{c.cur}万元，比{y}年年初预算{self._wan_phrase(c)}。主要原因：{why}。"
            d.add(text, "")

    def _basic(self) -> None:
        d, f, y = self.doc, self.f, self.y
        d.add("五、政府性基金预算财政拨款支出决算情况说明", "（一）政府性基金预算财政拨款支出决算总体情况", "",
              "本年度未安排政府性基金预算财政拨款收支。", "（二）政府性基金预算财政拨款支出决算具体情况", "",
              "本年度未安排政府性基金预算财政拨款收支。", "六、国有资本经营预算财政拨款收支情况", "",
              "本年度未安排国有资本经营预算财政拨款收支。", "七、财政拨款基本支出决算情况说明")
        basic = self.money("f/basic2/cur", f.basic)
        personnel = self.money("f/personnel", f.personnel)
        public = self.money("f/public", f.public)
        d.add(f"{y}年度使用一般公共预算财政拨款安排基本支出{basic}万元，其中：人员经费{personnel}万元，公用经费{public}万元。"
              f"使用政府性基金财政拨款安排基本支出0万元，其中：{BASIC_EXPLAINED}")

    def _three_public_item(self, key: str, label: str, cur: int, budget: int) -> str:
        c = compare(self.doc, f"f/{key}", cur, budget, wan, None, True)
        y = self.y
        if c.up is None:
            return f"{label}{y}年度决算数{c.cur}万元，比{y}年度年初预算数{c.prior}万元增加（减少）0万元"
        return f"{label}{y}年度决算数{c.cur}万元，比{y}年度年初预算数{c.prior}万元{c.delta()}万元"

    def _other(self) -> None:
        d, f, y = self.doc, self.f, self.y
        tp, btp = f.three_public, f.budget.three_public
        d.add(f"第二部分{y}年度其他重要事项的情况说明", "", "一、“三公”经费财政拨款决算情况", "")
        subs = 1 if f.staff.sub_actual else 0
        c = compare(d, "f/three_public", tp.total, round_wan(btp.total), wan, None, True)
        tail = "增加（减少）0万元" if c.up is None else f"{c.delta()}万元"
        d.add(f"“三公”经费包括本单位所属{subs}个事业单位。{y}年度“三公”经费财政拨款决算数{c.cur}万元，"
              f"比{y}年度“三公”经费财政拨款年初预算{c.prior}万元{tail}。其中：", "")
        d.add(self._three_public_item("abroad", "1.因公出国（境）费用。", tp.abroad, round_wan(btp.abroad))
              + "，主要原因：按实际发生支出。", "")
        d.add(self._three_public_item("reception", "2.公务接待费。", tp.reception, round_wan(btp.reception))
              + "，主要原因：厉行节约，严格控制接待标准。", "")
        d.add(self._three_public_item("cars", "3.公务用车购置及运行维护费。", tp.cars, round_wan(btp.cars)) + "。", "")
        purchase = self._three_public_item("car_purchase", "其中，公务用车购置费", tp.car_purchase, round_wan(btp.car_purchase))
        running = self._three_public_item("car_running", "公务用车运行维护费", tp.car_running, round_wan(btp.car_running))
        d.add(f"{purchase}。{running}。{y}年度公务用车保有量{tp.vehicles}辆。", "")
        d.add("二、机关运行经费支出情况", "")
        if self.dept.is_admin():
            d.add(f"{y}年度本部门机关运行经费支出{self.money('f/admin_costs', f.public)}万元。")
        else:
            d.add("本单位为全额拨款事业单位，不属于机关运行经费支出统计范围。")
        goods, works, services = f.procurement
        d.add("三、政府采购支出情况", "")
        total = self.money("f/procurement", goods + works + services)
        d.add(f"{y}年度政府采购支出总额{total}万元，其中：政府采购货物支出{self.money('f/procurement/goods', goods)}万元，"
              f"政府采购工程支出{self.money('f/procurement/works', works)}万元，"
              f"政府采购服务支出{self.money('f/procurement/services', services)}万元。")
        d.add("四、国有资产占用情况", "")
        d.add(f"截止{y}年12月31日，本部门固定资产总额{self.money('f/assets', f.assets)}万元，其中：汽车{tp.vehicles}辆；"
              "单价100万元以上的设备0台（套），0万元。")
        d.add("五、政府购买服务支出说明", "")
        d.add(f"{y}年度政府购买服务决算{self.money('f/services', f.purchase)}万元。", "", "六、专业名词解释")
        for term in TERMS:
            d.add(term, "")
        d.add(f"第三部分  {y}年度部门绩效评价情况", "", "一、 预算绩效工作开展情况",
              f"{self.dept.name(y)}对{y}年度部门项目支出实施绩效自评，全年整体部门整体支出单位自评结果为“良好”。")
        # a window across the new year, as the 2024 决算 sample states its hotline figures' (its line 250)
        window = d.num("f/period", (y - 1, y), lambda years: f"{years[0]}年2月1日-{years[1]}年1月31日")
        d.add(f"部门整体支出绩效考核期间为{window}，考核结果纳入年度绩效评价。")
