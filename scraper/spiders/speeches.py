"""The speeches spider: discovery routing for scheduled crawls and backfills.

It only routes requests: parsing is in scraper.discovery.parsers (listings, sitemaps, API,
archive indexes) and corpus.extract (speech pages, in the writer). It never writes the
corpus: pages, failures, discovery fetches and frontier additions are messages to the
writer, through the crawl's one client (scraper/crawl/client.py), whose replies come
back as a signal (`on_reply`); it reads through a read-only connection.

mode "crawl" (scheduled, incremental): the first listing page(s), the API's newest page,
and the RSS feed and the sitemap index by conditional GET; a listing stops at a run of
known items; known pages are fetched when the sitemap says they changed since their last
fetch (conditionally), whatever else listed them.

mode "backfill": every allowed source in full (filtered by --since/--until), each speech
URL put in the corpus frontier before it is fetched (resume survives SIGKILL); when
discovery is over, the known live speeches it did not list are revisited (404 -> gone).
"""

from __future__ import annotations

import logging

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from corpus.outcomes import SPEECH_OUTCOMES, Outcome, sql_in
from corpus.store.messages import DiscoveryFetched, FrontierAdd, PageFailed, PageFetched, PageForbidden
from corpus.urls import canonical_id
from scraper.crawl import failures
from scraper.discovery.parsers import edited_since, is_speech_url
from scraper.spiders import response_headers
from scraper.spiders.files import Attachments
from scraper.discovery.paths import SITEMAP
from scraper.spiders.guards import database_problem, has_validators, reads_corpus, unasked_304
from scraper.discovery.sources import Sources, witness_of
from scraper.crawl.store import corpus_of
from scraper.crawl.client import client_of, reply_received
from scraper.crawl.health import count_page

logger = logging.getLogger(__name__)

# Speech pages answer these to the callback (after retries) so each outcome is recorded.
PAGE_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504, 522, 524, 408]
FRONTIER_BATCH = 500  # speech requests held in memory at a time
# Fetches of a speech page itself (not its files, not the archive's captures of it).
PAGE_OUTCOMES = SPEECH_OUTCOMES + (Outcome.FORBIDDEN,)


