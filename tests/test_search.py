"""corpus/views/search.py: ranked full-text hits over speeches and attachments' text.

The corpus is built with the store tests' fake extractor (tests/store_support.py): each
page is JSON holding its record, so the words searched for are known exactly.
"""

from __future__ import annotations

import pytest

from corpus.errors import UserError
from corpus.store import Corpus
from corpus.views.search import MARK_END, MARK_START, plain_words, search
from tests.store_support import BASE, Clock, FakeExtractor, page

TEXT_HTML = {"Content-Type": "text/html; charset=UTF-8"}


def sid(name: str) -> str:
    return "/opa/speech/" + name


@pytest.fixture
def corpus(tmp_path):
    corpus = Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock())
    crawl = corpus.begin_crawl("crawl", {})

    def add(name, title, *paragraphs, **fields):
        outcome = corpus.record_page(BASE + name, 200, TEXT_HTML,
                                     page(title=title, paragraphs=list(paragraphs), **fields),
                                     crawl)
        assert outcome == "new"

    # "antitrust" in the title of one, only in the text of two others.
    add("title-hit", "Remarks on Antitrust Enforcement", "Good morning.", "We enforce the law.")
    add("text-hit", "Remarks at a Conference", "Good morning.",
        "Our antitrust division is busy this year.")
    add("text-hit-2", "Remarks on Fraud", "Antitrust matters, and so does fraud.")
    add("no-hit", "Remarks on Civil Rights", "Voting rights are civil rights.")
    # A long text: the snippet is a window around the word, not the whole text.
    add("long", "A Long Speech",
        " ".join(f"filler{i}" for i in range(200)) + " the word zebra appears here "
        + " ".join(f"padding{i}" for i in range(200)))
    # Words that are FTS operators when written in capitals.
    add("operators", "Law AND Order", "Law and order, or not.")
    # A pointer-only page: its text is in a file (read as text/plain below).
    add("with-file", "Statement With Attachment", "See the attached statement.")
    result = corpus.record_attachment_fetch(
        sid("with-file"), "https://www.justice.gov/media/1/dl", "statement.txt", 200,
        {"Content-Type": "text/plain"},
        b"The kangaroo court doctrine.\n\nA second paragraph on kangaroo matters.", crawl)
    assert result.outcome == "attachment"
    corpus.finish_crawl(crawl, {}, 0)
    yield corpus
    corpus.close()


def test_title_hits_rank_above_text_hits(corpus):
    result = search(corpus, "antitrust")
    ids = [hit["id"] for hit in result.hits]
    assert set(ids) == {sid("title-hit"), sid("text-hit"), sid("text-hit-2")}
    assert ids[0] == sid("title-hit")  # bm25 weighs a title word five times a text word
    assert all(hit["source"] == "speech" for hit in result.hits)
    assert result.total == 3 and result.attachment_total == 0
    assert not result.fallback and result.searched == "antitrust"
    # The limit keeps the best, not the first by id ("text-hit" sorts before "title-hit").
    assert [h["id"] for h in search(corpus, "antitrust", limit=1).hits] == [sid("title-hit")]


def test_hits_carry_the_speechs_fields_but_not_the_score(corpus):
    hit = search(corpus, "antitrust").hits[0]
    assert hit["title"] == "Remarks on Antitrust Enforcement"
    assert hit["date"] == "2021-12-07" and hit["status"] == "live"
    assert hit["attachment_url"] is None and hit["attachment_name"] is None
    assert "score" not in hit


def test_snippets_mark_the_matched_word_with_guillemets(corpus):
    hits = {hit["id"]: hit["snippet"] for hit in search(corpus, "antitrust").hits}
    assert f"{MARK_START}antitrust{MARK_END} division" in hits[sid("text-hit")]
    assert f"{MARK_START}Antitrust{MARK_END} matters" in hits[sid("text-hit-2")]
    # The stemmer matches forms of the word, and marks what the page says; the snippet
    # comes from the column that matched best (here the title).
    (stemmed,) = search(corpus, "enforcing").hits
    assert stemmed["snippet"] == f"Remarks on Antitrust {MARK_START}Enforcement{MARK_END}"


def test_a_snippet_is_a_short_window_on_one_line(corpus):
    (hit,) = search(corpus, "zebra").hits
    snippet = hit["snippet"]
    assert f"{MARK_START}zebra{MARK_END}" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.split()) <= 16  # 14 tokens and the two ellipses' neighbours
    assert "filler0 " not in snippet and "padding199" not in snippet
    assert "\n" not in snippet


