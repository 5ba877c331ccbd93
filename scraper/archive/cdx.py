"""The Internet Archive's captures: CDX queries, parsing, choosing (pure).

No network here: the spider sends the requests these functions build, at the archive's
own pace (`WAYBACK_DELAY`, default 2 s, one request at a time), and hands the bodies back.

The archive backfill lists captures by URL prefix (scraper/archive/prefix.py builds those
queries and pages through them) and uses from here: `cdx_query_url`, `parse_cdx`,
`plan_fetches` (a speech's URL forms merged in time, adjacent duplicates out),
`playback_url` (the raw capture: `id_`, no toolbar), `frontier_key`, `timestamp_to_iso`.
`keep_changes` states the rule the writer applies (one capture per distinct content in
time, docs/design.md#d14-captures).

One speech's lookups, as the backfill made them before issue 21 (2-3 CDX queries a
speech; kept for a single speech's history and its tests): `cdx_queries`, `alias_urls`.
Removed speeches from captured listings and sitemaps (LISTING_TARGETS,
`parse_listing_capture`, `unknown_ids`): the prefix queries now list their captures
directly; these remain for reading a captured listing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from corpus.moments import format_moment
from corpus.urls import canonical_id
from scraper.crawl import defaults
from scraper.discovery.parsers import (ARCHIVE_INDEX, Entry, is_speech_url, parse_archive_index,
                               parse_listing, parse_sitemap)

DEFAULT_WAYBACK_URL = defaults.WAYBACK_URL
WAYBACK_DELAY = defaults.WAYBACK_DELAY
MAX_ROWS = 10_000  # CDX rows read per query; past it, a warning
CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
# The site's hosts as the archive files them. The CDX server folds scheme and a leading
# "www." into one key (SURT), so asking for http:// or www. forms again would only repeat
# a request; hosts and the /archives prefix are different keys and are asked apart.
HOSTS = ("justice.gov", "usdoj.gov")
ALIAS_HOSTS = ("www.justice.gov", "justice.gov", "www.usdoj.gov", "usdoj.gov")
# Pages whose captures list speeches: where removed speeches are found.
LISTING_TARGETS = (
    "justice.gov/sitemap.xml",
    "justice.gov/news/speeches",
    "justice.gov/opa/speeches",
    "justice.gov/archives/opa/speeches",
    "justice.gov/archive/ag/speeches/index.html",
)
_TIMESTAMP = re.compile(r"^\d{14}$")


@dataclass(frozen=True)
class Capture:
    timestamp: str  # 14 digits, UTC: YYYYMMDDhhmmss
    original: str  # the URL as the archive captured it
    statuscode: str = "200"
    digest: str = ""  # the archive's hash of the body (sha1, base32)
    mimetype: str = ""

    @property
    def captured_at(self) -> str:
        return timestamp_to_iso(self.timestamp)

    @property
    def speech_id(self) -> str:
        return canonical_id(self.original)

    def playback_url(self, base_url: str = DEFAULT_WAYBACK_URL) -> str:
        return playback_url(self.timestamp, self.original, base_url)


# ---- URLs ----

def _paths(speech_id: str) -> list[str]:
    """The id and, for Drupal-era pages, its /archives/ form (the static archive has none)."""
    path = canonical_id(speech_id)
    if path.startswith("/archive/"):
        return [path]
    return [path, "/archives" + path]


def alias_urls(speech_id: str) -> list[str]:
    """Every URL form under which the site served (and the archive captured) the speech."""
    return [f"{scheme}://{host}{path}" for path in _paths(speech_id)
            for host in ALIAS_HOSTS for scheme in ("https", "http")]


def cdx_query_url(target: str, base_url: str = DEFAULT_WAYBACK_URL, *, limit: int | None = None,
                  match_type: str | None = None, collapse: str = "digest") -> str:
    """A CDX search for the 200 captures of one URL, adjacent duplicates collapsed
    (`collapse="timestamp:6"` would keep one a month: fewer requests for busy pages)."""
    params = [("url", target), ("output", "json"), ("filter", "statuscode:200"),
              ("collapse", collapse), ("fl", ",".join(CDX_FIELDS))]
    if match_type:
        params.append(("matchType", match_type))
    if limit:
        params.append(("limit", str(limit)))
    return f"{base_url.rstrip('/')}/cdx/search/cdx?{urlencode(params, safe='/:,')}"


def cdx_queries(speech_id: str, base_url: str = DEFAULT_WAYBACK_URL, *,
                limit: int | None = MAX_ROWS) -> list[str]:
    """The CDX searches that together find every capture of a speech (3 for a Drupal-era
    id: justice.gov, its /archives/ form, usdoj.gov; 2 for the static archive)."""
    targets = []
    for path in _paths(speech_id):
        for host in HOSTS:
            if host == "usdoj.gov" and path.startswith("/archives/"):
                continue  # usdoj.gov redirected to justice.gov before /archives/ existed
            targets.append(f"{host}{path}")
    return [cdx_query_url(t, base_url, limit=limit) for t in targets]


def listing_cdx_queries(base_url: str = DEFAULT_WAYBACK_URL, targets=LISTING_TARGETS,
                        *, limit: int | None = MAX_ROWS, collapse: str = "digest") -> list[str]:
    """Prefix searches, so a listing's captured ?page=N pages and a paged sitemap's
    parts are found too."""
    return [cdx_query_url(t, base_url, limit=limit, match_type="prefix", collapse=collapse)
            for t in targets]


def playback_url(timestamp: str, original: str, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    """The raw capture: `id_` asks the archive for the bytes as captured, no rewriting."""
    return f"{base_url.rstrip('/')}/web/{timestamp}id_/{original}"


def timestamp_to_iso(timestamp: str) -> str:
    """'20170612143005' -> '2017-06-12T14:30:05.000000Z' (the corpus's moment format)."""
    if not _TIMESTAMP.match(timestamp or ""):
        raise ValueError(f"not a 14-digit archive timestamp: {timestamp!r}")
    moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    return format_moment(moment)


# ---- CDX answers ----

def parse_cdx(body: bytes, max_rows: int = MAX_ROWS) -> tuple[list[Capture], list[str]]:
    """Captures of a CDX answer (JSON: a header row, then rows; or the plain text form).

    Rows that are short, not status 200 or badly timestamped are left out with a
    warning; past `max_rows` the rest is left out with a warning.
    """
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], []
    try:
        rows = json.loads(text)
    except json.JSONDecodeError:
        if text.startswith(("[", "{", "<")):
            return [], ["cdx-unreadable: bad JSON"]
        rows = [list(CDX_FIELDS)] + [line.split(" ") for line in text.splitlines() if line.strip()]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return [], ["cdx-unreadable: not a list of rows"]
    if not rows:
        return [], []
    header, rows = rows[0], rows[1:]
    missing = [f for f in ("timestamp", "original") if f not in header]
    if missing:
        return [], [f"cdx-unreadable: header lacks {','.join(missing)}"]
    captures, skipped, warnings = [], 0, []
    if len(rows) > max_rows:
        warnings.append(f"cdx-truncated: read {max_rows} of {len(rows)} rows")
        rows = rows[:max_rows]
    for row in rows:
        if len(row) != len(header):
            skipped += 1
            continue
        values = dict(zip(header, (str(v) for v in row)))
        if not _TIMESTAMP.match(values["timestamp"]) or values.get("statuscode", "200") != "200":
            skipped += 1
            continue
        captures.append(Capture(values["timestamp"], values["original"],
                                values.get("statuscode", "200"), values.get("digest", ""),
                                values.get("mimetype", "")))
    if skipped:
        warnings.append(f"cdx-rows-skipped: {skipped}")
    return captures, warnings


