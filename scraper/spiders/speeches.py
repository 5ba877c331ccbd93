"""The speeches spider: discovery routing for scheduled crawls and backfills.

It only routes requests: parsing is in scraper.discovery (listings, sitemaps, API,
archive indexes) and corpus.extract (speech pages, via the pipeline and the store).

mode "crawl" (scheduled, incremental): the first listing page(s), the API's newest page,
and the RSS feed and the sitemap index by conditional GET; a listing stops at a run of
known items; known pages are fetched only when the sitemap says they changed, and then
conditionally.

mode "backfill": every allowed source in full (filtered by --since/--until), each speech
URL put in the corpus frontier before it is fetched (resume survives SIGKILL); when
discovery is over, the known live speeches it did not list are revisited (404 -> gone).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest

from corpus.urls import absolute_url, canonical_id, is_justice_host
from scraper.discovery import (
    Entry,
    is_speech_url,
    lastmod_key,
    parse_api,
    parse_archive_index,
    parse_feed,
    parse_listing,
    parse_sitemap,
)
from scraper.run import SOURCES
from scraper.store import corpus_of

logger = logging.getLogger(__name__)

LISTINGS = {"current": "/news/speeches", "drupal7": "/archives/opa/speeches"}
API_PATH = "/api/v1/speeches.json"
FEED_PATH = "/feeds/opa/justice-news.xml"  # Justice News RSS: cheap, but never relied on alone
ARCHIVE_INDEX = "/archive/ag/speeches/index.html"
# Speech pages answer these to the callback (after retries) so each outcome is recorded.
PAGE_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504, 522, 524, 408]
DISCOVERY_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504]
FRONTIER_BATCH = 500  # speech requests held in memory at a time


class SpeechesSpider(scrapy.Spider):
    name = "speeches"

    def __init__(self, mode="crawl", crawl_id=None, since=None, until=None, sources=None,
                 resume=False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.crawl_id = int(crawl_id) if crawl_id is not None else None
        self.since = since
        self.until = until
        self.sources = tuple(sources or SOURCES)
        self.resume = resume
        self.phase = "discovery"
        self.listed: set[str] = set()  # canonical ids discovery found
        self.frontier_cursor = 0  # id of the last frontier item scheduled
        self.problems: list[str] = []  # what makes the run unhealthy
        self.discovery_seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.corpus = corpus_of(crawler)
        settings = crawler.settings
        spider.base_url = settings.get("JUSTICE_BASE_URL").rstrip("/")
        spider.known_run = settings.getint("JUSTICE_KNOWN_RUN", 5)
        spider.pagesize = settings.getint("JUSTICE_API_PAGESIZE", 50)
        spider.component_listings = settings.getlist("JUSTICE_COMPONENT_LISTINGS")
        spider.since_moment = settings.get("JUSTICE_SINCE_MOMENT")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # ---- helpers ----

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
        pages link to each other; the dupefilter is off for them, see notes/scrapy.md)."""
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        if url in self.discovery_seen:
            return
        self.discovery_seen.add(url)
        yield scrapy.Request(
            url, callback=callback, errback=self.discovery_failed, dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": list(DISCOVERY_STATUSES), "conditional": conditional,
                  "kind": "discovery", **meta},
        )

    def speech_request(self, url: str, *, conditional: bool, meta: dict | None = None):
        return scrapy.Request(
            url, callback=self.parse_speech, errback=self.speech_failed,
            meta={"handle_httpstatus_list": list(PAGE_STATUSES), "conditional": conditional,
                  "kind": "speech", "entry": meta or {}},
        )

    def note_discovery(self, response, what: str, found: int | None = None) -> bool:
        """Record a discovery fetch; False when it brought nothing to parse."""
        self.corpus.record_discovery(
            response.url, response.status, self.crawl_id, headers=_headers(response),
            body_len=len(response.body),
            reason=f"{what}: {found} entries" if found is not None else what,
        )
        self.crawler.stats.inc_value(f"discovery/{what}/{response.status}")
        return response.status == 200

    # ---- start ----

    async def start(self):
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self):
        # Ids already in the corpus, read once (a backfill of a new corpus asks nothing).
        self.known = set(self.corpus.live_speech_ids()) if self.mode == "backfill" else set()
        if self.mode == "backfill" and self.resume:
            logger.info("resuming backfill %s from its frontier", self.crawl_id)
            yield from self.next_batch()
        crawl = self.mode == "crawl"
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
            yield from self.discover("/sitemap.xml", self.parse_sitemap, conditional=crawl)
        if "archive" in self.sources and not crawl:
            yield from self.discover(ARCHIVE_INDEX, self.parse_archive)

    def api_request(self, page: int):
        query = f"?pagesize={self.pagesize}&page={page}&sort=date&direction=DESC"
        return self.discover(API_PATH + query, self.parse_api, page=page)

    # ---- discovery callbacks ----

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
        else:
            yield from self.discovered(entries)
            # Listing pagination only where robots.txt allows it (the middleware drops it
            # otherwise); the listings are newest first, so stop past --since.
            if next_url and not (self.since and entries[-1].date and entries[-1].date < self.since):
                yield from self.discover(next_url, self.parse_listing,
                                             listing=response.meta["listing"])

    def parse_api(self, response):
        entries, resultset = parse_api(response.body, response.url)
        if not self.note_discovery(response, "api", len(entries)):
            logger.info("API %s answered HTTP %s: not used", response.url, response.status)
            return
        for entry in entries:
            if entry.uuid and self.corpus.speech_state(entry.url):
                self.corpus.set_uuid(entry.url, entry.uuid)
        if self.mode == "crawl":
            yield from self.follow_newest(entries, "api")
            return
        yield from self.discovered(entries)
        page = int(resultset.get("page", response.meta["page"]) or 0)
        count = int(resultset.get("count") or 0)
        size = int(resultset.get("pagesize") or self.pagesize) or self.pagesize
        oldest = min((e.date for e in entries if e.date), default=None)
        if entries and (page + 1) * size < count and not (
            self.since and oldest and oldest < self.since
        ):
            yield from self.api_request(page + 1)

    def parse_feed(self, response):
        if response.status == 304:
            self.note_discovery(response, "feed-unchanged")
            return
        entries = parse_feed(response.body, response.url)
        if self.note_discovery(response, "feed", len(entries)):
            yield from self.follow_newest(entries, "feed", gap_check=False)

    def parse_sitemap(self, response):
        if response.status == 304:
            self.note_discovery(response, "sitemap-unchanged")
            return
        kind, entries = parse_sitemap(response.body)
        if not self.note_discovery(response, f"sitemap-{kind}", len(entries)):
            self.problems.append(f"sitemap {response.url} answered HTTP {response.status}")
            return
        if not entries:
            self.problems.append(f"sitemap {response.url} listed nothing")
            return
        if kind == "index":
            for entry in entries:
                if self.mode == "crawl" and self.since_moment and entry.lastmod and (
                    lastmod_key(entry.lastmod) < lastmod_key(self.since_moment)
                ):
                    continue  # this part of the sitemap has not moved since the last crawl
                if self.local(entry.url):
                    yield from self.discover(self.local(entry.url), self.parse_sitemap,
                                                 conditional=self.mode == "crawl")
            return
        speeches = [e for e in entries if is_speech_url(e.url)]
        if self.mode == "crawl":
            yield from self.follow_changed(speeches)
        else:
            yield from self.discovered(speeches)

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

    def discovery_failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest):
            return  # robots.txt forbids it (listing pagination): expected, counted already
        self.corpus.record_discovery(request.url, 0, self.crawl_id,
                                     reason=f"network error: {failure.getErrorMessage()}")
        self.crawler.stats.inc_value("discovery/network_error")
        if request.callback not in (self.parse_api,):
            self.problems.append(f"{request.url}: {failure.getErrorMessage()}")

    # ---- what to fetch ----

    def follow_newest(self, entries, where: str, gap_check: bool = True):
        """Scheduled crawl: fetch new items until a run of known ones."""
        run = new = 0
        for entry in entries:
            sid = canonical_id(entry.url)
            if sid in self.listed:
                run += 1
            elif self.corpus.speech_state(entry.url):
                self.listed.add(sid)
                run += 1
            elif self.local(entry.url):
                run = 0
                new += 1
                self.listed.add(sid)
                yield self.speech_request(self.local(entry.url), conditional=False,
                                          meta=entry.meta())
            if run >= self.known_run:
                return
        # (a feed mixes all news: a few speeches in it, all new, prove no gap)
        if gap_check and new == len(entries) and self.corpus.live_speech_ids():
            logger.warning("%s: every item on its first page is new; there may be a gap:"
                           " reading the whole sitemap", where)
            self.crawler.stats.inc_value("discovery/gap")
            self.since_moment = None
            if "sitemap" in self.sources:
                # The index may have been read (or answered 304) already: read it again,
                # unconditionally; sub-sitemaps already read are not read twice.
                yield from self.discover(self.url("/sitemap.xml") + "#gap", self.parse_sitemap)

    def follow_changed(self, entries):
        """Scheduled crawl: sitemap entries that are new, or changed since we last saw them."""
        for entry in entries:
            sid = canonical_id(entry.url)
            if sid in self.listed or not self.local(entry.url):
                continue
            state = self.corpus.speech_state(entry.url)
            if state is None:
                self.listed.add(sid)
                yield self.speech_request(self.local(entry.url), conditional=False,
                                          meta=entry.meta())
            elif entry.lastmod and lastmod_key(entry.lastmod) > lastmod_key(state["last_seen"]):
                self.listed.add(sid)
                yield self.speech_request(self.local(entry.url), conditional=True,
                                          meta=entry.meta())

    def discovered(self, entries):
        """Backfill: put in-range entries in the frontier; fetch from it a batch at a time."""
        fresh = []
        for entry in entries:
            sid = canonical_id(entry.url)
            if sid in self.listed or not self.local(entry.url) or not self.in_range(entry):
                if sid not in self.listed and entry.date:
                    self.crawler.stats.inc_value("discovery/out_of_range")
                continue
            self.listed.add(sid)
            fresh.append((self.local(entry.url), entry.meta()))
        if fresh:
            added = self.corpus.frontier_add(self.crawl_id, fresh)  # (a resume adds none twice)
            self.crawler.stats.inc_value("discovery/speeches", added)
        stats = self.crawler.stats
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        if queued < FRONTIER_BATCH // 2:
            yield from self.next_batch()

    def next_batch(self):
        """Requests for the next frontier items: the queue in memory stays about one batch
        long whatever the size of the backfill (the frontier itself is in the corpus)."""
        batch = self.corpus.frontier_batch(self.crawl_id, self.frontier_cursor, FRONTIER_BATCH)
        for fid, url, meta in batch:
            self.frontier_cursor = fid
            self.listed.add(canonical_id(url))
            # Only a known page has validators to send: skip the lookup for the others.
            yield self.speech_request(url, conditional=canonical_id(url) in self.known,
                                      meta=meta)

    # ---- speech pages ----

    def parse_speech(self, response):
        request_url = response.request.meta.get("redirect_urls", [response.request.url])[0]
        if response.status in (200, 304, 404, 410):
            yield {
                "kind": "page", "url": response.url, "status": response.status,
                "headers": _headers(response), "body": response.body,
                "request_url": request_url,
            }
        else:
            yield {"kind": "failure", "url": request_url, "status": response.status,
                   "reason": f"HTTP {response.status} after {response.meta.get('retry_times', 0)} retries"}

    def speech_failed(self, failure):
        request = failure.request
        url = request.meta.get("redirect_urls", [request.url])[0]
        if failure.check(IgnoreRequest):  # robots.txt forbids it: nothing was sent
            self.page_done(url, "forbidden")
            return
        self.crawler.stats.inc_value("pages/network_error")
        yield {"kind": "failure", "url": url, "status": None,
               "reason": f"network error: {failure.getErrorMessage()}"}

    def page_done(self, url: str, outcome: str) -> None:
        if self.mode == "backfill":
            self.corpus.frontier_done(self.crawl_id, url, outcome)

    # ---- phases ----

    def on_idle(self, spider=None):
        """Idle in a backfill: fetch the next frontier batch; when the frontier is done,
        revisit the known live speeches discovery did not list (404/410 -> gone)."""
        if self.mode != "backfill":
            return
        if self.schedule(self.next_batch()):
            raise DontCloseSpider
        if self.phase == "revisit":
            return
        self.phase = "revisit"
        if self.problems:
            logger.warning("discovery was incomplete: not revisiting unlisted speeches")
            return
        missing = [sid for sid in self.corpus.live_speech_ids(since=self.since, until=self.until)
                   if sid not in self.listed]
        if not missing:
            return
        logger.info("revisiting %d known speeches discovery did not list", len(missing))
        self.corpus.frontier_add(self.crawl_id, [(self.url(sid), {"source": "revisit"})
                                                 for sid in missing])
        if self.schedule(self.next_batch()):
            raise DontCloseSpider

    def schedule(self, requests) -> int:
        count = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            count += 1
        return count


def _headers(response) -> dict[str, str]:
    return {
        k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
        for k, v in response.headers.items()
    }


def archive_year(url: str) -> str | None:
    m = re.search(r"/archive/ag/speeches/(\d{4})/", url)
    return m.group(1) if m else None
