"""Small, dependency-free HTML building for the static pages of an export."""

from __future__ import annotations

from html import escape
from typing import Iterable

_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .9em; } .muted { color: #666; }
"""


def esc(value) -> str:
    return escape(str(value), quote=True)


def link(href: str, label) -> str:
    return f'<a href="{esc(href)}">{esc(label)}</a>'


def page(title: str, body: str, lang: str = "zh") -> str:
    """A complete HTML document."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], numeric: set[int] = frozenset()) -> str:
    """A table; cells are HTML already (escape text with :func:`esc`); ``numeric`` columns align right."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>\n"
        for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def bullets(items: Iterable[str]) -> str:
    """A list; items are HTML already."""
    return "<ul>\n" + "".join(f"<li>{i}</li>\n" for i in items) + "</ul>"


def yuan(value: str) -> str:
    """An amount in yuan, with thousands separators, kept exact (no float)."""
    whole, _, fraction = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}" if digits else "0"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"
