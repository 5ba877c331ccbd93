"""What happened to one fetch: the one vocabulary of `fetches.outcome` (docs/design.md#d12-outcomes).

Counters, SQL filters, progress lines, summaries and the report all derive their lists
from `Outcome`, so a new outcome is one line here plus its description.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"
    GONE = "gone"
    MOVED = "moved"
    FAILED = "failed"
    SKIPPED = "skipped"
    FORBIDDEN = "forbidden"
    DISCOVERY = "discovery"
    ATTACHMENT = "attachment"
    NO_URL = "no_url"
    UNREADABLE = "unreadable"

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]


DESCRIPTIONS = {
    Outcome.NEW: "a speech seen for the first time",
    Outcome.CHANGED: "its content changed: a new version",
    Outcome.UNCHANGED: "fetched again, same content",
    Outcome.NOT_MODIFIED: "the server answered 304 to a conditional GET",
    Outcome.GONE: "404/410, a soft 404, or redirected to a page that is not a speech",
    Outcome.MOVED: "redirected to another speech on the site (speeches.moved_to)",
    Outcome.FAILED: "not stored: the reason names the HTTP status or the cause",
    Outcome.SKIPPED: "a page that is not a speech",
    Outcome.FORBIDDEN: "robots.txt forbids it: never requested",
    Outcome.DISCOVERY: "robots.txt, sitemaps, listings, API pages, feeds",
    Outcome.ATTACHMENT: "a file a speech links (the attachments table); the reason says"
                        " new, changed, unchanged or not modified",
    Outcome.NO_URL: "import-pages only, never a fetch row: a saved page with no canonical"
                    " link and no --url-map entry",
    Outcome.UNREADABLE: "import-pages only, never a fetch row: a saved file that could not"
                        " be read",
}
# What an import of saved pages may say of a file but a fetch row never holds.
IMPORT_ONLY = (Outcome.NO_URL, Outcome.UNREADABLE)
# The values of `fetches.outcome`.
FETCH_OUTCOMES = tuple(o for o in Outcome if o not in IMPORT_ONLY)
# Outcomes of a speech page (what a crawl counts as pages it handled), in display order.
SPEECH_OUTCOMES = tuple(o for o in FETCH_OUTCOMES
                        if o not in (Outcome.DISCOVERY, Outcome.FORBIDDEN, Outcome.ATTACHMENT))
# A fetch that found the speech on the site.
LIVE_OUTCOMES = (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.NOT_MODIFIED)
# A fetch that read the page's content (a 200 that became a record).
READ_OUTCOMES = (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED)
# Fetches the report and `fetch_problems` show as problems.
PROBLEM_OUTCOMES = (Outcome.FAILED, Outcome.SKIPPED, Outcome.GONE, Outcome.MOVED)
# Files `import-pages` reports as problems (one line each on stderr, exit 2).
IMPORT_PROBLEMS = (Outcome.FAILED, Outcome.SKIPPED, *IMPORT_ONLY)


def sql_in(outcomes) -> str:
    """An SQL list literal of outcomes: "('new', 'changed')" (the names are ours, not input)."""
    return "(" + ", ".join(f"'{Outcome(o).value}'" for o in outcomes) + ")"
