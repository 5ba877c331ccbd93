"""The replica's local Wayback: CDX and raw playback over loopback HTTP, its ground truth,
and the whole pure path (scraper.archive.cdx + corpus.extract) run against it."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from corpus.extract import extract
from corpus.record import content_hash
from corpus.urls import canonical_id
from scraper.replica import Replica
from scraper.replica.wayback import LocalWayback, surt_key
from scraper.archive.cdx import (LISTING_TARGETS, cdx_queries, cdx_query_url, keep_changes,
                             listing_cdx_queries, parse_cdx, parse_listing_capture,
                             plan_fetches, unknown_ids)


@pytest.fixture(scope="module")
def archive():
    replica = Replica(60, seed=5)
    with LocalWayback(replica, edited=8, removed=4, seed=5) as wayback:
        yield replica, wayback


def get(url: str) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"  # loopback only
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", url[len(f"{parts.scheme}://{parts.netloc}"):])
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def history(wayback: LocalWayback, speech_id: str) -> list[tuple[str, dict]]:
    """What a Wayback backfill does for one id, with the pure building blocks."""
    lists = []
    for query in cdx_queries(speech_id, wayback.base_url):
        status, _, body = get(query)
        assert status == 200
        captures, warnings = parse_cdx(body)
        assert warnings == []
        lists.append(captures)
    extracted = []
    for capture in plan_fetches(*lists):
        status, headers, body = get(capture.playback_url(wayback.base_url))
        assert status == 200
        record = extract(body, capture.original, encoding=None).to_dict()
        extracted.append((capture.captured_at, content_hash(record), record))
    return [(at, record) for at, _, record in keep_changes(extracted)]


def _content(record: dict) -> dict:
    return {k: record[k] for k in ("title", "date", "location", "delivery", "speakers",
                                   "components", "topics", "paragraphs")}


def test_every_edit_of_every_speech_is_found_with_its_capture_time(archive):
    replica, wayback = archive
    for speech_id in replica.ids("all"):
        got = history(wayback, speech_id)
        want = wayback.expected(speech_id)
        assert [at for at, _ in got] == [at for at, _ in want], speech_id
        assert [_content(r) for _, r in got] == [_content(r) for _, r in want], speech_id


def test_ground_truth_has_edits_reverts_removals_and_steady_speeches(archive):
    replica, wayback = archive
    assert len(wayback.edited) == 8 and len(wayback.removed) == 4
    for speech_id in wayback.edited:
        kept = wayback.expected(speech_id)
        assert len(kept) >= 2
        assert all(_content(a) != _content(b) for (_, a), (_, b) in zip(kept, kept[1:]))
    reverts = [i for i in wayback.edited if len(wayback.expected(i)) == 3]
    assert reverts, "an A -> B -> A speech"
    for speech_id in reverts:
        first, _, last = wayback.expected(speech_id)
        assert _content(first[1]) == _content(last[1])
    steady = [i for i in replica.ids("live") if i not in wayback.edited]
    for speech_id in steady:
        assert len(wayback.expected(speech_id)) == 1
        assert len({c.digest for c in wayback.captures(speech_id) if c.status == 200}) == 2  # chrome-only
    for speech_id in wayback.removed:
        assert replica.fetch(replica.url(speech_id)).status in (404, 410)
        assert wayback.expected(speech_id)
        assert any(c.status == 404 for c in wayback.captures(speech_id))


def test_capture_times_are_distinct_and_after_the_speech(archive):
    replica, wayback = archive
    for speech_id in replica.ids("all"):
        day = replica.speech(speech_id)["date"]
        times = [c.timestamp for c in wayback.captures(speech_id) if c.status == 200]
        assert len(times) == len(set(times)) >= 3
        assert min(times)[:8] > day.replace("-", "")


def test_collapse_and_filter_matter(archive):
    replica, wayback = archive
    drupal = next(i for i in replica.ids("live") if replica.speech(i)["generation"] == "drupal7"
                  and i not in wayback.edited)
    target = "justice.gov/archives" + drupal
    plain = cdx_query_url(target, wayback.base_url).replace("&collapse=digest", "")
    everything = plain.replace("&filter=statuscode%3A200", "").replace("&filter=statuscode:200", "")
    rows = lambda url: parse_cdx(get(url)[2], max_rows=100)[0]  # noqa: E731
    collapsed = rows(cdx_query_url(target, wayback.base_url))
    assert len(rows(plain)) == len(collapsed) + 1  # the duplicate digest
    assert len({c.digest for c in collapsed}) == len(collapsed)
    old_form = json.loads(get(everything.replace("archives%2F", "").replace("/archives", ""))[2])
    assert ["301"] == [row[2] for row in old_form[1:] if row[2] != "200"]


def test_removed_speeches_are_found_from_captured_listings_and_sitemaps(archive):
    replica, wayback = archive
    entries, seen = [], set()
    todo = listing_cdx_queries(wayback.base_url)
    while todo:
        query = todo.pop(0)
        captures, warnings = parse_cdx(get(query)[2])
        assert warnings == []
        for capture in plan_fetches(captures):
            status, _, body = get(capture.playback_url(wayback.base_url))
            assert status == 200
            found, more = parse_listing_capture(body, capture.original)
            entries += found
            for url in more:
                key = surt_key(url)
                if key not in seen and not any(key.startswith(surt_key(t)) for t in LISTING_TARGETS):
                    seen.add(key)
                    todo.append(cdx_query_url(url, wayback.base_url))
    assert sorted(unknown_ids(entries, replica.ids("live"))) == wayback.removed
    assert {canonical_id(e.url) for e in entries} >= set(wayback.removed)


def test_playback_exact_nearest_and_missing(archive):
    replica, wayback = archive
    capture = wayback.captures(wayback.edited[0])[0]
    status, headers, body = get(f"{wayback.base_url}/web/{capture.timestamp}id_/{capture.original}")
    assert status == 200 and headers["memento-datetime"] == capture.captured_at
    assert body and extract(body, capture.original).title
    nearby = str(int(capture.timestamp) + 1)
    status, headers, _ = get(f"{wayback.base_url}/web/{nearby}id_/{capture.original}")
    assert status == 302 and headers["location"] == f"/web/{capture.timestamp}id_/{capture.original}"
    assert get(f"{wayback.base_url}/web/20200101000000id_/https://www.justice.gov/opa/speech/never")[0] == 404
    assert get(f"{wayback.base_url}/web/20200101000000/{capture.original}")[0] == 400


def test_429_with_retry_after_then_normal_answers_and_a_request_log(archive):
    _, wayback = archive
    before = len(wayback.requests())
    query = cdx_queries(wayback.removed[0], wayback.base_url)[0]
    wayback.throttle(times=2, retry_after="3")
    first, second, third = get(query), get(query), get(query)
    assert (first[0], first[1]["retry-after"]) == (429, "3")
    assert second[0] == 429 and third[0] == 200 and parse_cdx(third[2])[0]
    log = wayback.requests()[before:]
    assert [e["status"] for e in log] == [429, 429, 200]
    assert all(e["path"].startswith("/cdx/search/cdx?") and e["time"] <= time.time() for e in log)


def test_the_server_stops_with_its_context():
    replica = Replica(10, seed=9)
    with LocalWayback(replica, edited=1, removed=1) as wayback:
        base = wayback.base_url
        assert get(cdx_queries(wayback.edited[0], base)[0])[0] == 200
    with pytest.raises(OSError):
        get(cdx_queries("/opa/speech/x", base)[0])
