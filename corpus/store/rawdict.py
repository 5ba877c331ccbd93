"""Build the zstd dictionary of raw pages from the corpus's own pages (pure).

A raw-content dictionary: whole pages, picked greedily. A page joins when the
dictionary built so far saves less than half of what the page costs on its own (its
layout is not in it yet), until DICT_BYTES. So about one page of each layout goes in,
whatever the order of the pages. Measured against zstd's trainer (COVER, 110 KB, the same 100 pages): on the
replica's pages 56x against 23x, on the real fixture pages 12.4x against 7.0x
(scripts/bench_raw.py, docs/storage.md).
"""

from __future__ import annotations

import zstandard

LEVEL = 3
DICT_BYTES = 256 * 1024  # at most; zstd's window (2 MB at level 3) holds it and a page
COVERED = 0.5  # a page the dictionary shrinks to this share of its own size is covered


def _size(page: bytes, content: bytes) -> int:
    data = (zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            if content else None)
    return len(zstandard.ZstdCompressor(level=LEVEL, dict_data=data).compress(page))


def build(pages: list[bytes]) -> tuple[bytes, float] | None:
    """(dictionary bytes, ratio it gives these pages), or None when no page fits."""
    content = b""
    for page in pages:
        if page and len(content) + len(page) <= DICT_BYTES \
                and _size(page, content) > COVERED * _size(page, b""):
            content += page
    if not content:
        return None
    data = zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=data)
    stored = sum(len(compressor.compress(p)) for p in pages)
    return content, sum(map(len, pages)) / max(1, stored)