def plan_fetches(*capture_lists: list[Capture]) -> list[Capture]:
    """Captures of all aliases in time order, each run of one digest fetched once.

    The CDX server collapses adjacent duplicates within one query only; across aliases
    the same bytes (same digest) next to each other in time would be fetched again.
    """
    merged = sorted({(c.timestamp, c.original): c for lst in capture_lists for c in lst}.values(),
                    key=lambda c: (c.timestamp, c.original))
    planned: list[Capture] = []
    for capture in merged:
        if planned and capture.digest and capture.digest == planned[-1].digest:
            continue
        if planned and capture.timestamp == planned[-1].timestamp:
            continue  # one moment, one capture
        planned.append(capture)
    return planned


def keep_changes(pairs) -> list[tuple]:
    """From (timestamp, content_hash, ...) tuples, those whose content differs from the
    capture just before them in time: one entry per distinct content in time.

    A -> A -> B -> A keeps the first A, B and the last A (a timeline, not a set). A
    content_hash of None (the capture could not be extracted) is neither a change nor a
    neighbour: the caller records it as a failure.
    """
    kept: list[tuple] = []
    for item in sorted((p for p in pairs if p[1] is not None), key=lambda p: p[0]):
        if not kept or item[1] != kept[-1][1]:
            kept.append(tuple(item))
    return kept


