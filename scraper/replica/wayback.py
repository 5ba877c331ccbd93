"""A local Internet Archive for the replica: a CDX endpoint and raw (`id_`) playback.

    with Replica(300, seed=1) as replica, LocalWayback(replica, edited=20, removed=8) as wb:
        wb.base_url                     # http://127.0.0.1:<port>: pass as --wayback-url
        wb.removed                      # ids the archive holds that the replica now 404s
        wb.expected(speech_id)          # [(captured_at, gold record)]: one per distinct content
        wb.captures(speech_id)          # every capture (duplicates, redirects, 404s included)
        wb.throttle(times=2, retry_after="1")   # the next 2 requests answer 429
        LocalWayback(replica, page_rows=50)     # CDX paged mode, 50 rows a page
        LocalWayback(replica, paged=False)      # no paged mode: resumption keys only
        wb.requests()                   # what was asked, when

Built once from the replica's speeches (seeded): each speech gets several captures at
distinct past moments under the URL forms the site used (http, usdoj.gov, the /opa/ form
of a Drupal-era page before its move to /archives/), with identical-digest duplicates so
collapse matters, chrome-only changes (same content, new bytes), edited versions
(different paragraphs, some a different title), A -> B -> A reverts, 301 and 404 captures
that `filter=statuscode:200` must drop; `removed` speeches are captured, then removed
from the replica (404/410 there), and the sitemaps, listings and archive indexes that
listed them are captured before their removal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from corpus.record import content_hash
from scraper.replica import cdxquery, synth
from scraper.replica.synth import Speech

SITE = "https://www.justice.gov"


@dataclass(frozen=True)
class ArchivedCapture:
    timestamp: str
    original: str
    status: int
    mimetype: str
    digest: str
    speech_id: str | None  # None for listing and sitemap captures
    content_hash: str | None = None  # of the gold record (200 speech captures only)

    @property
    def captured_at(self) -> str:
        return dt.datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def surt_key(url: str) -> str:
    """The archive's notion of one URL: no scheme, no leading www., no trailing slash."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return host + path + (f"?{parts.query}" if parts.query else "")


def _digest(body: bytes) -> str:
    return base64.b32encode(hashlib.sha1(body).digest()).decode()


