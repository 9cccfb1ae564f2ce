"""The figures behind the synthetic filings: districts, departments and their yearly budgets.

A district plan (:func:`plan_district`) fixes the departments, their names over the years and
the restructurings (renames, the hotline duty transfer). :class:`History` then walks one
department through the years, keeping only the previous year's budget and final accounts,
and yields a :class:`Budget` and a :class:`Final` per year. All money is integer 分.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Iterator

from bench import pools
from bench.generate_numbers import WAN, WAN_STEP, jitter, round_wan
from bench.pools import DeptType, DistrictInfo, Project

FIRST_YEAR = 2015
LAST_YEAR = 2024
DEPTS_PER_DISTRICT = 100
REFORM_YEAR = 2019  # the institutional reform that renamed many agencies


# -- the plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class NameSpan:
    first_year: int
    name: str  # after the district prefix: 政务服务管理办公室
    short: str  # 区政务服务办


@dataclass(frozen=True)
class Rename:
    year: int  # the first fiscal year filed under the new name
    old: str  # full names (北京市西城区…)
    old_short: str
    new: str
    new_short: str
    document: str  # 西编发〔2017〕15号
    date: str  # ISO date of the approval

    def to_dict(self) -> dict:
        return {"type": "rename", "year": self.year, "from": self.old, "from_short": self.old_short,
                "to": self.new, "to_short": self.new_short, "document": self.document, "date": self.date}


@dataclass(frozen=True)
class Transfer:
    year: int  # the first fiscal year the receiving department holds the duty
    duty: str
    from_id: str
    from_short: str  # as the sentence names it: 区政务服务管理办公室
    to_id: str

    def to_dict(self, to_short: str) -> dict:
        return {"type": "duty_transfer", "year": self.year, "duty": self.duty, "from": self.from_short,
                "from_id": self.from_id, "to": to_short, "to_id": self.to_id}


@dataclass
class Dept:
    id: str
    index: int
    district: DistrictInfo
    type: DeptType
    code: str  # budget unit code, 299001
    names: list[NameSpan]
    renames: list[Rename] = field(default_factory=list)
    hotline_role: str | None = None  # "source" | "target"
    transfer: Transfer | None = None
    hotline_amounts: dict[int, int] = field(default_factory=dict)

    def span(self, year: int) -> NameSpan:
        return [s for s in self.names if s.first_year <= year][-1]

    def name(self, year: int) -> str:
        """西城区政务服务管理办公室"""
        return self.district.area + self.span(year).name

    def full_name(self, year: int) -> str:
        """北京市西城区政务服务管理办公室"""
        return self.district.city + self.name(year)

    def short(self, year: int) -> str:
        return self.span(year).short

    def holds_hotline(self, year: int) -> bool:
        if self.transfer is None:
            return False
        if self.hotline_role == "source":
            return year < self.transfer.year
        return year >= self.transfer.year

    def is_admin(self) -> bool:
        return self.type.kind == "行政"


def _date(rng: random.Random, year: int, months: tuple[int, int]) -> tuple[str, str]:
    """(ISO date, 2017年8月7日) in the given month range of ``year``."""
    month = rng.randint(*months)
    day = rng.randint(1, 28)
    return f"{year:04d}-{month:02d}-{day:02d}", f"{year}年{month}月{day}日"


def _rename(rng: random.Random, district: DistrictInfo, year: int, old: NameSpan, new: NameSpan,
            approved_in: int, months: tuple[int, int]) -> Rename:
    iso, _ = _date(rng, approved_in, months)
    document = f"{district.bianfa}〔{approved_in}〕{rng.randint(1, 40)}号"
    city_area = district.full
    return Rename(year, city_area + old.name, old.short, city_area + new.name, new.short, document, iso)


def _spans_with_renames(rng: random.Random, district: DistrictInfo,
                        steps: list[tuple[int, str, str]], months=(3, 11)) -> tuple[list[NameSpan], list[Rename]]:
    """Name spans from ``(first_year, name, short)`` steps, each change approved the year before."""
    spans = [NameSpan(y, n, s) for y, n, s in steps]
    renames = [_rename(rng, district, new.first_year, old, new, new.first_year - 1, months)
               for old, new in zip(spans, spans[1:])]
    return spans, renames


def plan_district(seed: int, d_index: int) -> list[Dept]:
    """The ~100 departments of one district, with their names, renames and the hotline story."""
    district = pools.DISTRICTS[d_index]
    rng = random.Random(f"{seed}/district/{d_index}")
    codes = rng.sample(range(101, 400), DEPTS_PER_DISTRICT)
    depts: list[Dept] = []

    def add(dtype: str, spans: list[NameSpan], renames: list[Rename]) -> Dept:
        i = len(depts)
        dept = Dept(f"d{d_index:02d}-{i:03d}", i, district, pools.DEPT_TYPES[dtype], f"{codes[i]}001",
                    spans, renames)
        depts.append(dept)
        return dept

    start = FIRST_YEAR - 1
    for agency in pools.AGENCIES:
        steps = [(start, agency.name, agency.short)]
        if agency.old:
            steps = [(start, *agency.old), (REFORM_YEAR, agency.name, agency.short)]
        add(agency.type, *_spans_with_renames(rng, district, steps, months=(10, 12)))
    _plan_hotline(rng, district, d_index, add)
    for street in district.streets or rng.sample(pools.GENERIC_STREETS, 12):
        add("街道", [NameSpan(start, f"{street}街道办事处", f"{street}街道")], [])
    stems = rng.sample(pools.SCHOOL_STEMS, len(pools.SCHOOL_STEMS))
    while len(depts) < DEPTS_PER_DISTRICT:
        stem = stems[len(depts) % len(stems)]
        level, _code = pools.SCHOOL_LEVELS[len(depts) % len(pools.SCHOOL_LEVELS)]
        add("学校", [NameSpan(start, f"{stem}{level}", f"{stem}{level}")], [])
    return depts


def _plan_hotline(rng: random.Random, district: DistrictInfo, d_index: int, add) -> None:
    """The 政务服务 office holds the hotline until year T, the command centre from T on."""
    first = d_index == 0  # Xicheng follows the real story: renamed 2018, transferred 2020
    source_rename = 2018 if first else rng.randint(2016, 2018)
    transfer_year = 2020 if first else rng.randint(2017, 2021)
    (n0, s0), (n1, s1) = pools.HOTLINE_SOURCE_NAMES
    start = FIRST_YEAR - 1
    source = add("政务服务", *_spans_with_renames(rng, district, [(start, n0, s0), (source_rename, n1, s1)]))
    steps = [(start, *pools.HOTLINE_TARGET_NAMES[0])]
    for offset, names in zip((1, 3), pools.HOTLINE_TARGET_NAMES[1:]):
        if transfer_year + offset <= LAST_YEAR:
            steps.append((transfer_year + offset, *names))
    target = add("城管指挥", *_spans_with_renames(rng, district, steps))
    transfer = Transfer(transfer_year, pools.HOTLINE_DUTY_NAME, source.id, "区" + n1, target.id)
    amounts, amount = {}, round(rng.uniform(1200, 2100) * WAN)
    for year in range(start, LAST_YEAR + 1):
        amount = jitter(rng, amount, 0.08) // 100 * 100
        amounts[year] = amount
    for dept, role in ((source, "source"), (target, "target")):
        dept.hotline_role, dept.transfer, dept.hotline_amounts = role, transfer, amounts


# -- one year's budget --------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One line of the budget detail table (表九): a functional 项, an economic 款, an amount."""

    code: str
    econ: str
    amount: int
    label: str  # 人员支出（在职统发）_基本工资 or the project's name
    project: bool = False
    procured: bool = False
    service: bool = False
    hotline: bool = False


