"""Table recovery from Word-to-text dumps. (Being written; see the helper's task.)"""

from __future__ import annotations

from kg.model import Problem, Table


def parse_tables(lines: tuple[str, ...]) -> tuple[list[Table], set[int], list[Problem]]:
    """Return the tables, the set of 1-based line numbers they occupy, and problems found."""
    return [], set(), []