# ---- removed speeches, from captured listings and sitemaps ----

def parse_listing_capture(body: bytes, original: str) -> tuple[list[Entry], list[str]]:
    """Speech entries named by a captured listing page, sitemap or archive index, and
    the further captured pages it points to (sub-sitemaps, archive year pages, next page).

    Entry URLs are the site's URLs as captured (canonical_id gives the speech id)."""
    head = body.lstrip()[:200].lower()
    path = urlsplit(original).path
    if head.startswith(b"<?xml") or b"<urlset" in head or b"<sitemapindex" in head:
        kind, entries = parse_sitemap(body)
        if kind == "index":
            return [], [e.url for e in entries]
        found = [Entry(e.url, lastmod=e.lastmod, source="wayback-sitemap")
                 for e in entries if is_speech_url(e.url)]
        return found, []
    if ARCHIVE_INDEX.match(path):
        speeches, indexes = parse_archive_index(body, original)
        return [Entry(e.url, source="wayback-archive") for e in speeches], indexes
    entries, next_page = parse_listing(body, original)
    found = [Entry(e.url, date=e.date, source="wayback-listing") for e in entries]
    return found, [next_page] if next_page else []


def unknown_ids(entries: list[Entry], known_ids) -> list[str]:
    """Canonical ids of the entries the corpus does not hold, in first-seen order."""
    known, out = set(known_ids), []
    for entry in entries:
        cid = canonical_id(entry.url)
        if cid not in known:
            known.add(cid)
            out.append(cid)
    return out


# ---- frontier keys and listing targets (the wayback spider's bookkeeping) ----

_PLAYBACK = re.compile(r"/web/(\d{14})id_/(.+)$")


def frontier_key(url: str) -> str:
    """The frontier keeps one item per canonical path, and a canonical path drops the
    query: a capture of `/news/speeches?page=2` must not be the one of `/news/speeches`."""
    return url.replace("?", "%3F").replace("#", "%23")


def speech_item(speech_id: str, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    """The frontier key of a speech's CDX lookups (not a URL that is requested)."""
    return f"{base_url.rstrip('/')}/cdx/speech{canonical_id(speech_id)}"


def listing_item(target: str, base_url: str = DEFAULT_WAYBACK_URL) -> str:
    """The frontier key of a listing's or sitemap's CDX lookup."""
    return frontier_key(f"{base_url.rstrip('/')}/cdx/listing/{target}")


def listing_target(url: str) -> str:
    """A captured page's URL as a CDX target: host without www., path, query."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def covered(target: str, targets=LISTING_TARGETS) -> bool:
    """Whether the prefix searches of `targets` already list this page's captures."""
    return any(target.startswith(t) for t in targets)


def parse_playback_url(url: str) -> tuple[str, str] | None:
    """(timestamp, original) of a raw playback URL; None for any other URL. The archive
    may answer a capture with a redirect to the nearest one: the final URL says which."""
    parts = urlsplit(url)
    match = _PLAYBACK.search(parts.path + (f"?{parts.query}" if parts.query else ""))
    if not match:
        return None
    original = match.group(2)
    if original.startswith(("http:/", "https:/")) and "://" not in original:
        original = original.replace(":/", "://", 1)  # a client folded the double slash
    return match.group(1), original