class SpeechesSpider(Attachments, Sources, scrapy.Spider):
    name = "speeches"

    def __init__(self, mode="crawl", crawl_id=None, since=None, until=None, sources=None,
                 resume=False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.crawl_id = int(crawl_id) if crawl_id is not None else None
        self.since = since
        self.until = until
        self.sources = tuple(sources or self.ALL_SOURCES)
        self.resume = resume
        self.phase = "discovery"
        self.requested: set[str] = set()  # canonical ids this run asked for
        self.listed: set[str] = set()  # canonical ids discovery found
        self.frontier_cursor = 0  # id of the last frontier item scheduled
        self.problems: list[str] = []  # what makes the run unhealthy
        self.discovery_seen: set[str] = set()
        self.api_pages: set[str] = set()  # fingerprints of API pages read (a repeat stops)
        self.frontier_writes = 0  # FrontierAdd messages the writer has not answered yet
        self.page_kinds = {"PageFetched", "PageFailed", "PageForbidden"}
        self.frontier_dry = False  # the last batch read was empty (no write since)
        self.revalidating: set[str] = set()  # canonical ids of this run's revalidations

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.corpus = corpus_of(crawler)
        settings = crawler.settings
        spider.base_url = settings.get("JUSTICE_BASE_URL").rstrip("/")
        spider.known_run = settings.getint("JUSTICE_KNOWN_RUN", 5)
        spider.revalidate = settings.getint("JUSTICE_REVALIDATE", 0)
        spider.pagesize = settings.getint("JUSTICE_API_PAGESIZE", 50)
        spider.component_listings = settings.getlist("JUSTICE_COMPONENT_LISTINGS")
        spider.since_moment = settings.get("JUSTICE_SINCE_MOMENT")
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT", 2083)
        spider.max_sitemap_bytes = settings.getint("JUSTICE_MAX_SITEMAP_BYTES")
        spider.max_sitemap_urls = settings.getint("JUSTICE_MAX_SITEMAP_URLS")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.refill, signal=signals.item_scraped)
        crawler.signals.connect(spider.on_reply, signal=reply_received)
        return spider

    def on_closed(self, spider=None, reason=None):
        # Closed before the runner's own connection, which then checkpoints the WAL.
        self.corpus.close()

    @property
    def client(self):
        return client_of(self.crawler)

    def send_page(self, message) -> None:
        """A page outcome decided here (not an item: no body): counted on its reply."""
        self.client.send(message)

    def on_reply(self, reply):
        """The writer's reply to any message of this crawl, in the order sent."""
        if reply.kind in self.page_kinds:
            count_page(self.crawler.stats, reply)
            if canonical_id(reply.url) in self.revalidating:
                self.crawler.stats.inc_value(f"revalidate/{reply.outcome}")
            if reply.attachments:  # the files the page links: fetched next
                self.fetch_attachments(reply.attachments)
        elif reply.kind == "FrontierAdd":
            self.frontier_added(reply)
        elif reply.kind == "AttachmentFetched":
            self.attachment_written(reply)
        elif reply.kind == "UuidFound":
            self.uuid_noted(reply)

    # ---- speech requests ----

    def speech_request(self, url: str, *, conditional: bool, meta: dict | None = None):
        """Zero or one request for a speech page; a URL over the length limit is a
        failure recorded now (Scrapy would drop it without a word)."""
        self.requested.add(canonical_id(url))
        if len(url) > self.max_url_length:
            self.send_page(PageFailed(url, f"URL too long: {len(url)} characters"
                                           f" (limit {self.max_url_length})"))
            return
        yield scrapy.Request(
            url, callback=self.parse_speech, errback=self.speech_failed,
            # A revisit may ask again for a page this run reached through a redirect.
            dont_filter=(meta or {}).get("source") == "revisit",
            meta={"handle_httpstatus_list": list(PAGE_STATUSES), "conditional": conditional,
                  "kind": "speech", "entry": meta or {}},
        )

    def parse_speech(self, response):
        request_url = response.request.meta.get("redirect_urls", [response.request.url])[0]
        if response.status == 304 and not has_validators(response.request):
            yield from unasked_304(self, response, request_url)
            return
        if response.status in (200, 304, 404, 410):
            files = (response.meta.get("entry") or {}).get("attachments") or []
            files = self.api_files_of(request_url) or files
            yield PageFetched(response.url, response.status, response_headers(response),
                              response.body,
                              request_url=request_url if request_url != response.url else None,
                              witnesses=witness_of(response.meta.get("entry")),
                              attachments=files)
        else:
            retries = response.meta.get("retry_times", 0)
            yield PageFailed(request_url, f"HTTP {response.status} after {retries} retries",
                             response.status)

    def speech_failed(self, failure):
        request = failure.request
        url = request.meta.get("redirect_urls", [request.url])[0]
        if failure.check(failures.Forbidden):  # robots.txt forbids it: nothing was sent
            yield PageForbidden(url)
            return
        why = failures.reason(failure)
        self.crawler.stats.inc_value(f"pages/{why.split(':')[0]}")
        yield PageFailed(url, why, failures.status_of(failure))

    def on_dropped(self, request, spider=None):
        """The scheduler dropped a request: a redirect back to a URL already requested (a
        loop A -> B -> A) never reaches an errback. A plain duplicate is not a loss: the
        request already made records that page (and ticks its frontier item)."""
        if request.meta.get("kind") != "speech":
            return
        chain = request.meta.get("redirect_urls") or []
        if not chain:
            self.crawler.stats.inc_value("pages/duplicate_dropped")
            return
        self.send_page(PageFailed(chain[0], f"redirect loop: {' -> '.join(chain + [request.url])}"))

    # ---- discovery bookkeeping ----

    def note_discovery(self, response, what: str, found: int | None = None,
                       warning: str | None = None) -> bool:
        """Record a discovery fetch; False when it brought nothing to parse."""
        why = f"{what}: {found} entries" if found is not None else what
        self.client.send(DiscoveryFetched(response.url, response.status,
                                          f"{why}; {warning}" if warning else why,
                                          response_headers(response), len(response.body)))
        self.crawler.stats.inc_value(f"discovery/{what}/{response.status}")
        return response.status == 200

    def database_problem(self, exc: Exception) -> None:
        database_problem(self, exc)

    def source_problem(self, url: str, why: str) -> None:
        """A discovery source that could not do its job: recorded, and the run unhealthy."""
        self.client.send(DiscoveryFetched(url, 0, why))
        self.problems.append(f"{url}: {why}")

    def discovery_failed(self, failure):
        request = failure.request
        if failure.check(failures.Forbidden):
            return  # robots.txt forbids it (listing pagination): expected, counted already
        why = failures.reason(failure)
        self.client.send(DiscoveryFetched(request.url, failures.status_of(failure) or 0, why))
        self.crawler.stats.inc_value("discovery/failed")
        if request.callback != self.parse_api:  # the API is optional: used where it answers
            self.problems.append(f"{request.url}: {why}")
        elif why.startswith("too large") or set(self.sources) == {"api"}:
            # An API that answers with a page past the bound is there and lost, not absent.
            self.problems.append(f"API {request.url}: {why}")

    # ---- what to fetch ----

    def follow_newest(self, entries, where: str, gap_check: bool = True):
        """Scheduled crawl: fetch new items until a run of known ones. Known items are not
        marked as handled: the sitemap pass still re-fetches those whose lastmod moved."""
        run = new = 0
        for entry in entries:
            sid = canonical_id(entry.url)
            if sid in self.requested or self.corpus.speech_state(entry.url):
                run += 1
            elif self.local(entry.url):
                run, new = 0, new + 1
                yield from self.speech_request(self.local(entry.url), conditional=False,
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
                yield from self.discover(self.url(SITEMAP) + "#gap", self.parse_sitemap)

    def follow_changed(self, entries):
        """Scheduled crawl: sitemap entries that are new, or whose lastmod moved past
        their last fetch, whoever else listed them (unless asked for already)."""
        for entry in entries:
            sid = canonical_id(entry.url)
            if sid in self.requested or not self.local(entry.url):
                continue
            state = self.corpus.speech_state(entry.url)
            if state is None:
                yield from self.speech_request(self.local(entry.url), conditional=False,
                                               meta=entry.meta())
            elif edited_since(entry.lastmod, state["last_seen"]):
                yield from self.speech_request(self.local(entry.url), conditional=True,
                                               meta=entry.meta())

    def revalidation(self):
        """Scheduled crawl: conditional GETs to the live speeches fetched longest ago. A
        304 still records a fetch (last_seen moves), so the next run takes the next ones:
        an edit the sitemap never announces is found within ceil(live / N) runs."""
        if self.mode != "crawl" or self.revalidate <= 0:
            return
        # The last attempt, not last_seen: a page that fails or that robots.txt now
        # forbids moves to the back too, so it cannot hold the front of the rotation.
        oldest = self.corpus.query(
            "SELECT id, url FROM speeches s WHERE status = 'live' ORDER BY (SELECT max(f.id)"
            " FROM fetches f WHERE f.speech_id = s.id AND f.outcome IN"
            f" {sql_in(PAGE_OUTCOMES)}), last_seen, id LIMIT ?", (self.revalidate,))
        for row in oldest:  # its URL, not its id: a Drupal 7 id redirects (one more request)
            self.revalidating.add(row["id"])
            self.crawler.stats.inc_value("revalidate/requested")
            yield from self.speech_request(self.local(row["url"]) or self.url(row["id"]),
                                           conditional=True,
                                           meta={"source": "revalidate"})

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
            self.frontier_writes += 1
            self.client.send(FrontierAdd(fresh))
        if self.queued() < FRONTIER_BATCH // 2:
            yield from self.next_batch()

    def queued(self) -> int:
        stats = self.crawler.stats
        return stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)

    def frontier_added(self, reply):
        self.frontier_writes -= 1
        self.frontier_dry = False
        self.crawler.stats.inc_value("discovery/speeches", reply.count)
        self.crawler.stats.inc_value("frontier/total", reply.count)

    @reads_corpus
    def refill(self, item=None, response=None, spider=None):
        """After each page: keep about one batch queued, so the
        downloads never wait for the spider to go idle between batches. Never blocks: with
        frontier rows still on their way to the writer it waits for a later page (or the
        discovery callback, which may flush)."""
        if self.mode == "backfill" and not self.frontier_writes and not self.frontier_dry \
                and self.queued() < FRONTIER_BATCH // 4:
            self.schedule(self.next_batch())

    def next_batch(self) -> list:
        """Requests for the next frontier items: the queue in memory stays about one batch
        long whatever the size of the backfill (the frontier itself is in the corpus).
        Eager: the cursor moves now, so two callers (discovery, the refill after a page)
        never hand out the same rows."""
        if self.frontier_writes:
            self.client.flush()  # the frontier rows just sent must be readable first
        batch = self.corpus.frontier_batch(self.crawl_id, self.frontier_cursor, FRONTIER_BATCH)
        self.frontier_dry = not batch  # until the next frontier write
        if batch:
            self.frontier_cursor = batch[-1][0]
        requests = []
        for _, url, meta in batch:
            self.listed.add(canonical_id(url))
            # Only a known page has validators to send: skip the lookup for the others.
            requests += self.speech_request(url, conditional=canonical_id(url) in self.known,
                                            meta=meta)
        return requests

    # ---- phases ----

    @reads_corpus
    def on_idle(self, spider=None):
        """Idle in a backfill: fetch the next frontier batch; when the frontier is done,
        revisit the known live speeches discovery did not list (404/410 -> gone).
        In any mode, the files of the pages just written are fetched before closing."""
        if self.attachments_pending():
            raise DontCloseSpider
        if self.mode != "backfill" or not self.client.alive:
            return
        self.client.flush()  # every reply in: the frontier is as the writer left it
        self.crawler.stats.set_value("frontier/discovery_done", 1)
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
        self.client.send(FrontierAdd([(self.url(sid), {"source": "revisit"}) for sid in missing]))
        self.frontier_writes += 1
        self.client.flush()
        if self.schedule(self.next_batch()):
            raise DontCloseSpider

    def schedule(self, requests) -> int:
        count_ = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            count_ += 1
        return count_


__all__ = ["SpeechesSpider", "is_speech_url"]
