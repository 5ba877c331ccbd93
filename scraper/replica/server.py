"""The replica's HTTP server: a ThreadingHTTPServer on loopback, faults, request log,
conditional GETs and the /__replica/ control endpoints."""

from __future__ import annotations

import email.utils
import hashlib
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from .faults import Faults, FaultState
from .site import Page, Site, http_date

CONTROL = "/__replica/"


class Response(NamedTuple):
    status: int
    headers: dict
    body: bytes


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _not_modified(request_headers, etag: str, last_modified: int | None) -> bool:
    inm = request_headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags
    ims = request_headers.get("If-Modified-Since")
    if ims and last_modified is not None:
        try:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
        return last_modified <= since
    return False


def build_response(page: Page, request_headers, head: bool = False) -> Response:
    """Status, headers and body of a page: ETag, Last-Modified, 304, HEAD."""
    headers = {"Content-Type": page.content_type}
    headers.update(page.headers)
    if page.last_modified is not None:
        headers["Last-Modified"] = http_date(page.last_modified)
    body = page.body
    status = page.status
    if status == 200:
        headers["ETag"] = etag = _etag(body)
        headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        if _not_modified(request_headers, etag, page.last_modified):
            keep = ("ETag", "Last-Modified", "Cache-Control")
            return Response(304, {k: v for k, v in headers.items() if k in keep}, b"")
    headers["Content-Length"] = str(len(body))
    return Response(status, headers, b"" if head else body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections are closed after this

    def version_string(self):
        return "Apache"
    def setup(self):
        super().setup()
        # One write per response and no Nagle delay: without this a keep-alive client
        # waits for the delayed ACK (~40 ms) on every request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def do_POST(self):
        if self.path.startswith(CONTROL):
            return self._control()
        self._serve(head=False)

    def do_DELETE(self):
        if self.path.startswith(CONTROL):
            return self._control()
        self._serve(head=False)

    # ------------------------------------------------------------------ site pages

    def _serve(self, head: bool):
        replica: Replica = self.server.replica
        if self.path.startswith(CONTROL):
            return self._control()
        started = time.time()
        entry = replica._log_start(self.command, self.path, self.headers, started)
        try:
            if self.command in ("GET", "HEAD"):
                page = replica.site.respond(self.path)
            else:
                page = Page(405, body=b"Method Not Allowed", kind="other", headers={"Allow": "GET, HEAD"})
        except Exception as exc:  # a bug of the replica must not look like a network error
            page = Page(500, "text/plain; charset=UTF-8", f"replica error: {exc!r}".encode(), kind="error")
        entry["kind"] = page.kind
        fault = replica.faults_state.decide(self.path, page.kind)
        entry["fault"] = fault
        try:
            if fault in ("429", "500", "503"):
                status = int(fault)
                headers = {"Content-Type": "text/html; charset=UTF-8"}
                if fault in ("429", "503"):
                    headers["Retry-After"] = replica.faults_state.retry_after(self.path, started)
                reason = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}[status]
                body = f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>\n".encode()
                headers["Content-Length"] = str(len(body))
                self._send(Response(status, headers, b"" if head else body), entry)
                return
            if fault == "reset":
                entry["status"] = 0
                self._reset()
                return
            if fault == "slow":
                time.sleep(replica.faults_state.config.slow_seconds)
            response = build_response(page, self.headers, head)
            if fault == "truncate" and response.body:
                self._send(response, entry, truncate=True)
                return
            self._send(response, entry)
        finally:
            entry["duration"] = round(time.time() - started, 6)
            replica._log_done(entry)

    def _send(self, response: Response, entry: dict, truncate: bool = False):
        entry["status"] = response.status
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        body = response.body
        if truncate:
            self.send_header("Connection", "close")
            body = body[: len(body) // 2]
            self.close_connection = True
        self._headers_buffer.append(b"\r\n")  # end_headers(), with the body in the same write
        self._headers_buffer.append(body)
        self.flush_headers()
        entry["bytes"] = len(body)

    def _reset(self):
        """Close the connection with a TCP RST instead of an answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    # ------------------------------------------------------------------ control

    def _control(self):
        replica: Replica = self.server.replica
        parts = urlsplit(self.path)
        name = parts.path[len(CONTROL):].strip("/")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        data = {}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            try:
                data = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._json(400, {"error": "body is not JSON"})
        try:
            status, result = 200, replica._control(self.command, name, query, data)
        except KeyError as exc:
            status, result = 404, {"error": f"unknown: {exc.args[0]}"}
        except (TypeError, ValueError) as exc:
            status, result = 400, {"error": str(exc)}
        self._json(status, result)
        if name == "shutdown" and status == 200:
            threading.Thread(target=replica.stop, daemon=True).start()

    def _json(self, status: int, result):
        body = json.dumps(result, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()


class Replica:
    """A local justice.gov on 127.0.0.1 (see docs/replica.md)."""

    def __init__(
        self,
        speeches: int = 300,
        *,
        seed: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        crawl_delay: float | None = None,
        disallow=(),
        api: bool = True,
        faults: Faults | dict | None = None,
        gone_status="alternate",
        aliases: int = 0,
        sitemap_archive: bool = False,
        page_size: int = 25,
        feed: bool = True,
        log_stream=None,
        markup: str = "standard",
        research: bool = False,
    ):
        self.site = Site(
            speeches, seed, crawl_delay=crawl_delay, disallow=disallow, api=api,
            gone_status=gone_status, aliases=aliases, sitemap_archive=sitemap_archive,
            page_size=page_size, feed=feed, markup=markup, research=research,
        )
        self.faults_state = FaultState(_as_faults(faults))
        self.host, self.port = host, port
        self.site.base_url = f"http://{host}:{port}"
        self.log_stream = log_stream
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log: list[dict] = []
        self._log_lock = threading.Lock()
        self._seq = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return self.site.base_url

    @property
    def seed(self) -> int:
        return self.site.seed

    def start(self) -> "Replica":
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.replica = self
        self.port = server.server_address[1]
        self.site.base_url = f"http://{self.host}:{self.port}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"replica:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> "Replica":
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait(self):
        """Block until stop() (from another thread or /__replica/shutdown)."""
        while self._server is not None:
            time.sleep(0.2)

    # ------------------------------------------------------------------ content

    def fetch(self, target: str, *, method: str = "GET", headers: dict | None = None) -> Response:
        """What the server would answer to `target` (path and query), without HTTP,
        faults or the request log."""
        return build_response(self.site.respond(target), headers or {}, head=(method == "HEAD"))

    def _select(self, status: str):
        if status not in ("live", "gone", "all"):
            raise ValueError("status must be live, gone or all")
        return [s for s in self.site.speeches if status == "all" or (status == "gone") == bool(s.gone)]

    def ids(self, status: str = "live") -> list[str]:
        """Canonical ids of the speeches: status "live", "gone" or "all"."""
        return [s.cid for s in self._select(status)]

    def speeches(self, status: str = "all") -> list[dict]:
        """Metadata of the speeches (id, path, generation, status, edits, changed...)."""
        return [s.info() for s in self._select(status)]

    def speech(self, ident) -> dict:
        return self.site.speech(ident).info()

    def url(self, ident) -> str:
        """Absolute URL at which the replica serves a speech."""
        return self.base_url + self.site.speech(ident).path

    def gold(self, ident) -> dict:
        """The gold record of a speech (id, URL on either site, or index)."""
        return self.site.gold(ident)

    def gold_derived(self, ident) -> dict:
        """The truth of a speech's derived fields (people, kind, place, counts, language,
        paragraph roles): what the generator chose."""
        return self.site.gold_derived(ident)

    def gold_records(self, status: str = "live"):
        """Gold records of all speeches with that status ("live", "gone", "all"), in index order."""
        for cid in self.ids(status):
            yield self.site.gold(cid)

    def mutate(self, change=0, remove=0, add=0, chrome=0, revert=0, footer=False, seed=None,
               generations=None, silent=0) -> dict:
        return self.site.mutate(change=change, remove=remove, add=add, chrome=chrome, revert=revert,
                                footer=footer, seed=seed, generations=generations, silent=silent)

    def configure(self, **settings):
        """Change crawl_delay, disallow, api, feed, gone_status, sitemap_archive or markup
        ("standard" | "altered") at run time."""
        self.site.configure(**settings)

    # ------------------------------------------------------------------ faults

    @property
    def faults(self) -> Faults:
        return self.faults_state.config

    def set_faults(self, faults: Faults | dict | None = None, **settings) -> Faults:
        """Replace the faults in force (keywords: the fields of Faults); None clears them."""
        config = _as_faults(faults)
        if settings:
            config = Faults.from_dict({**config.to_dict(), **settings})
        self.faults_state.set(config)
        return config

    def fail(self, target: str, kind: str = "500", times: int = 1):
        """Make the next `times` requests of exactly `target` (path and query) fail."""
        self.faults_state.fail(target, kind, times)

    # ------------------------------------------------------------------ request log

    def _log_start(self, method, target, headers, started) -> dict:
        with self._log_lock:
            self._seq += 1
            entry = {
                "seq": self._seq, "time": started, "method": method, "path": target,
                "status": None, "kind": None, "fault": None, "bytes": 0,
                "user_agent": headers.get("User-Agent"),
                "if_none_match": headers.get("If-None-Match"),
                "if_modified_since": headers.get("If-Modified-Since"),
                "duration": None,
            }
            self._log.append(entry)
        return entry

    def _log_done(self, entry: dict):
        if self.log_stream is not None:
            fault = f" fault={entry['fault']}" if entry["fault"] else ""
            cond = " (conditional)" if entry["if_none_match"] or entry["if_modified_since"] else ""
            print(f"{entry['method']} {entry['path']} -> {entry['status']} {entry['bytes']}B{fault}{cond}",
                  file=self.log_stream, flush=True)

    def requests(self, since: int = 0) -> list[dict]:
        """Every request received (control endpoints excepted), oldest first; `since` a seq."""
        with self._log_lock:
            return [dict(e) for e in self._log if e["seq"] > since]

    def clear_log(self):
        with self._log_lock:
            self._log.clear()

    # ------------------------------------------------------------------ control (HTTP)

    def _control(self, method: str, name: str, query: dict, data: dict):
        args = {**query, **data}
        if name == "health":
            return {"ok": True, "base_url": self.base_url, "seed": self.seed,
                    "speeches": len(self.site.speeches), "live": len(self.ids("live")),
                    "mutations": self.site.mutations}
        if name == "speeches":
            return self.speeches(args.get("status", "all"))
        if name == "gold":
            if "id" in args:
                return self.gold(args["id"])
            ids = self.ids(args.get("status", "live"))
            offset, limit = int(args.get("offset", 0)), args.get("limit")
            ids = ids[offset:] if limit is None else ids[offset:offset + int(limit)]
            return [self.gold(i) for i in ids]
        if name == "mutate" and method == "POST":
            kwargs = {k: v for k, v in data.items()}
            for key in ("change", "remove", "add", "chrome", "revert", "silent"):
                if isinstance(kwargs.get(key), str) and kwargs[key].isdigit():
                    kwargs[key] = int(kwargs[key])
            return self.mutate(**kwargs)
        if name == "faults":
            if method == "POST":
                return self.set_faults(data or None).to_dict()
            return self.faults.to_dict()
        if name == "fail" and method == "POST":
            self.fail(data["path"], data.get("kind", "500"), int(data.get("times", 1)))
            return {"ok": True}
        if name == "log":
            if method == "DELETE":
                self.clear_log()
                return {"ok": True}
            return self.requests(int(args.get("since", 0)))
        if name == "log/clear" and method == "POST":
            self.clear_log()
            return {"ok": True}
        if name == "config":
            if method == "POST":
                self.configure(**data)
            site = self.site
            return {"crawl_delay": site.crawl_delay, "disallow": list(site.disallow), "api": site.api,
                    "feed": site.feed, "gone_status": site.gone_status, "sitemap_archive": site.sitemap_archive,
                    "markup": site.markup}
        if name == "shutdown" and method == "POST":
            return {"ok": True}
        raise KeyError(f"{method} {CONTROL}{name}")


def _as_faults(faults) -> Faults:
    if faults is None:
        return Faults()
    if isinstance(faults, Faults):
        return faults
    return Faults.from_dict(dict(faults))

