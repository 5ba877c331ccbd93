"""The item route to the corpus writer: every message that carries a body (a speech
page or its failure, an attachment, an archive capture or lookup) is a Scrapy item,
handed to the crawl's one writer client (scraper/crawl/client.py). Waiting here for the
writer to catch up is the crawl's back-pressure: Scrapy stops downloading ahead of it."""

from __future__ import annotations

from scraper.crawl.client import client_of


class CorpusPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item, spider=None):
        from scrapy.utils.defer import maybe_deferred_to_future

        client = client_of(self.crawler)
        light = {"kind": type(item).__name__, "url": item.url}  # the body is not kept
        if client.send(item):  # counted on its reply (the `reply_received` signal)
            waiter = client.ready()
            if waiter is not None:
                await maybe_deferred_to_future(waiter)
        return light  # else the writer is gone: the crawl is closing, the frontier keeps it
