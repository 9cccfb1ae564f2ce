"""Errors a user can cause. The CLI turns these into one-line messages, never tracebacks."""

from __future__ import annotations


class KgError(Exception):
    """Base class for user-facing errors (bad input, bad options, unreachable store)."""


class FilingError(KgError):
    """A file that cannot be read or is not a budget filing."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class StoreError(KgError):
    """The store cannot be opened, is locked by another writer, or refused an operation."""


class QueryError(KgError):
    """An unknown named query, a bad parameter or a query the engine rejects."""