@dataclass(frozen=True)
class Staff:
    admin: int  # 行政编制
    sub: int  # 事业编制
    workers: int  # 工勤编制
    actual: int  # 实际人数
    temps: int  # 长期聘用临时工
    retired: int

    @property
    def admin_actual(self) -> int:
        """Heads paid as 行政 staff (工勤 included); the rest work in a 事业 unit."""
        return self.actual if self.sub == 0 else min(self.admin + self.workers, self.actual)

    @property
    def sub_actual(self) -> int:
        return max(0, self.actual - self.admin_actual)


@dataclass(frozen=True)
class ThreePublic:
    """“三公”经费: 因公出国（境）, 公务接待, 公务用车购置 and 运行维护, and the fleet."""

    abroad: int
    reception: int
    car_purchase: int
    car_running: int
    vehicles: int

    @property
    def cars(self) -> int:
        return self.car_purchase + self.car_running

    @property
    def total(self) -> int:
        return self.abroad + self.reception + self.cars


@dataclass
class Budget:
    dept: Dept
    year: int
    staff: Staff
    items: list[Item]
    three_public: ThreePublic
    assets: int  # 固定资产总额 at the end of the previous year
    reasons: dict[str, int]  # picks from the reason pools
    prior: "Budget | None" = None  # last year's budget (its own prior dropped)
    by_code: dict[str, list[int]] = field(init=False)  # 项 code -> [basic, project]
    econ: dict[str, list[int]] = field(init=False)  # econ 款 -> [personnel, public] (basic only)

    def __post_init__(self) -> None:
        self.by_code, self.econ = {}, {}
        for it in self.items:
            self.by_code.setdefault(it.code, [0, 0])[1 if it.project else 0] += it.amount
            if not it.project:
                pair = self.econ.setdefault(it.econ, [0, 0])
                pair[0 if it.econ in pools.PERSONNEL_ECON else 1] += it.amount
        self.by_code = dict(sorted(self.by_code.items()))
        self.econ = dict(sorted(self.econ.items()))

    @property
    def basic(self) -> int:
        return sum(b for b, _ in self.by_code.values())

    @property
    def project(self) -> int:
        return sum(p for _, p in self.by_code.values())

    @property
    def total(self) -> int:
        return self.basic + self.project

    @property
    def personnel(self) -> int:
        return sum(p for p, _ in self.econ.values())

    @property
    def public(self) -> int:
        return sum(u for _, u in self.econ.values())

    def tree(self) -> dict[str, list[int]]:
        """类, 款 and 项 codes (in code order, parents first) -> [basic, project]."""
        out: dict[str, list[int]] = {}
        for code, (b, p) in self.by_code.items():
            for c in (code[:3], code[:5], code):
                pair = out.setdefault(c, [0, 0])
                pair[0] += b
                pair[1] += p
        return dict(sorted(out.items()))

    def projects(self) -> list[Item]:
        return [it for it in self.items if it.project]

    def procured(self) -> list[Item]:
        return [it for it in self.items if it.procured]

    def services(self) -> list[Item]:
        return [it for it in self.items if it.service]

    def major_projects(self) -> list[Item]:
        """The largest projects, named in 三、主要支出情况."""
        return sorted(self.projects(), key=lambda it: (-it.amount, it.label))[:5]

    def summary(self) -> dict:
        """The figures a later filing states as last year's (yuan strings)."""
        tp = self.three_public
        return {"revenue": self.total, "expenditure": self.total, "basic": self.basic, "project": self.project,
                "three_public": tp.total, "abroad": tp.abroad, "reception": tp.reception, "cars": tp.cars,
                "car_purchase": tp.car_purchase, "car_running": tp.car_running, "admin_costs": self.public}


