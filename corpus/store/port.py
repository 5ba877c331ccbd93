"""The crawler's port: its runs (`crawls`) and what it looks up about speeches."""

from __future__ import annotations

import json

from corpus.outcomes import READ_OUTCOMES, sql_in
from corpus.store.base import Store
from corpus.store.fetches import validators
from corpus.urls import canonical_id


class CrawlPort:
    """What the crawler uses of the corpus (its writer process writes, the spider reads)."""

    def __init__(self, store: Store):
        self.store = store

    def begin_crawl(self, mode: str, args: dict) -> int:
        with self.store.transaction():
            return self.store.insert("crawls", {
                "mode": mode, "args": json.dumps(args, sort_keys=True, default=str),
                "started": self.store.now()})

    def finish_crawl(self, crawl_id: int, stats: dict, exit_status: int) -> None:
        with self.store.transaction():
            self.store.update("crawls", crawl_id, {
                "finished": self.store.now(),
                "stats": json.dumps(stats, sort_keys=True, default=str),
                "exit_status": exit_status})

    def last_unfinished_crawl(self, mode: str) -> dict | None:
        """The run --resume continues: the newest run of this mode, when it never finished
        (killed) or ended without doing its job (exit status not 0: its writer died, the
        disk filled, the site blocked it). Discovery runs again on resume, so even items
        never written to the frontier are found."""
        row = self.store.one("SELECT * FROM crawls WHERE mode = ? ORDER BY id DESC LIMIT 1",
                             (mode,))
        if row is None or (row["finished"] is not None and row["exit_status"] == 0):
            return None
        row["args"] = json.loads(row["args"] or "{}")
        row["stats"] = json.loads(row["stats"]) if row["stats"] else None
        return row

    def speech_state(self, url: str) -> dict | None:
        return self.store.one(
            "SELECT id, url, uuid, status, version, content_hash, raw_sha256, first_seen,"
            " last_seen, last_changed, gone_since FROM speeches WHERE id = ?",
            (canonical_id(url),),
        )

    def set_uuid(self, url: str, uuid: str) -> bool:
        """Attach the API's uuid to a known speech; False when the speech is unknown."""
        with self.store.transaction():
            row = self.store.one("SELECT n FROM speeches WHERE id = ?", (canonical_id(url),))
            if row:
                self.store.update("speeches", row["n"], {"uuid": uuid})
        return row is not None

    def uuid_shared(self, url: str, uuid: str) -> str | None:
        """Another live speech announced with this uuid (two URLs of one speech?)."""
        row = self.store.one("SELECT id FROM speeches WHERE uuid = ? AND id != ?"
                             " AND status = 'live' ORDER BY id LIMIT 1", (uuid, canonical_id(url)))
        return row["id"] if row else None

    def live_speech_ids(self, since: str | None = None, until: str | None = None) -> list[str]:
        """Ids of live speeches, optionally those dated in [since, until] (undated kept)."""
        sql = "SELECT id FROM speeches WHERE status = 'live'"
        params: list = []
        if since:
            sql += " AND (date IS NULL OR date >= ?)"
            params.append(since)
        if until:
            sql += " AND (date IS NULL OR date <= ?)"
            params.append(until)
        return [r[0] for r in self.store.execute(sql + " ORDER BY id", params)]

    def last_healthy_crawl_start(self) -> str | None:
        """When the last healthy crawl or backfill started: a scheduled crawl reads only
        the parts of the sitemap whose lastmod moved since then."""
        row = self.store.one("SELECT started FROM crawls WHERE finished IS NOT NULL"
                        " AND exit_status = 0 ORDER BY id DESC LIMIT 1")
        return row["started"] if row else None

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last 200 of this speech or URL."""
        row = self.store.one(
            "SELECT f.etag, f.last_modified FROM fetches f JOIN speeches s ON s.id = f.speech_id"
            " WHERE f.speech_id = ? AND f.status = 200"
            f" AND f.outcome IN {sql_in(READ_OUTCOMES)} ORDER BY f.id DESC LIMIT 1",
            (canonical_id(url),),
        ) or self.store.one(
            # A discovery page's validators only from a run that was healthy: after a
            # blocked or failing run, the next one must read the page again, not get a
            # 304 for what that run fetched and could not use.
            "SELECT f.etag, f.last_modified FROM fetches f JOIN crawls c ON c.id = f.crawl_id"
            " WHERE f.url = ? AND f.status = 200 AND f.outcome = 'discovery'"
            " AND c.exit_status = 0 ORDER BY f.id DESC LIMIT 1",
            (url,),
        )
        return validators(row)

    def speech_ids(self, source: str | None = None) -> list[str]:
        """Ids of the corpus's speeches (any status), those of one source if given."""
        sql, params = "SELECT id FROM speeches", ()
        if source:
            sql, params = sql + " WHERE source = ?", (source,)
        return [r[0] for r in self.store.execute(sql + " ORDER BY id", params)]
