"""The discovery sources of the speeches spider: where each starts and how each page of
it is read (listings, the JSON API, the RSS feed, sitemaps, the static archive).

A callback that raises is a recorded problem of its source (`guarded`): never a
traceback, never a run that ends "healthy" with a source's speeches missing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import sqlite3
from urllib.parse import urlsplit

import scrapy

from corpus.store.messages import UuidFound
from corpus.urls import absolute_url, is_justice_host
from scraper.crawl.defaults import SOURCES
from scraper.discovery.paths import API, ARCHIVE_INDEX, FEED, LISTINGS, SITEMAP
from scraper.discovery.parsers import (
    Entry,
    api_int,
    gunzip_capped,
    is_speech_url,
    lastmod_key,
    parse_api,
    parse_archive_index,
    parse_feed,
    parse_listing,
    parse_sitemap,
)

logger = logging.getLogger(__name__)

API_PATH, FEED_PATH = API, FEED  # the names the spiders and tests know
DISCOVERY_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504]
WITNESS_KEYS = ("source", "title", "date", "components", "location", "uuid", "lastmod")


def witness_of(meta: dict | None) -> list[dict]:
    """What the source that listed a speech said of it, as the store's witness list."""
    witness = {k: v for k, v in (meta or {}).items() if k in WITNESS_KEYS and v}
    return [witness] if len(witness) > 1 and witness.get("source") != "revisit" else []


def guarded(callback):
    """A discovery callback whose exception becomes a problem of its source."""

    @functools.wraps(callback)
    def wrapper(self, response):
        try:
            yield from callback(self, response)
        except Exception as exc:  # noqa: BLE001 - any bug in a parser or a wrong type
            logger.error("%s: callback error: %s: %s", response.url, type(exc).__name__, exc)
            self.source_problem(response.url, f"callback error: {type(exc).__name__}: {exc}")

    return wrapper


def forget_future_lastmods(entries, slack_days: int = 1) -> int:
    """Drop lastmods past tomorrow (UTC): a page cannot have been edited in the future,
    and one so dated would look edited since every fetch. Returns how many were."""
    limit = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=slack_days)).strftime(
        "%Y-%m-%dT%H:%M:%S")
    future = 0
    for entry in entries:
        if entry.lastmod and lastmod_key(entry.lastmod) > limit:
            entry.lastmod, future = None, future + 1
    return future


def archive_year(url: str) -> str | None:
    m = re.search(r"/archive/ag/speeches/(\d{4})/", url)
    return m.group(1) if m else None


