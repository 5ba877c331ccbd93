"""Errors that carry the exit codes of docs/design.md#d1-exit-codes.

The CLI turns any CorpusError into one line on stderr and this exit code.
"""


class CorpusError(Exception):
    exit_code = 1


class UserError(CorpusError):
    """Bad input or usage: a missing file, a bad date, an unknown id, a corrupt database."""

    exit_code = 2


class ExtractError(UserError):
    """The page could not be turned into a speech record (unreadable, empty, garbage)."""


class NotASpeech(ExtractError):
    """The page is readable HTML but not a speech page (a listing, a node page...)."""


class CrawlUnhealthy(CorpusError):
    exit_code = 3


class LockHeld(CorpusError):
    exit_code = 75
