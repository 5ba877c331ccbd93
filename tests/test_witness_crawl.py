"""Second witnesses through a whole crawl (issue 10): agreement counted per field, and an
altered-markup site raises the alarm (exit 3 naming the field), the corpus still kept."""

import json

from scraper.replica import Replica
from tests.crawl_support import crawl, rows


def last_stats(db):
    return json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])


def test_a_replica_backfill_agrees_with_its_witnesses_on_every_field(tmp_path):
    db = tmp_path / "c.db"
    with Replica(40, seed=71) as replica:
        proc = crawl("backfill", db, replica.base_url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    witness = last_stats(db)["witness"]
    assert {"title", "date"} <= set(witness)
    for name, counts in witness.items():
        assert counts["disagree"] == 0 and counts["filled"] == 0, (name, counts)
        assert counts["agree"] > 0, (name, counts)
    assert "witness: date" in proc.stdout
    # Kept for audit with each fetch (the archive index says nothing but the URL).
    kept = rows(db, "SELECT f.witnesses FROM fetches f JOIN speeches s ON s.id = f.speech_id"
                    " WHERE f.outcome = 'new' AND s.generation != 'archive'")
    assert kept and all(json.loads(r["witnesses"])[0]["source"] for r in kept)


def test_an_altered_markup_crawl_exits_3_naming_the_field(tmp_path):
    db = tmp_path / "c.db"
    with Replica(40, seed=72, markup="altered") as replica:
        proc = crawl("backfill", db, replica.base_url)
    assert proc.returncode == 3, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert "the site's markup may have changed: date disagrees with the" in last, last
    assert rows(db, "SELECT count(*) AS n FROM speeches")[0]["n"] == 40  # still kept
    warned = rows(db, "SELECT warnings FROM fetches WHERE warnings LIKE '%date-disagrees-%'")
    assert warned
