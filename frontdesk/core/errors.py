"""Errors the domain raises for the UI and the CLI to show as they are."""

from __future__ import annotations


class FrontdeskError(Exception):
    """Base of every error whose message is meant for the user."""


class ValidationError(FrontdeskError):
    """Bad input: ``errors`` maps a field name to its message (already translated)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class ConflictError(FrontdeskError):
    """Another desk changed the record since it was read (optimistic version check)."""


class NotFoundError(FrontdeskError):
    """The record asked for does not exist (any more)."""
