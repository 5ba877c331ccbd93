#!/usr/bin/env python
"""Benchmark of the corpus store on generated speech pages (no network).

Generates N pages (default 10,000) by templating the eval pages of tests/fixtures/eval
with seeded synthetic titles, paragraphs and URLs, writes them as files, then times:
the first `import-pages` (extract + store), a re-import of the same files (recognised as
unchanged by raw hash, before extraction), the database bytes per speech, and an export
in each format. Usage:

    python scripts/bench_store.py [--pages 10000] [--seed 1] [--workdir DIR] [--reextract]
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.publish.export import FORMATS, export  # noqa: E402
from corpus.extract import extract  # noqa: E402
from corpus.store.importer import import_pages  # noqa: E402
from corpus.store import Corpus  # noqa: E402

EVAL = ROOT / "tests" / "fixtures" / "eval"
# The vocabulary of the real speeches, so text and its compression look like the corpus.
WORDS = sorted({w.strip(".,;:()“”\"'’‘") for p in EVAL.glob("*.expected.json")
                for w in json.loads(p.read_text("utf-8"))["text"].split()} - {""})


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


class Template:
    """One eval page with the places where title, paragraphs and URL go."""

    def __init__(self, name: str):
        self.name = name
        self.expected = json.loads((EVAL / f"{name}.expected.json").read_text("utf-8"))
        self.archive = self.expected["generation"] == "archive"
        self.codec = "cp1252" if self.archive else "utf-8"
        self.text = (EVAL / f"{name}.html").read_bytes().decode(self.codec)
        self.title = self.expected["title"]
        # Only paragraphs that occur verbatim in the markup can be swapped.
        self.paragraphs = [p for p in self.expected["paragraphs"]
                           if p in self.text or html.escape(p, quote=False) in self.text]

    def render(self, rng: random.Random, index: int) -> tuple[bytes, str, str]:
        title = f"{sentence(rng, 5, 12)[:-1]} {index}"
        url = self.expected["url"]
        new_url = url.rsplit("/", 1)[0] + f"/bench-{index:06d}-" + url.rsplit("/", 1)[1]
        text = self.text.replace(url, new_url)
        for old in {self.title, html.escape(self.title, quote=False)}:
            text = text.replace(old, title)
        for para in self.paragraphs:
            new = " ".join(sentence(rng, 8, 30) for _ in range(rng.randint(1, 6)))
            for old in {para, html.escape(para, quote=False)}:
                text = text.replace(old, new)
        return text.encode(self.codec), new_url, title


def generate(out: Path, count: int, seed: int) -> tuple[list[Path], dict[str, str]]:
    rng = random.Random(seed)
    templates = [Template(p.stem) for p in sorted(EVAL.glob("*.html"))]
    files, url_map = [], {}
    for index in range(count):
        template = templates[index % len(templates)]
        body, url, title = template.render(rng, index)
        path = out / f"{index:06d}-{template.name}.html"
        path.write_bytes(body)
        files.append(path)
        if template.archive:  # archive pages have no canonical link
            url_map[str(path.resolve())] = url
        if index < len(templates):  # the templating must reach the extracted record
            got = extract(body, url)
            assert got.title == title, (template.name, got.title, title)
    return files, url_map


def db_bytes(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep pages and database here")
    parser.add_argument("--reextract", action="store_true", help="also time reextract")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-store-"))
    pages_dir, db = work / "pages", work / "corpus.db"
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    for stale in work.glob("corpus.db*"):
        stale.unlink()

    started = time.perf_counter()
    files, url_map = generate(pages_dir, args.pages, args.seed)
    page_bytes = sum(p.stat().st_size for p in files)
    rows = [("generate pages", time.perf_counter() - started, None, "")]

    with Corpus(db) as corpus:
        for label in ("first import", "re-import (same pages)"):
            crawl = corpus.begin_crawl("bench", {"step": label})
            started = time.perf_counter()
            counts = import_pages(corpus, files, url_map, crawl)
            seconds = time.perf_counter() - started
            corpus.finish_crawl(crawl, dict(counts), 0)
            rows.append((label, seconds, len(files) / seconds,
                         ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
            if label == "first import":
                speeches = corpus.execute("SELECT count(*) FROM speeches").fetchone()[0]
                size_after_first = db_bytes(db)
        if args.reextract:
            started = time.perf_counter()
            result = corpus.reextract()
            seconds = time.perf_counter() - started
            rows.append(("reextract", seconds, result["pages"] / seconds,
                         f"unchanged {result.get('unchanged', 0)}"))
        for fmt in FORMATS:
            started = time.perf_counter()
            manifest = export(corpus, fmt, work / "export" / fmt)
            seconds = time.perf_counter() - started
            [entry] = manifest["files"]
            rows.append((f"export {fmt}", seconds, None,
                         f"{entry['rows']} rows, {entry['bytes'] / 1e6:.1f} MB"))
    size_after_both = db_bytes(db)

    first, again = rows[1][2], rows[2][2]
    print(f"doj-speeches store benchmark: {len(files)} pages ({page_bytes / 1e6:.0f} MB of"
          f" HTML), seed {args.seed}, Python {platform.python_version()},"
          f" SQLite {sqlite3.sqlite_version}, {platform.machine()}")
    print(f"{'step':<26}{'seconds':>9}{'pages/s':>10}  notes")
    for label, seconds, rate, notes in rows:
        shown = f"{rate:>10.0f}" if rate else " " * 10
        print(f"{label:<26}{seconds:>9.2f}{shown}  {notes}")
    print(f"re-import speed-up:        {again / first:.1f}x the first import (target >= 3x)")
    print(f"database bytes per speech: {size_after_first / speeches:,.0f} after the first"
          f" import ({size_after_first / 1e6:.1f} MB for {speeches} speeches);"
          f" {size_after_both / speeches:,.0f} after the re-import (its fetch rows)")
    print(f"work directory: {work}")
    if not args.workdir:
        shutil.rmtree(work)
    return 0 if again >= 3 * first else 1


if __name__ == "__main__":
    sys.exit(main())
