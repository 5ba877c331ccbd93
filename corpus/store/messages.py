"""The one way pages enter the corpus during a crawl (docs/design.md#d10-one-writer).

The spider, its middlewares and the pipeline never write the corpus: they send these
messages to one writer (scraper/crawl/writer.py runs it in a process of its own), which
applies them in the order they were sent, each in its own transaction, and answers each
with exactly one `Reply`. They are plain, picklable dataclasses, so a shared queue (Redis,
later) can carry them between fetching machines and the one writer.

A message type is applied by the function registered for it on `_apply` (one table,
`functools.singledispatch`); a type with none is refused loudly: `UnknownMessage` here,
and by the crawl's client before it is sent (`known`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from corpus.outcomes import READ_OUTCOMES, Outcome
from corpus.urls import canonical_id


@dataclass
class PageFetched:
    """A response to a speech page request: 200, 304, 404/410 (after redirects)."""

    url: str  # final URL
    status: int
    headers: dict[str, str]
    body: bytes
    request_url: str | None = None  # the URL first requested, when a redirect moved it
    witnesses: list[dict] = field(default_factory=list)  # what discovery said
    attachments: list = field(default_factory=list)  # the API record's `attachment` field


@dataclass
class PageFailed:
    """A speech page that could not be stored; `reason` names the status or the cause."""

    url: str
    reason: str
    status: int | None = None


@dataclass
class PageForbidden:
    """A speech page robots.txt forbids: never requested."""

    url: str


@dataclass
class DiscoveryFetched:
    """robots.txt, a sitemap, listing, API page or feed (or its failure)."""

    url: str
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body_len: int = 0


@dataclass
class FrontierAdd:
    """URLs a backfill discovered: (url, meta) pairs; meta holds the source's witness."""

    items: list[tuple[str, dict]]


@dataclass
class UuidFound:
    url: str
    uuid: str


@dataclass
class AttachmentFetched:
    """A response for a file a speech page links (or lists in its API record), or the
    reason it could not be fetched (`reason` set; `status` what the server said, if any)."""

    speech_id: str
    url: str
    name: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    reason: str | None = None


# ---- the Internet Archive (backfill --source wayback; docs/design.md#d14-captures) ----

@dataclass
class ArchiveFetched:
    """A request to the archive that is not a capture of a speech: a CDX query, a captured
    listing or sitemap (or its failure). `frontier` is the frontier item it finishes."""

    url: str
    status: int
    reason: str
    frontier: str | None = None
    speech_id: str | None = None  # the speech a CDX lookup was for
    failed: bool = False
    body_len: int = 0


@dataclass
class CaptureFetched:
    """A capture of a speech fetched raw (`id_`), or its failure (`reason` set)."""

    speech_id: str
    captured_at: str  # the capture's moment, UTC
    archive_url: str  # what was fetched
    url: str  # the page's URL as the archive captured it
    status: int
    headers: dict[str, str]
    body: bytes
    frontier: str | None = None
    archive_only: bool = False  # a speech the corpus knows only from the archive
    speech_url: str | None = None  # its URL as the captured listing named it
    reason: str | None = None


@dataclass
class Reply:
    """The writer's answer to one message; the store's page and attachment writes return
    it too (the importer counts its outcomes)."""

    outcome: str = ""
    speech_id: str | None = None
    version: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)  # extraction's, "kind: detail"
    witness: dict = field(default_factory=dict)  # field -> (agree|disagree|filled, source)
    attachments: list[dict] = field(default_factory=list)  # a page's files to fetch next
    url: str = ""  # what the message was about
    kind: str = ""  # the message's class name
    count: int = 0  # FrontierAdd: how many were new
    change: str | None = None  # an attachment: new, changed, unchanged or not modified


class UnknownMessage(TypeError):
    """A message type the writer has no function for."""


def known(message) -> bool:
    return _apply.dispatch(type(message)) is not _apply.dispatch(object)


def answer(corpus, message, crawl_id: int, mode: str) -> Reply:
    """The writer's one reply to a message, even when applying it failed: one bad
    message must not stop the others."""
    try:
        return apply(corpus, message, crawl_id, mode)
    except Exception as exc:  # noqa: BLE001 - said in the reply, counted by the crawl
        import sqlite3

        where = "database error" if isinstance(exc, sqlite3.Error) else "store error"
        url = getattr(message, "request_url", None) or getattr(message, "url", "")
        return Reply(Outcome.FAILED, reason=f"{where}: {type(exc).__name__}: {exc}", url=url,
                     kind=type(message).__name__)


def apply(corpus, message, crawl_id: int, mode: str) -> Reply:
    """Apply one message to the corpus (in the writer)."""
    reply = _apply(message, corpus, crawl_id, mode)
    reply.kind = type(message).__name__
    return reply


