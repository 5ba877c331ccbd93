"""The accuracy gate: every hand-checked page of tests/fixtures/eval, field by field."""

import pytest

from corpus.extract import EXTRACTOR_VERSION, extract
from corpus.record import Speech
from tests.conftest import eval_cases, load_case

FIELDS = [
    "url", "generation", "title", "date", "location", "delivery", "speakers",
    "components", "topics", "updated", "paragraphs", "text",
]


@pytest.mark.parametrize("name", eval_cases())
def test_eval_page_matches_expected_record(name):
    html, expected = load_case(name)
    speech = extract(html, expected["url"])
    assert isinstance(speech, Speech)
    got = speech.to_dict()
    for field in FIELDS:
        assert got[field] == expected[field], field
    assert speech.extractor_version == EXTRACTOR_VERSION
    assert speech.warnings == []  # the real markup needs no fallback


def test_eval_set_covers_every_generation():
    generations = {load_case(name)[1]["generation"] for name in eval_cases()}
    assert generations == {"current", "drupal7", "archive"}
    assert len(eval_cases()) >= 9


@pytest.mark.parametrize("name", eval_cases())
def test_generation_comes_from_markers_not_url(name):
    html, expected = load_case(name)
    other = (
        "https://www.justice.gov/archive/ag/speeches/2005/x.htm"
        if expected["generation"] != "archive"
        else "https://www.justice.gov/opa/speech/x"
    )
    speech = extract(html, other)
    assert speech.generation == expected["generation"]
    assert speech.paragraphs == expected["paragraphs"]
