"""Issue 22, cases 10 and 13: the uuid a discovery source gives is kept, and one uuid
announced for two URLs is said.
"""

from __future__ import annotations

import json

import pytest

from corpus.urls import canonical_id
from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import API, Hostile, hcrawl, pending, rewrite, stored_ids

pytestmark = pytest.mark.e2e


def api_uuids(replica) -> dict[str, str]:
    """id -> uuid of every speech the replica's API lists."""
    found, page = {}, 0
    while True:
        data = json.loads(replica.fetch(f"/api/v1/speeches.json?pagesize=50&page={page}").body)
        found |= {canonical_id(r["url"]): r["uuid"] for r in data["results"] if r.get("uuid")}
        if not data["results"] or (page + 1) * 50 >= int(data["metadata"]["resultset"]["count"]):
            return found
        page += 1


def corpus_uuids(db) -> dict[str, str]:
    return {r["id"]: r["uuid"] for r in rows(db, "SELECT id, uuid FROM speeches WHERE uuid IS NOT NULL")}


def test_every_uuid_the_api_gives_reaches_its_speech(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(40, seed=281)
    with Hostile(replica) as site:
        given = api_uuids(replica)
        assert len(given) >= 5
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert len(stored_ids(db)) == 40 and pending(db) == 0
    assert corpus_uuids(db) == given  # before: only those stored before the API was read


def test_one_uuid_on_two_urls_is_a_warning(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=282)
    shared = {}

    def same_uuid(body):
        data = json.loads(body)
        first, second = data["results"][:2]
        second["uuid"] = first["uuid"]
        shared.update(uuid=first["uuid"], ids={canonical_id(first["url"]),
                                               canonical_id(second["url"])})
        return json.dumps(data).encode()
    with Hostile(replica) as site:
        site.on(API, rewrite(same_uuid))
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "uuid-shared" in proc.stdout  # the summary's warning row
    stats = json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert stats["warnings"] == {"uuid-shared": 1}, stats["warnings"]
    both = {sid for sid, uuid in corpus_uuids(db).items() if uuid == shared["uuid"]}
    assert both == shared["ids"]  # both stored, both live: the warning says which
