"""When the usual markup is missing, structure-based fallbacks recover the field and say so."""

import re

from corpus.extract import extract
from tests.conftest import load_case


def warned(speech, kind):
    return [w for w in speech.warnings if w.split(":")[0] == kind]


def test_current_page_without_its_field_classes():
    html, expected = load_case("current-lynch-aba-2015")
    page = (
        html.replace(b"field-formatter--string", b"renamed-a")
        .replace(b'class="node-date"', b'class="renamed-b"')
        .replace(b"field_body", b"renamed-c")
        .replace(b"field_speaker", b"renamed-d")
        .replace(b"node-topics", b"renamed-e")
        .replace(b"field_component", b"renamed-f")
    )
    speech = extract(page, expected["url"])
    for field in ("title", "date", "paragraphs", "speakers", "topics", "components"):
        assert getattr(speech, field) == expected[field], field
    kinds = {w.split(":")[0] for w in speech.warnings}
    assert kinds == {
        "title-fallback", "date-fallback", "body-fallback", "speakers-fallback",
        "topics-fallback", "components-fallback",
    }


def test_title_from_og_title_then_head_title():
    html, expected = load_case("current-delrahim-house-2017")
    no_h1 = re.sub(rb"<h1.*?</h1>", b"", html, flags=re.S)
    speech = extract(no_h1, expected["url"])
    assert speech.title == expected["title"]
    assert warned(speech, "title-fallback") == ["title-fallback: og:title"]

    no_meta = re.sub(rb'<meta (property="og:title"|name="twitter:title")[^>]*>', b"", no_h1)
    speech = extract(no_meta, expected["url"])
    assert speech.title == expected["title"]  # "Office of Public Affairs | T | USDOJ"
    assert warned(speech, "title-fallback") == ["title-fallback: head-title"]


def test_drupal7_body_found_by_density_when_the_field_is_renamed():
    html, expected = load_case("drupal7-lynch-house-judiciary-2015")
    page = html.replace(b"field--name-field-pr-body", b"field--name-field-text")
    speech = extract(page, expected["url"])
    assert speech.paragraphs == expected["paragraphs"]
    assert warned(speech, "body-fallback") == ["body-fallback: densest-block"]


def test_drupal7_labelled_fields_without_field_names():
    html, expected = load_case("drupal7-lynch-white-house-2016")
    page = re.sub(rb"field--name-field-(speech-speaker|pr-topic|pr-component)", b"field--x", html)
    speech = extract(page, expected["url"])
    assert speech.speakers == expected["speakers"]
    assert speech.topics == expected["topics"]
    assert speech.components == expected["components"]
    assert {w.split(":")[0] for w in speech.warnings} == {
        "speakers-fallback", "topics-fallback", "components-fallback"
    }


def test_missing_metadata_is_a_warning_not_a_guess():
    html, expected = load_case("current-garland-component-heads-2022")
    page = re.sub(rb'<div class="block block-field-blocknodespeechfield-speaker">.*?</div></div></div>',
                  b"", html, flags=re.S)
    speech = extract(page, expected["url"])
    assert speech.speakers == []
    assert "speakers-missing: no value found" in speech.warnings
    assert speech.paragraphs == expected["paragraphs"]


def test_delivery_typed_as_first_body_line():
    html, expected = load_case("current-lynch-aba-2015")
    page = re.sub(rb'<div class="block[^"]*speech-type[^"]*">.*?</div>\s*</div>', b"", html, flags=re.S)
    page = page.replace(b'<div class="field-formatter--text-default field-text-format--wysiwyg text-formatted field_body">',
                        b'<div class="field-formatter--text-default field-text-format--wysiwyg text-formatted field_body"><p>Remarks as prepared for delivery.</p>', 1)
    assert b"field_speech_type" not in page
    speech = extract(page, expected["url"])
    assert speech.delivery == "Remarks as prepared for delivery"
    assert speech.paragraphs == expected["paragraphs"]


def test_archive_without_header_date_uses_the_url_and_says_so():
    html, _ = load_case("archive-gonzales-npr-2005")
    page = html.replace(b"<b>FRIDAY, MAY 20, 2005</b>", b"<b>National Press Club</b>")
    speech = extract(page, "https://www.justice.gov/archive/ag/speeches/2005/052005agremarksnpr.htm")
    assert speech.date == "2005-05-20"
    assert warned(speech, "date-fallback") == ["date-fallback: url"]
    assert speech.paragraphs[0] == "Good afternoon, Ladies and Gentlemen."


def test_current_page_whose_article_lost_its_class_is_read_from_the_page():
    html, expected = load_case("current-lynch-aba-2015")
    speech = extract(html.replace(b"content-type-speech", b"content-type-renamed"),
                     expected["url"])
    for field in ("title", "date", "location", "delivery", "speakers", "components",
                  "topics", "updated", "paragraphs"):
        assert getattr(speech, field) == expected[field], field
    # The article is found around the body and its fields, so the fields' own rules
    # (scoped to it) still apply: one warning, for the article.
    assert speech.warnings == ["article-fallback: around-body"]

