"""Issue 22: URLs a hostile site hands the crawler (cases 14 and 18).

A discovered URL is one speech whichever way it is spelt, a path that is not a speech
path is never fetched as one, and a redirect to data:, file: or javascript: is a failure
that names its scheme.
"""

from __future__ import annotations

import pytest

from corpus.urls import canonical_id
from scraper.discovery.parsers import is_speech_url
from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import Hostile, failed, hcrawl, one_line_error, page, pending, \
    sitemap_index, status, stored_ids, urlset

pytestmark = pytest.mark.e2e

XML = "application/xml"


def current_speech(replica, index=0):
    sid = [s["id"] for s in replica.speeches("live") if s["generation"] == "current"][index]
    return sid, replica.speech(sid)["path"]


@pytest.mark.parametrize("target", ["data:text/html,<h1>hi</h1>", "file:///etc/passwd",
                                    "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_names_the_scheme(tmp_path, target):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=251)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        site.on(path, status(302, headers={"Location": target}))
        proc = hcrawl("backfill", db, site.base_url)
    scheme = target.split(":")[0]
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert f"redirect to a {scheme}" in one_line_error(proc, "crawl unhealthy")
    [row] = failed(db)
    assert row["speech_id"] == sid, row
    assert row["reason"].startswith(f"redirect to a {scheme}: URL not followed"), row
    assert sid not in stored_ids(db) and pending(db) == 0


def test_spellings_of_one_speech_are_one_id():
    assert canonical_id("/opa/speech/a%00nul") == "/opa/speech/a%00nul"  # was /a%2Fnul
    assert canonical_id("/opa/speech/a%2fb%3f") == "/opa/speech/a%2Fb%3F"
    assert canonical_id("/OPA/SPEECH/S-0") == canonical_id("/opa/speech/s-0")
    assert canonical_id("/archives/OPA/Speech/X/") == "/opa/speech/x"
    # The static archive is a file tree: its case is kept.
    assert canonical_id("/archive/ag/speeches/2001/AB.htm") == "/archive/ag/speeches/2001/AB.htm"
    for not_speech in ("/opa/speech/..", "/opa/speech/.", "/opa/speech/../../x",
                       "/news/speech/", "/news/speech/x", "/opa/speech/./x"):
        assert not is_speech_url("http://h" + not_speech), not_speech
    assert is_speech_url("http://h/usao-edny/speech/x")


def test_hostile_sitemap_urls_become_neither_extra_speeches_nor_wrong_ids(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=252)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        bad = [site.url(p) for p in (path.upper(), "/opa/speech/..", "/opa/speech/../../opa",
                                     "/news/speech/x", "/opa/speech/a%00nul")]
        site.on("/sitemap.xml", page(sitemap_index([site.url("/sitemaps/odd.xml")]), XML))
        site.on("/sitemaps/odd.xml", page(urlset([(site.url(path), "2025-01-01")]
                                                 + [(u, "2025-01-01") for u in bad]), XML))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap")
        asked = site.paths()
    assert "/opa" not in asked and "/news/speech/x" not in asked
    assert not [p for p in asked if "/.." in p]
    # The upper-case spelling is the same speech: fetched once, stored once.
    assert len([p for p in asked if p.lower() == path.lower()]) == 1
    ids = {r["speech_id"] for r in rows(db, "SELECT DISTINCT speech_id FROM fetches"
                                            " WHERE speech_id IS NOT NULL")}
    assert ids == {sid, "/opa/speech/a%00nul"}, ids
    assert stored_ids(db) == {sid}
    assert "Traceback" not in proc.stderr and pending(db) == 0
