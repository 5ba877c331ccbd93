"""Raw pages: response bodies stored once, keyed by the sha256 of their bytes.

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

LEVEL = 3  # zstd level: zlib 3's speed, more than twice its ratio with a dictionary
BUILD_AFTER = 100  # pages stored without a dictionary before one is built
WINDOW = 200  # latest pages whose ratio is watched
REBUILD_SHARE = 0.5  # the window under this share of the dictionary's ratio: rebuild

_codecs: dict[bytes, tuple] = {}  # dictionary bytes -> (compressor, decompressor)
_latest: dict = {"id": None, "dict": None}  # the dictionary this process used last


@dataclass(frozen=True)
class Packed:
    """A compressed body: what `compress` gives (outside a transaction) to `_store_raw`."""

    compression: str
    dict_bytes: bytes | None
    data: bytes


def _codec(dict_bytes: bytes | None):
    if dict_bytes not in _codecs:
        data = (zstandard.ZstdCompressionDict(dict_bytes, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
                if dict_bytes else None)
        _codecs[dict_bytes] = (zstandard.ZstdCompressor(level=LEVEL, dict_data=data),
                               zstandard.ZstdDecompressor(dict_data=data))
    return _codecs[dict_bytes]


def pack(body: bytes, dict_bytes: bytes | None) -> Packed:
    return Packed("zstd", dict_bytes, _codec(dict_bytes)[0].compress(body))


def compress(body: bytes) -> Packed:
    """Compress with the dictionary this process used last (the writer's); `_store_raw`
    compresses again if that is not its corpus's current one."""
    return pack(body, _latest["dict"])


def decompress(compression: str, body: bytes, dict_bytes: bytes | None = None) -> bytes:
    if compression == "zstd":
        return _codec(dict_bytes)[1].decompress(body)
    if compression == "zlib":
        return zlib.decompress(body)
    if compression == "none":
        return body
    raise UserError(f"unknown raw page compression {compression!r}")


def dictionary(conn, dict_id: int | None) -> bytes | None:
    if dict_id is None:
        return None
    row = conn.execute("SELECT dict FROM raw_dicts WHERE id = ?", (dict_id,)).fetchone()
    if row is None:
        raise UserError(f"raw page dictionary {dict_id} is missing (run `doj-speeches check`)")
    return row[0]


def latest_dictionary(conn) -> tuple[int | None, bytes | None]:
    row = conn.execute("SELECT id, dict FROM raw_dicts ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (None, None)


def insert(conn, sha: str, body: bytes, now: str, packed: Packed | None = None,
           current: tuple | None = None) -> int:
    """One raw page row (kept if present); `current` is (dict id, bytes) to use. Returns
    the stored size."""
    dict_id, dict_bytes = current if current is not None else latest_dictionary(conn)
    if packed is None or packed.dict_bytes != dict_bytes:
        packed = pack(body, dict_bytes)
    conn.execute(
        "INSERT OR IGNORE INTO raw_pages(sha256, size, compression, body, first_seen, dict_id)"
        " VALUES (?, ?, ?, ?, ?, ?)", (sha, len(body), packed.compression, packed.data, now,
                                       dict_id))
    return len(packed.data)


def read(conn, sha: str) -> bytes | None:
    row = conn.execute("SELECT compression, body, dict_id FROM raw_pages WHERE sha256 = ?",
                       (sha,)).fetchone()
    if row is None:
        return None
    return decompress(row[0], row[1], dictionary(conn, row[2]))


class RawPages:
    """Methods of `Corpus` over `raw_pages` and `raw_dicts`."""

    def _has_raw(self, sha: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone() is not None

    def _raw_state(self) -> dict:
        state = self.__dict__.get("_raw")
        if state is None:
            dict_id, dict_bytes = latest_dictionary(self.conn)
            ratio = self.conn.execute("SELECT ratio FROM raw_dicts WHERE id = ?",
                                      (dict_id,)).fetchone() if dict_id else None
            state = self.__dict__["_raw"] = {
                "current": (dict_id, dict_bytes), "ratio": ratio[0] if ratio else None,
                "window": deque(maxlen=WINDOW), "plain": 0}
        _latest["id"], _latest["dict"] = state["current"]
        return state

    def _store_raw(self, sha: str, body: bytes, compressed: Packed | None, now: str) -> None:
        if compressed is None and self._has_raw(sha):
            return
        state = self._raw_state()
        stored = insert(self.conn, sha, body, now, compressed, state["current"])
        state["window"].append((len(body), stored))
        state["plain"] += state["current"][0] is None
        if self._dictionary_due(state):
            self._build_dictionary(state, now)

    def _dictionary_due(self, state: dict) -> bool:
        if state["current"][0] is None:
            return state["plain"] >= BUILD_AFTER
        window = state["window"]
        if len(window) < WINDOW:
            return False
        ratio = sum(r for r, _ in window) / max(1, sum(s for _, s in window))
        return ratio < REBUILD_SHARE * state["ratio"]

    def _build_dictionary(self, state: dict, now: str) -> None:
        """A dictionary from the latest pages; later pages use it (in this transaction)."""
        limit = BUILD_AFTER if state["current"][0] is None else WINDOW
        rows = self.conn.execute(
            "SELECT compression, body, dict_id FROM raw_pages ORDER BY rowid DESC LIMIT ?",
            (limit,)).fetchall()
        pages = [decompress(c, b, dictionary(self.conn, d)) for c, b, d in reversed(rows)]
        built = rawdict.build(pages)
        if built is None:
            return
        dict_bytes, ratio = built
        cur = self.conn.execute(
            "INSERT INTO raw_dicts(created, pages, size, ratio, dict) VALUES (?, ?, ?, ?, ?)",
            (now, len(pages), len(dict_bytes), ratio, dict_bytes))
        state.update(current=(cur.lastrowid, dict_bytes), ratio=ratio, plain=0)
        state["window"].clear()
        _latest["id"], _latest["dict"] = state["current"]

    def raw_page(self, sha: str) -> bytes | None:
        return read(self.conn, sha)

    def recompress(self, progress=None) -> dict:
        """Rewrite every raw page with zstd and a dictionary built from pages spread over
        the whole corpus (every layout), drop the dictionaries no row needs any more,
        and VACUUM to give the space back. Bytes read back are unchanged (a row whose
        bytes do not match its sha256 is left as it is, and counted)."""
        before = self.conn.execute("SELECT coalesce(sum(length(body)), 0) FROM raw_pages").fetchone()[0]
        total = self.conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0]
        step = max(1, total // BUILD_AFTER)
        sample = [decompress(c, b, dictionary(self.conn, d)) for c, b, d in self.conn.execute(
            "SELECT compression, body, dict_id FROM raw_pages WHERE rowid % ? = 0 LIMIT ?",
            (step, BUILD_AFTER))]
        built = rawdict.build(sample)
        with self._tx():
            current = (None, None)
            if built:
                cur = self.conn.execute(
                    "INSERT INTO raw_dicts(created, pages, size, ratio, dict) VALUES (?, ?, ?, ?, ?)",
                    (self._now(), len(sample), len(built[0]), built[1], built[0]))
                current = (cur.lastrowid, built[0])
        skipped = done = 0
        for sha, compression, body, dict_id in self.conn.execute(
                "SELECT sha256, compression, body, dict_id FROM raw_pages").fetchall():
            try:
                raw = decompress(compression, body, dictionary(self.conn, dict_id))
            except Exception:  # noqa: BLE001 - a damaged row: `check` names it
                raw = None
            if raw is None or hashlib.sha256(raw).hexdigest() != sha:
                skipped += 1
                continue
            with self._tx():
                self.conn.execute(
                    "UPDATE raw_pages SET compression = 'zstd', body = ?, dict_id = ?"
                    " WHERE sha256 = ?", (pack(raw, current[1]).data, current[0], sha))
            done += 1
            if progress:
                progress(done, total)
        with self._tx():
            self.conn.execute("DELETE FROM raw_dicts WHERE id IS NOT ? AND id NOT IN"
                              " (SELECT dict_id FROM raw_pages WHERE dict_id IS NOT NULL)",
                              (current[0],))
        self.__dict__.pop("_raw", None)  # the next page stored reads the new dictionary
        self.conn.execute("VACUUM")
        after = self.conn.execute("SELECT coalesce(sum(length(body)), 0) FROM raw_pages").fetchone()[0]
        return {"pages": done, "skipped": skipped, "dictionary": current[0],
                "stored_bytes_before": before, "stored_bytes_after": after}
