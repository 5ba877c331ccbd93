"""A justice.gov that misbehaves on purpose (issue 14), for the hostile tests.

`Hostile(replica)` is a small threaded HTTP server on loopback (port 0) that serves the
replica's site (so speech pages, listings, sitemaps and the API are the real replica
pages) except where a rule says otherwise:

    with Hostile(Replica(40, seed=1)) as site:
        site.on(SPEECH, status(403))                   # a CDN block of speech pages
        site.on("/opa/speech/x", redirect("/opa/speech/y"))
        crawl("backfill", db, site.base_url)

The replica is not started: its `Site` answers in-process, with its base URL set to this
server's, so every link, redirect and sitemap <loc> points here. Rules are tried newest
first; a rule's `match` is a path (query ignored), a predicate on the request target, or
one of the predicates below. Every request is logged (`requests()`).

Bodies that would be large are streamed from a small repeated chunk, so a 25 MB page is
never held in memory; a drip (1 byte every N seconds) stops when the server stops. The
server only ever binds a 127.x.y.z address.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

from scraper.discovery.parsers import is_speech_url
from scraper.replica.server import build_response

CHUNK = 64 * 1024


# ---- predicates on the request target (path and query) ----

def SPEECH(target: str) -> bool:  # noqa: N802 - reads as a constant in rules
    return is_speech_url("http://h" + target)


def NOT_ROBOTS(target: str) -> bool:  # noqa: N802
    return urlsplit(target).path != "/robots.txt"


def API(target: str) -> bool:  # noqa: N802
    return urlsplit(target).path == "/api/v1/speeches.json"


# ---- actions: each answers one request ----

def status(code: int, body: bytes = b"", content_type: str = "text/html; charset=UTF-8",
           headers: dict | None = None):
    body = body or f"<html><body><h1>{code}</h1></body></html>".encode()

    def act(handler, target):
        handler.answer(code, body, {"Content-Type": content_type, **(headers or {})})
    return act


def page(body: bytes, content_type: str = "text/html; charset=UTF-8", code: int = 200):
    return status(code, body, content_type)


def redirect(location: str, code: int = 301):
    """A redirect; a path is made absolute on this server, a URL is sent as it is."""
    def act(handler, target):
        url = location if "://" in location else handler.server.hostile.base_url + location
        handler.answer(code, f'<a href="{url}">moved</a>'.encode(),
                       {"Location": url, "Content-Type": "text/html"})
    return act


def serve_as(path: str):
    """The replica's answer for another path (a renamed slug serves the old page)."""
    def act(handler, target):
        handler.delegate(path)
    return act


def rewrite(body_fn=None, target_fn=None):
    """The replica's answer for target_fn(target), its body passed through body_fn."""
    def act(handler, target):
        handler.delegate(target_fn(target) if target_fn else target, body_fn)
    return act


