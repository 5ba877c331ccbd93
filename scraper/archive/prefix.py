"""CDX prefix queries: every capture under the site's speech paths in a few requests (pure).

The archive backfill lists captures by URL prefix, not speech by speech: one CDX page
holds the captures of many speeches, so the run costs the distinct captures it fetches
plus a few CDX pages (issue 21; the CDX server's API: internetarchive/wayback,
wayback-cdx-server/README.md).

Per prefix: `showNumPages=true` (one request: a number), then `page=0..n-1`. A server
without the paged mode answers 400 to it: then `limit=RESUME_ROWS&showResumeKey=true`,
each answer ending with the key of the next (`resumeKey=`). Each page is a frontier
item, so an interrupted run resumes between CDX pages.

Row cap: the archive answers at most 150,000 rows to one query (its configured maximum;
a page of the paged mode is bounded by it too). A page past `MAX_PAGE_ROWS` rows is cut
with a `cdx-truncated` warning and makes the run unhealthy: the captures past the cut
would be missing, and the run must say so.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

from scraper.archive.cdx import DEFAULT_WAYBACK_URL, Capture, cdx_query_url, frontier_key
from scraper.discovery.parsers import ARCHIVE_INDEX, is_speech_url

# Where speeches live, as the archive keys them (scheme and leading www. folded). The
# static archive was on usdoj.gov first; Drupal pages moved under /archives/.
SPEECH_PREFIXES = (
    "justice.gov/opa/speech/",
    "justice.gov/archives/opa/speech/",
    "justice.gov/archive/ag/speeches/",
    "usdoj.gov/opa/speech/",
    "usdoj.gov/archive/ag/speeches/",
)
MAX_PAGE_ROWS = 150_000  # the archive's own cap on one query's rows
RESUME_ROWS = 5_000  # rows per request when paging by resumption key


def _base(target: str, base_url: str, limit: int | None = None) -> str:
    return cdx_query_url(target, base_url, limit=limit, match_type="prefix")


def num_pages_url(target: str, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    return _base(target, base_url) + "&showNumPages=true"


def page_url(target: str, page: int, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    return _base(target, base_url) + f"&page={page}"


def resume_url(target: str, key: str | None, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    url = _base(target, base_url, limit=RESUME_ROWS) + "&showResumeKey=true"
    return url + (f"&resumeKey={quote(key, safe='')}" if key else "")


def item_key(target: str, base_url: str, part: str) -> str:
    """The frontier key of one CDX request of a prefix: `count`, `page=3`, `resume=<key>`."""
    return frontier_key(f"{base_url.rstrip('/')}/cdx/prefix/{target}#{part}")


def parse_num_pages(body: bytes) -> int | None:
    """The answer of `showNumPages=true`: a single number; None for anything else."""
    text = body.decode("utf-8", "replace").strip()
    return int(text) if text.isdigit() else None


def split_resume_key(body: bytes) -> tuple[bytes, str | None]:
    """The rows of an answer with `showResumeKey=true`, and the key when rows are left
    (JSON: an empty row then [key]; plain text: an empty line then the key)."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError:
            return body, None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            return json.dumps(rows[:-2]).encode(), str(rows[-1][0])
        return body, None
    head, sep, key = text.rpartition("\n\n")
    if sep and key and " " not in key.strip():
        return head.encode(), key.strip()
    return body, None


def speech_captures(captures: list[Capture]) -> dict[str, list[Capture]]:
    """Captures of speech pages by speech id (listings, year indexes and files left out)."""
    out: dict[str, list[Capture]] = {}
    for capture in captures:
        if is_speech_url(capture.original) and not ARCHIVE_INDEX.match(
                urlsplit(capture.original).path):
            out.setdefault(capture.speech_id, []).append(capture)
    return out
