"""The backfill frontier: a run's discovered URLs and their state, so --resume survives
SIGKILL (docs/design.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from corpus.outcomes import READ_OUTCOMES, sql_in
from corpus.store.base import Store
from corpus.urls import canonical_id


class Frontier:
    """`frontier` rows: added by discovery, walked in batches, ticked done."""

    def __init__(self, store: Store):
        self.store = store

    def frontier_add(self, crawl_id: int, items: Iterable[tuple[str, dict]]) -> int:
        """Add discovered URLs; one per canonical id and crawl. Returns how many were new."""
        now = self.store.now()
        rows = [{"crawl_id": crawl_id, "speech_id": canonical_id(url), "url": url,
                 "meta": json.dumps(meta or {}, sort_keys=True), "state": "pending",
                 "added": now} for url, meta in items]
        with self.store.transaction():
            return self.store.insert_all("frontier", rows, ignore=True) if rows else 0

    def frontier_batch(self, crawl_id: int, after: int = 0,
                       limit: int = 500) -> list[tuple[int, str, dict]]:
        """The next pending items after frontier id `after`: (id, url, meta), oldest first.
        A crawl walks its frontier with this cursor, holding one batch in memory."""
        return [(fid, url, json.loads(meta or "{}")) for fid, url, meta in self.store.execute(
            "SELECT id, url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending'"
            " AND id > ? ORDER BY id LIMIT ?", (crawl_id, after, limit))]

    def frontier_read_ids(self, crawl_id: int) -> set[str]:
        """Speeches whose page this run has read (its frontier item done, the page kept)."""
        return {sid for (sid,) in self.store.execute(
            "SELECT speech_id FROM frontier WHERE crawl_id = ? AND state = 'done'"
            f" AND outcome IN {sql_in(READ_OUTCOMES)}", (crawl_id,))}

    def frontier_size(self, crawl_id: int) -> int:
        return self.store.execute("SELECT count(*) FROM frontier WHERE crawl_id = ?",
                                  (crawl_id,)).fetchone()[0]

    def frontier_pending(self, crawl_id: int) -> list[tuple[str, dict]]:
        return [(url, json.loads(meta or "{}")) for url, meta in self.store.execute(
            "SELECT url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending' ORDER BY id",
            (crawl_id,))]

    def frontier_done(self, crawl_id: int, url: str, outcome: str) -> None:
        with self.store.transaction():
            now = self.store.now()
            item = self.store.one("SELECT id FROM frontier WHERE crawl_id = ? AND speech_id = ?",
                                  (crawl_id, canonical_id(url)))
            if item:
                self.store.update("frontier", item["id"], {
                    "state": "done", "outcome": outcome, "done_at": now})

    def frontier_metas(self, crawl_id: int) -> list[dict]:
        """The meta of every frontier item of a run (done or not): what a resumed run
        already asked for."""
        return [json.loads(m or "{}") for (m,) in self.store.execute(
            "SELECT meta FROM frontier WHERE crawl_id = ? ORDER BY id", (crawl_id,))]
