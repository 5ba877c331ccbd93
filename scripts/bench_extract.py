#!/usr/bin/env python3
"""Extraction benchmark: accuracy on the eval pages and their markup variants, pages/s,
a 20 MB page, and body token F1 against trafilatura on the variant families by shape.

    python scripts/bench_extract.py [--rounds 200] [--no-trafilatura]

Prints one table, then one line per family by shape: ours and trafilatura's mean body
token F1 (scripts/bench.py's `token_prf`, as the crawl benchmark scores them).
lxml vs BeautifulSoup(lxml) parse time is measured on the same pages
so the "keep the hot path on lxml" choice stays checked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.extract import extract  # noqa: E402

EVAL = ROOT / "tests" / "fixtures" / "eval"
FIELDS = ["title", "date", "location", "delivery", "speakers", "components", "topics",
          "updated", "paragraphs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--no-trafilatura", action="store_true",
                        help="skip the F1 comparison on the families by shape")
    args = parser.parse_args()

    cases = []
    for html_path in sorted(EVAL.glob("*.html")):
        expected = json.loads(html_path.with_suffix("").with_suffix(".expected.json").read_text())
        cases.append((html_path.read_bytes(), expected))

    fields_ok = total = pages_ok = 0
    for html, expected in cases:
        got = extract(html, expected["url"]).to_dict()
        hits = sum(got[f] == expected[f] for f in FIELDS)
        fields_ok += hits
        total += len(FIELDS)
        pages_ok += hits == len(FIELDS)

    # The same records in markup we were not built against (tests/variants.py).
    from tests.variants import variants

    variant_pages = variant_ok = 0
    for _, page, expected in variants():
        got = extract(page, expected["url"]).to_dict()
        variant_pages += 1
        variant_ok += all(got[f] == expected[f] for f in ["generation", *FIELDS])

    start = time.perf_counter()
    for _ in range(args.rounds):
        for html, expected in cases:
            extract(html, expected["url"])
    elapsed = time.perf_counter() - start
    n = args.rounds * len(cases)
    size = sum(len(h) for h, _ in cases) * args.rounds

    import lxml.html
    from bs4 import BeautifulSoup

    start = time.perf_counter()
    for _ in range(20):
        for html, _ in cases:
            lxml.html.document_fromstring(html)
    lxml_s = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(20):
        for html, _ in cases:
            BeautifulSoup(html, "lxml")
    bs4_s = time.perf_counter() - start

    html, expected = next(c for c in cases if c[1]["generation"] == "current")
    filler = b"<p>Paragraph of a very long speech &ndash; with\xc2\xa0spaces.</p>\n" * 330_000
    marker = b'field_body">'  # inside the speech body, so all of it is speech text
    big = html.replace(marker, marker + filler, 1)
    start = time.perf_counter()
    speech = extract(big, expected["url"])
    big_s = time.perf_counter() - start

    rows = [
        ("eval pages", len(cases)),
        ("pages exactly right", f"{pages_ok}/{len(cases)}"),
        ("fields right", f"{fields_ok}/{total} ({fields_ok / total:.1%})"),
        ("markup variants exactly right", f"{variant_ok}/{variant_pages}"),
        ("extraction pages/s", f"{n / elapsed:,.0f}"),
        ("extraction MB/s", f"{size / elapsed / 1e6:,.1f}"),
        ("ms per page", f"{elapsed / n * 1000:.2f}"),
        ("parse only, lxml vs bs4(lxml)", f"{bs4_s / lxml_s:.1f}x faster with lxml"),
        (f"{len(big) / 1e6:.1f} MB page", f"{big_s:.2f} s, {len(speech.paragraphs):,} paragraphs"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if not args.no_trafilatura:
        shape_f1()


def shape_f1() -> None:
    """Mean body token F1 per family by shape (tests/variants_shapes.py): ours, trafilatura's."""
    import logging

    import trafilatura

    from scripts.bench import token_prf
    from tests.variants import variants
    from tests.variants_shapes import SHAPE_FAMILIES

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    scores: dict = {}
    for name, page, expected in variants():
        family = name.split("/")[1]
        if family not in SHAPE_FAMILIES and family != "bold-title":
            continue
        try:
            ours = extract(page, expected["url"]).text
        except Exception:  # NotASpeech, ExtractError: nothing extracted
            ours = ""
        theirs = trafilatura.extract(page, url=expected["url"], include_comments=False,
                                     favor_precision=False) or ""
        row = scores.setdefault(family, [[], []])
        row[0].append(token_prf(ours, expected["text"])[2])
        row[1].append(token_prf(theirs, expected["text"])[2])
    print(f"\n{'family by shape':<16} {'pages':>5} {'ours F1':>8} {'trafilatura F1':>15}")
    for family, (ours, theirs) in scores.items():
        print(f"{family:<16} {len(ours):>5} {sum(ours) / len(ours):>8.3f}"
              f" {sum(theirs) / len(theirs):>15.3f}")


if __name__ == "__main__":
    main()
