"""The hostile server really misbehaves: each trick checked with a plain urllib request,
so a hostile test that fails does so because of the crawler, not because of its server."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
import zlib

import pytest

from scraper.replica import Replica
from tests.hostile import (
    NOT_ROBOTS, SPEECH, Hostile, drip, gzip_pieces, redirect, status, stream, stream_gzip,
)


def get(url, **kw):
    return urllib.request.urlopen(urllib.request.Request(url), timeout=10, **kw)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_hop(url):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")
    raise AssertionError("no redirect")


def test_unruled_paths_are_the_replicas_pages_pointing_at_the_hostile_server():
    replica = Replica(10, seed=1)
    with Hostile(replica) as site:
        sid = replica.ids()[-1]
        with get(site.url(replica.speech(sid)["path"])) as response:
            assert response.status == 200 and b"<html" in response.read().lower()
        with get(site.url("/robots.txt")) as response:
            assert f"Sitemap: {site.base_url}/sitemap.xml" in response.read().decode()
        assert site.requests()[0]["status"] == 200


@pytest.mark.parametrize("code", [401, 403, 451, 400, 405])
def test_a_cdn_block_answers_every_path_but_robots_txt(code):
    replica = Replica(10, seed=1)
    with Hostile(replica) as site:
        site.on(NOT_ROBOTS, status(code))
        for path in ("/news/speeches", "/sitemap.xml", replica.speech(replica.ids()[0])["path"]):
            with pytest.raises(urllib.error.HTTPError) as caught:
                get(site.url(path))
            assert caught.value.code == code
        with get(site.url("/robots.txt")) as response:
            assert response.status == 200


def test_a_redirect_loop_and_an_off_site_redirect():
    replica = Replica(10, seed=1)
    with Hostile(replica) as site, Hostile(Replica(10, seed=1), host="127.0.0.2") as foreign:
        path = replica.speech(replica.ids()[0])["path"]
        site.on(path, redirect(path + "-b")).on(path + "-b", redirect(path))
        assert first_hop(site.url(path)) == (301, site.url(path + "-b"))
        assert first_hop(site.url(path + "-b")) == (301, site.url(path))
        with pytest.raises(urllib.error.HTTPError, match="redirect"):
            get(site.url(path))  # urllib itself detects the loop
        other = replica.speech(replica.ids()[1])["path"]
        site.on(other, redirect(foreign.url(other)))
        code, location = first_hop(site.url(other))
        assert code == 301 and location.startswith("http://127.0.0.2:")
        with get(location) as response:  # the foreign site is up and serves a page there
            assert response.status == 200


def test_a_streamed_body_has_the_declared_size_without_being_built():
    with Hostile(Replica(10, seed=1)) as site:
        site.on(SPEECH, stream(25_000_000, head=b"<html><body><p>hi</p>"))
        conn = http.client.HTTPConnection("127.0.0.1", int(site.base_url.rsplit(":", 1)[1]), timeout=10)
        conn.request("GET", "/opa/speech/anything")
        response = conn.getresponse()
        assert int(response.headers["Content-Length"]) == 25_000_000
        total, first = 0, response.read(100)
        total += len(first)
        while chunk := response.read(1 << 20):
            total += len(chunk)
        assert first.startswith(b"<html><body><p>hi</p>") and total == 25_000_000
        conn.close()


def test_a_gzip_bomb_is_small_on_the_wire_and_huge_inflated():
    pieces = lambda: [b"<urlset>"] + [b" " * (1 << 20)] * 300 + [b"</urlset>"]  # noqa: E731
    compressed = b"".join(gzip_pieces(pieces()))
    assert len(compressed) < 1_000_000
    inflated = zlib.decompressobj(31).decompress(compressed, 1 << 20)
    assert inflated.startswith(b"<urlset>")  # (only the first MB of 300 is inflated here)
    with Hostile(Replica(10, seed=1)) as site:
        site.on("/sitemaps/bomb.xml.gz", stream_gzip(pieces))
        with get(site.url("/sitemaps/bomb.xml.gz")) as response:
            assert response.read() == compressed


def test_a_drip_sends_one_byte_every_interval_and_stops_with_the_server():
    site = Hostile(Replica(10, seed=1)).start()
    try:
        site.on("/robots.txt", drip(b"User-agent: *\nDisallow:\n", every=0.3))
        started = time.monotonic()
        with get(site.url("/robots.txt")) as response:
            assert response.read(4) == b"User"
        assert time.monotonic() - started >= 0.85  # bytes 2, 3, 4 came 0.3 s apart
    finally:
        site.stop()
    assert site.stopping.is_set()


def test_the_server_refuses_a_non_loopback_address():
    with pytest.raises(ValueError):
        Hostile(host="0.0.0.0")
