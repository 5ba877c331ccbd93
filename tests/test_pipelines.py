"""The crawl's one route to the writer (scraper/crawl/client.py, scraper/crawl/pipelines.py):
one bound on messages not yet answered, past which the pipeline waits; one reply per
message, delivered in order as the `reply_received` signal; an
unknown message type refused before it is sent; a lost writer releases every waiter.

Each check runs in a child interpreter with a real Scrapy crawler and a real writer
process: the writer needs Twisted's reactor, which must not be installed in the test
process (other tests run Scrapy in-process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from corpus.store import Corpus

PRELUDE = textwrap.dedent("""
    import json, os, signal, sys
    from scrapy import Spider
    from scrapy.utils.test import get_crawler
    from twisted.internet import defer, reactor

    from corpus.store.messages import DiscoveryFetched, PageFailed
    from scraper.crawl.client import MAX_OUTSTANDING, WriterClient, client_of, reply_received
    from scraper.crawl.pipelines import CorpusPipeline

    db, crawl_id = sys.argv[1], int(sys.argv[2])
    crawler = get_crawler(Spider, {"CORPUS_DB": db, "EXTENSIONS": {WriterClient: 100}})
    crawler.spider = Spider("test", crawl_id=crawl_id, mode="crawl")
    client, pipeline = client_of(crawler), CorpusPipeline.from_crawler(crawler)
    replies = []
    crawler.signals.connect(lambda reply: replies.append((reply.kind, reply.url)),
                            signal=reply_received, weak=False)

    def url(i):
        return f"https://www.justice.gov/opa/speech/page-{i}"

    def item(i):
        return defer.Deferred.fromCoroutine(pipeline.process_item(PageFailed(url(i), "HTTP 500", 500)))
""")

BOUND = PRELUDE + textwrap.dedent("""
    client.send(DiscoveryFetched("https://www.justice.gov/robots.txt", 200, "robots.txt"))
    # The reactor is not running: no reply can be read yet, whatever the writer did.
    items = [item(i) for i in range(MAX_OUTSTANDING + 5)]
    waiting = [i for i, d in enumerate(items) if not d.called]
    released = []
    items[waiting[0]].addCallback(lambda _: released.append(client.outstanding))

    try:
        client.send(object())
        refused = None
    except TypeError as exc:
        refused = f"{type(exc).__name__}: {exc}"
    outstanding = client.outstanding

    def done(_):
        client.close()
        print(json.dumps({"bound": MAX_OUTSTANDING, "waiting": waiting, "released": released,
                          "refused": refused, "outstanding": outstanding, "replies": replies,
                          "lights": [d.result for d in items[:2]]}))
        reactor.stop()

    defer.DeferredList(items).addCallback(done)
    reactor.run()
""")

LOST = PRELUDE + textwrap.dedent("""
    client.send(DiscoveryFetched("https://www.justice.gov/robots.txt", 200, "robots.txt"))
    client.flush()  # the writer is up and has answered once
    items = [item(i) for i in range(MAX_OUTSTANDING + 5)]
    waiting = sum(not d.called for d in items)
    os.kill(client.writer.process.pid, signal.SIGKILL)

    def done(_):
        after = item(999)
        print(json.dumps({"waiting": waiting, "alive": client.alive,
                          "lost": crawler.stats.get_value("writer/lost"),
                          "send_after": client.send(DiscoveryFetched("u", 200, "r")),
                          "item_after": after.called and after.result}))
        client.close()
        reactor.stop()

    defer.DeferredList(items).addCallback(done)
    reactor.callLater(30, lambda: (print("hung"), os._exit(3)))
    reactor.run()
""")


def run_child(script: str, tmp_path) -> dict:
    db = tmp_path / "c.db"
    with Corpus(db) as corpus:
        crawl_id = corpus.begin_crawl("crawl", {})
    child = subprocess.run([sys.executable, "-c", script, str(db), str(crawl_id)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bound_run(tmp_path_factory):
    """One child run serves the checks on it (a child costs seconds: Scrapy, a process)."""
    tmp_path = tmp_path_factory.mktemp("bound")
    return tmp_path, run_child(BOUND, tmp_path)


def test_the_pipeline_waits_at_the_bound_and_every_message_gets_one_reply_in_order(bound_run):
    tmp_path, out = bound_run
    bound = out["bound"]
    # the robots message and bound-2 items leave the writer under the bound; every item
    # sent at it or past it waits
    assert out["waiting"] == list(range(bound - 2, bound + 5))
    # released once the writer has caught up halfway, not one reply later
    assert out["released"] and out["released"][0] <= bound // 2
    # one reply per message, in the order sent
    assert out["replies"] == [["DiscoveryFetched", "https://www.justice.gov/robots.txt"]] + [
        ["PageFailed", f"https://www.justice.gov/opa/speech/page-{i}"] for i in range(bound + 5)]
    # the item the pipeline returns keeps no body
    assert out["lights"] == [{"kind": "PageFailed", "url": f"https://www.justice.gov/opa/speech/page-{i}"}
                             for i in range(2)]
    with Corpus(tmp_path / "c.db") as corpus:
        assert corpus.query_one("SELECT count(*) AS n FROM fetches WHERE outcome = 'failed'")["n"] \
            == bound + 5


def test_an_unknown_message_type_is_refused_before_it_is_sent(bound_run):
    _, out = bound_run
    assert out["refused"] == "UnknownMessage: the writer has no function for object"
    assert out["outstanding"] == out["bound"] + 5 + 1  # nothing was queued for it
    assert len(out["replies"]) == out["bound"] + 6


def test_a_lost_writer_releases_every_waiter_and_refuses_further_messages(tmp_path):
    out = run_child(LOST, tmp_path)
    assert out["waiting"] == 6  # the robots reply was read: 63 items fit
    assert out["alive"] is False and out["lost"] == 1
    assert out["send_after"] is False
    assert out["item_after"] == {"kind": "PageFailed", "url": "https://www.justice.gov/opa/speech/page-999"}
