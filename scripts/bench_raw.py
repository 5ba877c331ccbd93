#!/usr/bin/env python3
"""How raw pages compress: zlib 3 (the old store) against zstd 3 without and with a
dictionary trained on the corpus's own pages, with each zstd library installed.

    .venv/bin/python scripts/bench_raw.py            # fixtures + 500 replica pages
    .venv/bin/python scripts/bench_raw.py --quick    # fixtures + 200 replica pages

Real pages: the hand-checked pages in tests/fixtures (15 justice.gov pages of every
generation): a dictionary built from half of them, measured on the other half (a
dictionary measured on its own pages would flatter it). Replica pages: built from 100
pages spread over the run, measured on all 500 (its text comes from a small sentence
pool: it flatters any dictionary). Dictionaries: zstd's trainer (COVER, 110 KB) and
ours (corpus/store/rawdict.py: whole pages, one per layout). Prints one row per codec: stored bytes, ratio, compress and decompress MB/s.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("corpus") is None:
    sys.path.insert(0, str(ROOT))

LEVEL = 3
DICT_SIZE = 110 * 1024


def fixture_pages() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures").rglob("*.htm*"))]


def replica_pages(n: int) -> list[bytes]:
    from scraper.replica.site import Site

    site = Site(n, seed=1)
    return [site.speech_page(s).body for s in site.speeches]


def codecs(train: list[bytes]) -> dict:
    """name -> (compress, decompress) for each codec this machine has."""
    from corpus.store import rawdict

    ours = rawdict.build(train)[0]
    out = {"zlib 3 (before)": (lambda b: zlib.compress(b, LEVEL), zlib.decompress)}
    try:
        import zstandard

        plain_c, plain_d = zstandard.ZstdCompressor(level=LEVEL), zstandard.ZstdDecompressor()
        out["zstandard 3, no dictionary"] = (plain_c.compress, plain_d.decompress)
        for name, d in (("zstd's trainer (COVER)", zstandard.train_dictionary(
                            DICT_SIZE, train, k=1024, d=8, level=LEVEL)),
                        ("ours (rawdict)", zstandard.ZstdCompressionDict(
                            ours, dict_type=zstandard.DICT_TYPE_RAWCONTENT))):
            cz = zstandard.ZstdCompressor(level=LEVEL, dict_data=d)
            dz = zstandard.ZstdDecompressor(dict_data=d)
            out[f"zstandard 3, {name}"] = (cz.compress, dz.decompress)
    except ImportError:
        pass
    try:
        from backports import zstd

        d = zstd.ZstdDict(ours, is_raw=True)
        out["backports.zstd 3, ours (rawdict)"] = (lambda b: zstd.compress(b, LEVEL, zstd_dict=d),
                                                   lambda b: zstd.decompress(b, zstd_dict=d))
    except ImportError:
        pass
    return out


def measure(name: str, pages: list[bytes], train: list[bytes]) -> list[tuple]:
    raw = sum(map(len, pages))
    rows = []
    for codec, (comp, decomp) in codecs(train).items():
        c_s = d_s = float("inf")
        for _ in range(3):  # best of 3: the machine is shared
            started = time.perf_counter()
            stored = [comp(p) for p in pages]
            c_s = min(c_s, time.perf_counter() - started)
            started = time.perf_counter()
            assert all(decomp(s) == p for s, p in zip(stored, pages))
            d_s = min(d_s, time.perf_counter() - started)
        size = sum(map(len, stored))
        rows.append((name, codec, raw, size, raw / size, raw / c_s / 1e6, raw / d_s / 1e6))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    real = fixture_pages()
    rows = measure(f"real pages, {len(real[1::2])} (trained on {len(real[::2])} others)",
                   real[1::2], real[::2])
    synthetic = replica_pages(200 if args.quick else 500)
    # Crawl order mixes the generations (sitemap years, listings); the replica's speech
    # list is in date order (archive first), so the first 100 are taken spread out.
    step = max(1, len(synthetic) // 100)
    rows += measure(f"replica pages, {len(synthetic)}", synthetic, synthetic[::step][:100])
    print(f"{'pages':<40} {'codec':<38} {'raw':>10} {'stored':>10} {'ratio':>6} {'comp MB/s':>9}"
          f" {'dec MB/s':>9}")
    for name, codec, raw, size, ratio, c, d in rows:
        print(f"{name:<40} {codec:<38} {raw:>10,} {size:>10,} {ratio:>6.1f} {c:>9.0f} {d:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
