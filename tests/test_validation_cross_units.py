"""The prior-year check where last year's filing has a unit slip: seed 1's generated 东城区
城管执法监察局 prints its 2019 budget's 表四 in 元 under a 万元 header (an injected unit_mismatch,
line 762), and its 2020 budget states the 2019 fiscal appropriation correctly in 元. The two
filings disagree ten-thousandfold; the slip is the 2019 filing's, which its own UnitSlip check
reports as a violation. The cross-filing finding on the 2020 filing is a warning that says so
(at 10,000 generated filings it was the benchmark's one false positive)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest

from bench.generate import generate
from kg.loading import Loader
from kg.store import open_store
from kg.validation import validate_cross_filing

INDICES = (2468, 2470)  # the 2019 and 2020 budgets


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unit-slip")
    generate(tmp / "corpus", max(INDICES) + 1, seed=1)
    truth = {r["index"]: r for r in map(json.loads, (tmp / "corpus" / "ground_truth.jsonl").open(encoding="utf-8"))
             if r["index"] in INDICES}
    for r in truth.values():
        shutil.copy(tmp / "corpus" / r["file"], tmp / r["file"])
    with open_store(str(tmp / "store")) as store:
        loaded = list(Loader(store, validate=True).load_paths([tmp / truth[i]["file"] for i in INDICES]))
        cross = validate_cross_filing(store)
    return truth, loaded, cross


def test_the_corpus_has_the_slip(checked):
    truth, _, _ = checked
    assert [(e["kind"], e["table"]) for e in truth[2468]["errors"]] == [("unit_mismatch", 4)]
    assert truth[2470]["errors"] == [] and truth[2470]["year"] == 2020


def test_the_slipped_filing_reports_its_own_unit_slip(checked):
    _, loaded, _ = checked
    slips = [f for f in loaded[0].findings if f.check == "UnitSlip" and f.severity == "Violation"]
    assert slips and {f.where.get("table") for f in slips} == {4}


def test_the_next_years_figure_is_a_warning_naming_the_slip(checked):
    _, loaded, cross = checked
    on_2020 = [f for f in cross if f.filing == loaded[1].graph and f.values.get("item") == "fiscal_appropriation"]
    assert [f.severity for f in on_2020] == ["Warning"]
    finding = on_2020[0]
    assert finding.values["unit_slip"] == "true" and finding.values["year"] == "2019"
    stated = Decimal(finding.values["stated"].removesuffix("元"))
    assert finding.values["others"].startswith(f"{stated:,}万元")  # the same digits, read as 万元
    assert "万元" in finding.message_en and "UnitSlip" in finding.message_zh
    assert not [f for f in cross if f.severity == "Violation"]
