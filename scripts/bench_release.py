#!/usr/bin/env python
"""Benchmark of `release` on a replica corpus (no network, no HTTP server).

Builds a corpus of N replica speeches (default 20,000) by rendering the replica's pages
in process and recording them through the store (as scripts/bench_store.py imports its
pages), then changes the replica (edited, removed and added speeches) and records the
changed pages, so the corpus has versions and gone speeches. Then times a release in
each format, the second Parquet release with --previous, and a WARC export; prints
seconds and sizes. Usage:

    python scripts/bench_release.py [--speeches 20000] [--seed 1] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.publish.export import export  # noqa: E402
from corpus.publish.release import Meta, release  # noqa: E402
from corpus.store import Corpus  # noqa: E402
from scraper.replica.server import build_response  # noqa: E402
from scraper.replica.site import Site  # noqa: E402


def fetch(site: Site, corpus: Corpus, sid: str, crawl: int) -> str:
    s = site.speech(sid)
    response = build_response(site.respond(s.path), {})
    return corpus.record_page("https://www.justice.gov" + s.path, response.status,
                              dict(response.headers), response.body, crawl)


def build(db: Path, speeches: int, seed: int) -> tuple[Corpus, dict]:
    site = Site(speeches, seed)
    corpus = Corpus(db)
    crawl = corpus.begin_crawl("bench", {"step": "backfill"})
    for s in site.speeches:
        fetch(site, corpus, s.cid, crawl)
    corpus.finish_crawl(crawl, {}, 0)
    first_moment = corpus.now()
    changed = max(1, speeches // 50)  # 2% edited, 0.5% removed, 1% added
    ids = site.mutate(change=changed, remove=max(1, speeches // 200),
                      add=max(1, speeches // 100))
    crawl = corpus.begin_crawl("bench", {"step": "after change"})
    for key in ("changed", "added", "removed"):
        for sid in ids.get(key, []):
            fetch(site, corpus, sid, crawl)
    corpus.finish_crawl(crawl, {}, 0)
    return corpus, {"first": first_moment,
                    **{k: len(v) for k, v in ids.items() if isinstance(v, list)}}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and releases here")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-release-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    started = time.perf_counter()
    corpus, made = build(work / "corpus.db", args.speeches, args.seed)
    build_seconds = time.perf_counter() - started
    versions = corpus.execute("SELECT count(*) FROM speech_versions").fetchone()[0]
    gone = corpus.execute("SELECT count(*) FROM speeches WHERE status = 'gone'"
                               ).fetchone()[0]
    rows = []
    meta = Meta("bench")
    first = work / "first"
    runs = [("parquet, as of the first crawl", "parquet", first,
             dict(as_of=made["first"])),
            ("parquet, --previous", "parquet", work / "parquet", dict(previous=first)),
            ("jsonl", "jsonl", work / "jsonl", {}), ("csv", "csv", work / "csv", {})]
    for label, fmt, out, extra in runs:
        started = time.perf_counter()
        manifest = release(corpus, out, fmt=fmt, meta=meta, **extra)
        seconds = time.perf_counter() - started
        counts = {f["table"]: f["rows"] for f in manifest["files"]}
        note = f"{counts['speeches']} speeches, {counts['speech_versions']} versions"
        if "changes" in manifest:
            note += ", changes " + ", ".join(f"{n} {k}" for k, n in manifest["changes"].items())
        rows.append((f"release {label}", seconds, folder_bytes(out), note))
    started = time.perf_counter()
    manifest = export(corpus, "warc", work / "warc")
    rows.append(("export --format warc", time.perf_counter() - started,
                 folder_bytes(work / "warc"), f"{manifest['files'][0]['rows']} records"))
    corpus.close()

    print(f"doj-speeches release benchmark: {args.speeches} replica speeches, seed"
          f" {args.seed}, Python {platform.python_version()}, {platform.machine()}")
    print(f"corpus built in {build_seconds:.1f} s: {versions} versions, {gone} gone"
          f" (replica change: {made.get('changed', 0)} edited, {made.get('removed', 0)}"
          f" removed, {made.get('added', 0)} added)")
    print(f"{'step':<40}{'seconds':>9}{'MB':>9}  notes")
    for label, seconds, size, note in rows:
        print(f"{label:<40}{seconds:>9.2f}{size / 1e6:>9.1f}  {note}")
    print(f"work directory: {work}")
    if not args.workdir:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