class Sources:
    """Discovery: the start of each source and its callbacks (a mixin of the spider)."""

    ALL_SOURCES = SOURCES

    def url(self, path: str) -> str:
        return absolute_url(path, self.base_url)

    def local(self, url: str) -> str | None:
        """A discovered justice.gov URL moved onto the base URL we crawl (the replica, a
        mirror); None for another site's URL."""
        if not is_justice_host(url, self.base_url):
            return None
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def year_in_range(self, year: str | None) -> bool:
        return not year or not (
            self.since and year < self.since[:4] or self.until and year > self.until[:4]
        )

    def in_range(self, entry: Entry) -> bool:
        day = entry.date
        if day is None and entry.source == "archive":
            return self.year_in_range(archive_year(entry.url))
        if day is None:
            # A sitemap lastmod is never before the speech: one before --since rules it out.
            return not (self.since and entry.lastmod and lastmod_key(entry.lastmod)[:10] < self.since)
        return not (self.since and day < self.since or self.until and day > self.until)

    def discover(self, path_or_url, callback, *, conditional=False, **meta):
        """Zero or one discovery request: each discovery URL is read once per run (index
        pages link to each other; the dupefilter is off for them, see docs/design.md#look-alike-failures)."""
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        if url in self.discovery_seen:
            return
        self.discovery_seen.add(url)
        if callback == self.parse_sitemap:  # sitemaps may be larger than a page (50 MB)
            meta.setdefault("download_maxsize", self.max_sitemap_bytes)
        yield scrapy.Request(
            url, callback=callback, errback=self.discovery_failed, dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": list(DISCOVERY_STATUSES), "conditional": conditional,
                  "kind": "discovery", **meta},
        )

    async def start(self):
        try:
            for request in self.start_requests_list():
                yield request
        except sqlite3.DatabaseError as exc:  # a damaged corpus: the run's problem
            self.database_problem(exc)

    def start_requests_list(self):
        # Ids already in the corpus, read once (a backfill of a new corpus asks nothing).
        self.known = set(self.corpus.live_speech_ids()) if self.mode == "backfill" else set()
        if self.mode == "backfill" and self.resume:
            logger.info("resuming backfill %s from its frontier", self.crawl_id)
            self.crawler.stats.set_value("frontier/total",
                                         self.corpus.frontier_size(self.crawl_id))
            yield from self.owed_attachments()
            yield from self.next_batch()
        crawl = self.mode == "crawl"
        # First, so discovery does not ask again for a page revalidated here.
        yield from self.revalidation()
        if "listing" in self.sources:
            paths = [LISTINGS["current"]] + list(self.component_listings)
            if not crawl:
                paths.append(LISTINGS["drupal7"])
            for path in paths:
                yield from self.discover(path, self.parse_listing, listing=path)
        if "api" in self.sources:
            yield from self.api_request(0)
        if crawl:
            yield from self.discover(FEED_PATH, self.parse_feed, conditional=True)
        if "sitemap" in self.sources:
            yield from self.discover(SITEMAP, self.parse_sitemap, conditional=crawl)
        if "archive" in self.sources and not crawl:
            yield from self.discover(ARCHIVE_INDEX, self.parse_archive)

    def api_request(self, page: int):
        query = f"?pagesize={self.pagesize}&page={page}&sort=date&direction=DESC"
        return self.discover(API_PATH + query, self.parse_api, page=page)

    @guarded
    def parse_listing(self, response):
        entries, next_url = parse_listing(response.body, response.url)
        if not self.note_discovery(response, "listing", len(entries)):
            if response.status in (404, 410) and response.meta["listing"] != LISTINGS["current"]:
                return  # an optional listing that does not exist (any more)
            self.problems.append(f"listing {response.url} answered HTTP {response.status}")
            return
        if not entries:
            self.problems.append(
                f"listing {response.url} yielded no speeches: has the page layout changed?"
            )
            return
        if self.mode == "crawl":
            yield from self.follow_newest(entries, f"listing {response.meta['listing']}")
            return
        yield from self.discovered(entries)
        # Listing pagination only where robots.txt allows it (the middleware drops it
        # otherwise); the listings are newest first, so stop past --since.
        if next_url and not (self.since and entries[-1].date and entries[-1].date < self.since):
            yield from self.discover(next_url, self.parse_listing, listing=response.meta["listing"])

    @guarded
    def parse_api(self, response):
        entries, resultset = parse_api(response.body, response.url)
        malformed = resultset.get("malformed", 0)
        unreadable = response.status == 200 and resultset.get("unreadable")
        repeated = response.status == 200 and self.api_repeats(entries)
        notes = [f"{malformed} malformed entries left out" if malformed else "",
                 "repeats an earlier page: paging stopped" if repeated else "",
                 unreadable or ""]
        warning = "; ".join(n for n in notes if n) or None
        if not self.note_discovery(response, "api", len(entries), warning):
            logger.info("API %s answered HTTP %s: not used", response.url, response.status)
            self.api_only_problem(response.url, f"answered HTTP {response.status}")
            return
        if unreadable:  # a page cut short is speeches missing, whichever sources run
            self.problems.append(f"API page {response.url}: {unreadable}")
            return
        if malformed:
            self.problems.append(f"API page {response.url}: {notes[0]}")
        if repeated:  # the API is optional: a warning, not a failure
            logger.warning("API page %s %s", response.meta["page"], notes[1])
            return
        for entry in entries:  # stored now, or by the writer when the page is (issue 22)
            if entry.uuid:
                self.client.send(UuidFound(entry.url, entry.uuid))
        self.note_api_files(entries)  # the API's attachment fields (issue 12)
        if self.mode == "crawl":
            yield from self.follow_newest(entries, "api")
            return
        yield from self.discovered(entries)
        if self.api_has_more(response, entries, resultset):
            yield from self.api_request(response.meta["page"] + 1)

    def api_only_problem(self, url: str, why: str) -> None:
        """In a full backfill the API is optional (a 404 is expected, the other sources
        carry on); when it is the only source asked for, its failure is the run's."""
        if set(self.sources) == {"api"}:
            self.problems.append(f"API {url} {why}: the only source asked for found nothing")

    def uuid_noted(self, reply):
        for warning in reply.warnings:  # one uuid on two live speeches
            logger.warning("%s", warning)
            self.crawler.stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")

    def api_repeats(self, entries) -> bool:
        """A page listing exactly what an earlier page listed: a server that ignores
        `page` would otherwise be paged for ever."""
        fingerprint = hashlib.sha256("\n".join(e.url for e in entries).encode()).hexdigest()
        if fingerprint in self.api_pages:
            return True
        self.api_pages.add(fingerprint)
        return False

    def api_has_more(self, response, entries, resultset) -> bool:
        """Paging stops at the last page the count promises (+1) or past --since: a lying
        `count` cannot page forever."""
        page = response.meta["page"]
        size = api_int(resultset, "pagesize", self.pagesize) or self.pagesize
        count = api_int(resultset, "count", 0)
        if resultset.get("count") is not None and api_int(resultset, "count", -1) < 0:
            # Paging stops here: say so, or the speeches past page 0 go missing quietly.
            self.problems.append(f"API page {page}: count {resultset['count']!r} is not a"
                                 " number: paging stopped")
        oldest = min((e.date for e in entries if e.date), default=None)
        return bool(entries) and (page + 1) * size < count and page + 1 <= count // size + 1 \
            and not (self.since and oldest and oldest < self.since)

    @guarded
    def parse_feed(self, response):
        if response.status == 304:
            self.note_discovery(response, "feed-unchanged")
            return
        entries = parse_feed(response.body, response.url)
        if self.note_discovery(response, "feed", len(entries)):
            yield from self.follow_newest(entries, "feed", gap_check=False)

    @guarded
    def parse_sitemap(self, response):
        if response.status == 304:
            self.note_discovery(response, "sitemap-unchanged")
            return
        body, warning = response.body, None
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap (not a Content-Encoding)
            body, cut = gunzip_capped(body, self.max_sitemap_bytes)
            warning = (f"decompression cap: gzip cut at {self.max_sitemap_bytes} bytes"
                       if cut else None)
        notes = [warning] if warning else []
        kind, entries = parse_sitemap(body, self.max_sitemap_urls, notes)
        if any("DOCTYPE" in n for n in notes):
            self.crawler.stats.inc_value("warnings/sitemap-doctype")
        if len(entries) >= self.max_sitemap_urls:
            notes.append(f"cut at the protocol's {self.max_sitemap_urls} URLs")
        future = forget_future_lastmods(entries)
        if future:  # else every scheduled crawl re-fetches each of them
            notes.append(f"{future} lastmods in the future ignored")
            self.crawler.stats.inc_value("warnings/sitemap-future-lastmod", future)
        warning = "; ".join(notes) or None
        if warning:
            logger.warning("sitemap %s: %s", response.url, warning)
        if any("cut" in n for n in notes):
            self.crawler.stats.inc_value("discovery/sitemap_cut")
        if not self.note_discovery(response, f"sitemap-{kind}", len(entries), warning):
            self.problems.append(f"sitemap {response.url} answered HTTP {response.status}")
            return
        if not entries:
            self.problems.append(f"sitemap {response.url} listed nothing")
            return
        if kind == "index":
            yield from self.sub_sitemaps(entries)
            return
        speeches = [e for e in entries if is_speech_url(e.url)]
        if self.mode == "crawl":
            yield from self.follow_changed(speeches)
        else:
            yield from self.discovered(speeches)

    def sub_sitemaps(self, entries):
        for entry in entries:
            if self.mode == "crawl" and self.since_moment and entry.lastmod and (
                lastmod_key(entry.lastmod) < lastmod_key(self.since_moment)
            ):
                continue  # this part of the sitemap has not moved since the last crawl
            if self.local(entry.url):
                yield from self.discover(self.local(entry.url), self.parse_sitemap,
                                         conditional=self.mode == "crawl")

    @guarded
    def parse_archive(self, response):
        speeches, indexes = parse_archive_index(response.body, response.url)
        if not self.note_discovery(response, "archive-index", len(speeches)):
            self.problems.append(f"archive index {response.url} answered HTTP {response.status}")
            return
        if not speeches and not indexes:
            self.problems.append(f"archive index {response.url} listed nothing")
        yield from self.discovered(speeches)
        for url in indexes:
            if self.year_in_range(archive_year(url)) and self.local(url):
                yield from self.discover(self.local(url), self.parse_archive)
