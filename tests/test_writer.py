"""The crawl's writer process seen from the crawl: sends never wait for the writer.

Each check runs in a child interpreter: the Writer needs Twisted's reactor, which must not
be installed in the test process (other tests run Scrapy in-process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from corpus.store import Corpus

STALLED_WRITER = textwrap.dedent("""
    import json, os, signal, sys
    from corpus.store.messages import DiscoveryFetched, PageFetched
    from scraper.crawl.writer import Writer

    db, crawl_id = sys.argv[1], int(sys.argv[2])
    replies = []
    writer = Writer(db, crawl_id, "crawl", on_reply=replies.append)
    writer.send(DiscoveryFetched("https://www.justice.gov/robots.txt", 200, "robots.txt"))
    writer.flush()  # the writer process is up and has answered once
    replies.clear()
    os.kill(writer.process.pid, signal.SIGSTOP)  # a writer that does not read

    def stuck(*_):  # a send blocked: end both, so the test fails rather than hangs
        os.kill(writer.process.pid, signal.SIGKILL)
        os._exit(3)

    signal.signal(signal.SIGALRM, stuck)
    signal.alarm(10)
    body = b"<html><body><p>" + b"x" * 2_000_000 + b"</p></body></html>"  # > any socket buffer
    for i in range(4):
        url = f"https://www.justice.gov/opa/speech/page-{i}"
        writer.send(PageFetched(url, 200, {"content-type": "text/html"}, body))
    queued = len(replies)  # nothing can have been answered yet
    signal.alarm(0)
    os.kill(writer.process.pid, signal.SIGCONT)
    writer.flush()
    writer.close()
    print(json.dumps({"queued_replies": queued, "replies": [r.url for r in replies],
                      "exit": writer.process.exitcode}))
""")


def test_sends_never_wait_for_a_writer_that_does_not_read(tmp_path):
    db = tmp_path / "c.db"
    with Corpus(db) as corpus:
        crawl_id = corpus.begin_crawl("crawl", {})
    child = subprocess.run([sys.executable, "-c", STALLED_WRITER, str(db), str(crawl_id)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["queued_replies"] == 0
    # every page answered once the writer reads again, in the order sent
    assert result["replies"] == [f"https://www.justice.gov/opa/speech/page-{i}" for i in range(4)]
    assert result["exit"] == 0
    with Corpus(db) as corpus:
        fetched = corpus.execute(
            "SELECT count(*) FROM fetches WHERE url LIKE '%/opa/speech/page-%'").fetchone()[0]
    assert fetched == 4