def test_snippet_of_a_multi_paragraph_text_has_no_blank_lines(corpus):
    (hit,) = search(corpus, "busy").hits
    assert "\n" not in hit["snippet"] and "  " not in hit["snippet"]
    assert "Good morning. Our" in hit["snippet"]


def test_limit_caps_the_hits_but_not_the_total(corpus):
    result = search(corpus, "remarks", limit=2)
    assert len(result.hits) == 2
    assert result.total == 4  # every "Remarks ..." title, not only the two shown
    assert len(search(corpus, "remarks", limit=20).hits) == 4


def test_no_match_gives_an_empty_result(corpus):
    result = search(corpus, "zzyzx")
    assert result.total == 0 and result.hits == [] and not result.fallback


def test_fts_syntax_is_honoured(corpus):
    assert {h["id"] for h in search(corpus, "antitrust NOT enforcement").hits} == {
        sid("text-hit"), sid("text-hit-2")}
    assert {h["id"] for h in search(corpus, '"civil rights"').hits} == {sid("no-hit")}
    assert {h["id"] for h in search(corpus, "antitr*").hits} == {
        sid("title-hit"), sid("text-hit"), sid("text-hit-2")}
    assert {h["id"] for h in search(corpus, "fraud OR voting").hits} == {
        sid("text-hit-2"), sid("no-hit")}


@pytest.mark.parametrize("query", ['rule AND "of', "AND OR", "law AND", '"unbalanced', "(law"])
def test_invalid_fts_syntax_falls_back_to_plain_words(corpus, query):
    result = search(corpus, query)
    assert result.fallback
    assert result.error  # sqlite's message: the caller tells the user why
    assert result.searched == plain_words(query)


def test_fallback_searches_operator_words_as_words(corpus):
    result = search(corpus, "law AND")
    assert result.fallback and result.searched == '"law" "AND"'
    # "and" is a word of that speech's title and text: found as a word, not an operator.
    assert [h["id"] for h in result.hits] == [sid("operators")]


def test_plain_words_quotes_each_word_and_drops_quotes():
    assert plain_words('rule AND "of') == '"rule" "AND" "of"'
    assert plain_words("  two   words ") == '"two" "words"'
    assert plain_words('"') == ""


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_an_empty_query_is_a_user_error(corpus, query):
    with pytest.raises(UserError, match="empty search query"):
        search(corpus, query)


def test_a_query_of_only_quotes_is_a_user_error(corpus):
    with pytest.raises(UserError, match="nothing to search for"):
        search(corpus, '"""')


def test_attachments_text_is_searched_and_marked_as_such(corpus):
    result = search(corpus, "kangaroo")
    assert result.total == 1 and result.attachment_total == 1
    (hit,) = result.hits
    assert hit["source"] == "attachment"
    assert hit["id"] == sid("with-file")  # the speech the file belongs to
    assert hit["title"] == "Statement With Attachment"
    assert hit["attachment_url"] == "https://www.justice.gov/media/1/dl"
    assert hit["attachment_name"] == "statement.txt"
    assert f"{MARK_START}kangaroo{MARK_END}" in hit["snippet"]


def test_speech_and_attachment_hits_are_merged_and_counted_together(corpus):
    result = search(corpus, "statement")  # the speech's title and text, the file's name
    sources = sorted(h["source"] for h in result.hits)
    assert sources == ["attachment", "speech"]
    assert result.total == 2 and result.attachment_total == 1
    assert len(search(corpus, "statement", limit=1).hits) == 1
    assert search(corpus, "statement", limit=1).total == 2


def test_only_the_newest_file_behind_an_attachment_url_is_searched(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    result = corpus.record_attachment_fetch(
        sid("with-file"), "https://www.justice.gov/media/1/dl", "statement.txt", 200,
        {"Content-Type": "text/plain"}, b"The wombat doctrine replaces it.", crawl)
    assert result.outcome == "attachment"
    assert search(corpus, "wombat").attachment_total == 1
    assert search(corpus, "kangaroo").total == 0  # the older file stays, but is not found


def test_search_follows_a_new_version(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(BASE + "no-hit", 200, TEXT_HTML,
                       page(title="Remarks on Civil Rights", paragraphs=["Now about ocelots."]),
                       crawl)
    assert [h["id"] for h in search(corpus, "ocelots").hits] == [sid("no-hit")]
    assert search(corpus, "voting").total == 0


def test_corpus_search_is_the_same_search(corpus):
    assert corpus.search("antitrust", limit=1).hits == search(corpus, "antitrust", 1).hits
