"""Decoding as browsers do: BOM, HTTP charset, meta charset, then a guess (docs/design.md#d4-encoding)."""

import pytest

from corpus.extract import extract
from tests.conftest import load_case

ARCHIVE_URL = "https://www.justice.gov/archive/ag/speeches/2003/092203milwaukee.htm"


def archive_page(charset_meta: str = "iso-8859-1", body: bytes = b"") -> bytes:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'.encode()
        if charset_meta
        else b""
    )
    return (
        b"<html><head><title>Remarks of Attorney General John Ashcroft</title>" + meta
        + b'<link rel="stylesheet" href="/archive/css/doj.css"></head><body>'
        b'<img src="/archive/images/dojseal.gif" alt="Department of Justice Seal">'
        b'<table width="600"><tr><td><p align="center"><b>Remarks of Attorney General John '
        b"Ashcroft<br>Milwaukee, Wisconsin<br>September 22, 2003</b></p>"
        b"<p>(Note: The Attorney General Often Deviates From Prepared Remarks)</p>"
        + body + b"<p>###</p></td></tr></table></body></html>"
    )


def test_latin1_label_means_windows_1252():
    page = archive_page(body=b"<p>It\x92s a \x93great\x94 day\x85 \x96 truly.</p>")
    speech = extract(page, ARCHIVE_URL)
    assert speech.paragraphs == ["It\u2019s a \u201cgreat\u201d day\u2026 \u2013 truly."]
    assert speech.location == "Milwaukee, Wisconsin"
    assert speech.date == "2003-09-22"
    assert speech.speakers == ["Attorney General John Ashcroft"]
    assert speech.delivery is None


def test_http_charset_wins_over_meta():
    body = "<p>Caf\u00e9 \u2019quoted\u2019.</p>".encode("utf-8")
    page = archive_page(body=body)  # meta says iso-8859-1, bytes are UTF-8
    assert extract(page, ARCHIVE_URL, encoding="utf-8").paragraphs == ["Caf\u00e9 \u2019quoted\u2019."]
    mojibake = extract(page, ARCHIVE_URL).paragraphs[0]
    assert mojibake != "Caf\u00e9 \u2019quoted\u2019."  # the meta alone would mislead: header matters


def test_bom_wins_over_everything():
    body = "<p>Na\u00efve \u201cquotes\u201d.</p>".encode("utf-8")
    page = b"\xef\xbb\xbf" + archive_page(body=body)
    assert extract(page, ARCHIVE_URL, encoding="iso-8859-1").paragraphs == [
        "Na\u00efve \u201cquotes\u201d."
    ]


def test_utf16_with_bom():
    html, expected = load_case("current-lynch-aba-2015")
    page = html.decode("utf-8").encode("utf-16")
    assert extract(page, expected["url"]).paragraphs == expected["paragraphs"]


def test_undeclared_windows_1252_is_guessed_not_mangled():
    page = archive_page(charset_meta="", body=b"<p>The Department\x92s \x93finest\x94 work.</p>")
    speech = extract(page, ARCHIVE_URL)
    assert speech.paragraphs == ["The Department\u2019s \u201cfinest\u201d work."]
    assert "\ufffd" not in speech.text


def test_undeclared_utf8_stays_utf8():
    html, expected = load_case("current-garland-naag-2021")
    page = html.replace(b'<meta charset="utf-8">', b"")
    assert b"charset" not in page[:3000]
    assert extract(page, expected["url"]).paragraphs == expected["paragraphs"]


@pytest.mark.parametrize(
    "codec, header",
    [
        ("utf-16-le", "UTF-16LE"),
        ("utf-16-be", "UTF-16BE"),
        ("utf-16-le", "utf-16"),  # WHATWG: the bare label means little-endian
        ("utf-16-le", "ucs-2"),
        ("utf-16-be", "utf-16"),  # the bytes show the order the header got wrong
    ],
)
def test_utf16_declared_in_the_http_header_without_bom(codec, header):
    html, expected = load_case("current-garland-naag-2021")
    page = html.decode("utf-8").encode(codec)
    assert not page.startswith((b"\xff\xfe", b"\xfe\xff"))
    speech = extract(page, expected["url"], encoding=header)
    assert speech.paragraphs == expected["paragraphs"]
    assert speech.title == expected["title"]
    assert speech.speakers == expected["speakers"]
    assert "\ufffd" not in speech.text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_or_header_is_recognised_by_its_bytes(codec):
    # Only its own <meta charset="utf-16"> says so, which cannot be read before decoding.
    html, expected = load_case("current-lynch-aba-2015")
    text = html.decode("utf-8").replace('<meta charset="utf-8"', '<meta charset="utf-16"')
    assert 'charset="utf-16"' in text
    speech = extract(text.encode(codec), expected["url"])
    assert speech.paragraphs == expected["paragraphs"]
    assert speech.title == expected["title"]


def test_utf16_archive_page_with_curly_quotes():
    body = "<p>It\u2019s a \u201cgreat\u201d day \u2013 truly.</p>".encode("utf-16-le")
    page = archive_page(charset_meta="utf-16").decode("ascii").encode("utf-16-le")
    page = page.replace("<p>###</p>".encode("utf-16-le"), body + "<p>###</p>".encode("utf-16-le"))
    speech = extract(page, ARCHIVE_URL, encoding="utf-16le")
    assert speech.paragraphs == ["It\u2019s a \u201cgreat\u201d day \u2013 truly."]
    assert speech.date == "2003-09-22"


def test_a_utf16_label_over_bytes_that_are_not_utf16_is_not_obeyed():
    # A <meta> saying UTF-16 in an ASCII-compatible page is wrong (WHATWG: UTF-8), and
    # so is a header saying UTF-16 over bytes with no NULs: reading them as UTF-16 would
    # turn the page into CJK nonsense.
    html, expected = load_case("current-lynch-aba-2015")
    meta = html.replace(b'<meta charset="utf-8"', b'<meta charset="utf-16"')
    assert meta != html
    assert extract(meta, expected["url"]).paragraphs == expected["paragraphs"]
    assert extract(html, expected["url"], encoding="utf-16").paragraphs == expected["paragraphs"]
    page = archive_page(charset_meta="utf-16", body=b"<p>The Department\x92s work.</p>")
    assert extract(page, ARCHIVE_URL).paragraphs == ["The Department\u2019s work."]
