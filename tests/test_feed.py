"""The Atom feed of added, changed, gone and returned speeches, read by a real parser."""

from __future__ import annotations

import feedparser
import pytest
from click.testing import CliRunner

from corpus.errors import UserError
from corpus.publish.feed import write_feed
from scraper.cli import cli
from tests.history_support import build, sid


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("feed")
    corpus = build(root / "corpus.db")
    yield corpus
    corpus.close()


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_feed_lists_the_newest_events_first(corpus, tmp_path):
    assert write_feed(corpus, tmp_path / "feed.xml") == 10
    feed = parse(tmp_path / "feed.xml")
    assert [(e.tags[0].term, e.title) for e in feed.entries[:6]] == [
        ("returned", "Back: C"), ("changed", "Changed (version 3): A2"), ("new", "New: D"),
        ("gone", "Removed: B"), ("changed", "Changed (version 2): A2"), ("gone", "Removed: C")]
    # a speech's first entry shows the title it had then
    assert feed.entries[-1].title == "New: A1"
    assert feed.feed.updated == feed.entries[0].updated == "2024-03-10T00:00:03.000000Z"
    assert len({e.id for e in feed.entries}) == 10


def test_entries_link_to_the_speech_and_say_what_changed(corpus, tmp_path):
    write_feed(corpus, tmp_path / "feed.xml")
    entries = parse(tmp_path / "feed.xml").entries
    title_change = entries[4]
    assert title_change.link == "https://www.justice.gov" + sid("a")
    assert title_change.summary.splitlines() == ["Changed fields: title", 'title: "A1" -> "A2"']
    assert entries[1].summary.splitlines() == ["Changed fields: paragraphs",
                                               "+ ¶3: A new ending."]
    assert "HTTP 404" in entries[3].summary
    assert entries[2].summary.startswith("2024-02-09; Attorney General Merrick B. Garland;")


def test_crawl_and_limit_select_entries(corpus, tmp_path):
    assert write_feed(corpus, tmp_path / "c3.xml", crawl_id=3) == 3
    titles = [e.title for e in parse(tmp_path / "c3.xml").entries]
    assert titles == ["New: D", "Removed: B", "Changed (version 2): A2"]
    assert write_feed(corpus, tmp_path / "two.xml", limit=2) == 2
    assert write_feed(corpus, tmp_path / "none.xml", crawl_id=2) == 1  # c gone
    with pytest.raises(UserError, match="unknown crawl"):
        write_feed(corpus, tmp_path / "x.xml", crawl_id=99)


def test_same_corpus_same_feed(corpus, tmp_path):
    write_feed(corpus, tmp_path / "one.xml")
    write_feed(corpus, tmp_path / "two.xml")
    assert (tmp_path / "one.xml").read_bytes() == (tmp_path / "two.xml").read_bytes()


def test_cli_feed(corpus, tmp_path):
    out = tmp_path / "feed.xml"
    result = CliRunner().invoke(cli, ["feed", "--db", corpus.path, "--out", str(out),
                                      "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote 3 entries to {out}"
    assert len(parse(out).entries) == 3


def test_crawl_feed_refreshes_the_atom_feed_after_a_scheduled_crawl(tmp_path):
    import feedparser

    from scraper.replica import Replica
    from tests.crawl_support import crawl

    db, feed = tmp_path / "c.db", tmp_path / "feed.xml"
    with Replica(20, seed=81) as replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        replica.mutate(change=2, remove=1, seed=3)
        proc = crawl("crawl", db, replica.base_url, "--feed", str(feed))
    assert proc.returncode in (0, 3), proc.stderr[-2000:]
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0 and parsed.entries


def test_published_is_the_speech_date_and_updated_the_change(corpus, tmp_path):
    """Issue 20, point 13."""
    write_feed(corpus, tmp_path / "feed.xml")
    entries = parse(tmp_path / "feed.xml").entries
    new_d = next(e for e in entries if e.title == "New: D")
    assert new_d.published == "2024-02-09T00:00:00Z"  # D is dated 2024-02-09
    assert new_d.updated.startswith("2024-02-10T")  # seen by the 02-10 crawl
    back_c = entries[0]
    assert back_c.title == "Back: C" and "published" not in back_c  # C is undated
