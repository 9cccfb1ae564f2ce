"""Options shared by many commands: one decorator each, so every command spells them alike."""

from __future__ import annotations

import click


def format_option(*choices: str, default: str | None = None):
    """``--format`` with the given choices; the first is the default unless one is named."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default or choices[0],
        show_default=True, help="Output format.",
    )
