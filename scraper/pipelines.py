"""Hands each fetched page to the corpus store and counts the outcomes."""

from __future__ import annotations

import logging

from scraper.store import corpus_of

logger = logging.getLogger(__name__)

SPEECH_OUTCOMES = ("new", "changed", "unchanged", "not_modified", "gone", "failed", "skipped")


class CorpusPipeline:
    """Items are dicts with `kind`: "page" (a speech page response) or "failure" (a speech
    page that failed after the last retry). Discovery pages are recorded by the spider."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.corpus = corpus_of(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        crawl_id = spider.crawl_id
        if item["kind"] == "failure":
            outcome = self.corpus.record_failure(
                item["url"], crawl_id, item["reason"], status=item.get("status")
            )
            reason = item["reason"]
        else:
            result = self.corpus.record(
                item["url"], item["status"], item["headers"], item["body"], crawl_id,
                request_url=item.get("request_url"),
            )
            outcome, reason = result.outcome, result.reason
            for warning in getattr(result, "warnings", None) or []:
                self.stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")
        self.stats.inc_value(f"outcome/{outcome}")
        if outcome == "failed":
            logger.warning("failed: %s (%s)", item.get("request_url") or item["url"], reason)
        elif outcome == "gone":
            logger.info("gone: %s", item.get("request_url") or item["url"])
        spider.page_done(item.get("request_url") or item["url"], outcome)
        return item
