"""The writer's side of the crawl's messages (corpus/store/messages.py): each type is
applied by the function registered for it, every message gets exactly one Reply, and a
type with no function is refused loudly."""

from __future__ import annotations

import dataclasses

import pytest

from corpus.outcomes import Outcome
from corpus.store import Corpus
from corpus.store import messages as m
from scraper.replica import Replica

MESSAGE_TYPES = [m.PageFetched, m.PageFailed, m.PageForbidden, m.DiscoveryFetched,
                 m.FrontierAdd, m.UuidFound, m.AttachmentFetched, m.ArchiveFetched,
                 m.CaptureFetched]


@pytest.fixture
def corpus(tmp_path):
    with Corpus(tmp_path / "c.db") as corpus:
        yield corpus


def served(replica: Replica, count: int) -> list[str]:
    """Ids of speeches the replica serves at once (200: no redirect)."""
    sids = [sid for sid in replica.ids() if replica.fetch(sid).status == 200][:count]
    assert len(sids) == count
    return sids


def page(replica: Replica, sid: str) -> m.PageFetched:
    response = replica.fetch(sid)
    return m.PageFetched("https://www.justice.gov" + sid, response.status,
                         dict(response.headers), response.body)


def test_every_message_type_has_one_function_and_nothing_else_does():
    registered = {cls for cls in m._apply.registry if cls is not object}
    assert registered == set(MESSAGE_TYPES)
    assert all(dataclasses.is_dataclass(cls) for cls in registered)


def test_an_unknown_message_type_is_refused_loudly(corpus):
    @dataclasses.dataclass
    class Surprise:
        url: str

    message = Surprise("https://www.justice.gov/x")
    assert not m.known(message)
    with pytest.raises(m.UnknownMessage, match="Surprise"):
        m.apply(corpus, message, 1, "crawl")
    # the writer process still answers it once: failed, with the reason
    reply = m.answer(corpus, message, 1, "crawl")
    assert (reply.kind, reply.outcome, reply.url) == ("Surprise", Outcome.FAILED, message.url)
    assert reply.reason.startswith("store error: UnknownMessage: ")


def test_a_message_the_store_cannot_apply_still_gets_one_reply(tmp_path):
    corpus = Corpus(tmp_path / "c.db")
    crawl_id = corpus.begin_crawl("crawl", {})
    corpus.close()  # every statement now fails
    reply = m.answer(corpus, m.DiscoveryFetched("https://www.justice.gov/robots.txt", 200,
                                                "robots.txt"), crawl_id, "crawl")
    assert reply.outcome == Outcome.FAILED
    assert reply.reason.startswith("database error: ProgrammingError")


def test_each_type_is_applied_by_its_function(corpus):
    crawl_id = corpus.begin_crawl("backfill", {})
    replica = Replica(20, seed=5)  # pages built in process: no server needed
    sids = served(replica, 3)
    added = m.apply(corpus, m.FrontierAdd([("https://www.justice.gov" + s, {}) for s in sids]),
                    crawl_id, "backfill")
    assert (added.kind, added.count) == ("FrontierAdd", 3)
    stored = m.apply(corpus, page(replica, sids[0]), crawl_id, "backfill")
    assert (stored.kind, stored.outcome, stored.speech_id) == ("PageFetched", Outcome.NEW, sids[0])
    forbidden = m.apply(corpus, m.PageForbidden("https://www.justice.gov" + sids[1]),
                        crawl_id, "backfill")
    assert forbidden.outcome == Outcome.FORBIDDEN
    failed = m.apply(corpus, m.PageFailed("https://www.justice.gov" + sids[2], "HTTP 500 after"
                                          " 3 retries", 500), crawl_id, "backfill")
    assert (failed.outcome, failed.reason) == (Outcome.FAILED, "HTTP 500 after 3 retries")
    # a backfill's page ticks its frontier item, whatever its outcome
    assert corpus.frontier_batch(crawl_id) == []
    states = corpus.query("SELECT speech_id, outcome FROM frontier ORDER BY speech_id")
    assert {r["speech_id"]: r["outcome"] for r in states} == {
        sids[0]: "new", sids[1]: "forbidden", sids[2]: "failed"}

    found = m.apply(corpus, m.DiscoveryFetched("https://www.justice.gov/robots.txt", 200,
                                               "robots.txt"), crawl_id, "backfill")
    assert (found.kind, found.outcome) == ("DiscoveryFetched", Outcome.DISCOVERY)
    assert corpus.query_one("SELECT outcome FROM fetches WHERE url = ?",
                            ("https://www.justice.gov/robots.txt",))["outcome"] == "discovery"


def test_an_attachment_reply_says_its_change_in_its_own_field(corpus):
    crawl_id = corpus.begin_crawl("crawl", {})
    replica = Replica(20, seed=5)
    sid = served(replica, 1)[0]
    assert m.apply(corpus, page(replica, sid), crawl_id, "crawl").outcome == Outcome.NEW
    url = "https://www.justice.gov/media/1/dl"
    text = {"content-type": "text/plain"}

    def fetched(status, body=b"", headers=None, reason=None):
        return m.apply(corpus, m.AttachmentFetched(sid, url, "remarks.txt", status,
                                                   headers or {}, body, reason), crawl_id, "crawl")

    first = fetched(200, b"Remarks as prepared.\n\nThank you.", text)
    again = fetched(200, b"Remarks as prepared.\n\nThank you.", text)
    edited = fetched(200, b"Remarks as delivered.\n\nThank you.", text)
    not_modified = fetched(304)
    lost = fetched(None, reason="timeout")
    assert all(r.outcome == Outcome.ATTACHMENT and r.url == url
               for r in (first, again, edited, not_modified))
    assert [r.change for r in (first, again, edited, not_modified)] == [
        "new", "unchanged", "changed", "not modified"]
    assert (lost.outcome, lost.change, lost.reason) == (Outcome.FAILED, None, "attachment: timeout")
