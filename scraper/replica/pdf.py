"""A tiny PDF writer for the replica's attachments: paragraphs of text with a real text
layer, in the standard Helvetica font, so the demo needs no PDF library (reportlab is a
test dependency only) and pdfminer reads back exactly the paragraphs written.

Each paragraph is wrapped at spaces into lines close together; paragraphs are set a
blank line apart, so pdfminer's layout analysis gives one text box per paragraph.
Text is WinAnsi (cp1252): curly quotes, dashes and the ellipsis of the synthetic speeches
are in it; anything else becomes "?".
"""

from __future__ import annotations

import textwrap

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US letter, points
MARGIN = 72
FONT_SIZE = 11
LEADING = 14  # between lines of a paragraph
PARAGRAPH_GAP = 14  # extra space between paragraphs
WRAP = 88  # characters a line; Helvetica 11 pt averages ~5.3 pt a character


def _escape(line: str) -> bytes:
    data = line.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pages(paragraphs: list[str]) -> list[list[list[str]]]:
    """Paragraphs (as lists of lines) per page; a paragraph longer than a page is split."""
    usable = PAGE_HEIGHT - 2 * MARGIN
    pages, page, used = [], [], 0
    for paragraph in paragraphs:
        lines = textwrap.wrap(" ".join(paragraph.split()), WRAP) or [""]
        while lines:
            room = (usable - used) // LEADING
            # A paragraph moves whole to the next page when it fits there (a split one
            # would read back as two paragraphs).
            if room <= 0 or (page and len(lines) > room and len(lines) <= usable // LEADING):
                pages.append(page)
                page, used = [], 0
                continue
            chunk, lines = lines[:room], lines[room:]
            page.append(chunk)
            used += len(chunk) * LEADING + PARAGRAPH_GAP
    if page or not pages:
        pages.append(page)
    return pages


def _content(page: list[list[str]]) -> bytes:
    out = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING]
    y = PAGE_HEIGHT - MARGIN - FONT_SIZE
    for lines in page:
        out.append(b"1 0 0 1 %d %d Tm" % (MARGIN, y))
        for n, line in enumerate(lines):
            out.append((b"T* " if n else b"") + b"(" + _escape(line) + b") Tj")
        y -= len(lines) * LEADING + PARAGRAPH_GAP
    out.append(b"ET")
    return b"\n".join(out)


def make_pdf(paragraphs: list[str], title: str = "") -> bytes:
    """A PDF whose text layer is `paragraphs`, one text block each (deterministic bytes)."""
    pages = _pages(list(paragraphs))
    first_page = 4  # objects: 1 catalog, 2 page tree, 3 font, then (page, content) pairs
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, page in enumerate(pages):
        content = _content(page)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]"
            f" /Resources << /Font << /F1 3 0 R >> >> /Contents {first_page + 2 * i + 1} 0 R >>"
            .encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    info = len(objects) + 1
    objects.append(b"<< /Title (" + _escape(title) + b") /Producer (doj-speeches replica) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, info, xref))
    return bytes(out)
