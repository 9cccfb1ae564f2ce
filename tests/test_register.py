"""The organisation register: every name seen resolves to its one continuing body."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.namespaces import KGO, normalise_base
from kg.parsing import parse_file
from kg.paths import SAMPLE_FILINGS_DIR
from kg.register import REGISTER_FILE, Register, normalise

BASE = "https://kg.example.org/"
COMMAND_CENTRE = BASE + "org/xicheng-command-centre"
GOV_SERVICES = BASE + "org/xicheng-government-services"
ENFORCEMENT = BASE + "org/xicheng-urban-management-enforcement"
HOTLINE_CENTRE = BASE + "org/xicheng-hotline-management-centre"
SERVICES_CENTRE = BASE + "org/xicheng-government-services-centre"
CITY_HOTLINE = BASE + "org/beijing-citizen-hotline-centre"

# Every way the sample filings write these names (grep of filings/xicheng/*.txt).
SEEN_IN_SAMPLES = {
    COMMAND_CENTRE: [
        "北京市西城区城市管理指挥中心", "西城区城市管理指挥中心", "区城市管理指挥中心", "城指",
        "北京市西城区全响应服务中心", "西城区全响应服务中心",
        "西城区城市管理监督指挥中心", "区城管监督指挥中心", "城管指挥中心",
    ],
    GOV_SERVICES: [
        "北京市西城区政务服务管理办公室", "西城区政务服务管理办公室", "区政务服务管理办公室",
        "区政务服务办", "西城区政务服务办", "政务服务办",
        "北京市西城区综合行政服务中心", "区行政服务中心",
        "北京市西城区政务服务管理办公室本级",  # 三公 scope list of sample 003
    ],
    ENFORCEMENT: [
        "北京市西城区城市管理综合行政执法监察局", "北京市西城区城市管理综合行政执法行政监察局",
        "西城区城市管理综合行政执法监察局", "西城城管执法监察局", "西城城管执法局", "城管监察局",
    ],
    HOTLINE_CENTRE: ["北京市西城区政府热线管理中心"],
    SERVICES_CENTRE: ["北京市西城区政务服务中心"],
    CITY_HOTLINE: ["北京市非紧急救助服务中心", "市热线中心", "市民热线中心"],
}

# From the lineage notes (disclosure reports, the centre's own page).
FROM_LINEAGE_NOTES = {
    COMMAND_CENTRE: ["北京市西城区城市管理监督指挥中心", "城市管理监督指挥中心", "全响应网格化社会服务管理指挥中心"],
    GOV_SERVICES: ["北京市西城区政务服务管理局", "政务服务管理办公室"],
    ENFORCEMENT: ["城管执法监察局"],
    CITY_HOTLINE: ["北京市市民热线服务中心"],
}

FILING_DEPARTMENT = {"000": COMMAND_CENTRE, "001": COMMAND_CENTRE, "002": COMMAND_CENTRE,
                     "003": GOV_SERVICES, "004": ENFORCEMENT}
DEPARTMENT_ROLES = {"title", "full", "short", "body", "three_public", "table_header", "attachment"}


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load(BASE)


@pytest.mark.parametrize("iri,name", [(iri, n) for src in (SEEN_IN_SAMPLES, FROM_LINEAGE_NOTES)
                                      for iri, names in src.items() for n in names])
def test_every_known_name_resolves(register, iri, name):
    assert register.resolve(name) == iri


def test_sample_names_are_labels_verbatim(register):
    """Not only resolvable: each name seen in the samples is itself a label (bar 本级)."""
    for iri, names in SEEN_IN_SAMPLES.items():
        missing = [n for n in names if n not in register.labels(iri) and not n.endswith("本级")]
        assert not missing, (iri, missing)


def test_names_the_parser_finds_resolve_to_the_filer():
    register = Register.load(BASE)
    for path in sorted(SAMPLE_FILINGS_DIR.glob("*.txt")):
        filing = parse_file(path)
        expected = FILING_DEPARTMENT[path.name[:3]]
        assert register.resolve(filing.department) == expected, (path.name, filing.department)
        for name in filing.names:
            if name.role in DEPARTMENT_ROLES:
                assert register.resolve(name.text) == expected, (path.name, name)


def test_2020_and_2021_names_are_one_body(register):
    names_2020 = ["区城管监督指挥中心", "西城区城市管理监督指挥中心"]
    names_2021 = ["区城管监督指挥中心", "西城区全响应服务中心", "北京市西城区全响应服务中心"]
    assert {register.resolve(n) for n in names_2020 + names_2021} == {COMMAND_CENTRE}


def test_normalisation_is_not_fuzzy(register):
    assert register.resolve("北京市西城区　政务服务中心") == SERVICES_CENTRE  # full-width space
    assert register.resolve(" 区城市管理指挥中心 ") == COMMAND_CENTRE
    for unknown in ("北京市政务服务管理局",  # the city body, not the district's
                    "北京市西城区财政局", "区非紧急救助中心", "城市管理", "指挥中心", "区", "", "   "):
        assert register.resolve(unknown) is None, unknown
    assert normalise("（区）城指") != normalise("城指")


def test_register_is_consistent(register):
    assert register.ambiguous() == {}
    for iri in register.organisations():
        assert register.pref_label(iri, "zh") and register.pref_label(iri, "en"), iri
    # every attested name is a label of its organisation
    triples = list(ox.parse(path=str(REGISTER_FILE), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    attestation_of = {t.object: t.subject.value for t in triples if t.predicate.value == KGO + "attestedName"}
    for t in triples:
        if t.predicate.value == KGO + "name":
            org = attestation_of[t.subject]
            assert t.object.value in register.labels(org), (org, t.object.value)


def test_budget_unit_codes_and_base_iri():
    other = Register.load("https://data.example/kg")  # no trailing slash: one is added
    assert other.base_iri == normalise_base("https://data.example/kg") == "https://data.example/kg/"
    assert other.resolve("区政务服务办") == "https://data.example/kg/org/xicheng-government-services"
    triples = list(ox.parse(path=str(REGISTER_FILE), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    codes = {t.subject.value: t.object.value for t in triples if t.predicate.value == KGO + "budgetUnitCode"}
    assert codes == {COMMAND_CENTRE: "295001", GOV_SERVICES: "299001"}


def test_a_district_agnostic_short_name_does_not_make_another_districts_body_xicheng_s():
    """A filing of 东城区's 城管执法局 calls itself 区城管执法局, a short name the register knows for
    Xicheng's: its department's full name is place-qualified and unknown, so it is another body
    with its own graph (at 10,000 generated filings, 151 filings of other districts had replaced
    Xicheng graphs this way). A filing whose department line is not place-qualified still
    resolves through the names it uses for itself."""
    from kg.mapping import graph_iri
    from kg.model import BUDGET, Filing, Name

    register = Register.load(BASE)
    enforcement = register.resolve("北京市西城区城市管理综合行政执法监察局")
    assert enforcement and register.resolve("区城管执法局") == enforcement

    def filing(department: str) -> Filing:
        return Filing(path="x.txt", sha256="0" * 64, encoding="utf-8", year=2020, kind=BUDGET,
                      department=department, names=[Name("区城管执法局", "body", 5)])

    dongcheng = graph_iri(filing("北京市东城区城市管理综合行政执法监察局"), register, BASE)
    assert "/org/" not in dongcheng and enforcement.rsplit("/", 1)[-1] not in dongcheng
    assert graph_iri(filing("城管执法局"), register, BASE) == f"{BASE}filing/{enforcement.rsplit('/', 1)[-1]}/2020-budget"


def test_another_districts_duty_transfer_stays_in_that_district(tmp_path):
    """The generator's 东城区 hotline transfer (seed 1: its 城管监督指挥中心's 2018 budget, line 5:
    原区政务服务管理办公室热线诉求办理职责划转至区城管监督指挥中心) names both bodies by
    district-agnostic short names that the register holds for Xicheng. In a filing of 东城区 they
    are 东城区's bodies: the receiver is the filing's own organisation, the giver the organisation
    of 东城区政务服务管理办公室's own filings; neither is Xicheng's (at 10,000 generated filings
    the lineage of Xicheng's command centre listed four other districts' transfers)."""
    from itertools import islice

    from bench.generate import planned_filings
    from kg.loading import Loader
    from kg.store import open_store

    wanted = {2866: "giver.txt", 2886: "receiver.txt"}  # 2018 budgets of 东城区's 政务服务办 and 指挥中心
    for index, planned in enumerate(islice(planned_filings(1), max(wanted) + 1)):
        if index in wanted:
            assert planned.model.dept.district.area == "东城区" and planned.model.year == 2018
            (tmp_path / wanted[index]).write_text(planned.render().text(), encoding="utf-8")
    with open_store(str(tmp_path / "store")) as store:
        loader = Loader(store, validate=False)
        assert all(r.ok for r in loader.load_paths([tmp_path / "giver.txt", tmp_path / "receiver.txt"]))
        org_of = {file.value: org.value for file, org in store.select(
            f"SELECT ?file ?org WHERE {{ ?f <{KGO}sourceFile> ?file ; <{KGO}department> ?org }}").rows}
        rows = store.select(f"""PREFIX org: <http://www.w3.org/ns/org#>
            SELECT ?from ?to WHERE {{ ?e a <{KGO}DutyTransfer> ; org:originalOrganization ?from ;
                                         org:resultingOrganization ?to }}""").rows
    giver, receiver = org_of["giver.txt"], org_of["receiver.txt"]
    assert [(a.value, b.value) for a, b in rows] == [(giver, receiver)]
    assert GOV_SERVICES not in (giver, receiver) and COMMAND_CENTRE not in (giver, receiver)
