"""Helper statements that let the shapes compare figures, derived from a filing's own graph.

The mapper keeps everything a sentence states, but some of it only inside the ``rdf:JSON``
``kgo:values`` of a ``kgo:StatedFact`` (a share, the total an item is listed under, the
items of a list), and a table cell knows its row name and column but not *what* it measures.
``derive_triples`` reads the graph and returns, for validation only (never stored):

``kgv:measures "key"``   (with ``kgv:label`` in zh and en) what a figure is, comparable across table and prose: the item's local
                         name (``revenue_total``), refined by the column (``…/budget_amount``)
                         or a vehicle part; table cells get one from ``TABLE_RULES``.
``kgv:year``             the year the figure is about (a ``2018年预算数`` column says 2018).
``kgv:fromTable true``   the figure is printed in a table (or a table form).
``kgv:duplicateOf``      a table form's sentence figure that repeats a parsed table cell (so a
                         misprinted cell is reported once).
``skos:note``            the label a sentence gives its figure.
``kgv:Decomposition``    a whole (``kgv:whole``) and the figures listed under it (``kgv:part``):
                         the sentence's ``parent``, the implicit ``PART_RULES``, the items of a
                         list, a project's payments; ``kgv:complete true`` when the parts should
                         add up to the whole, not merely stay within it. One whole may have
                         several decompositions (其中 one item; basic + project).
``kgv:share`` / ``kgv:shareOf``   a stated percentage and the figure it is a share of.
``kgv:changeTolerance``  rounding tolerance of a comparison's stated change.
``kgv:Figure``           list items and project budgets/payments, which have no observation.

A 决算 states a change against the year's budget (``budget_change``); it becomes a
``kgo:Comparison`` (current, stated change, and the budget figure as ``kgo:prior``) so the
same shapes check it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from kg.amounts import Amount
from kg.mapping import decimal_literal, int_literal, rounding_tolerance
from kg.namespaces import KGO, PROV, SKOS, XSD
from kg.validation.figures import Fact, Fig, amount_from_json, read_figures
from kg.validation.rules import (
    BASIC_AND_PROJECT,
    FORM_MEASURES,
    INNER_SHARES,
    LIST_KEYS,
    LIST_PARTIAL_KINDS,
    NAMED_KINDS,
    PART_RULES,
    RULE_SUFFIXES,
    SHARE_OF,
    WHOLE_FALLBACK,
    class_key,
    in_scope,
    measure_labels,
    table_measure,
)
from kg.validation.terms import kgv

_A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
_YEAR_COLUMN = re.compile(r"year-(\d{4})$")
# A table cell's measure depends on its table's title, row name and column only, which come
# back filing after filing: looked up once (the rules are a dozen regular expressions each).
_cell_measure = lru_cache(maxsize=1 << 14)(table_measure)


@lru_cache(maxsize=1024)
def _measure_statements(measure: str) -> tuple[tuple[ox.NamedNode, ox.Term], ...]:
    """(predicate, object) of the statements saying that a figure measures ``measure``."""
    labels = [(kgv("label"), ox.Literal(text, language=lang)) for lang, text in measure_labels(measure).items()]
    return ((kgv("measures"), ox.Literal(measure)), *labels)


class Deriver:
    """Derives the helper statements of one filing graph (see the module docstring)."""

    def __init__(self, db: ox.Store, filing: str):
        self.db = db
        self.filing = filing
        self.out: list[ox.Triple] = []
        self.figs: dict[str, Fig] = {}
        self.facts: list[Fact] = []
        self.comparisons: dict[str, tuple[str, bool, bool]] = {}
        self.cells: dict[tuple[int, str], str] = {}
        self.stated_parts: set[str] = set()  # figures already listed under a whole

    def add(self, s: str, p: ox.NamedNode, o) -> None:
        self.out.append(ox.Triple(ox.NamedNode(s), p, o))

    def add_measure(self, s: str, measure: str) -> None:
        """``s`` kgv:measures ``measure``, with its labels."""
        node = ox.NamedNode(s)
        self.out.extend(ox.Triple(node, p, o) for p, o in _measure_statements(measure))

    def read(self) -> None:
        read = read_figures(self.db)
        self.figs, self.facts, self.comparisons, self.cells = read.figs, read.facts, read.comparisons, read.cells

    # -- what each figure measures ------------------------------------------------------------
    def measures(self) -> None:
        facts = {f.iri: f for f in self.facts}
        for fig in self.figs.values():
            if fig.table is not None:
                fig.from_table = True
                match = _YEAR_COLUMN.search(fig.column or "")
                if match:
                    fig.year = int(match.group(1))
                fig.measure = _cell_measure(fig.title, fig.note, fig.column or "")
            elif fig.fact in facts:
                self._fact_measure(fig, facts[fig.fact])
            if fig.measure:
                self.add_measure(fig.iri, fig.measure)
            if fig.year is not None:
                self.add(fig.iri, kgv("year"), int_literal(fig.year))
            if fig.from_table:
                self.add(fig.iri, kgv("fromTable"), _TRUE)

    def _fact_measure(self, fig: Fig, fact: Fact) -> None:
        key = fig.iri.rsplit("/", 1)[1]
        if "table" in fact.values:  # a figure read from a table form
            fig.from_table = True
            printed = fact.values.get(key)
            cell = self.cells.get((printed.get("line"), printed.get("text"))) if isinstance(printed, dict) else None
            if cell is not None:
                self.add(fig.iri, kgv("duplicateOf"), ox.NamedNode(cell))
            fig.measure = FORM_MEASURES.get(key, f"{fact.kind}/{key}") if fact.kind == "department_target" else fact.kind
            return
        base = fig.item or fact.kind
        if fact.values.get("part"):
            base += f"/vehicle_{fact.values['part']}"
        column = fig.column
        if column and column.startswith("prior_"):
            column = column.removeprefix("prior_")
            if fact.values.get("prior_year"):
                fig.year = int(fact.values["prior_year"])
        fig.measure = base + (f"/{column}" if column else "")
        name = fact.values.get("project") if fact.kind == "project_funding" and key == "budget" else fact.label
        if name and key in ("amount", "budget"):
            self.add(fig.iri, ox.NamedNode(SKOS + "note"), ox.Literal(str(name), language="zh"))

    # -- parts -------------------------------------------------------------------------------
    def decompose(self, whole: str, parts: list[str], complete: bool, key: str) -> None:
        """Say that ``parts`` are listed under ``whole`` (and, if ``complete``, add up to it)."""
        parts = [p for p in dict.fromkeys(parts) if p != whole]
        if not parts:
            return
        node = f"{whole}/parts/{key}"
        self.add(node, _A, kgv("Decomposition"))
        self.add(node, kgv("whole"), ox.NamedNode(whole))
        for part in parts:
            self.add(node, kgv("part"), ox.NamedNode(part))
            self.stated_parts.add(part)
        if complete:
            self.add(node, kgv("complete"), _TRUE)

    def explicit_parents(self) -> None:
        """A sentence's ``parent``: the nearest earlier sentence with that name or label.

        The parts must stay within their whole; they must add up to it when they are basic and
        project expenditure, or an enumeration of three or more items (财政拨款收入 其中 一般公共 /
        政府性基金 / 国有资本经营). A single 其中, or two items, may be a selection — or a list of
        which the parser missed one — so only the weaker check applies."""
        children: dict[str, list[str]] = defaultdict(list)
        kinds: dict[str, set[str]] = defaultdict(set)
        for i, fact in enumerate(self.facts):
            parent_label = fact.values.get("parent")
            if not parent_label:
                continue
            for key in ("amount", "prior"):
                parent = next((p for p in reversed(self.facts[:i]) if p.label == parent_label and key in p.figs), None)
                if key in fact.figs and parent is not None:
                    children[parent.figs[key].iri].append(fact.figs[key].iri)
                    kinds[parent.figs[key].iri].add(NAMED_KINDS.get(str(fact.values.get("name")), fact.kind))
        for whole, parts in children.items():
            complete = len(parts) >= 3 or kinds[whole] >= BASIC_AND_PROJECT
            self.decompose(whole, parts, complete, "stated")

    def implicit_parts(self) -> None:
        groups: dict[tuple, list[Fig]] = defaultdict(list)
        for fig in self.figs.values():
            if fig.measure is None or fig.amount is None:
                continue
            if fig.from_table and fig.table is None:  # table form sentences: by fact only
                groups[("fact", fig.fact)].append(fig)
                continue
            source = fig.table if fig.from_table else "prose"
            groups[("year", source, fig.year)].append(fig)
            if fig.fact is not None:
                groups[("fact", fig.fact)].append(fig)
        for key, members in groups.items():
            by_measure: dict[str, list[Fig]] = defaultdict(list)
            for fig in members:
                by_measure[fig.measure].append(fig)
            for index, (whole, parts, complete, scope) in enumerate(PART_RULES):
                if not in_scope(scope, key):
                    continue
                for suffix in RULE_SUFFIXES if key[0] == "year" else ("",):
                    self._apply_rule(by_measure, whole + suffix, [p + suffix for p in parts], complete, f"rule{index}")

    def _apply_rule(self, by_measure: dict[str, list[Fig]], whole: str, parts: list[str], complete: bool, key: str) -> None:
        wholes = by_measure.get(whole) or by_measure.get(WHOLE_FALLBACK.get(whole, ""), [])
        if len({w.amount for w in wholes}) != 1:
            return
        found = [by_measure.get(p, []) for p in parts]
        if any(len({f.amount for f in figs}) > 1 for figs in found) or not any(found) or (complete and not all(found)):
            return
        if any(figs[0].iri in self.stated_parts for figs in found if figs):
            return  # the sentences already say what these are part of
        self.decompose(wholes[0].iri, [figs[0].iri for figs in found if figs], complete, key)

    def classes_of_final(self) -> None:
        """A 决算's 项 figures (四（二）, ``final_vs_budget``) add up to their 类 figure
        (四（一）, ``spending_by_class``), matched by the 类 name (一般公共服务 = 一般公共服务支出)."""
        classes = {}
        for fact in self.facts:
            if fact.kind == "spending_by_class" and "amount" in fact.figs and fact.values.get("name"):
                classes.setdefault(class_key(fact.values["name"]), fact.figs["amount"].iri)
        items: dict[str, list[str]] = defaultdict(list)
        for fact in self.facts:
            names = fact.values.get("classification") or []
            if fact.kind == "final_vs_budget" and names and "amount" in fact.figs:
                items[class_key(str(names[0]))].append(fact.figs["amount"].iri)
        for key, parts in items.items():
            if key in classes:
                self.decompose(classes[key], parts, True, "items")

    # -- lists, shares, comparisons --------------------------------------------------------------
    def lists(self) -> None:
        for fact in self.facts:
            v = fact.values
            if fact.kind == "project_funding" and amount_from_json(v.get("budget")):
                mapped = fact.figs.get("budget")  # the mapper may give the budget an observation
                budget = mapped.iri if mapped is not None else self._figure(
                    fact, "budget", amount_from_json(v["budget"]), fact.kind + "/budget", v.get("project"))
                payments = [self._figure(fact, f"payments/{i}", pay, fact.kind + "/payment", "付款")
                            for i, pay in enumerate(a for a in map(amount_from_json, v.get("payments") or []) if a)]
                self.decompose(budget, payments, True, "payments")
                continue
            whole = fact.figs.get("amount")
            for key, countable in LIST_KEYS.items():
                entries = v.get(key)
                if whole is None or not isinstance(entries, list):
                    continue
                parts = []
                for i, entry in enumerate(entries):
                    amount = amount_from_json(entry.get("amount")) if isinstance(entry, dict) else None
                    if amount is not None and amount.value is not None:
                        parts.append(self._figure(fact, f"{key}/{i}", amount, f"{fact.kind}/{key}", entry.get("name")))
                complete = countable and fact.kind not in LIST_PARTIAL_KINDS and v.get("count") == len(parts) == len(entries)
                self.decompose(whole.iri, parts, complete, key)

    def _figure(self, fact: Fact, key: str, amount: Amount, measure: str, name: str | None = None) -> str:
        iri = f"{fact.iri}/derived/{key}"
        self.add(iri, _A, kgv("Figure"))
        self.add(iri, ox.NamedNode(KGO + "filing"), ox.NamedNode(self.filing))
        self.add(iri, ox.NamedNode(KGO + "printedText"), ox.Literal(amount.text))
        self.add(iri, ox.NamedNode(KGO + "printedUnit"), ox.Literal(amount.unit))
        if amount.yuan is not None:
            self.add(iri, ox.NamedNode(KGO + "amount"), decimal_literal(amount.yuan))
            self.add(iri, ox.NamedNode(KGO + "tolerance"), decimal_literal(rounding_tolerance(amount)))
        self.add(iri, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(f"{self.filing}/line/{fact.line}"))
        self.add_measure(iri, measure)
        if name:
            self.add(iri, ox.NamedNode(SKOS + "note"), ox.Literal(str(name), language="zh"))
        return iri

    def shares(self) -> None:
        for i, fact in enumerate(self.facts):
            v = fact.values
            if v.get("share") is not None and "amount" in fact.figs and fact.kind in SHARE_OF:
                whole = self._nearest(i, SHARE_OF[fact.kind])
                if whole is not None:
                    self._share(fact.figs["amount"].iri, v["share"], whole)
            for (kind, share_key), (part, whole_key) in INNER_SHARES.items():
                part_fig, whole_fig = fact.figs.get(part), fact.figs.get(whole_key)
                if fact.kind == kind and v.get(share_key) is not None and part_fig and whole_fig:
                    self._share(part_fig.iri, v[share_key], whole_fig.iri)

    def _nearest(self, index: int, kind: str) -> str | None:
        """The current-year figure of the nearest sentence of ``kind`` at or before ``index``."""
        for fact in reversed(self.facts[: index + 1]):
            fig = fact.figs.get("amount")
            if fact.kind == kind and fig is not None and fig.amount is not None:
                return fig.iri
        return None

    def _share(self, part: str, share, whole: str) -> None:
        try:
            self.add(part, kgv("share"), decimal_literal(Decimal(str(share))))
        except InvalidOperation:
            return
        self.add(part, kgv("shareOf"), ox.NamedNode(whole))

    def comparisons_extra(self) -> None:
        """Change tolerances; the prior-year figure of a comparison whose sentence states only
        the change (another sentence or a table column gives that year's figure); and a 决算's
        comparison with the year's budget."""
        for fact in self.facts:
            v = fact.values
            change, budget_change = amount_from_json(v.get("change")), amount_from_json(v.get("budget_change"))
            existing, has_change, has_prior = self.comparisons.get(fact.iri, (None, False, False))
            current = fact.figs.get("amount")
            if existing and change is not None and change.value is not None:
                self.add(existing, kgv("changeTolerance"), decimal_literal(rounding_tolerance(change)))
                prior = self._figure_of(current, v.get("prior_year")) if not has_prior else None
                if prior is not None:
                    self.add(existing, ox.NamedNode(KGO + "prior"), ox.NamedNode(prior))
            if change is not None or budget_change is None or budget_change.value is None or current is None:
                continue
            comparison = existing or f"{fact.iri}/comparison"
            if existing is None:
                self.add(comparison, _A, ox.NamedNode(KGO + "Comparison"))
                self.add(comparison, ox.NamedNode(KGO + "filing"), ox.NamedNode(self.filing))
                self.add(comparison, ox.NamedNode(KGO + "line"), int_literal(fact.line))
                self.add(comparison, ox.NamedNode(KGO + "current"), ox.NamedNode(current.iri))
            if not has_change:
                self.add(comparison, ox.NamedNode(KGO + "statedChange"), decimal_literal(budget_change.yuan))
                self.add(comparison, kgv("changeTolerance"), decimal_literal(rounding_tolerance(budget_change)))
            if "budget_amount" in fact.figs and not has_prior:
                self.add(comparison, ox.NamedNode(KGO + "prior"), ox.NamedNode(fact.figs["budget_amount"].iri))

    def _figure_of(self, current: Fig | None, year) -> str | None:
        """The figure the filing gives elsewhere for ``current``'s measure in ``year``, when
        every place that gives one agrees."""
        if current is None or current.measure is None or not year:
            return None
        same = [f for f in self.figs.values()
                if f.measure == current.measure and f.year == int(year) and f.amount is not None and f is not current]
        if not same or len({f.amount for f in same}) != 1:
            return None
        return min(same, key=lambda f: f.iri).iri

    def run(self) -> list[ox.Triple]:
        self.read()
        self.measures()
        self.explicit_parents()
        self.classes_of_final()
        self.lists()
        self.implicit_parts()
        self.shares()
        self.comparisons_extra()
        return list(dict.fromkeys(self.out))


def derive_triples(db: ox.Store, filing: str) -> list[ox.Triple]:
    """The helper statements for the filing graph held in ``db``'s default graph."""
    return Deriver(db, filing).run()


def derive_from(triples: Iterable[ox.Triple], filing: str) -> list[ox.Triple]:
    """Same, from the filing's triples."""
    db = ox.Store()
    db.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return derive_triples(db, filing)
