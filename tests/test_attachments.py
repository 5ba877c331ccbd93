"""Attachments: PDF text against PDFs made here with known text, links found on pages,
the API field, and bodies that only point to their PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from corpus.extract.attachments import (Attachment, api_attachments, find_attachments,
                                is_pointer_only, pdf_text)

EVAL = Path(__file__).parent / "fixtures" / "eval"
WIDTH, HEIGHT = letter
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # ships with reportlab

P1 = "The Department\u2019s \u201cfair competition\u201d work protects consumers in S\u00e3o Paulo and na\u00efve caf\u00e9 owners alike."
P2 = ("Our antitrust enforcement in 2019\u20132021 brought cases against cartels that raised prices "
      "for families, workers and small businesses across the country, and we will keep at it.")
P3 = "Thank you, Chairman Marino, for the opportunity to testify today."


def _column(c, paragraphs, x, width, font="Helvetica", size=11):
    y = HEIGHT - 72
    c.setFont(font, size)
    for para in paragraphs:
        for line in simpleSplit(para, font, size, width):
            c.drawString(x, y, line)
            y -= size * 1.35
        y -= size * 1.35


def make_pdf(pages, **canvas_args) -> bytes:
    """pages: a list of page specs: list of paragraphs, ("two", left, right), ("vera", paras),
    ("scan",), ("numbered", paras, n)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1, **canvas_args)
    for spec in pages:
        if isinstance(spec, list):
            _column(c, spec, 72, WIDTH - 144)
        elif spec[0] == "two":
            col = (WIDTH - 144 - 24) / 2
            _column(c, spec[1], 72, col, size=9)
            _column(c, spec[2], 72 + col + 24, col, size=9)
        elif spec[0] == "vera":
            _column(c, spec[1], 72, WIDTH - 144, font="Vera")
        elif spec[0] == "numbered":
            _column(c, spec[1], 72, WIDTH - 144)
            c.setFont("Helvetica", 9)
            c.drawCentredString(WIDTH / 2, 36, f"Page {spec[2]} of 9")
        elif spec[0] == "scan":
            for row in range(30):
                c.rect(72, HEIGHT - 90 - row * 16, 300 + row * 5, 9, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_paragraphs_pages_and_non_ascii_text_come_back_exactly():
    got = pdf_text(make_pdf([[P1, P2], ("vera", [P1, P3])]))
    assert got.warnings == []
    assert got.pages == 2
    assert got.paragraphs == [P1, P2, P1, P3]
    assert got.page_paragraphs == [[P1, P2], [P1, P3]]
    assert got.text == "\n\n".join([P1, P2, P1, P3])


def test_two_columns_are_read_left_then_right():
    left = [P2, P3 + " Left again.", "The left column ends here with this short closing paragraph."]
    right = [P1, "The right column has its own paragraphs, read after the left ones.", P3]
    got = pdf_text(make_pdf([("two", left, right)]))
    assert got.paragraphs == left + right


def test_scanned_pages_are_warned_about_not_invented():
    mixed = pdf_text(make_pdf([[P1], ("scan",), [P3]]))
    assert mixed.paragraphs == [P1, P3]
    assert mixed.pages == 3
    assert mixed.warnings == ["pdf-no-text-layer: pages 2"]
    scan = pdf_text(make_pdf([("scan",), ("scan",)]))
    assert (scan.text, scan.paragraphs, scan.pages) == ("", [], 2)
    assert scan.warnings == ["pdf-no-text: no page has a text layer (a scan?)"]


def test_page_numbers_are_not_paragraphs():
    got = pdf_text(make_pdf([("numbered", [P1], 1), ("numbered", [P3], 2)]))
    assert got.paragraphs == [P1, P3]


def test_bounds_pages_and_bytes():
    data = make_pdf([[P1], [P2], [P3], [P1]])
    got = pdf_text(data, max_pages=2)
    assert got.paragraphs == [P1, P2]
    assert got.pages == 4
    assert got.warnings == ["pdf-truncated: read 2 of 4 pages"]
    big = pdf_text(data, max_bytes=len(data) - 1)
    assert big.paragraphs == [] and big.text == ""
    assert big.warnings == [f"pdf-too-large: {len(data)} bytes > {len(data) - 1}"]


@pytest.mark.parametrize("data", [
    b"",
    b"<html><body>Not found</body></html>",
    b"%PDF-1.4\n" + bytes(range(256)) * 40,
    b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
])
def test_broken_files_give_a_warning_never_an_exception(data):
    got = pdf_text(data)
    assert got.paragraphs == [] and got.text == ""
    assert len(got.warnings) == 1 and got.warnings[0].startswith("pdf-unreadable: ")


def test_a_truncated_pdf_keeps_what_it_can_or_warns():
    data = make_pdf([[P1], [P2], [P3]])
    got = pdf_text(data[: len(data) // 2])
    # Either pages before the cut are read, or the file is reported unreadable; never
    # silent: a partial result must carry a warning or be whole.
    assert got.warnings or got.paragraphs == [P1, P2, P3]
    assert set(got.paragraphs) <= {P1, P2, P3}


def test_password_protected_pdf_is_a_warning_and_owner_only_protection_reads():
    locked = pdf_text(make_pdf([[P1]], encrypt="secret"))
    assert locked.paragraphs == []
    assert len(locked.warnings) == 1 and locked.warnings[0].startswith("pdf-encrypted: ")

    from reportlab.lib.pdfencrypt import StandardEncryption

    copy_protected = StandardEncryption("", ownerPassword="owner", canCopy=0)
    got = pdf_text(make_pdf([[P1, P3]], encrypt=copy_protected))
    assert got.paragraphs == [P1, P3] and got.warnings == []


# ---- finding attachments ----

def test_the_real_attachment_block_of_a_testimony_page():
    html = (EVAL / "current-delrahim-house-2017.html").read_bytes()
    found = find_attachments(html, "https://www.justice.gov/opa/speech/file")
    assert found == [Attachment("https://www.justice.gov/opa/file/1016191/download",
                                "testimony.pdf", "application/pdf")]


def test_real_speech_pages_without_files_have_no_attachments():
    for page in EVAL.glob("*.html"):
        if page.name != "current-delrahim-house-2017.html":
            assert find_attachments(page.read_bytes(), "https://www.justice.gov/opa/speech/x") == [], page


def test_body_links_to_files_on_the_site_only():
    html = b"""<html><body>
      <header><a href="/d9/header-logo.pdf">logo</a></header>
      <nav><a href="/file/1/download">menu file</a></nav>
      <main><div class="field_body">
        <p>Plain text version of this speech is not available, see the
           <a href="/atr/speech/file/1234/download">text accessible PDF version</a>.</p>
        <p>Also <a href="https://www.justice.gov/sites/default/files/opa/legacy/2009/remarks.PDF#page=2">the
           remarks [PDF]</a> and <a href="http://www.usdoj.gov/archive/ag/speeches/2004/x.pdf">an old one</a>,
           <a href="https://www.uscourts.gov/file/9/download">a court's file</a>,
           <a href="https://www.justice.gov/atr/speech/file/1234/download">the same again</a>,
           <a href="/opa/speech/another-speech">a speech</a>,
           <a href="/file/77/download"></a>, <a href="mailto:x@justice.gov">mail</a></p>
      </div></main>
      <footer><a href="/d9/privacy.pdf">privacy</a></footer></body></html>"""
    found = find_attachments(html, "https://www.justice.gov/atr/speech/remarks")
    assert found == [
        Attachment("https://www.justice.gov/atr/speech/file/1234/download",
                   "text accessible PDF version", "application/octet-stream"),
        Attachment("https://www.justice.gov/sites/default/files/opa/legacy/2009/remarks.PDF",
                   "the remarks", "application/pdf"),
        Attachment("http://www.usdoj.gov/archive/ag/speeches/2004/x.pdf", "an old one",
                   "application/pdf"),
        Attachment("https://www.justice.gov/file/77/download", "77", "application/octet-stream"),
    ]


def test_a_replica_base_url_counts_as_the_site():
    html = b'<html><body><p><a href="/opa/file/5/download">Download speech.pdf</a></p></body></html>'
    found = find_attachments(html, "http://127.0.0.1:8123/opa/speech/x")
    assert found == [Attachment("http://127.0.0.1:8123/opa/file/5/download", "speech.pdf",
                                "application/pdf")]


def test_broken_html_finds_nothing_without_crashing():
    assert find_attachments(b"", "https://www.justice.gov/x") == []
    assert find_attachments(b"\x00\xff<<<", "https://www.justice.gov/x") == []


def test_api_attachment_field_in_its_possible_shapes():
    base = "https://www.justice.gov"
    assert api_attachments([], base) == []
    assert api_attachments(None, base) == []
    got = api_attachments([
        {"filename": "testimony.pdf", "filemime": "application/pdf",
         "url": "https://www.justice.gov/sites/default/files/testimonies/witnesses/attachments/2017/12/12/t.pdf"},
        {"name": "Remarks", "uri": "/opa/file/99/download"},
        "/opa/file/100/download",
        {"filename": "no-url.pdf"},
        {"uri": "public://private.pdf"},
        42,
    ], base)
    assert got == [
        Attachment("https://www.justice.gov/sites/default/files/testimonies/witnesses/attachments/2017/12/12/t.pdf",
                   "testimony.pdf", "application/pdf"),
        Attachment("https://www.justice.gov/opa/file/99/download", "Remarks", "application/octet-stream"),
        Attachment("https://www.justice.gov/opa/file/100/download", "100", "application/octet-stream"),
    ]
    single = api_attachments({"url": "/opa/file/3/download", "filename": "a.pdf"}, base)
    assert single == [Attachment("https://www.justice.gov/opa/file/3/download", "a.pdf", "application/pdf")]


# ---- pointer-only bodies ----

@pytest.mark.parametrize("paragraphs", [
    ["Plain text version of this speech is not available, see the text accessible PDF version"],
    ["Plain text version of this testimony is not available. Please see the PDF version below."],
    ["Plain text version of this speech is not available, see the text accessible PDF version.", "###"],
    ["The full text of this testimony is available as a PDF.", "Download testimony.pdf"],
    ["Click here to view the full text."],
    ["See attached PDF."],
])
def test_pointer_only_bodies(paragraphs):
    assert is_pointer_only(paragraphs)


@pytest.mark.parametrize("paragraphs", [
    [],
    [""],
    [P3],
    ["Plain text version of this speech is not available, see the text accessible PDF version", P2],
    ["Thank you. Please see the attached PDF for our budget figures, which show growth in every year."],
    ["Plain text version of this speech is not available " + "really " * 80],
])
def test_bodies_with_text_are_not_pointers(paragraphs):
    assert not is_pointer_only(paragraphs)
