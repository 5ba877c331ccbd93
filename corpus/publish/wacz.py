"""`export --format wacz`: the WARC packed as a WACZ (Web Archive Collection Zipped, 1.1.1)
by py-wacz, which indexes it, lists its pages and writes the package's datapackage.json
with a sha256 of each file. ReplayWeb.page opens it as it is; `wacz validate -f` checks
it. py-wacz stamps the package with the time it was made, so unlike the WARC a WACZ of
the same corpus is not byte-identical.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from corpus.errors import CorpusError, UserError
from corpus.publish.manifest import sha256

WACZ_NAME = "pages.wacz"
PAGES_NAME = "pages.jsonl"  # the WACZ's list of pages to open: each speech page fetched
TITLE = "doj-speeches: justice.gov speech pages"


def write_wacz(out: Path, written: dict) -> dict:
    """Pack `out`'s pages.warc.gz (as `write_warc` left it) into pages.wacz; the WARC
    and CDXJ are removed (the WACZ holds both). Returns the file's manifest entry."""
    try:
        from wacz.main import main as wacz_main
    except ImportError:
        raise UserError("--format wacz needs py-wacz: pip install wacz") from None
    warc, target = out / written["warc"]["name"], out / WACZ_NAME
    pages = out / PAGES_NAME
    _write_pages(pages, written["pages"])
    try:
        with contextlib.redirect_stdout(sys.stderr):  # py-wacz prints its progress
            code = wacz_main(["create", "-o", str(target), "-p", str(pages), "--title",
                              TITLE, str(warc)])
    finally:
        pages.unlink(missing_ok=True)
    if code != 0 or not target.is_file():
        raise CorpusError(f"py-wacz could not pack {warc} (exit {code})")
    warc.unlink()
    (out / written["cdxj"]["name"]).unlink(missing_ok=True)
    return {"name": target.name, "rows": written["records"], "bytes": target.stat().st_size,
            "sha256": sha256(target)}


def _write_pages(path: Path, pages: list[dict]) -> None:
    """pages.jsonl of the WACZ spec: a header line, then one page (url, ts, title) each;
    py-wacz's own detection wants a browser's referrers, which a crawl has none of."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Speech pages"}]
    lines += [{"id": f"p{n}", **page} for n, page in enumerate(pages, start=1)]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
