"""Raw pages: response bodies (pages, captures, files) stored once, keyed by the sha256
of their bytes.

Bodies are zstd level 3 with a dictionary built from the corpus's own pages (table
`raw_dicts`): a page's chrome repeats on every page of its layout, so a dictionary that
holds a few pages of each layout turns most of the next page into references. Each row
names its compression (`zstd`; `zlib` for rows written before; `none`) and, for zstd,
the dictionary it needs (`raw_pages.dict_id`, NULL for none). The sha256, the bytes
read back, `reextract` and the WARC export do not depend on how a body is stored.

The library is zstandard, chosen by measurement (scripts/bench_raw.py, docs/storage.md).
The dictionary (corpus/store/rawdict.py builds it) is made when BUILD_AFTER pages are
stored without one, from the latest pages, and made again when the latest WINDOW pages
compress under REBUILD_SHARE of the ratio the dictionary had on its own pages (a new
layout, say). Old dictionaries stay: their rows need them, and `check` knows it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import deque
from dataclasses import dataclass

import zstandard

from corpus.errors import UserError
from corpus.store import rawdict
from corpus.store.base import Store

LEVEL = 3  # zstd level: zlib 3's speed, more than twice its ratio with a dictionary
BUILD_AFTER = 100  # pages stored without a dictionary before one is built
WINDOW = 200  # latest pages whose ratio is watched
REBUILD_SHARE = 0.5  # the window under this share of the dictionary's ratio: rebuild

_codecs: dict[bytes | None, tuple] = {}  # dictionary bytes -> (compressor, decompressor)
_latest: dict = {"dict": None}  # the dictionary this process used last (the writer's)


@dataclass(frozen=True)
class Packed:
    """A compressed body: what `compress` gives (outside a transaction) to `put`."""

    compression: str
    dict_bytes: bytes | None
    data: bytes


def _codec(dict_bytes: bytes | None):
    if dict_bytes not in _codecs:
        data = (zstandard.ZstdCompressionDict(dict_bytes,
                                              dict_type=zstandard.DICT_TYPE_RAWCONTENT)
                if dict_bytes else None)
        _codecs[dict_bytes] = (zstandard.ZstdCompressor(level=LEVEL, dict_data=data),
                               zstandard.ZstdDecompressor(dict_data=data))
    return _codecs[dict_bytes]


def pack(body: bytes, dict_bytes: bytes | None) -> Packed:
    return Packed("zstd", dict_bytes, _codec(dict_bytes)[0].compress(body))


def compress(body: bytes) -> Packed:
    """Compress with the dictionary this process used last (outside the write lock);
    `put` compresses again if that is not its corpus's current one."""
    return pack(body, _latest["dict"])


def decompress(compression: str, body: bytes, dict_bytes: bytes | None = None) -> bytes:
    if compression == "zstd":
        return _codec(dict_bytes)[1].decompress(body)
    if compression == "zlib":
        return zlib.decompress(body)
    if compression == "none":
        return body
    raise UserError(f"unknown raw page compression {compression!r}")


@dataclass
class _Watch:
    """The current dictionary and how well the latest pages compress with it."""

    dict_id: int | None
    dict_bytes: bytes | None
    ratio: float | None
    window: deque
    plain: int = 0  # pages stored with no dictionary


