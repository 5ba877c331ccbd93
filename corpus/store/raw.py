"""Raw pages: response bodies stored once, zlib-compressed, keyed by their sha256."""

from __future__ import annotations

import zlib

from corpus.errors import UserError

# zlib level of raw pages: 3 compresses twice as fast as 6 for ~12% more bytes (crawl
# throughput is CPU-bound: docs/benchmarks.md).
RAW_LEVEL = 3


def compress(body: bytes) -> bytes:
    return zlib.compress(body, RAW_LEVEL)


def decompress(compression: str, body: bytes) -> bytes:
    if compression == "zlib":
        return zlib.decompress(body)
    if compression == "none":
        return body
    raise UserError(f"unknown raw page compression {compression!r}")



class RawPages:
    """Methods of `Corpus` over `raw_pages`."""

    def _has_raw(self, sha: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone() is not None

    def _store_raw(self, sha: str, body: bytes, compressed: bytes | None, now: str) -> None:
        if compressed is None and self._has_raw(sha):
            return
        self.conn.execute(
            "INSERT OR IGNORE INTO raw_pages(sha256, size, compression, body, first_seen)"
            " VALUES (?, ?, 'zlib', ?, ?)",
            (sha, len(body),
             compressed if compressed is not None else compress(body), now),
        )


    def raw_page(self, sha: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT compression, body FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            return None
        return decompress(row[0], row[1])

