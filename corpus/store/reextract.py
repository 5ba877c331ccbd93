"""Re-extraction of stored raw pages (no network)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from corpus.errors import NotASpeech


class Reextract:
    """The `reextract` method of `Corpus`."""

    def reextract(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-run extraction over each speech's latest stored page (no network).

        A new version (with the new extractor_version) only where the record changed;
        pages that failed or were skipped before are tried again.
        """
        crawl_id = self.begin_crawl("reextract", {})
        targets = self._all(
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
            body = self.raw_page(target["raw_sha256"])
            try:
                speech = self._extract(body, target["url"], target["encoding"])
            except NotASpeech:
                counts["skipped"] += 1
            except Exception as exc:
                counts["failed"] += 1
                failures.append(f"{target['speech_id']}: {exc}")
            else:
                with self._tx():
                    outcome, _, _ = self._apply(target["speech_id"], speech,
                                                target["raw_sha256"], crawl_id, self._now(),
                                                target["url"], fetched=False)
                counts[outcome] += 1
            if progress:
                progress(done, len(targets))
        # Derived fields are outside the content hash: recomputed for every version
        # (and capture) whether or not the page made a new one.
        counts["rederived"] = self.rederive()
        stats = {"pages": len(targets), **counts, "failures": failures[:100]}
        self.finish_crawl(crawl_id, stats, 0)
        return {"crawl_id": crawl_id, **stats}

