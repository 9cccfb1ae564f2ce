"""Writing the links graph (kg/links.py ``write_links``): a new graph is bulk-loaded, an
existing one is patched with only what changed, and either way the store ends up holding
exactly the graph a whole replacement would."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from kg.links import LINKS_GRAPH, links_patch, write_links
from kg.loading import Loader
from kg.namespaces import DEFAULT_BASE, KGO, XSD
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store

FILING = DEFAULT_BASE + "filing/"
SERVICES_2019 = FILING + "xicheng-government-services/2019-budget"
CENTRE_2020 = FILING + "xicheng-command-centre/2020-budget"
# the 2020 and 2021 command-centre budgets and the 2019 enforcement budget first; then the
# 2019 budget the hotline duty left (政务服务办) and the 2024 final accounts
FIRST_BATCH = ("000_874f18751ad5cfa1.txt", "001_90b99e851999fa19.txt", "004_605f480ac5112b91.txt")
SECOND_BATCH = ("002_28812af1b3d468ad.txt", "003_1a17e53dc63c4bde.txt")


def stored(store) -> list[str]:
    """The links graph as sorted N-Triples lines."""
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=LINKS_GRAPH)
    return sorted(line for line in out.getvalue().decode("utf-8").splitlines() if line)


def load(store, names) -> None:
    loader = Loader(store)
    loader.ensure_reference_graphs()
    assert all(r.ok for r in loader.load_paths([SAMPLE_FILINGS_DIR / name for name in names]))


def cross_links(store) -> set[tuple[str, str]]:
    """(source filing, target filing) of every link that follows a duty transfer."""
    rows = store.select(f"""PREFIX kgo: <{KGO}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?fa ?fb WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s rdf:subject ?a ; rdf:object ?b ; prov:wasDerivedFrom ?e }}
                               ?a kgo:filing ?fa . ?b kgo:filing ?fb }}""").rows
    return {(a.value, b.value) for a, b in rows}


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The links graph of the five samples loaded in one run."""
    with open_store(str(tmp_path_factory.mktemp("links") / "whole")) as store:
        load(store, FIRST_BATCH + SECOND_BATCH)
        yield stored(store)


def test_two_loads_give_the_graph_of_one(whole, tmp_path):
    with open_store(str(tmp_path / "store")) as store:
        load(store, FIRST_BATCH)
        first = stored(store)
        assert first and not cross_links(store)  # the transfer's source filing is not there yet
        load(store, SECOND_BATCH)  # patches the graph: new links, and series renamed after 2019 members
        assert stored(store) == whole
        assert cross_links(store) == {(SERVICES_2019, CENTRE_2020)}
        assert set(first) - set(whole)  # something was deleted, not only added


def _triple(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode("https://x.example/" + s), ox.NamedNode(KGO + p), o)


def _decimal(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def test_write_links_adds_patches_and_drops(tmp_path):
    a = _triple("a", "continuedBy", ox.NamedNode("https://x.example/b"))
    one = _triple("st", "similarity", _decimal("1.0"))
    half = _triple("st", "similarity", _decimal("0.50"))
    with open_store(str(tmp_path / "store")) as store:
        write_links(store, [a, one])  # a new graph
        assert stored(store) == sorted([f"{a} .", f'{one.subject} {one.predicate} "1"^^<{XSD}decimal> .'])
        assert links_patch(store, [a, one]) == ([], [])  # "1.0" is stored as "1": the same value
        assert links_patch(store, [a, half]) == ([f'{one.subject} {one.predicate} "1"^^<{XSD}decimal>'],
                                                 [f'{half.subject} {half.predicate} "0.50"^^<{XSD}decimal>'])
        write_links(store, [a, half])
        assert stored(store) == sorted([f"{a} .", f'{half.subject} {half.predicate} "0.5"^^<{XSD}decimal> .'])
        write_links(store, [])
        assert LINKS_GRAPH not in store.graphs()  # an empty links graph is no graph, as replace_graph leaves it
