"""The readable diff of `history`."""

from corpus.views.diff import (FieldChange, Segment, diff, diff_lines, diff_records, word_diff,
                         word_segments)


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("we will enforce the law", "we shall enforce the law fully") == (
        "we [-will-]{+shall+} enforce the law{+ fully+}")
    assert word_diff("same", "same") == "same"


def test_diff_records_fields_and_paragraphs():
    old = {"title": "A", "speakers": ["X"], "date": "2020-01-01",
           "paragraphs": ["one", "two words", "three", "four"]}
    new = {"title": "B", "speakers": ["X", "Y"], "date": "2020-01-01",
           "paragraphs": ["zero", "one", "two word", "four", "five"]}
    assert diff_records(old, new) == [
        'title: "A" -> "B"',
        'speakers: ["X"] -> ["X", "Y"]',
        "+ ¶1: zero",
        "~ ¶3: two [-words-]{+word+}",
        "- ¶3: three",
        "+ ¶5: five",
    ]
    assert diff_records(old, dict(old)) == []


def test_diff_returns_structured_hunks():
    old = {"title": "A", "speakers": ["X"], "paragraphs": ["one", "two words", "three", "four"]}
    new = {"title": "B", "speakers": ["X", "Y"],
           "paragraphs": ["zero", "one", "two word", "four", "five"]}
    hunks = diff(old, new)
    assert hunks.fields == (FieldChange("title", "A", "B"),
                            FieldChange("speakers", ["X"], ["X", "Y"]))
    assert [(op.kind, op.number, op.text) for op in hunks.paragraphs] == [
        ("added", 1, "zero"), ("changed", 3, "two word"), ("removed", 3, "three"),
        ("added", 5, "five")]
    assert hunks.paragraphs[1].segments == (
        Segment("equal", "two "), Segment("removed", "words"), Segment("added", "word"))
    assert len(hunks) == 6 and hunks and not diff(old, dict(old))
    assert diff_lines(hunks) == diff_records(old, new)


def test_segments_rebuild_both_sides_even_when_text_looks_like_marks():
    pairs = [("a [-b-] c {+d+}", "a {+b+} c [-d-]"), ("we will enforce", "we shall enforce it"),
             ("  spaced\tout  ", "spaced out")]
    for old, new in pairs:
        segments = word_segments(old, new)
        assert "".join(s.text for s in segments if s.kind != "added") == old
        assert "".join(s.text for s in segments if s.kind != "removed") == new
    [op] = diff({"paragraphs": ["x [-y-]"]}, {"paragraphs": ["x {+y+}"]}).paragraphs
    assert op.kind == "changed" and [s.kind for s in op.segments] == ["equal", "removed", "added"]
