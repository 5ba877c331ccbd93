"""The readable diff of `history`."""

from corpus.diff import diff_records, word_diff


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
