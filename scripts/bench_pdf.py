#!/usr/bin/env python3
"""PDF text libraries compared on generated PDFs whose text is known.

    python scripts/bench_pdf.py [--pages 40] [--rounds 3]

Makes PDFs with reportlab (a test dependency): several pages of paragraphs, a
two-column page, non-ASCII text (curly quotes, accents, dashes) in a standard font and
in an embedded TrueType subset, and a scanned-like page (an image, no text layer). Each
library's output is scored against the known text:

- token F1: whitespace tokens, as multisets (order-free; quotes and accents must match);
- paragraphs whole: share of known paragraphs found as one paragraph of the output;
- paragraphs in order: share of known paragraphs found, in order, as a run of the
  whitespace-normalised output text (catches interleaved columns);
- scan flagged: the text-less page gives no text (so the caller can warn);
- pages/s over the whole set.

Each library gets the same paragraph rule where it gives positions (pdfminer's text
boxes, PyMuPDF's blocks); pypdf gives lines only, so its paragraphs are blank-line runs.
"""

from __future__ import annotations

import argparse
import collections
import io
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("justice department enforcement antitrust competition consumers workers court "
         "prosecutors civil rights communities victims grants program agents fraud "
         "congress testimony statute section division attorney general national security "
         "public safety trust budget").split()
ODD = ["Department\u2019s", "\u201cfair\u201d", "caf\u00e9", "na\u00efve", "r\u00e9sum\u00e9",
       "2019\u20132021", "S\u00e3o", "Ni\u00f1o", "\u00a7\u00a0973", "fianc\u00e9e"]


def _paragraph(rnd: random.Random, odd: bool) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(25, 70))]
    if odd:
        for _ in range(3):
            words.insert(rnd.randrange(len(words)), rnd.choice(ODD).replace("\u00a0", " "))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _lines(paragraphs, x, top, width, font, size, gap=1.0):
    """(x, y, line) of paragraphs set in a column, a blank line between paragraphs."""
    from reportlab.lib.utils import simpleSplit

    y, lead, out = top, size * 1.35, []
    for para in paragraphs:
        for line in simpleSplit(para, font, size, width):
            out.append((x, y, line))
            y -= lead
        y -= lead * gap
    return out


def _draw(c, lines, font, size, word_by_word=False):
    """Draw lines; word_by_word places each word alone, no space characters in the
    content stream (as justified text from word processors often is)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    c.setFont(font, size)
    for x, y, line in lines:
        if not word_by_word:
            c.drawString(x, y, line)
            continue
        for word in line.split(" "):
            c.drawString(x, y, word)
            x += stringWidth(word + " ", font, size) + 1.5


def make_pdf(pages: int = 40, seed: int = 1) -> tuple[bytes, list[list[str]]]:
    """A PDF and the known paragraphs of each page ([] for the scanned-like page)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # ships with reportlab
    rnd = random.Random(seed)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    width, height = letter
    truth: list[list[str]] = []
    for number in range(pages):
        kind = number % 8
        if kind in (5, 6):  # two columns; 6 draws them line by line across the page
            left = [_paragraph(rnd, False) for _ in range(3)]
            right = [_paragraph(rnd, False) for _ in range(3)]
            col = (width - 72 * 2 - 24) / 2
            a = _lines(left, 72, height - 72, col, "Helvetica", 9)
            b = _lines(right, 72 + col + 24, height - 72, col, "Helvetica", 9)
            if kind == 6:
                order = sorted(a + b, key=lambda line: (-line[1], line[0]))
                _draw(c, order, "Helvetica", 9)
            else:
                _draw(c, a + b, "Helvetica", 9)
            truth.append(left + right)
        elif kind == 7:  # scanned-like: an image of text, no text layer
            c.setFillGray(0.85)
            for row in range(40):
                c.rect(72, height - 90 - row * 16, rnd.randint(250, 460), 9, stroke=0, fill=1)
            c.setFillGray(0)
            truth.append([])
        else:
            font = "Vera" if kind == 3 else "Helvetica"
            paragraphs = [_paragraph(rnd, odd=kind in (2, 3)) for _ in range(5)]
            _draw(c, _lines(paragraphs, 72, height - 72, width - 144, font, 11), font, 11,
                  word_by_word=kind == 4)
            truth.append(paragraphs)
        c.showPage()
    c.save()
    return buf.getvalue(), truth


# ---- the libraries: bytes -> list of paragraphs per page ----

def _squash(text: str) -> str:
    return " ".join(text.split())


def run_pypdf(data: bytes) -> list[list[str]]:
    import pypdf

    out = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        text = page.extract_text() or ""
        out.append([_squash(p) for p in re.split(r"\n\s*\n", text) if p.strip()])
    return out


def run_pdfminer(data: bytes) -> list[list[str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    out = []
    for layout in extract_pages(io.BytesIO(data), laparams=LAParams()):
        out.append([_squash(box.get_text()) for box in layout
                    if isinstance(box, LTTextContainer) and box.get_text().strip()])
    return out


def run_pymupdf(data: bytes) -> list[list[str]]:
    import pymupdf

    out = []
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            out.append([_squash(b[4]) for b in page.get_text("blocks") if b[6] == 0 and b[4].strip()])
    return out


def run_ours(data: bytes) -> list[list[str]]:
    from corpus.extract.attachments import pdf_text

    got = pdf_text(data, max_pages=10_000)
    return [[_squash(p) for p in page] for page in got.page_paragraphs]


LIBRARIES = {"pypdf": run_pypdf, "pdfminer.six": run_pdfminer, "pymupdf": run_pymupdf,
             "corpus.extract.attachments (pdfminer.six)": run_ours}


# ---- scoring ----

def token_f1(truth: list[str], got: list[str]) -> float:
    want = collections.Counter(t for p in truth for t in p.split())
    have = collections.Counter(t for p in got for t in p.split())
    common = sum((want & have).values())
    if not common:
        return 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def score(truth: list[list[str]], got: list[list[str]]) -> dict:
    flat_truth = [p for page in truth for p in page]
    flat_got = [p for page in got for p in page]
    whole = sum(1 for p in flat_truth if p in set(flat_got))
    text, pos, ordered = " ".join(flat_got), 0, 0
    for p in flat_truth:
        found = text.find(p, pos)
        if found >= 0:
            ordered, pos = ordered + 1, found + len(p)
    scans = [i for i, page in enumerate(truth) if not page]
    return {
        "f1": token_f1(flat_truth, flat_got),
        "whole": whole / len(flat_truth),
        "ordered": ordered / len(flat_truth),
        "scan_flagged": all(i < len(got) and not got[i] for i in scans),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data, truth = make_pdf(args.pages)
    print(f"{args.pages} pages, {len(data):,} bytes, "
          f"{sum(len(p) for p in truth)} known paragraphs\n")
    print(f"{'library':34} {'token F1':>8} {'paras whole':>11} {'in order':>8} "
          f"{'scan':>5} {'pages/s':>8}")
    for name, run in LIBRARIES.items():
        try:
            got = run(data)
        except ImportError as exc:
            print(f"{name:34} not installed ({exc.name})")
            continue
        started = time.perf_counter()
        for _ in range(args.rounds):
            run(data)
        rate = args.pages * args.rounds / (time.perf_counter() - started)
        s = score(truth, got)
        print(f"{name:34} {s['f1']:8.3f} {s['whole']:11.3f} {s['ordered']:8.3f} "
              f"{'yes' if s['scan_flagged'] else 'no':>5} {rate:8.0f}")


if __name__ == "__main__":
    main()
