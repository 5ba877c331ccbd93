"""Raw pages: response bodies (pages, captures, files) stored once, zlib-compressed, keyed
by their sha256."""

from __future__ import annotations

import hashlib
import zlib

from corpus.errors import UserError
from corpus.store.base import Store

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
    """`raw_pages`: the one writer of raw bytes (pages, captures, attachments) and its reader."""

    def __init__(self, store: Store):
        self.store = store

    def has(self, sha: str) -> bool:
        return self.store.one("SELECT 1 AS x FROM raw_pages WHERE sha256 = ?", (sha,)) is not None

    def put(self, body: bytes, now: str, *, sha: str | None = None,
            compressed: bytes | None = None) -> str:
        """Keep `body` once (inside the caller's transaction); return its sha256.
        `sha` and `compressed`: computed already, outside the write lock (a page's body
        is compressed before its transaction; None when it was stored already)."""
        sha = sha or hashlib.sha256(body).hexdigest()
        if compressed is None and self.has(sha):
            return sha
        self.store.insert("raw_pages", {
            "sha256": sha, "size": len(body), "compression": "zlib",
            "body": compressed if compressed is not None else compress(body),
            "first_seen": now}, ignore=True)
        return sha

    def get(self, sha: str) -> bytes | None:
        row = self.store.one("SELECT compression, body FROM raw_pages WHERE sha256 = ?", (sha,))
        if row is None:
            return None
        return decompress(row["compression"], row["body"])
