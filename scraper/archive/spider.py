"""The wayback spider: each known speech's history from the Internet Archive
(`doj-speeches backfill --source wayback`, docs/design.md#d14-captures).

It reads the corpus through a read-only connection and writes nothing: every answer is
a message to the writer (corpus/store/messages.py): ArchiveFetched and CaptureFetched are
items (through the pipeline, under the crawl's one bound), FrontierAdd goes straight to
the crawl's writer client; replies come back as its signal (`on_reply`). Work lives in
the corpus frontier (docs/design.md#d3-resume), so a run killed in any way continues with --resume. Frontier items,
by `meta["kind"]`:
  cdx          a speech's CDX lookups (one query per alias the archive keeps apart)
               -> its distinct captures, as `capture` items
  capture      one capture, fetched raw (`id_`) -> extracted and judged by the writer
  listing-cdx  the CDX lookup of a listing, sitemap or archive index -> `listing` items
  listing      one captured listing page -> `cdx` items for the speeches the corpus does
               not know (removed before our first crawl), `listing-cdx` items for the
               pages it points to (sub-sitemaps, year indexes)
A speech's captures are fetched one after another, oldest first (a chain): the writer
judges each against the capture kept before it, so a retried request must not let a
later capture of the same speech overtake it. Speeches interleave freely.
"""

from __future__ import annotations

import functools
import logging
from collections import deque

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from corpus.store.messages import ArchiveFetched, CaptureFetched, FrontierAdd
from corpus.urls import canonical_id
from scraper.crawl import failures
from scraper.crawl.client import client_of, reply_received
from scraper.crawl.health import count_warnings
from scraper.spiders import response_headers
from scraper.crawl.store import corpus_of
from scraper.archive.cdx import (DEFAULT_WAYBACK_URL, LISTING_TARGETS, MAX_ROWS, cdx_queries,
                             cdx_query_url, covered, frontier_key, listing_item,
                             listing_target, parse_cdx, parse_listing_capture,
                             parse_playback_url, plan_fetches, playback_url, speech_item,
                             timestamp_to_iso, unknown_ids)

logger = logging.getLogger(__name__)

BATCH = 500  # frontier items read at a time
# Statuses that reach the callbacks (after PoliteRetryMiddleware's retries) to be recorded.
STATUSES = [403, 404, 410, 429, 500, 502, 503, 504]


def item_guard(callback):
    """A callback that raises fails its frontier item with the reason, never silently."""

    @functools.wraps(callback)
    def wrapper(self, response):
        try:
            yield from callback(self, response)
        except Exception as exc:  # noqa: BLE001 - a parser bug or an unexpected answer
            logger.error("%s: callback error: %s: %s", response.url, type(exc).__name__, exc)
            yield from self.item_failed(response.meta, response.url,
                                        f"callback error: {type(exc).__name__}: {exc}")

    return wrapper


