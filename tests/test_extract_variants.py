"""Every eval record, rendered in markup the extractor was not built against, comes back
exact: fields and paragraphs (tests/variants.py makes the pages)."""

import datetime as dt
import re
from collections import Counter

import pytest

from corpus.errors import NotASpeech
from corpus.extract import extract
from corpus.extract.families import class_tokens, label_key, strip_label
from tests import variants as V
from tests import variants_shapes as S

FIELDS = ["generation", "title", "date", "location", "delivery", "speakers", "components",
          "topics", "updated", "paragraphs", "text"]
VARIANTS = V.variants()
# A fallback rule, a value from structured data, or a choice between values by shape.
FALLBACK = re.compile(
    r"^(article|title|date|location|delivery|speakers|components|topics|updated|body)"
    r"-(fallback: [a-z0-9:-]+|from-(json-ld|microdata|rdfa|dublin-core|opengraph)"
    r"|ambiguous: .+)$"
)


@pytest.mark.parametrize("name, page, expected", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_variant_page_is_field_and_paragraph_exact(name, page, expected):
    speech = extract(page, expected["url"])
    got = speech.to_dict()
    for field in FIELDS:
        assert got[field] == expected[field], field
    if expected["generation"] != "archive":
        # Markup other than our accuracy pages' is read by fallbacks, and says so.
        assert speech.warnings, name
        assert all(FALLBACK.match(w) for w in speech.warnings), speech.warnings


def test_every_record_in_enough_families_and_layouts():
    records = V.eval_records()
    drupal = [r for r in records if r["generation"] != "archive"]
    archive = [r for r in records if r["generation"] == "archive"]
    for gen in ("current", "drupal7"):
        assert len(V.FAMILIES[gen]) >= 6
    assert len(V.ARCHIVE_LAYOUTS) >= 3
    per_record = Counter(expected["url"] for _, _, expected in VARIANTS)
    for record in drupal:
        assert per_record[record["url"]] == (len(V.FAMILIES["current"]) + len(V.FAMILIES["drupal7"])
                                             + 2 * len(S.SHAPE_FAMILIES))
    for record in archive:
        assert per_record[record["url"]] == len(V.ARCHIVE_LAYOUTS) + 1  # + bold-title
    # and each family really is other markup: no two pages of a record are the same
    pages = Counter(page for _, page, _ in VARIANTS)
    assert max(pages.values()) == 1


def test_families_cover_the_choices_the_issue_names():
    families = V.FAMILIES["current"] + V.FAMILIES["drupal7"]
    assert {f.convention for f in families} >= {"current", "core8", "d7core", "views", "node", "labels"}
    assert {f.label for f in families} >= {"inline", "above", "hidden", "none"}
    assert {f.date for f in families} >= {"time", "content", "text"}
    assert {f.title for f in families} == {"inside", "outside"}
    assert {f.lists for f in families} >= {"links", "list", "plain"}
    assert {f.punctuation for f in families} >= {"plain", "colon", "nbsp", "plural"}


def test_class_tokens_spell_a_field_in_every_drupal_convention():
    assert set(class_tokens("date")) >= {
        "field_date", "field--name-field-date", "field-name-field-date",
        "views-field-field-date", "node-date",
    }
    assert "field_speech_type" in class_tokens("speech-type")


@pytest.mark.parametrize("label", ["Location", "Location:", "Location:\xa0", " location : "])
def test_label_punctuation_does_not_matter(label):
    assert label_key(label) == "location"


def test_label_key_of_plural_labels():
    assert label_key("Speaker(s):\xa0") == "speaker"
    assert label_key("Component(s):") == "component"


def test_a_label_typed_into_a_value_is_dropped_but_not_a_word_of_it():
    assert strip_label("Location:\xa0Washington, DC") == "Washington, DC"
    assert strip_label("Date Rape Prevention") == "Date Rape Prevention"


def _header_date_page():
    """A current-site page whose date is only a line of text above the body."""
    record = next(r for r in V.eval_records() if r["generation"] == "current")
    family = next(f for f in V.FAMILIES["current"] if f.date == "header")
    day = dt.date.fromisoformat(record["date"])
    shown = f"{day:%A}, {day:%B} {day.day}, {day.year}".encode()
    page = V.render(record, family, "current")
    assert page.count(shown) == 1
    return record, page, shown


def test_inline_label_never_leaks_into_the_location():
    record = next(r for r in V.eval_records() if r["location"] and r["generation"] != "archive")
    for family in V.FAMILIES["current"] + V.FAMILIES["drupal7"]:
        for gen in ("current", "drupal7"):
            speech = extract(V.render(record, family, gen), record["url"])
            assert speech.location == record["location"], family.name


def test_no_date_anywhere_is_missing_not_the_updated_date():
    record, page, shown = _header_date_page()
    speech = extract(page.replace(shown, b"", 1), record["url"])
    assert speech.date is None
    assert "date-missing: no value found" in speech.warnings
    assert speech.updated == record["updated"]
    assert speech.paragraphs == record["paragraphs"]


def test_a_line_with_a_date_among_other_words_is_not_a_date_line():
    record, page, shown = _header_date_page()
    speech = extract(page.replace(shown, b"Posted to the site on " + shown, 1), record["url"])
    assert speech.date is None
    assert "date-missing: no value found" in speech.warnings


@pytest.mark.parametrize("gen", ["current", "drupal7"])
def test_a_node_of_another_type_in_core_markup_is_refused(gen):
    record = next(r for r in V.eval_records() if r["generation"] != "archive")
    family = next(f for f in V.FAMILIES[gen] if f.article == "node--type-speech")
    page = V.render(record, family, gen).replace(b"node--type-speech", b"node--type-press-release")
    if gen == "current":
        page = page.replace(b'data-content-type="speech"', b'data-content-type=""')
    with pytest.raises(NotASpeech) as info:
        extract(page, record["url"])
    assert "press-release" in str(info.value)


def test_the_families_by_shape_are_new_markup():
    """Six or more families by shape, each page unlike any other family's page of the
    same record (106 variants before issue 23)."""
    assert len(S.SHAPE_FAMILIES) >= 6
    assert len(VARIANTS) == 106 + 14 * len(S.SHAPE_FAMILIES) + 2
    old = {name for name, _, _ in V.variants(shapes=False)}
    new = [(name, page) for name, page, _ in VARIANTS if name not in old]
    assert {name.split("/")[1] for name, _ in new} == {*S.SHAPE_FAMILIES, "bold-title"}
    assert len({page for _, page in new}) == len(new)
