"""Bad input gets a typed error with a reason, or an honest partial record: never a crash."""

import random

import pytest

from corpus.errors import ExtractError, NotASpeech
from corpus.extract import extract
from tests.conftest import REAL, load_case

URL = "https://www.justice.gov/opa/speech/x"


@pytest.mark.parametrize(
    "path, reason",
    [
        ("listing/current_olc-opinions_listing_2023.html", "landing_page"),
        ("listing/d7_olc-opinions_listing_2022.html", "listing"),
        ("listing/d7_olc-opinions_listing_2017.html", ""),
        ("other/current_eoir-bia-volume28_page_2023.html", "'page' page"),
        ("other/current_eoir-bia-volume28_page_2024_trimmed.html", "'page' page"),
        ("other/d7_eoir-bia-volume28_node-page_2021.html", "Drupal 7 'page'"),
    ],
)
def test_real_pages_that_are_not_speeches(path, reason):
    with pytest.raises(NotASpeech) as info:
        extract((REAL / path).read_bytes(), "https://www.justice.gov/olc/opinions")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty page"),
        (b" \n\t ", "empty page"),
        (bytes(range(256)) * 40, "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 ...", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"\x1f\x8b\x08\x00junk", "gzip"),
    ],
)
def test_unreadable_input(data, reason):
    with pytest.raises(ExtractError) as info:
        extract(data, URL)
    assert reason in str(info.value)
    assert not isinstance(info.value, NotASpeech)


def test_plain_html_is_not_a_speech():
    with pytest.raises(NotASpeech):
        extract(b"<html><head><title>Hi</title></head><body><p>Hello</p></body></html>", URL)


@pytest.mark.parametrize("name", ["current-lynch-aba-2015", "drupal7-lynch-house-judiciary-2015",
                                  "archive-gonzales-usattorneys-2005"])
def test_truncated_anywhere_is_an_error_or_a_flagged_partial_record(name):
    html, expected = load_case(name)
    end = html.rindex(b"</html>") + 6  # cut anywhere before the page is whole
    cuts = sorted({*range(0, end, max(1, end // 97)), end - 1})
    partial = 0
    for cut in cuts:
        try:
            speech = extract(html[:cut], expected["url"])
        except ExtractError as exc:
            assert str(exc)
            continue
        partial += 1
        assert any(w.startswith("truncated:") for w in speech.warnings), cut
        assert speech.paragraphs, cut
        # What it kept is a prefix of the truth: whole paragraphs, then maybe a cut one.
        for got, want in zip(speech.paragraphs[:-1], expected["paragraphs"]):
            assert got == want
        assert expected["text"].startswith(speech.text[: len(speech.text) // 2])
    assert partial > 0


def test_page_cut_inside_the_body_keeps_what_arrived(aba_page):
    html, expected = aba_page
    cut = html.index(b"For well over a century")
    speech = extract(html[:cut], expected["url"])
    assert speech.paragraphs == expected["paragraphs"][:1]
    assert "truncated: the page ends without </html>; text may be cut" in speech.warnings


def test_deeply_nested_markup_keeps_its_text(aba_page):
    html, expected = aba_page
    for depth in (300, 3000, 20000):
        nested = b"<div>" * depth + b"<p>Deep inside the markup.</p>" + b"</div>" * depth
        page = html.replace(b"<p>Thank you, President", nested + b"<p>Thank you, President", 1)
        speech = extract(page, expected["url"])
        assert speech.paragraphs == ["Deep inside the markup.", *expected["paragraphs"]]
        assert speech.speakers == expected["speakers"]  # what follows the deep part survives
        assert speech.topics == expected["topics"]
        flattened = [w for w in speech.warnings if w.startswith("deep-markup:")]
        assert bool(flattened) == (depth > 2000)


def test_a_20_mb_page_is_extracted_whole(aba_page):
    html, expected = aba_page
    filler = b"<p>Paragraph of a very long speech &ndash; with\xc2\xa0spaces.</p>\n" * 330_000
    page = html.replace(b"<p>Thank you, President", filler + b"<p>Thank you, President", 1)
    assert len(page) > 20_000_000
    speech = extract(page, expected["url"])
    assert len(speech.paragraphs) == 330_000 + len(expected["paragraphs"])
    assert speech.paragraphs[0] == "Paragraph of a very long speech \u2013 with spaces."
    assert speech.paragraphs[-2:] == expected["paragraphs"]


def test_str_input_is_accepted(aba_page):
    html, expected = aba_page
    assert extract(html.decode("utf-8"), expected["url"]).title == expected["title"]


@pytest.mark.parametrize("nuls", [1, 3, 8])
def test_stray_nul_bytes_in_a_real_page_are_dropped(aba_page, nuls):
    html, expected = aba_page
    # NULs in the head, the title and the speech's paragraphs (a CMS bug), not binary.
    spots = [b"<head>", b"</title>", b"Thank you, President", b"American Bar Association"]
    at = sorted({html.index(spots[i % 4]) + 3 + i // 4 for i in range(nuls)}, reverse=True)
    page = html
    for offset in at:
        page = page[:offset] + b"\x00" + page[offset:]
    assert page.count(b"\x00") == nuls
    speech = extract(page, expected["url"])
    assert speech.paragraphs == expected["paragraphs"]
    assert speech.title == expected["title"]
    assert "\x00" not in speech.text and "\ufffd" not in speech.text
    assert f"nul-dropped: {nuls} NUL characters dropped" in speech.warnings


def test_a_clean_page_has_no_nul_warning(aba_page):
    html, expected = aba_page
    assert not [w for w in extract(html, expected["url"]).warnings if w.startswith("nul-")]


def _random(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize(
    "data",
    [
        _random(1, 100),
        _random(2, 5000),
        _random(3, 200_000),
        b"\x7fELF\x02\x01\x01" + bytes(64) + _random(4, 4000),  # an executable
        b"<html>" + bytes(200) + b"</html>",  # HTML-looking, but mostly NULs
        (b"text\x00\x01\x02\x03" * 1000),
    ],
)
def test_real_binaries_are_still_refused(data):
    with pytest.raises(ExtractError) as info:
        extract(data, URL)
    assert "binary" in str(info.value)
    assert not isinstance(info.value, NotASpeech)