@functools.singledispatch
def _apply(message, corpus, crawl_id: int, mode: str) -> Reply:
    raise UnknownMessage(f"the writer has no function for {type(message).__name__}")


@_apply.register
def _(message: FrontierAdd, corpus, crawl_id: int, mode: str) -> Reply:
    return Reply(count=corpus.frontier_add(crawl_id, message.items))


@_apply.register
def _(message: UuidFound, corpus, crawl_id: int, mode: str) -> Reply:
    return Reply(url=message.url, warnings=keep_uuid(corpus, message.url, message.uuid))


# Uuids a source gave for speeches not stored yet (the API may list a speech before its
# page is written), kept by this writer process until the page is: else they were lost.
UUIDS_WAITING: dict[str, str] = {}


def keep_uuid(corpus, url: str, uuid: str) -> list[str]:
    """Set a speech's uuid now, or when its page is stored; a warning when another live
    speech already has it (two URLs announcing one speech)."""
    if not corpus.set_uuid(url, uuid):
        UUIDS_WAITING[canonical_id(url)] = uuid
        return []
    other = corpus.uuid_shared(url, uuid)
    return [f"uuid-shared: {canonical_id(url)} has the uuid {uuid} of {other}"] if other else []


def _stored_uuid(corpus, message: PageFetched, speech_id: str | None) -> list[str]:
    """The uuid of a page just stored: one waiting for it, or its source's witness."""
    given = [w.get("uuid") for w in message.witnesses or [] if w.get("uuid")]
    uuid = UUIDS_WAITING.pop(speech_id, None) or (given[0] if given else None)
    return keep_uuid(corpus, speech_id, uuid) if speech_id and uuid else []


@_apply.register
def _(message: DiscoveryFetched, corpus, crawl_id: int, mode: str) -> Reply:
    corpus.record_discovery(message.url, message.status, crawl_id, headers=message.headers,
                            body_len=message.body_len, reason=message.reason)
    return Reply(Outcome.DISCOVERY, reason=message.reason, url=message.url)


@_apply.register
def _(message: AttachmentFetched, corpus, crawl_id: int, mode: str) -> Reply:
    """An attachment never ticks the frontier: its speech's item was done already."""
    reply = corpus.record_attachment_fetch(
        message.speech_id, message.url, message.name, message.status, message.headers,
        message.body, crawl_id, reason=message.reason)
    reply.url = message.url
    return reply


@_apply.register
def _(message: PageFetched, corpus, crawl_id: int, mode: str) -> Reply:
    def record():
        reply = corpus.record(message.url, message.status, message.headers, message.body,
                              crawl_id, request_url=message.request_url,
                              witnesses=message.witnesses, attachments=message.attachments)
        reply.url = message.request_url or message.url
        reply.attachments = [{**a, "speech_id": reply.speech_id} for a in reply.attachments or []]
        if reply.outcome in READ_OUTCOMES:
            reply.warnings = list(reply.warnings or []) + _stored_uuid(corpus, message,
                                                                       reply.speech_id)
        return reply
    return _page(corpus, crawl_id, mode, record)


@_apply.register
def _(message: PageForbidden, corpus, crawl_id: int, mode: str) -> Reply:
    why = "robots.txt disallows it"
    return _page(corpus, crawl_id, mode, lambda: Reply(
        corpus.record_failure(message.url, crawl_id, why, outcome=Outcome.FORBIDDEN),
        reason=why, url=message.url))


@_apply.register
def _(message: PageFailed, corpus, crawl_id: int, mode: str) -> Reply:
    return _page(corpus, crawl_id, mode, lambda: Reply(
        corpus.record_failure(message.url, crawl_id, message.reason, status=message.status),
        reason=message.reason, url=message.url))


def _page(corpus, crawl_id: int, mode: str, record) -> Reply:
    """A speech page's outcome; a backfill ticks its frontier item in the same
    transaction: a kill between them can neither lose the page nor leave it to be
    fetched again."""
    if mode != "backfill":
        return record()
    with corpus.transaction():
        reply = record()
        corpus.frontier_done(crawl_id, reply.url, reply.outcome)
    return reply


@_apply.register
def _(message: ArchiveFetched, corpus, crawl_id: int, mode: str) -> Reply:
    outcome, reason = corpus.apply_archive_fetch(message, crawl_id)
    return Reply(outcome, message.speech_id, reason=reason, url=message.url)


@_apply.register
def _(message: CaptureFetched, corpus, crawl_id: int, mode: str) -> Reply:
    outcome, reason, warnings = corpus.apply_capture(message, crawl_id)
    return Reply(outcome, message.speech_id, reason=reason, warnings=warnings,
                 url=message.archive_url)