class RawPages:
    """`raw_pages` and `raw_dicts`: the one writer of raw bytes (pages, captures,
    attachments) and their reader."""

    def __init__(self, store: Store):
        self.store = store
        self._watch: _Watch | None = None  # read on first write

    def has(self, sha: str) -> bool:
        return self.store.one("SELECT 1 AS x FROM raw_pages WHERE sha256 = ?", (sha,)) is not None

    def dictionary(self, dict_id: int | None) -> bytes | None:
        if dict_id is None:
            return None
        row = self.store.one("SELECT dict FROM raw_dicts WHERE id = ?", (dict_id,))
        if row is None:
            raise UserError(f"raw page dictionary {dict_id} is missing (run `doj-speeches check`)")
        return row["dict"]

    def read(self, compression: str, body: bytes, dict_id: int | None) -> bytes:
        """The bytes of a stored row (its compression, body and dictionary id)."""
        return decompress(compression, body, self.dictionary(dict_id))

    def get(self, sha: str) -> bytes | None:
        row = self.store.one("SELECT compression, body, dict_id FROM raw_pages WHERE sha256 = ?",
                             (sha,))
        return None if row is None else self.read(row["compression"], row["body"], row["dict_id"])

    def put(self, body: bytes, now: str, *, sha: str | None = None,
            compressed: Packed | None = None) -> str:
        """Keep `body` once (inside the caller's transaction); return its sha256.
        `sha` and `compressed`: computed already, outside the write lock (None when it
        was stored already)."""
        sha = sha or hashlib.sha256(body).hexdigest()
        if compressed is None and self.has(sha):
            return sha
        watch = self._current()
        if compressed is None or compressed.dict_bytes != watch.dict_bytes:
            compressed = pack(body, watch.dict_bytes)
        self.store.insert("raw_pages", {
            "sha256": sha, "size": len(body), "compression": compressed.compression,
            "body": compressed.data, "first_seen": now, "dict_id": watch.dict_id}, ignore=True)
        watch.window.append((len(body), len(compressed.data)))
        watch.plain += watch.dict_id is None
        if self._dictionary_due(watch):
            self._build_dictionary(watch, now)
        return sha

    def _current(self) -> _Watch:
        if self._watch is None:
            row = self.store.one("SELECT id, dict, ratio FROM raw_dicts ORDER BY id DESC LIMIT 1")
            self._watch = _Watch(row and row["id"], row and row["dict"], row and row["ratio"],
                                 deque(maxlen=WINDOW))
        _latest["dict"] = self._watch.dict_bytes
        return self._watch

    @staticmethod
    def _dictionary_due(watch: _Watch) -> bool:
        if watch.dict_id is None:
            return watch.plain >= BUILD_AFTER
        if len(watch.window) < WINDOW:
            return False
        ratio = sum(r for r, _ in watch.window) / max(1, sum(s for _, s in watch.window))
        return ratio < REBUILD_SHARE * watch.ratio

    def _build_dictionary(self, watch: _Watch, now: str) -> None:
        """A dictionary from the latest pages; later pages use it (in this transaction)."""
        limit = BUILD_AFTER if watch.dict_id is None else WINDOW
        rows = self.store.all("SELECT compression, body, dict_id FROM raw_pages"
                              " ORDER BY rowid DESC LIMIT ?", (limit,))
        built = rawdict.build([self.read(r["compression"], r["body"], r["dict_id"])
                               for r in reversed(rows)])
        if built is None:
            return
        dict_bytes, ratio = built
        dict_id = self.store.insert("raw_dicts", {"created": now, "pages": len(rows),
                                                  "size": len(dict_bytes), "ratio": ratio,
                                                  "dict": dict_bytes})
        self._watch = _Watch(dict_id, dict_bytes, ratio, deque(maxlen=WINDOW))
        _latest["dict"] = dict_bytes

    def recompress(self, progress=None) -> dict:
        """Rewrite every raw page with zstd and a dictionary built from pages spread over
        the whole corpus (every layout), drop the dictionaries no row needs any more,
        and VACUUM to give the space back. Bytes read back are unchanged (a row whose
        bytes do not match its sha256 is left as it is, and counted)."""
        stored = "SELECT coalesce(sum(length(body)), 0) AS n FROM raw_pages"
        before = self.store.one(stored)["n"]
        total = self.store.one("SELECT count(*) AS n FROM raw_pages")["n"]
        step = max(1, total // BUILD_AFTER)
        sample = [self.read(r["compression"], r["body"], r["dict_id"]) for r in self.store.all(
            "SELECT compression, body, dict_id FROM raw_pages WHERE rowid % ? = 0 LIMIT ?",
            (step, BUILD_AFTER))]
        built = rawdict.build(sample)
        dict_id, dict_bytes = None, None
        if built:
            with self.store.transaction():
                dict_bytes = built[0]
                dict_id = self.store.insert("raw_dicts", {
                    "created": self.store.now(), "pages": len(sample), "size": len(dict_bytes),
                    "ratio": built[1], "dict": dict_bytes})
        skipped = done = 0
        for row in self.store.all("SELECT sha256, compression, body, dict_id FROM raw_pages"):
            try:
                raw = self.read(row["compression"], row["body"], row["dict_id"])
            except Exception:  # noqa: BLE001 - a damaged row: `check` names it
                raw = None
            if raw is None or hashlib.sha256(raw).hexdigest() != row["sha256"]:
                skipped += 1
                continue
            with self.store.transaction():
                self.store.update("raw_pages", row["sha256"], {
                    "compression": "zstd", "body": pack(raw, dict_bytes).data,
                    "dict_id": dict_id})
            done += 1
            if progress:
                progress(done, total)
        with self.store.transaction():
            self.store.execute("DELETE FROM raw_dicts WHERE id IS NOT ? AND id NOT IN"
                               " (SELECT dict_id FROM raw_pages WHERE dict_id IS NOT NULL)",
                               (dict_id,))
        self._watch = None  # the next page stored reads the new dictionary
        self.store.execute("VACUUM")
        return {"pages": done, "skipped": skipped, "dictionary": dict_id,
                "stored_bytes_before": before, "stored_bytes_after": self.store.one(stored)["n"]}
