"""The crawler's port: crawls, what the crawler looks up, and the backfill frontier."""

from __future__ import annotations

import json
from collections.abc import Iterable

from corpus.outcomes import READ_OUTCOMES, sql_in
from corpus.urls import canonical_id


class CrawlPort:
    """Methods of `Corpus` the crawler uses (its writer process writes, the spider reads)."""

    def begin_crawl(self, mode: str, args: dict) -> int:
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO crawls(mode, args, started) VALUES (?, ?, ?)",
                (mode, json.dumps(args, sort_keys=True, default=str), self._now()),
            )
        return cur.lastrowid

    def finish_crawl(self, crawl_id: int, stats: dict, exit_status: int) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE crawls SET finished = ?, stats = ?, exit_status = ? WHERE id = ?",
                (self._now(), json.dumps(stats, sort_keys=True, default=str), exit_status,
                 crawl_id),
            )

    def last_unfinished_crawl(self, mode: str) -> dict | None:
        """The run --resume continues: the newest run of this mode, when it never finished
        (killed) or ended without doing its job (exit status not 0: its writer died, the
        disk filled, the site blocked it). Discovery runs again on resume, so even items
        never written to the frontier are found."""
        row = self._one("SELECT * FROM crawls WHERE mode = ? ORDER BY id DESC LIMIT 1", (mode,))
        if row is None or (row["finished"] is not None and row["exit_status"] == 0):
            return None
        row["args"] = json.loads(row["args"] or "{}")
        row["stats"] = json.loads(row["stats"]) if row["stats"] else None
        return row

    def speech_state(self, url: str) -> dict | None:
        return self._one(
            "SELECT id, url, uuid, status, version, content_hash, raw_sha256, first_seen,"
            " last_seen, last_changed, gone_since FROM speeches WHERE id = ?",
            (canonical_id(url),),
        )

    def set_uuid(self, url: str, uuid: str) -> bool:
        """Attach the API's uuid to a known speech; False when the speech is unknown."""
        with self._tx():
            cur = self.conn.execute("UPDATE speeches SET uuid = ? WHERE id = ?",
                                    (uuid, canonical_id(url)))
        return cur.rowcount > 0

    def uuid_shared(self, url: str, uuid: str) -> str | None:
        """Another live speech announced with this uuid (two URLs of one speech?)."""
        row = self._one("SELECT id FROM speeches WHERE uuid = ? AND id != ? AND status = 'live'"
                        " ORDER BY id LIMIT 1", (uuid, canonical_id(url)))
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
        return [r[0] for r in self.conn.execute(sql + " ORDER BY id", params)]

    def last_healthy_crawl_start(self) -> str | None:
        """When the last healthy crawl or backfill started: a scheduled crawl reads only
        the parts of the sitemap whose lastmod moved since then."""
        row = self._one("SELECT started FROM crawls WHERE finished IS NOT NULL"
                        " AND exit_status = 0 ORDER BY id DESC LIMIT 1")
        return row["started"] if row else None

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last 200 of this speech or URL."""
        row = self._one(
            "SELECT f.etag, f.last_modified FROM fetches f JOIN speeches s ON s.id = f.speech_id"
            " WHERE f.speech_id = ? AND f.status = 200"
            f" AND f.outcome IN {sql_in(READ_OUTCOMES)} ORDER BY f.id DESC LIMIT 1",
            (canonical_id(url),),
        ) or self._one(
            # A discovery page's validators only from a run that was healthy: after a
            # blocked or failing run, the next one must read the page again, not get a
            # 304 for what that run fetched and could not use.
            "SELECT f.etag, f.last_modified FROM fetches f JOIN crawls c ON c.id = f.crawl_id"
            " WHERE f.url = ? AND f.status = 200 AND f.outcome = 'discovery'"
            " AND c.exit_status = 0 ORDER BY f.id DESC LIMIT 1",
            (url,),
        )
        return self._validators(row)

    # -- the backfill frontier (Decision 3) -----------------------------------------

    def frontier_add(self, crawl_id: int, items: Iterable[tuple[str, dict]]) -> int:
        """Add discovered URLs; one per canonical id and crawl. Returns how many were new."""
        now = self._now()
        with self._tx():
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO frontier(crawl_id, speech_id, url, meta, state, added)"
                " VALUES (?, ?, ?, ?, 'pending', ?)",
                ((crawl_id, canonical_id(url), url, json.dumps(meta or {}, sort_keys=True), now)
                 for url, meta in items),
            )
            return self.conn.total_changes - before

    def frontier_batch(self, crawl_id: int, after: int = 0,
                       limit: int = 500) -> list[tuple[int, str, dict]]:
        """The next pending items after frontier id `after`: (id, url, meta), oldest first.
        A crawl walks its frontier with this cursor, holding one batch in memory."""
        return [(fid, url, json.loads(meta or "{}")) for fid, url, meta in self.conn.execute(
            "SELECT id, url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending'"
            " AND id > ? ORDER BY id LIMIT ?", (crawl_id, after, limit))]

    def frontier_read_ids(self, crawl_id: int) -> set[str]:
        """Speeches whose page this run has read (its frontier item done, the page kept)."""
        return {sid for (sid,) in self.conn.execute(
            "SELECT speech_id FROM frontier WHERE crawl_id = ? AND state = 'done'"
            f" AND outcome IN {sql_in(READ_OUTCOMES)}", (crawl_id,))}

    def frontier_size(self, crawl_id: int) -> int:
        return self.conn.execute("SELECT count(*) FROM frontier WHERE crawl_id = ?",
                                 (crawl_id,)).fetchone()[0]

    def frontier_pending(self, crawl_id: int) -> list[tuple[str, dict]]:
        return [(url, json.loads(meta or "{}")) for url, meta in self.conn.execute(
            "SELECT url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending' ORDER BY id",
            (crawl_id,))]

    def frontier_done(self, crawl_id: int, url: str, outcome: str) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE frontier SET state = 'done', outcome = ?, done_at = ?"
                " WHERE crawl_id = ? AND speech_id = ?",
                (outcome, self._now(), crawl_id, canonical_id(url)),
            )