class WaybackSpider(scrapy.Spider):
    name = "wayback"

    def __init__(self, crawl_id=None, resume=False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = "backfill"
        self.crawl_id = int(crawl_id) if crawl_id is not None else None
        self.resume = resume
        self.cursor = 0  # id of the last frontier item scheduled
        self.chains: dict[str, deque] = {}  # speech id -> its captures waiting their turn
        self.known: set[str] = set()  # speech ids known or already asked about
        self.targets: set[str] = set()  # listing CDX targets already asked about
        self.listing_digests: set[str] = set()  # a listing's bytes read once per run
        self.problems: list[str] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.corpus = corpus_of(crawler)
        spider.wayback = (crawler.settings.get("JUSTICE_WAYBACK_URL")
                          or DEFAULT_WAYBACK_URL).rstrip("/")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_reply, signal=reply_received)
        return spider

    def on_closed(self, spider=None, reason=None):
        self.corpus.close()  # before the runner's connection, which checkpoints the WAL

    # ---- the writer ----

    @property
    def client(self):
        return client_of(self.crawler)

    def on_reply(self, reply):
        """The writer's reply to any message of this run: counted by what it was about
        (a capture, a speech's CDX lookup, a listing's lookup or capture)."""
        stats = self.crawler.stats
        if reply.kind == "FrontierAdd":
            stats.inc_value("frontier/total", reply.count)
            return
        if reply.kind == "CaptureFetched":
            what = "capture"
        else:
            what = "cdx" if reply.speech_id else "listing"
        stats.inc_value(f"wayback/{what}/{reply.outcome}")
        count_warnings(stats, reply)
        if reply.outcome == "failed":
            logger.warning("failed: %s (%s)", reply.url, reply.reason)

    def add(self, items: list[tuple[str, dict]]) -> None:
        if items:
            self.client.send(FrontierAdd(items))

    # ---- start, batches, idle ----

    async def start(self):
        for request in self.start_list():
            yield request

    def start_list(self):
        self.known = set(self.corpus.speech_ids())
        if self.resume:
            for meta in self.corpus.frontier_metas(self.crawl_id):
                self.known.add(meta.get("speech_id") or "")
                self.targets.add(meta.get("target") or "")
            logger.info("resuming wayback backfill %s from its frontier", self.crawl_id)
        else:
            items = [(listing_item(t, self.wayback), {"kind": "listing-cdx", "target": t,
                                                      "prefix": True}) for t in LISTING_TARGETS]
            self.targets.update(LISTING_TARGETS)
            crawled = self.corpus.speech_ids("crawl")
            items += [(speech_item(sid, self.wayback), {"kind": "cdx", "speech_id": sid})
                      for sid in crawled]
            self.crawler.stats.set_value("wayback/speeches", len(crawled))
            self.add(items)
            self.client.flush()  # the frontier rows must be readable before the batch
        yield from self.next_batch()

    def on_idle(self, spider=None):
        if not self.client.alive:
            return
        self.client.flush()
        if self.schedule(self.next_batch()):
            raise DontCloseSpider

    def schedule(self, requests) -> int:
        n = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            n += 1
        return n

    def next_batch(self):
        """Requests for the next frontier items; a speech's captures join its chain."""
        started = []
        for fid, key, meta in self.corpus.frontier_batch(self.crawl_id, self.cursor, BATCH):
            self.cursor = fid
            if meta.get("kind") == "capture":
                chain = self.chains.setdefault(meta["speech_id"], deque())
                if not chain:
                    started.append(meta["speech_id"])
                chain.append((key, meta))
            else:
                yield self.request_for(key, meta)
        for sid in started:
            yield self.request_for(*self.chains[sid][0])

    def chain_next(self, speech_id: str):
        chain = self.chains.get(speech_id)
        if chain:
            chain.popleft()
        if chain:
            yield self.request_for(*chain[0])
        else:
            self.chains.pop(speech_id, None)

    def request_for(self, key: str, meta: dict) -> scrapy.Request:
        kind = meta["kind"]
        extra = {}
        if kind == "cdx":
            queries = cdx_queries(meta["speech_id"], self.wayback)
            url, callback, extra = queries[0], self.parse_speech_cdx, {"queries": queries[1:],
                                                                       "found": []}
        elif kind == "listing-cdx":
            url = cdx_query_url(meta["target"], self.wayback, limit=MAX_ROWS,
                                match_type="prefix" if meta.get("prefix") else None)
            callback = self.parse_listing_cdx
        else:
            url = playback_url(meta["timestamp"], meta["original"], self.wayback)
            callback = self.parse_capture if kind == "capture" else self.parse_listing
        return scrapy.Request(url, callback=callback, errback=self.failed, dont_filter=True,
                              meta={"handle_httpstatus_list": STATUSES, "item": (key, meta),
                                    "kind": "wayback", **extra})

    # ---- failures ----

    def failed(self, failure):
        request = failure.request
        yield from self.item_failed(request.meta, request.url, failures.reason(failure),
                                    failures.status_of(failure))

    def item_failed(self, req_meta: dict, url: str, why: str, status: int | None = None):
        """A frontier item that could not do its job: recorded with the reason."""
        key, meta = req_meta["item"]
        kind = meta["kind"]
        self.crawler.stats.inc_value(f"wayback/failed/{kind}")
        if kind == "capture":
            yield self.capture_message(key, meta, url, status or 0, {}, b"", reason=why)
            yield from self.chain_next(meta["speech_id"])
            return
        yield ArchiveFetched(url, status or 0, why, frontier=key,
                             speech_id=meta.get("speech_id"), failed=True)
        if kind != "cdx":  # a listing not read: removed speeches may go unfound
            self.problems.append(f"{url}: {why}")

    # ---- callbacks ----

    @item_guard
    def parse_speech_cdx(self, response):
        key, meta = response.meta["item"]
        if response.status != 200:
            yield from self.item_failed(response.meta, response.url, f"HTTP {response.status}",
                                        response.status)
            return
        captures, warnings = parse_cdx(response.body)
        if any(w.startswith("cdx-unreadable") for w in warnings):
            yield from self.item_failed(response.meta, response.url, "; ".join(warnings), 200)
            return
        self.crawler.stats.inc_value("wayback/cdx_queries")
        found, rest = response.meta["found"] + [captures], response.meta["queries"]
        if rest:  # the next alias of the same speech
            yield scrapy.Request(rest[0], callback=self.parse_speech_cdx, errback=self.failed,
                                 dont_filter=True, meta={
                                     "handle_httpstatus_list": STATUSES, "item": (key, meta),
                                     "kind": "wayback", "queries": rest[1:], "found": found})
            return
        planned = plan_fetches(*found)
        sid = meta["speech_id"]
        self.add([(frontier_key(playback_url(c.timestamp, c.original, self.wayback)),
                   {"kind": "capture", "speech_id": sid, "timestamp": c.timestamp,
                    "original": c.original, "archive_only": bool(meta.get("archive_only")),
                    "speech_url": meta.get("speech_url")}) for c in planned])
        self.crawler.stats.inc_value("wayback/captures_planned", len(planned))
        why = f"cdx: {sum(map(len, found))} captures, {len(planned)} distinct"
        if meta.get("archive_only") and not planned:
            why += "; named by a captured listing but never captured itself: not recorded"
            self.crawler.stats.inc_value("wayback/removed_uncaptured")
        yield ArchiveFetched(response.url, 200, "; ".join([why, *warnings]), frontier=key,
                             speech_id=sid, body_len=len(response.body))

    @item_guard
    def parse_capture(self, response):
        key, meta = response.meta["item"]
        yield self.capture_message(key, meta, response.url, response.status,
                                   response_headers(response), response.body)
        yield from self.chain_next(meta["speech_id"])

    def capture_message(self, key, meta, url, status, headers, body, reason=None):
        served = parse_playback_url(url) or (meta["timestamp"], meta["original"])
        if status != 200 and not reason:
            reason = f"HTTP {status}"
        return CaptureFetched(meta["speech_id"], timestamp_to_iso(served[0]), url, served[1],
                              status, headers, body, frontier=key,
                              archive_only=bool(meta.get("archive_only")),
                              speech_url=meta.get("speech_url"), reason=reason)

    @item_guard
    def parse_listing_cdx(self, response):
        key, meta = response.meta["item"]
        if response.status != 200:
            yield from self.item_failed(response.meta, response.url, f"HTTP {response.status}",
                                        response.status)
            return
        captures, warnings = parse_cdx(response.body)
        if any(w.startswith("cdx-unreadable") for w in warnings):
            yield from self.item_failed(response.meta, response.url, "; ".join(warnings), 200)
            return
        fresh = []
        for c in captures:  # the same bytes list the same speeches: read them once
            if c.digest and c.digest in self.listing_digests:
                continue
            self.listing_digests.add(c.digest)
            fresh.append(c)
        self.add([(frontier_key(playback_url(c.timestamp, c.original, self.wayback)),
                   {"kind": "listing", "timestamp": c.timestamp, "original": c.original})
                  for c in fresh])
        why = f"cdx of {meta['target']}: {len(captures)} captures, {len(fresh)} to read"
        yield ArchiveFetched(response.url, 200, "; ".join([why, *warnings]), frontier=key,
                             body_len=len(response.body))

    @item_guard
    def parse_listing(self, response):
        key, meta = response.meta["item"]
        if response.status != 200:
            yield from self.item_failed(response.meta, response.url, f"HTTP {response.status}",
                                        response.status)
            return
        original = (parse_playback_url(response.url) or (None, meta["original"]))[1]
        entries, further = parse_listing_capture(response.body, original)
        unknown = unknown_ids(entries, self.known)
        self.known.update(unknown)
        first_url = {}
        for entry in entries:
            first_url.setdefault(canonical_id(entry.url), entry.url)
        items = [(speech_item(sid, self.wayback), {"kind": "cdx", "speech_id": sid,
                                                   "archive_only": True,
                                                   "speech_url": first_url.get(sid)})
                 for sid in unknown]
        for url in further:
            target = listing_target(url)
            if target not in self.targets and not covered(target):
                self.targets.add(target)
                items.append((listing_item(target, self.wayback),
                              {"kind": "listing-cdx", "target": target}))
        self.add(items)
        self.crawler.stats.inc_value("wayback/removed_found", len(unknown))
        yield ArchiveFetched(response.url, 200, f"captured listing: {len(entries)} entries,"
                             f" {len(unknown)} unknown to the corpus", frontier=key,
                             body_len=len(response.body))