def stream(size: int, head: bytes = b"", filler: bytes = b"<!-- padding -->\n",
           content_type: str = "text/html; charset=UTF-8", tail: bytes = b""):
    """`size` bytes (declared in Content-Length): head, filler repeated, then tail."""
    block = (filler * (CHUNK // len(filler) + 1))[:CHUNK]

    def act(handler, target):
        handler.start(200, {"Content-Type": content_type, "Content-Length": str(size)})
        handler.write_chunks(_pieces(head, block, size - len(tail)))
        handler.write_chunks([tail])
    return act


def stream_gzip(pieces_fn, content_type: str = "application/x-gzip"):
    """A .gz file compressed on the fly from pieces_fn() (bytes pieces), sent chunked-free
    with Connection: close (its compressed length is not known beforehand)."""
    def act(handler, target):
        handler.start(200, {"Content-Type": content_type, "Connection": "close"})
        handler.close_connection = True
        handler.write_chunks(gzip_pieces(pieces_fn()))
    return act


def drip(body: bytes, every: float = 2.0, content_type: str = "text/plain"):
    """The body one byte at a time, `every` seconds apart (a robots.txt that never ends)."""
    def act(handler, target):
        handler.start(200, {"Content-Type": content_type, "Content-Length": str(len(body)),
                            "Connection": "close"})
        handler.close_connection = True
        stopping = handler.server.hostile.stopping
        for i in range(len(body)):
            if stopping.wait(every if i else 0):
                return
            if not handler.write(body[i:i + 1]):
                return
    return act


def _pieces(head: bytes, block: bytes, size: int):
    yield head[:size]
    left = size - min(len(head), size)
    while left > 0:
        yield block[:left]
        left -= min(len(block), left)


def gzip_pieces(pieces):
    """gzip (the .gz file format) of an iterable of bytes, compressed piece by piece."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    for piece in pieces:
        out = packer.compress(piece)
        if out:
            yield out
    yield packer.flush()


def gzip_bytes(data: bytes) -> bytes:
    return b"".join(gzip_pieces([data]))


# ---- sitemap and API documents ----

def urlset(entries) -> bytes:
    """A sitemap urlset of (loc, lastmod) pairs."""
    rows = "".join(f"<url><loc>{loc}</loc><lastmod>{mod}</lastmod></url>\n" for loc, mod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n").encode()


def sitemap_index(locs) -> bytes:
    rows = "".join(f"<sitemap><loc>{loc}</loc><lastmod>2026-01-01T00:00:00Z</lastmod></sitemap>\n"
                   for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</sitemapindex>\n").encode()


def sitemap_locs(replica, path: str = "/sitemap.xml") -> list[tuple[str, str]]:
    """(loc, lastmod) of every speech entry of the replica's sitemaps, read in-process."""
    from scraper.discovery.parsers import parse_sitemap

    kind, entries = parse_sitemap(replica.fetch(path).body)
    if kind == "index":
        found = []
        for entry in entries:
            found += sitemap_locs(replica, urlsplit(entry.url).path)
        return found
    return [(e.url, e.lastmod) for e in entries if is_speech_url(e.url)]


def set_query(target: str, **values) -> str:
    """target with some query parameters replaced (for API paging tricks)."""
    parts = urlsplit(target)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    query.update({k: str(v) for k, v in values.items()})
    return parts.path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def query_value(target: str, name: str, default: str = "") -> str:
    return parse_qs(urlsplit(target).query).get(name, [default])[-1]


# ---- the server ----

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):
        self.serve(head=False)

    def do_HEAD(self):
        self.serve(head=True)

    def serve(self, head: bool):
        hostile: Hostile = self.server.hostile
        self.entry = hostile._log(self.path, self.headers)
        for match, action in hostile._rules():
            if match(self.path):
                self.entry["rule"] = True
                return action(self, self.path)
        self.delegate(self.path)

    def delegate(self, target: str, body_fn=None):
        replica = self.server.hostile.replica
        response = build_response(replica.site.respond(target), self.headers)
        body = body_fn(response.body) if body_fn else response.body
        headers = {k: v for k, v in response.headers.items() if k != "Content-Length"}
        self.answer(response.status, body, headers)

    def answer(self, code: int, body: bytes, headers: dict):
        self.start(code, {**headers, "Content-Length": str(len(body))})
        if self.command != "HEAD":
            self.write(body)

    def start(self, code: int, headers: dict):
        self.entry["status"] = code
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def write(self, data: bytes) -> bool:
        """False once the client has gone (it dropped a body it did not want)."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
            self.entry["bytes"] += len(data)
            return True
        except OSError:
            self.close_connection = True
            return False

    def write_chunks(self, pieces):
        if self.command == "HEAD":
            return
        for piece in pieces:
            if self.server.hostile.stopping.is_set() or not self.write(piece):
                return


class Hostile:
    """A loopback HTTP server: the replica's site, with rules that misbehave."""

    def __init__(self, replica=None, *, host: str = "127.0.0.1"):
        if not host.startswith("127."):
            raise ValueError("the hostile server only binds loopback addresses")
        self.replica = replica
        self.host = host
        self.stopping = threading.Event()
        self._rules_list: list[tuple] = []
        self._lock = threading.Lock()
        self._log_list: list[dict] = []
        self._server = None
        self._thread = None
        self.base_url = ""

    def on(self, match, action) -> "Hostile":
        """Add a rule (newest first). match: a path, a predicate on the target, or a regex
        object searched in the target."""
        if isinstance(match, str):
            path = match
            match = lambda target: urlsplit(target).path == path  # noqa: E731
        elif isinstance(match, re.Pattern):
            match = match.search
        with self._lock:
            self._rules_list.insert(0, (match, action))
        return self

    def clear_rules(self) -> None:
        with self._lock:
            self._rules_list.clear()

    def _rules(self):
        with self._lock:
            return list(self._rules_list)

    def _log(self, target: str, headers) -> dict:
        entry = {"path": target, "status": None, "bytes": 0, "time": time.time(), "rule": False,
                 "user_agent": headers.get("User-Agent"),
                 "conditional": bool(headers.get("If-None-Match") or headers.get("If-Modified-Since"))}
        with self._lock:
            self._log_list.append(entry)
        return entry

    def requests(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._log_list]

    def paths(self) -> list[str]:
        return [e["path"] for e in self.requests()]

    def clear_log(self) -> None:
        with self._lock:
            self._log_list.clear()

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path)

    def start(self) -> "Hostile":
        server = _Server((self.host, 0), _Handler)
        server.hostile = self
        self._server = server
        self.base_url = f"http://{self.host}:{server.server_address[1]}"
        if self.replica is not None:  # every link the replica writes points here
            self.replica.site.base_url = self.base_url
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"hostile:{self.base_url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> "Hostile":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---- running the CLI against it, and reading the corpus afterwards ----

def hcrawl(mode: str, db, base_url: str, *extra, env: dict | None = None, timeout: float = 120):
    """tests.crawl_support.crawl with extra environment (JUSTICE_MAX_PAGE_BYTES...)."""
    from tests.crawl_support import run_cli

    return run_cli(mode, "--db", str(db), "--base-url", base_url, "--delay", "0",
                   "--no-progress", "--backoff", "0.05", *extra, timeout=timeout, env=env)


def pending(db) -> int:
    """Frontier rows left pending (after a finished run there must be none)."""
    from tests.crawl_support import rows

    return rows(db, "SELECT count(*) n FROM frontier WHERE state = 'pending'")[0]["n"]


def failed(db, crawl_id: int | None = None) -> list[dict]:
    from tests.crawl_support import rows

    where = " AND crawl_id = ?" if crawl_id is not None else ""
    return rows(db, "SELECT speech_id, url, request_url, status, reason FROM fetches"
                    " WHERE outcome = 'failed'" + where + " ORDER BY id",
                (crawl_id,) if crawl_id is not None else ())


def stored_ids(db) -> set[str]:
    from tests.crawl_support import rows

    return {r["id"] for r in rows(db, "SELECT id FROM speeches")}


def one_line_error(proc, *words) -> str:
    """The one stderr line holding all `words`: exactly one, and no traceback anywhere."""
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if all(w in line for w in words)]
    assert len(lines) == 1, f"want one line with {words}, stderr was:\n{proc.stderr[-3000:]}"
    return lines[0]
