"""Fields read by what they look like, structured data as a source, the body found by
its shape (issue 23). The families of tests/variants_shapes.py are checked, page by
page, in test_extract_variants.py; these are the rules one at a time."""

import re

import pytest

from corpus.errors import ExtractError
from corpus.extract import extract
from corpus.extract.families import label_key, strip_label
from corpus.extract.shapes import date_line, place_line
from tests import variants as V
from tests import variants_shapes as S
from tests.conftest import load_case


def _record(name="white-house"):
    return next(r for r in V.eval_records() if r["generation"] != "archive" and name in r["url"])


@pytest.mark.parametrize("line", [
    "7 December 2021", "Dec. 7, 2021", "December 7th, 2021", "Tuesday the 7 of December, 2021",
    "12/7/2021", "2021-12-07", "TUESDAY, DECEMBER 7, 2021", "the 7th of December, 2021",
    "Tuesday, December 7, 2021", "Date: December 7, 2021",
])
def test_a_date_line_in_every_english_form(line):
    assert date_line(line) == "2021-12-07"


@pytest.mark.parametrize("line", [
    "Posted to the site on December 7, 2021", "Updated December 7, 2021",
    "On December 7, 2021 the Department announced a settlement with the company.",
    "December 2021", "Room 7, 2021 Main Street",
])
def test_a_line_with_more_than_a_date_is_not_a_date_line(line):
    assert date_line(line) is None


@pytest.mark.parametrize("line", [
    "Washington, DC", "Washington, D.C.", "Chicago, Illinois", "London, United Kingdom",
    "Chicago, IL, United States", "New York, New York, United States", "Ottawa, Canada",
])
def test_a_place_line(line):
    assert place_line(line) == line


@pytest.mark.parametrize("line", [
    "Falls Church, VA 22041", "Thank you, Mr. President", "Smith, John", "Hello, World",
    "Good morning, everyone", "Washington, DC, the capital", "Justice, Fairness, Mercy",
])
def test_what_is_not_a_place_line(line):
    assert place_line(line) is None


@pytest.mark.parametrize("label", ["Date \u2014", "Date:", "Topics.", "Speaker(s) |", "Location -"])
def test_label_punctuation_of_any_kind(label):
    assert label_key(label) in ("date", "topics", "speaker", "location")


def test_a_typed_label_is_stripped_with_any_separator():
    assert strip_label("Location - Washington, DC") == "Washington, DC"
    assert strip_label("Component \u2013 Civil Division") == "Civil Division"
    assert strip_label("Speaker | Attorney General") == "Attorney General"
    assert strip_label("Date-Rape Prevention") == "Date-Rape Prevention"


def test_two_dates_in_the_header_the_first_is_taken_and_the_choice_said():
    record = _record()
    page = S.render_shape(record, "shape-lines", "current")
    first = S._day(record).encode()
    page = page.replace(b"</h4>", b"</h4><p>May 4, 2016</p>", 1)
    speech = extract(page, record["url"])
    assert first in page and speech.date == record["date"]
    assert "date-ambiguous: 2 values in the header, the first taken" in speech.warnings


def test_two_places_in_the_header_the_first_is_taken_and_the_choice_said():
    record = _record()
    page = S.render_shape(record, "shape-lines", "current")
    place = f"<p><em>{record['location']}</em></p>".encode()
    assert place in page
    speech = extract(page.replace(place, place + b"<p>Chicago, Illinois</p>", 1), record["url"])
    assert speech.location == record["location"]
    assert "location-ambiguous: 2 values in the header, the first taken" in speech.warnings


def _undated_page():
    """A page whose only visible date is gone: the json-ld family without its JSON-LD."""
    record = _record()
    page = S.render_shape(record, "json-ld", "current")
    page = re.sub(rb'<script type="application/ld\+json">.*?</script>', b"", page, flags=re.S)
    speech = extract(page, record["url"])
    assert speech.date is None and "date-missing: no value found" in speech.warnings
    return record, page


@pytest.mark.parametrize("vocabulary, markup", [
    ("json-ld", '<script type="application/ld+json">{"@type": "Speech", '
                '"datePublished": "%s"}</script>'),
    ("microdata", '<div itemscope itemtype="https://schema.org/Article">'
                  '<meta itemprop="dateCreated" content="%s"></div>'),
    ("rdfa", '<span property="dcterms:created" content="%sT00:00:00-05:00"></span>'),
    ("dublin-core", '<meta name="dcterms.date" content="%s">'),
])
def test_a_date_stated_only_in_structured_data_is_taken_and_said(vocabulary, markup):
    record, page = _undated_page()
    where = b"</head>" if vocabulary == "dublin-core" else b"</article>"
    page = page.replace(where, (markup % record["date"]).encode() + where, 1)
    speech = extract(page, record["url"])
    assert speech.date == record["date"]
    assert f"date-from-{vocabulary}" in speech.warnings
    assert "date-missing: no value found" not in speech.warnings


