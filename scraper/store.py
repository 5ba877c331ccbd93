"""The crawl's one handle on the corpus: shared by the spider, middlewares and pipeline."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


def corpus_of(crawler):
    """The Corpus the runner attached to the crawler, else one opened from CORPUS_DB."""
    corpus = getattr(crawler, "corpus", None)
    if corpus is None:
        path = crawler.settings.get("CORPUS_DB")
        if not path:
            raise NotConfigured("CORPUS_DB is not set")
        from corpus.store import Corpus

        corpus = crawler.corpus = Corpus(path)
    return corpus
