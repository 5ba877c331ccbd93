"""The crawl's read-only handle on the corpus, shared by the spider and middlewares.

They only read: every write goes to the writer process as a message (scraper/crawl/writer.py,
docs/design.md#d10-one-writer)."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


def corpus_of(crawler):
    """A read-only Corpus on CORPUS_DB, one per crawler."""
    corpus = getattr(crawler, "corpus", None)
    if corpus is None:
        from scraper.crawl.guard import refuse_unless_cli

        refuse_unless_cli(crawler.settings)
        path = crawler.settings.get("CORPUS_DB")
        if not path:
            raise NotConfigured("CORPUS_DB is not set")
        from corpus.store import Corpus

        corpus = crawler.corpus = Corpus(path, readonly=True)
    return corpus