# -- one year's final accounts (决算), in whole 0.01 万元 ---------------------------------------------

@dataclass
class Final:
    dept: Dept
    year: int
    staff: Staff
    budget: Budget  # the same year's budget (年初预算)
    by_code: dict[str, list[int]]  # 项 -> [basic, project] actually spent
    personnel: int
    three_public: ThreePublic
    procurement: tuple[int, int, int]  # goods, works, services
    purchase: int  # 政府购买服务
    assets: int  # at the end of the year
    reasons: dict[str, int]  # picks from the reason pools
    prior_total: int  # last year's 决算 total

    @property
    def basic(self) -> int:
        return sum(b for b, _ in self.by_code.values())

    @property
    def project(self) -> int:
        return sum(p for _, p in self.by_code.values())

    @property
    def total(self) -> int:
        return self.basic + self.project

    @property
    def public(self) -> int:
        return self.basic - self.personnel

    def classes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for code, (b, p) in self.by_code.items():
            out[code[:3]] = out.get(code[:3], 0) + b + p
        return out


# -- walking a department through the years -----------------------------------------------

# Annual amount per head (yuan) of the running costs, per economic 款.
ADMIN_RATES = {"30101": 66000, "30102": 150000, "30103": 60000, "30112": 5000, "30199": 6000,
               "30239": 7000, "30399": 11000}
SUB_RATES = {"30101": 55000, "30102": 20000, "30107": 110000, "30112": 4000, "30199": 5000, "30399": 9000}
PUBLIC_RATES = {"30201": 4000, "30205": 700, "30206": 4500, "30207": 1700, "30211": 1300, "30213": 300,
                "30215": 500, "30216": 1700, "30217": 250, "30228": 4200, "30229": 5600, "30299": 12000}
RETIREE_RATES = {"30302": 5500, "30399": 480, "30299": 700}


def _basic_label(econ: str, code: str) -> str:
    """The 项目名称 of a basic-expenditure line in 表九."""
    name = pools.ECON[econ]
    if code in ("2080501", "2080502"):
        return (f"日常公用支出（离退休人员）_{name}" if econ.startswith("302")
                else f"对个人和家庭补助支出（离退休非统发）_{name}")
    if econ == "30113" or code == "2210203":
        return f"对个人和家庭补助支出（在职非统发）_{name}"
    if econ in ("30239", "30399") or code == "2210202":
        return f"对个人和家庭补助支出（在职统发）_{name}"
    if econ in ("30108", "30109", "30112"):
        return f"人员支出（在职非统发）_{name}"
    if econ.startswith("301"):
        return f"人员支出（在职统发）_{name}"
    return f"日常公用支出（在职人员）_{name}"


