"""The one way pages enter the corpus during a crawl (docs/design.md#d10-one-writer).

The spider, its middlewares and the pipeline never write the corpus: they send these
messages to one writer (scraper/crawl/writer.py runs it in a process of its own), which
applies them in the order they were sent, each in its own transaction, and answers
with a `Reply`. They are plain, picklable dataclasses, so a shared queue (Redis, later)
can carry them between fetching machines and the one writer.
"""

from __future__ import annotations

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
    witnesses: list[dict] = field(default_factory=list)  # what discovery said (docs/design.md#d11-witnesses)
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


Message = (PageFetched | PageFailed | PageForbidden | DiscoveryFetched | FrontierAdd | UuidFound
           | AttachmentFetched)


@dataclass
class Reply:
    kind: str  # the message's class name
    url: str = ""
    outcome: str = ""
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    witness: dict = field(default_factory=dict)  # field -> (agree|disagree|filled, source)
    count: int = 0  # FrontierAdd: how many were new
    attachments: list[dict] = field(default_factory=list)  # PageFetched: files to fetch


def apply(corpus, message: Message, crawl_id: int, mode: str) -> Reply:
    """Apply one message to the corpus (in the writer); a backfill ticks its frontier."""
    kind = type(message).__name__
    if isinstance(message, (ArchiveFetched, CaptureFetched)):
        return _apply_archive(corpus, message, crawl_id)
    if isinstance(message, FrontierAdd):
        return Reply(kind, count=corpus.frontier_add(crawl_id, message.items))
    if isinstance(message, UuidFound):
        return Reply(kind, url=message.url, warnings=keep_uuid(corpus, message.url, message.uuid))
    if isinstance(message, DiscoveryFetched):
        corpus.record_discovery(message.url, message.status, crawl_id, headers=message.headers,
                                body_len=message.body_len, reason=message.reason)
        return Reply(kind, url=message.url, outcome=Outcome.DISCOVERY, reason=message.reason)
    if isinstance(message, AttachmentFetched):
        return _attachment(corpus, message, crawl_id)
    if mode != "backfill":
        return _page(corpus, message, crawl_id)
    # The page and its frontier tick commit together: a kill between them can neither
    # lose the page nor leave it to be fetched again.
    with corpus.transaction():
        reply = _page(corpus, message, crawl_id)
        corpus.frontier_done(crawl_id, reply.url, reply.outcome)
    return reply


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


def _page(corpus, message: PageFetched | PageFailed | PageForbidden, crawl_id: int) -> Reply:
    kind = type(message).__name__
    url = message.request_url or message.url if isinstance(message, PageFetched) else message.url
    if isinstance(message, PageFetched):
        result = corpus.record(message.url, message.status, message.headers, message.body,
                               crawl_id, request_url=message.request_url,
                               witnesses=message.witnesses, attachments=message.attachments)
        warnings = list(result.warnings or [])
        if result.outcome in READ_OUTCOMES:
            warnings += _stored_uuid(corpus, message, result.speech_id)
        reply = Reply(kind, url, result.outcome, result.reason, warnings,
                      dict(result.witness or {}),
                      attachments=[{**a, "speech_id": result.speech_id}
                                   for a in result.attachments or []])
    elif isinstance(message, PageForbidden):
        outcome = corpus.record_failure(message.url, crawl_id, "robots.txt disallows it",
                                        outcome=Outcome.FORBIDDEN)
        reply = Reply(kind, url, outcome, "robots.txt disallows it")
    else:
        outcome = corpus.record_failure(message.url, crawl_id, message.reason,
                                        status=message.status)
        reply = Reply(kind, url, outcome, message.reason)
    return reply


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


def _apply_archive(corpus, message, crawl_id: int) -> Reply:
    from corpus.store.capture_writes import apply_archive_fetch, apply_capture

    kind = type(message).__name__
    if isinstance(message, ArchiveFetched):
        outcome, reason = apply_archive_fetch(corpus, message, crawl_id)
        return Reply(kind, message.url, outcome, reason)
    outcome, reason, warnings = apply_capture(corpus, message, crawl_id)
    return Reply(kind, message.archive_url, outcome, reason, warnings)


def _attachment(corpus, message: AttachmentFetched, crawl_id: int) -> Reply:
    """An attachment never ticks the frontier: its speech's item was done already."""
    result = corpus.record_attachment_fetch(
        message.speech_id, message.url, message.name, message.status, message.headers,
        message.body, crawl_id, reason=message.reason)
    return Reply(type(message).__name__, message.url, result.outcome, result.reason,
                 list(result.warnings or []))
