"""Re-extraction of stored raw pages (no network)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from corpus.errors import NotASpeech
from corpus.store.base import Store
from corpus.store.extraction import Extraction
from corpus.store.people import People
from corpus.store.port import CrawlPort
from corpus.store.raw import RawPages
from corpus.store.versions import Versions


class Reextract:
    """Re-extraction of every speech's latest stored page."""

    def __init__(self, store: Store, crawls: CrawlPort, raw: RawPages, extract: Extraction,
                 versions: Versions, people: People):
        self.store, self.crawls, self.raw = store, crawls, raw
        self.extract, self.versions, self.people = extract, versions, people

    def reextract(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-run extraction over each speech's latest stored page (no network).

        A new version (with the new extractor_version) only where the record changed;
        pages that failed or were skipped before are tried again.
        """
        crawl_id = self.crawls.begin_crawl("reextract", {})
        targets = self.store.all(
            "SELECT f.speech_id, f.raw_sha256, f.encoding, f.url FROM fetches f"
            " WHERE f.id IN (SELECT max(id) FROM fetches WHERE status BETWEEN 200 AND 299"
            "   AND raw_sha256 IS NOT NULL AND speech_id IS NOT NULL"
            "   AND outcome IN ('new', 'changed', 'unchanged', 'failed', 'skipped')"
            "   GROUP BY speech_id)"
            " ORDER BY f.speech_id"
        )
        counts: Counter = Counter()
        failures: list[str] = []
        for done, target in enumerate(targets, start=1):
            body = self.raw.get(target["raw_sha256"])
            try:
                speech = self.extract(body, target["url"], target["encoding"])
            except NotASpeech:
                counts["skipped"] += 1
            except Exception as exc:
                counts["failed"] += 1
                failures.append(f"{target['speech_id']}: {exc}")
            else:
                with self.store.transaction():
                    outcome, _, _ = self.versions.apply(target["speech_id"], speech,
                                                target["raw_sha256"], crawl_id, self.store.now(),
                                                target["url"], fetched=False)
                counts[outcome] += 1
            if progress:
                progress(done, len(targets))
        # Derived fields are outside the content hash: recomputed for every version
        # (and capture) whether or not the page made a new one.
        counts["rederived"] = self.people.rederive()
        stats = {"pages": len(targets), **counts, "failures": failures[:100]}
        self.crawls.finish_crawl(crawl_id, stats, 0)
        return {"crawl_id": crawl_id, **stats}

