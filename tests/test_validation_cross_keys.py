"""Each filing's side of the cross-filing checks (kg.validation.cross_keys): computed from the
filing alone, stored with it on load, and what kg.validation.cross joins.

Samples 000 and 001 are the command centre's 2020 and 2021 budgets: 001 states 2020's
运行经费 as 1,972,032.53 元 (line 82) where 000 has 1,581,000.41 元.
"""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.loading import Loader
from kg.namespaces import KGO, RDF
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store
from kg.validation import validate_cross_filing
from kg.validation.cross_keys import KEYS, side_of_graph, version

BASE = "https://kg.example.org/filing/"
F2020 = BASE + "xicheng-command-centre/2020-budget"  # 000
F2021 = BASE + "xicheng-command-centre/2021-budget"  # 001
F2024 = BASE + "xicheng-command-centre/2024-final"  # 002
OPERATING = KGO + "item/operating_cost"


@pytest.fixture()
def location(tmp_path):
    path = str(tmp_path / "kg-store")
    with open_store(path) as store:
        results = list(Loader(store).load_paths([SAMPLE_FILINGS_DIR]))
        assert [r.status for r in results] == ["loaded"] * 5
    return path


def stored(store, filing: str) -> dict:
    rows = store.select(f"SELECT ?k WHERE {{ GRAPH <{filing}> {{ <{filing}> <{KEYS.value}> ?k }} }}").rows
    assert len(rows) == 1
    return json.loads(rows[0][0].value)


def test_a_filing_is_stored_with_its_side(location):
    with open_store(location, read_only=True) as store:
        side = stored(store, F2021)
        assert (side["org"], side["year"], side["kind"], side["version"]) == (
            "https://kg.example.org/org/xicheng-command-centre", "2021", KGO + "Budget", version())
        # what 001 claims of 2020: 运行经费 1,972,032.53 元, stated outright on line 82
        prior, how, item, year, _, amount, _, line, text = next(c for c in side["prior_claims"] if c[2] == OPERATING)
        assert (how, year, amount, line, text) == ("stated", "2020", "1972032.53", "82", "1972032.53元")
        # what 000 offers the 2021 filing: its own 运行经费
        offers = [o for o in stored(store, F2020)["prior_offers"] if o[0] == OPERATING]
        assert {o[1] for o in offers} == {"1581000.41"}
        # a 决算 claims budget figures, a budget offers them
        assert stored(store, F2024)["budget_claims"] and not stored(store, F2024)["budget_offers"]
        assert stored(store, F2021)["budget_offers"] and not stored(store, F2021)["budget_claims"]
        # the stored side is the one computed from the filing's graph again
        assert stored(store, F2021) == side_of_graph(store, F2021)


def test_the_check_joins_the_stored_sides(location):
    with open_store(location) as store:
        assert {f.where["line"] for f in validate_cross_filing(store, [F2021])} == {77, 82}
        # make 000's stored 运行经费 agree with what 001 says of it: the finding on line 82 goes
        side = stored(store, F2020)
        side["prior_offers"] = [[o[0], "1972032.53", *o[2:]] if o[0] == OPERATING else o for o in side["prior_offers"]]
        replace_side(store, F2020, side)
        assert {f.where["line"] for f in validate_cross_filing(store, [F2021])} == {77}


def test_a_side_of_other_queries_is_computed_again(location):
    with open_store(location) as store:
        side = stored(store, F2020)
        side["version"] = "older"
        side["prior_offers"] = []  # would hide both findings if it were used
        replace_side(store, F2020, side)
        assert {f.where["line"] for f in validate_cross_filing(store, [F2021])} == {77, 82}


def test_a_filing_loaded_without_validation_is_checked_from_its_graph(tmp_path):
    with open_store(str(tmp_path / "kg-store")) as store:
        list(Loader(store, validate=False).load_paths([SAMPLE_FILINGS_DIR]))
        assert not store.select(f"SELECT ?k WHERE {{ ?f <{KEYS.value}> ?k }}").rows
        cross = validate_cross_filing(store)
        assert {(f.filing, f.where["line"]) for f in cross} == {(F2021, 77), (F2021, 82)}


def replace_side(store, filing: str, side: dict) -> None:
    """Store ``side`` as ``filing``'s (the rest of its graph as it is)."""
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{filing}> {{ ?s ?p ?o }} }}")
    keys = Literal(json.dumps(side, ensure_ascii=False), datatype=NamedNode(RDF + "JSON"))
    store.replace_graph(filing, [t for t in triples if t.predicate != KEYS] + [Triple(NamedNode(filing), KEYS, keys)])