def test_the_visible_page_wins_over_structured_data_that_disagrees():
    html, expected = load_case("current-lynch-aba-2015")
    ld = (b'<script type="application/ld+json">{"@context": "https://schema.org", "@type":'
          b' "NewsArticle", "datePublished": "2015-08-09", "headline": "%s"}</script></head>'
          % expected["title"].encode())
    speech = extract(html.replace(b"</head>", ld, 1), expected["url"])
    assert speech.date == expected["date"]
    assert speech.warnings == ["date-disagrees-json-ld"]  # the headline agrees


def test_publishing_times_of_open_graph_are_no_date():
    """The site's article:published_time is the node's (2020 on a 2015 speech)."""
    record, page = _undated_page()
    assert b'property="article:published_time"' in page
    assert extract(page, record["url"]).date is None


def test_a_breadcrumb_in_json_ld_states_nothing_about_the_speech():
    record, page = _undated_page()
    crumb = (b'<script type="application/ld+json">{"@type": "BreadcrumbList", "name": "x",'
             b' "datePublished": "2001-01-01"}</script></article>')
    speech = extract(page.replace(b"</article>", crumb, 1), record["url"])
    assert speech.date is None


def test_a_pull_quote_repeating_a_sentence_is_one_paragraph():
    html, expected = load_case("current-lynch-aba-2015")
    sentence = max(expected["paragraphs"][0].split(". "), key=len).rstrip(".")
    quote = f'<blockquote class="pullquote"><p>\u201c{sentence}.\u201d</p></blockquote>'
    marker = b"field_body\">"
    assert marker in html
    speech = extract(html.replace(marker, marker + quote.encode(), 1), expected["url"])
    assert speech.paragraphs == expected["paragraphs"]


@pytest.mark.parametrize("quote", [
    "Injustice anywhere is a threat to justice everywhere.",  # said once
    None,  # a sentence the speech says again: a quotation, not a display copy
])
def test_a_bare_blockquote_is_a_quotation_and_stays(quote):
    html, expected = load_case("current-lynch-aba-2015")
    quote = quote or max(expected["paragraphs"][0].split(". "), key=len).rstrip(".") + "."
    marker = b"field_body\">"
    block = f"<blockquote><p>{quote}</p></blockquote>".encode()
    speech = extract(html.replace(marker, marker + block, 1), expected["url"])
    assert speech.paragraphs == [quote, *expected["paragraphs"]]


def test_field_lines_on_top_of_the_body_are_fields_not_paragraphs():
    html, expected = load_case("current-lynch-aba-2015")
    marker = b"field_body\">"
    lines = b"<p><b>Date:</b> August 2, 2015</p><p>Chicago, IL, United States</p>"
    speech = extract(html.replace(marker, marker + lines, 1), expected["url"])
    assert speech.paragraphs == expected["paragraphs"]
    assert speech.date == expected["date"] and speech.warnings == []


def test_a_paragraph_that_starts_like_a_label_is_speech():
    html, expected = load_case("current-lynch-aba-2015")
    marker = b"field_body\">"
    line = ("Topics: today I want to talk about three of them, and about what the Department"
            " has done since we last met, and about what is still left for all of us to do.")
    speech = extract(html.replace(marker, marker + f"<p>{line}</p>".encode(), 1), expected["url"])
    assert speech.paragraphs == [line, *expected["paragraphs"]]


def test_navigation_is_never_taken_for_the_body():
    """The no-container page without its speech: the related-speeches teasers and the
    menus are long enough to pass for text, but they are a listing."""
    record = _record()
    page = S.render_shape(record, "no-container", "current")
    page = re.sub(rb'<div class="story">.*?</div></div>', b"", page, flags=re.S)
    with pytest.raises(ExtractError, match="no speech text"):
        extract(page, record["url"])


def test_the_oldest_generation_title_is_the_line_on_top():
    record = next(r for r in V.eval_records() if r["generation"] == "archive")
    speech = extract(S.archive_bold_title(record), record["url"])
    assert speech.title == record["title"]
    assert "title-fallback: header-line" in speech.warnings


@pytest.mark.parametrize("script", [
    b"{not json", b"[" * 100_000 + b"]" * 100_000, b'{"@graph": ' * 50 + b"{}" + b"}" * 50,
])
def test_structured_data_that_cannot_be_read_is_no_source(script):
    record, page = _undated_page()
    bad = b'<script type="application/ld+json">' + script + b"</script></article>"
    speech = extract(page.replace(b"</article>", bad, 1), record["url"])
    assert speech.date is None and speech.paragraphs == record["paragraphs"]