class History:
    """One department's budgets and final accounts, year by year (streaming)."""

    def __init__(self, dept: Dept, seed: int):
        self.dept = dept
        self.rng = random.Random(f"{seed}/dept/{dept.id}")
        r = self.rng
        t = dept.type
        admin = r.randint(*t.staff)
        sub = r.randint(*t.subordinate)
        self.staff = Staff(admin, sub, r.randint(0, 3) if admin else 0, 0, r.randint(0, 30),
                           r.randint(2, 30))
        self.level = r.uniform(0.85, 1.15)  # the department's pay level
        self.vehicles = r.choice((0, 0, 1, 2, 3, 5)) if dept.is_admin() else r.choice((0, 0, 1))
        self.abroad = r.choice((0, 0, 0, 0, 60000_00, 120000_00))
        self.projects: dict[str, tuple[Project, int]] = {}
        self.assets = round(r.uniform(200, 5000) * WAN)
        self.prev_budget: Budget | None = None
        self.prev_final_total: int | None = None

    # -- staff and running costs ---------------------------------------------------------

    def _next_staff(self) -> Staff:
        r, s = self.rng, self.staff
        admin = max(s.admin + r.randint(-2, 2), 0) if s.admin else 0
        sub = max(s.sub + r.randint(-1, 2), 0) if s.sub else 0
        establishment = admin + sub + s.workers
        actual = max(1, establishment - r.randint(0, max(1, establishment // 8)))
        retired = max(0, s.retired + r.randint(-1, 2))
        self.staff = Staff(admin, sub, s.workers, actual, max(0, s.temps + r.randint(-2, 2)), retired)
        return self.staff

    def _amount(self, rate: float, heads: int, spread: float = 0.04) -> int:
        return jitter(self.rng, round(rate * heads * self.level * 100), spread)

    def _running_items(self, code: str, heads: int, rates: dict[str, int], public: bool) -> list[Item]:
        items = [Item(code, econ, self._amount(rate, heads), _basic_label(econ, code))
                 for econ, rate in rates.items()]
        if public:
            items += [Item(code, econ, self._amount(rate, heads, 0.1), _basic_label(econ, code))
                      for econ, rate in PUBLIC_RATES.items()]
        return [it for it in items if it.amount > 0]

    def _basic_items(self, staff: Staff, growth: float, tp: ThreePublic) -> list[Item]:
        t = self.dept.type
        self.level *= growth
        items: list[Item] = []
        admin_heads, sub_heads = staff.admin_actual, staff.sub_actual
        if self.dept.is_admin():
            items += self._running_items(t.running_code(), admin_heads, ADMIN_RATES, True)
            if sub_heads:
                items += self._running_items(t.subordinate_code(), sub_heads, SUB_RATES, True)
        else:
            items += self._running_items(t.running_code(), sub_heads, SUB_RATES, True)
        running = t.running_code()
        for econ, amount in (("30212", tp.abroad), ("30231", tp.car_running)):
            if amount:
                items.append(Item(running, econ, amount, _basic_label(econ, running)))
        retiree_code = "2080501" if self.dept.is_admin() else "2080502"
        if staff.retired:
            items += self._running_items(retiree_code, staff.retired, RETIREE_RATES, False)
        heads = admin_heads + sub_heads
        pension = self._amount(44000, heads)
        for code, econ, amount in (
            ("2080505", "30108", pension), ("2080506", "30109", pension // 2),
            ("2101101", "30112", self._amount(27000, admin_heads)),
            ("2101102", "30112", self._amount(27000, sub_heads)),
            ("2210201", "30113", self._amount(37000, heads)),
            ("2210202", "30102", self._amount(240, heads, 0.3)),
            ("2210203", "30102", self._amount(33000, heads)),
        ):
            if amount:
                items.append(Item(code, econ, amount, _basic_label(econ, code)))
        return items

    # -- projects --------------------------------------------------------------------------

    def _fill(self, text: str) -> str:
        d = self.dept.district
        return text.format(area=d.area, area_short=d.short, city=d.city, district_full=d.full)

    def _project_code(self, project: Project) -> str:
        return project.code if len(project.code) == 7 else self.dept.type.kuan + project.code

    def _next_projects(self, year: int) -> list[Item]:
        r = self.rng
        pool = self.dept.type.projects + pools.COMMON_PROJECTS
        for name, (project, amount) in list(self.projects.items()):
            if r.random() < 0.12 and name != "预留机动费":
                del self.projects[name]
            else:
                self.projects[name] = (project, jitter(r, amount, 0.15) // 100 * 100)
        for project in pool:
            if project.name not in self.projects and (not self.projects or r.random() < 0.25):
                amount = round(project.base_wan * r.uniform(0.5, 1.5) * WAN) // 10000 * 10000
                self.projects[project.name] = (project, amount)
        items = [Item(self._project_code(p), p.econ, amount, self._fill(p.name), True, p.procured, p.service)
                 for p, amount in self.projects.values()]
        items += self._hotline_items(year)
        return items

    def _hotline_items(self, year: int) -> list[Item]:
        dept = self.dept
        if not dept.holds_hotline(year):
            return []
        project = pools.HOTLINE_SOURCE_PROJECT if dept.hotline_role == "source" else pools.HOTLINE_TARGET_PROJECT
        return [Item(self._project_code(project), project.econ, dept.hotline_amounts[year],
                     self._fill(project.name), True, True, True, hotline=True)]

    def _three_public(self) -> ThreePublic:
        r = self.rng
        if self.vehicles and r.random() < 0.1:
            self.vehicles = max(0, self.vehicles - 1)
        purchase = round(r.uniform(18, 25) * WAN) // 100 * 100 if self.vehicles and r.random() < 0.08 else 0
        running = self._amount(24500, self.vehicles, 0.1) if self.vehicles else 0
        abroad = jitter(r, self.abroad, 0.2) // 100 * 100 if self.abroad else 0
        return ThreePublic(abroad, 0, purchase, running, self.vehicles)  # reception: from the items

    # -- the years -----------------------------------------------------------------------------

    def budget(self, year: int) -> Budget:
        r = self.rng
        staff = self._next_staff()
        growth = 1 + r.uniform(-0.02, 0.07)
        tp = self._three_public()
        items = self._basic_items(staff, growth, tp) + self._next_projects(year)
        tp = replace(tp, reception=sum(it.amount for it in items if it.econ == "30217"))
        if tp.car_purchase:
            code = self.dept.type.kuan + "02"
            items.append(Item(code, "31013", tp.car_purchase, "公务用车购置经费", True, True))
        reasons = {k: r.randrange(1000) for k in ("revenue", "basic", "project", "three_public", "admin_costs")}
        prior = self.prev_budget
        if prior is not None:
            prior.prior = None
        b = Budget(self.dept, year, staff, items, tp, self.assets, reasons, prior)
        self.prev_budget = b
        return b

    def final(self, budget: Budget) -> Final:
        r = self.rng
        by_code = {}
        for code, (b, p) in budget.by_code.items():
            by_code[code] = [round_wan(b * r.uniform(0.9, 1.04)), round_wan(p * r.uniform(0.75, 1.0))]
        basic = sum(b for b, _ in by_code.values())
        share = budget.personnel / budget.basic if budget.basic else 0
        personnel = round_wan(basic * share)
        tp = budget.three_public
        spent = ThreePublic(*(round_wan(a * r.uniform(0.4, 1.0)) if a else 0
                              for a in (tp.abroad, tp.reception, tp.car_purchase, tp.car_running)), tp.vehicles)
        procured = sum(it.amount for it in budget.procured())
        goods = round_wan(procured * r.uniform(0.0, 0.3))
        services = round_wan(procured * r.uniform(0.5, 0.7))
        works = round_wan(procured * r.uniform(0.0, 0.1))
        purchase = round_wan(sum(it.amount for it in budget.services()) * r.uniform(0.8, 1.0))
        self.assets = max(WAN_STEP, round_wan(self.assets * r.uniform(0.97, 1.12)))
        reasons = {code: r.randrange(1000) for code in by_code}
        reasons["total"] = r.randrange(1000)
        prior_total = self.prev_final_total if self.prev_final_total is not None else round_wan(budget.total)
        f = Final(self.dept, budget.year, budget.staff, budget, by_code, personnel, spent,
                  (goods, works, services), purchase, self.assets, reasons, prior_total)
        self.prev_final_total = f.total
        return f

    def years(self) -> Iterator[tuple[Budget, Final]]:
        """Budgets and finals from FIRST_YEAR on; the year before is simulated, not yielded,
        so that the first filings have prior-year figures to compare with."""
        for year in range(FIRST_YEAR - 1, LAST_YEAR + 1):
            b = self.budget(year)
            f = self.final(b)
            if year >= FIRST_YEAR:
                yield b, f