class LocalWayback:
    def __init__(self, replica, *, edited: int = 10, removed: int = 4, seed: int = 1,
                 host: str = "127.0.0.1", port: int = 0, page_rows: int = 3000,
                 paged: bool = True):
        # page_rows: CDX rows per page of the paged mode (the archive's index blocks);
        # paged=False: a server that answers 400 to it (resumption keys only).
        self.page_rows, self.paged = page_rows, paged
        self.replica, self.site = replica, replica.site
        self.host, self.port = host, port
        self.rnd = random.Random(f"wayback/{seed}")
        self._bodies: dict[str, bytes] = {}  # digest -> bytes (duplicates stored once)
        self._by_key: dict[str, list[ArchivedCapture]] = {}
        self._gold: dict[tuple[str, str], dict] = {}  # (speech_id, timestamp) -> record
        self._log: list[dict] = []
        self._lock = threading.Lock()
        self._throttle = (0, "1", "")
        self._server = None
        self._thread = None
        self.now = max(s.date for s in self.site.speeches) + dt.timedelta(days=120)
        live = [s for s in self.site.speeches if not s.gone]
        picked = self.rnd.sample(live, min(len(live), edited + removed))
        self.edited = sorted(s.cid for s in picked[:edited])
        gone = picked[edited:]
        self.removed = sorted(s.cid for s in gone)
        for s in live:
            kind = "removed" if s in gone else "edited" if s.cid in self.edited else "steady"
            self._archive_speech(s, kind)
        for s in gone:
            self._archive_listings(s)
        if gone:
            self.replica.mutate(remove=self.removed)

    # ------------------------------------------------------------------ building

    def _add(self, timestamp, original, status, body, mimetype="text/html", speech_id=None, record=None):
        digest = _digest(body)
        self._bodies.setdefault(digest, body)
        capture = ArchivedCapture(timestamp, original, status, mimetype, digest, speech_id,
                                  content_hash(record) if record else None)
        self._by_key.setdefault(surt_key(original), []).append(capture)
        if record:
            self._gold[(speech_id, timestamp)] = record

    def _moments(self, s: Speech, count: int) -> list[str]:
        start = dt.datetime.combine(s.date, dt.time(15), dt.timezone.utc)
        span = (dt.datetime.combine(self.now, dt.time(0), dt.timezone.utc) - start) / (count + 1)
        span = min(span, dt.timedelta(days=300))
        return [(start + span * (i + 1) + dt.timedelta(seconds=self.rnd.randrange(3600)))
                .strftime("%Y%m%d%H%M%S") for i in range(count)]

    def _original(self, s: Speech, i: int) -> str:
        if s.generation == "archive":
            return ("http://www.usdoj.gov" if i == 0 else SITE) + s.cid
        if s.generation == "drupal7":  # served under /opa/ before the move to /archives/
            return ("http://www.justice.gov" + s.cid) if i == 0 else SITE + s.path
        return SITE + s.path + ("/" if i % 2 else "")

    def _version(self, s: Speech, edits: int, chrome: bool):
        """Page bytes and gold record of the speech as it was: `edits` edits, and with
        `chrome` another "Updated" date (or archive comment): new bytes, same content."""
        copy = Speech(**{name: getattr(s, name) for name in Speech.__slots__})
        copy.edits = edits
        if chrome:
            copy.chrome = s.chrome + 1
            if copy.updated is not None:
                copy.updated = copy.updated + dt.timedelta(days=3)
        page = self.site.speech_page(copy)
        record = synth.gold_record(copy, self.site.blocks(copy), copy.title())
        return page.body, record, page.content_type.split(";")[0]

    def _archive_speech(self, s: Speech, kind: str):
        old = s.edits + self.rnd.choice((1, 2))
        if kind == "edited" and self.rnd.random() < 0.34:
            plan = [(s.edits, False), (old, False), (s.edits, False)]  # A -> B -> A
        elif kind == "edited":
            plan = [(old, False), (old, False), (s.edits, False), (s.edits, True)]
        elif kind == "removed":
            plan = [(s.edits, False), (s.edits, False), (old, False)]
        else:  # the second and third are one digest under one URL form: collapse drops one
            plan = [(s.edits, False), (s.edits, False), (s.edits, False), (s.edits, True)]
        moments = self._moments(s, len(plan) + 1)
        for i, ((edits, chrome), ts) in enumerate(zip(plan, moments)):
            body, record, mime = self._version(s, edits, chrome)
            self._add(ts, self._original(s, i), 200, body, mime, s.cid, record)
        last = moments[-1]
        if s.generation == "drupal7":  # the old /opa/ form redirecting: not a 200
            self._add(last, "http://www.justice.gov" + s.cid, 301, b"", speech_id=s.cid)
        if kind == "removed":
            self._add(last, self._original(s, len(plan)), 404, self.site.not_found().body, speech_id=s.cid)

    def _archive_listings(self, s: Speech):
        """Capture, while `s` is still on the site, the pages that list it."""
        ts = self._moments(s, 1)[0]
        if s.generation == "archive":
            paths = [f"/archive/ag/speeches/{s.date.year}/index.html", "/archive/ag/speeches/index.html"]
        else:
            name, listing = (("news", "/news/speeches") if s.generation == "current"
                             else ("drupal7", "/archives/opa/speeches"))
            rows = self.site._newest_first(name, lambda x: x.generation == s.generation)
            page = rows.index(s) // self.site.page_size
            paths = [f"/sitemaps/speeches-{s.date.year}.xml", "/sitemap.xml",
                     listing + (f"?page={page}" if page else "")]
        for path in paths:
            answer = self.site.respond(path)
            body = answer.body.replace(self.site.base_url.encode(), SITE.encode())
            self._add(ts, SITE + path, answer.status, body, answer.content_type.split(";")[0])

    # ------------------------------------------------------------------ ground truth

    def captures(self, speech_id: str | None = None) -> list[ArchivedCapture]:
        """Every capture (of one speech, or all), in time order."""
        every = [c for lst in self._by_key.values() for c in lst
                 if speech_id is None or c.speech_id == speech_id]
        return sorted(every, key=lambda c: (c.timestamp, c.original))

    def listing_captures(self) -> list[ArchivedCapture]:
        return [c for c in self.captures() if c.speech_id is None]

    def expected(self, speech_id: str) -> list[tuple[str, dict]]:
        """(captured_at, gold record) of each capture whose content differs from the
        capture before it: what a Wayback backfill must keep for the speech."""
        out, last = [], None
        for c in self.captures(speech_id):
            if c.status == 200 and c.content_hash != last:
                out.append((c.captured_at, self._gold[(speech_id, c.timestamp)]))
                last = c.content_hash
        return out

    def gold(self, speech_id: str, timestamp: str) -> dict:
        return self._gold[(speech_id, timestamp)]

    # ------------------------------------------------------------------ answers

    def cdx(self, query: dict) -> tuple[int, bytes]:
        """A CDX search (scraper/replica/cdxquery.py: paging and resumption keys too)."""
        return cdxquery.answer(self._by_key, query, surt_key, page_rows=self.page_rows,
                               paged=self.paged)

    def playback(self, rest: str) -> tuple[int, dict, bytes]:
        stamp, _, original = rest.partition("/")
        if not stamp.endswith("id_") or not original:
            return 400, {}, b"only raw id_ playback is served here"
        stamp = stamp[:-3]
        if original.startswith(("http:/", "https:/")) and "://" not in original:
            original = original.replace(":/", "://", 1)  # a client folded the double slash
        captures = self._by_key.get(surt_key(original), [])
        exact = [c for c in captures if c.timestamp == stamp]
        if not exact:
            if not captures:
                return 404, {}, b"not archived"
            near = min(captures, key=lambda c: abs(int(c.timestamp) - int(stamp.ljust(14, "0"))))
            return 302, {"Location": f"/web/{near.timestamp}id_/{near.original}"}, b""
        c = exact[0]
        headers = {"Content-Type": c.mimetype, "Memento-Datetime": c.captured_at}
        return c.status, headers, self._bodies[c.digest]

    # ------------------------------------------------------------------ server

    def throttle(self, times: int = 1, retry_after: str = "1", path: str = ""):
        """The next `times` requests (to paths starting with `path`) answer 429 with this
        Retry-After."""
        with self._lock:
            self._throttle = (times, retry_after, path)

    def answer(self, target: str) -> tuple[int, dict, bytes]:
        with self._lock:
            left, retry_after, path = self._throttle
            if left > 0 and target.startswith(path):
                self._throttle = (left - 1, retry_after, path)
                return 429, {"Retry-After": retry_after}, b"Too Many Requests"
        parts = urlsplit(target)
        if parts.path == "/cdx/search/cdx":
            status, body = self.cdx(parse_qs(parts.query))
            return status, {"Content-Type": "text/plain; charset=utf-8"}, body
        if target.startswith("/web/"):
            return self.playback(target[len("/web/"):])
        return 404, {}, b"not found"

    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._log)

    def _record(self, entry: dict):
        with self._lock:
            self._log.append(entry)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LocalWayback":
        server = ThreadingHTTPServer((self.host, self.port), _Handler)
        server.daemon_threads = True
        server.wayback = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"wayback:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> "LocalWayback":
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections are closed after this

    def setup(self):
        super().setup()
        # No Nagle delay: a keep-alive client would wait ~40 ms for each answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):
        wayback: LocalWayback = self.server.wayback
        started = time.time()
        status, headers, body = wayback.answer(self.path)
        wayback._record({"path": self.path, "status": status, "time": started,
                         "user_agent": self.headers.get("User-Agent", "")})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
