"""The scale benchmark's checks of the named queries against the generator's ground truth
(bench/scale_truth.py ``check_queries``): on a real store of generated filings, the answers
pass every check, and an answer with one row wrong, missing or extra fails its check."""

from __future__ import annotations

import copy
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import scale_truth
from bench.generate import generate
from bench.scale_run import run_queries
from kg.loading import Loader
from kg.store import open_store
from kg.validation import filings_in

# seed 1: the hotline moves between the first district's 43rd and 44th departments (filings 860-899);
# the first budget misquoting a prior-year figure the query can check is filing 1444 (2017 基本支出)
SEED, N = 1, 1460


@pytest.fixture(scope="module")
def answered(tmp_path_factory):
    """The truth, the query parameters, the queries' answers and file names, for a store holding
    the filings of the hotline's two departments and of a department that misquotes a
    prior-year figure (about 60 filings)."""
    tmp = tmp_path_factory.mktemp("scale-queries")
    corpus = tmp / "corpus"
    generate(corpus, N, SEED)
    truth = scale_truth.read_truth(corpus)
    params = scale_truth.query_params(truth)
    names = {params["lineage"]["org"], params["prior-year-check"]["org"]}
    depts = {r["department"]["id"] for r in truth if r["department"]["name"] in names}
    depts |= {t["from_id"] for r in truth if r["department"]["id"] in depts for t in r["duty_transfers"]}
    chosen = tmp / "chosen"
    chosen.mkdir()
    subset = [r for r in truth if r["department"]["id"] in depts]
    for r in subset:
        shutil.copy(corpus / r["file"], chosen / r["file"])
    location = tmp / "store"
    with open_store(str(location)) as store:
        loader = Loader(store, validate=False)
        loader.ensure_reference_graphs()
        assert all(r.ok for r in loader.load_paths([chosen]))
        files_of = {f["iri"]: f["file"] for f in filings_in(store)}
    _, results = run_queries(location, params)
    return subset, params, results, files_of


def checks(answered, results=None) -> dict:
    truth, params, original, files_of = answered
    return scale_truth.check_queries(results or original, truth, params, files_of)


def test_the_store_answers_every_query_as_the_truth_says(answered):
    truth, params, _, _ = answered
    assert params["prior-year-check"]["org"] != params["lineage"]["org"]  # a department with a misquote
    result = checks(answered)
    assert {q: c["ok"] for q, c in result.items()} == dict.fromkeys(
        ["budget-overview", "duty-history", "money-by-theme", "lineage", "prior-year-check", "project-history"], True)
    assert result["lineage"]["expected_stated_events"] >= 10 and result["lineage"]["departments"] == 2
    assert result["prior-year-check"]["injected_prior_year_errors"] >= 1
    assert result["prior-year-check"]["verdicts"]["differs"] >= 1
    assert result["prior-year-check"]["figures_compared"] >= 20
    assert result["project-history"]["expected"] == 10  # 2015–2019 the 12341 line, 2020–2024 the 12345 branch
    assert result["project-history"]["inferred_links"] == 1  # across the transfer


def _edited(answered, query: str, edit) -> dict:
    results = copy.deepcopy(answered[2])
    edit(results[query])
    return checks(answered, results)[query]


def _first(rows: list[dict], key: str, value: str) -> dict:
    return next(r for r in rows if r.get(key) is not None and r[key].value == value)


def test_a_missing_stated_event_fails_lineage(answered):
    def drop_a_stated_rename(rows):
        rows.remove(next(r for r in rows if r["basis"].value == "stated by a filing" and r["type"].value == "Rename"))
    assert not _edited(answered, "lineage", drop_a_stated_rename)["ok"]


def test_a_misquote_that_agrees_fails_prior_year_check(answered):
    def agree(rows):
        _first(rows, "verdict", "differs")["verdict"] = ox.Literal("agrees")
    result = _edited(answered, "prior-year-check", agree)
    assert not result["ok"] and [v["expected"] for v in result["wrong_verdicts"]] == ["differs"]


def test_a_misquote_left_out_fails_prior_year_check(answered):
    def drop(rows):
        rows.remove(_first(rows, "verdict", "differs"))
    result = _edited(answered, "prior-year-check", drop)
    assert not result["ok"] and result["missed"]


def test_a_wrong_prior_year_figure_fails_prior_year_check(answered):
    def change(rows):
        row = next(r for r in rows if r["verdict"].value == "agrees" and r["item"].value.endswith("basic_expenditure"))
        row["statedPrior"] = ox.Literal(str(Decimal(row["statedPrior"].value) + 1000))
    result = _edited(answered, "prior-year-check", change)
    assert not result["ok"] and (result["wrong_figures"] or result["wrong_verdicts"])


def test_a_wrong_amount_fails_project_history(answered):
    def change(rows):
        row = rows[-1]
        row["amount"] = ox.Literal(str(Decimal(row["amount"].value) + 1000))
    result = _edited(answered, "project-history", change)
    assert not result["ok"] and result["wrong_amounts"]


def test_a_project_of_another_filing_fails_project_history(answered):
    def extra(rows):
        row = dict(rows[0])
        row["title"] = ox.Literal("另一个项目")
        rows.append(row)
    assert not _edited(answered, "project-history", extra)["ok"]
