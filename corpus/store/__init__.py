"""The versioned speech corpus: one SQLite file (docs/design.md).

`Corpus` is a façade over parts that share one `Store` (the connection, the clock,
transactions and row helpers); each part is an object of its own module and gets the
parts it uses when it is made, so none reaches into another:
  base.py            Store: connection, WAL, busy timeout, transactions, rows, migrations on open
  raw.py             raw pages: the one writer of content-addressed bodies (zstd with a
                     dictionary of the corpus's own pages, rawdict.py)
  fetches.py         the fetch log: one `fetches` row per response handled
  versions.py        speeches and their versions: fold an extracted record into its speech
  people.py          derived fields of every record, and person ids kept once given
  extraction.py      the extractor, with a pointer-only page's text taken from its file
  pages.py           page writes: one `fetches` row per response, one transaction per page
  files.py           attachments: fetched files, and pointer-only speeches' text from them
  port.py            the crawler's port: its runs and what it looks up
  frontier.py        the backfill frontier
  captures.py        Internet Archive captures, speeches known only from them
  capture_writes.py  the archive's answers applied (the writer process)
  reads.py           records (current or as of a moment), versions, status events
  reextract.py       re-extraction of stored raw pages
  integrity.py       `check`: SQLite's checks plus the corpus invariants
  migrations.py      the schema, as ordered migrations (every table's)
During a crawl only the writer process writes (docs/design.md): it applies the messages
of corpus/store/messages.py; the spider reads through `Corpus(path, readonly=True)`.
Outside this package, use only `Corpus`'s public names (tests/test_store_boundary.py).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable

from corpus.store.base import BUSY_TIMEOUT_S, Store
from corpus.store.capture_writes import ArchiveWrites
from corpus.store.captures import Captures
from corpus.store.extraction import Extraction
from corpus.store.fetches import FetchLog
from corpus.store.files import Files
from corpus.store.frontier import Frontier
from corpus.store.messages import Reply
from corpus.store.pages import Pages
from corpus.store.people import People
from corpus.store.port import CrawlPort
from corpus.store.raw import RawPages
from corpus.store.reads import Reads
from corpus.store.reextract import Reextract
from corpus.store.versions import Versions

__all__ = ["Corpus", "Reply"]


def _part(attribute: str, function: Callable):
    """A method of `Corpus` that is `function` of the part held in `attribute`."""

    @functools.wraps(function)
    def method(self, *args, **kwargs):
        return function(getattr(self, attribute), *args, **kwargs)

    return method


class Corpus:
    """The corpus database. Not thread-safe: one Corpus per thread or process."""

    def __init__(self, path, *, create: bool = True, extract: Callable | None = None,
                 clock: Callable[[], str] | None = None,
                 busy_timeout: float = BUSY_TIMEOUT_S, readonly: bool = False):
        """`extract(body, url, *, encoding)`: the extractor (corpus.extract by default);
        `clock`: what writes are stamped with; `readonly`: a connection that cannot
        write (the spider's during a crawl); it never migrates."""
        self.path = str(path)
        self.readonly = readonly
        store = self._store = Store(self.path, create=create, clock=clock,
                                    busy_timeout=busy_timeout, readonly=readonly)
        self.db = store.db
        self.schema_version = store.schema_version
        self._raw = RawPages(store)
        self._fetches = FetchLog(store)
        self._people = People(store)
        self._versions = Versions(store, self._people)
        self._files = Files(store, self._raw, self._fetches, self._versions)
        self._extraction = Extraction(extract, self._files.attachment_text)
        self._pages = Pages(store, self._raw, self._fetches, self._versions, self._extraction,
                            self._files)
        self._port = CrawlPort(store)
        self._frontier = Frontier(store)
        self._captures = Captures(store, self._raw)
        self._archive = ArchiveWrites(store, self._fetches, self._extraction, self._captures,
                                      self._frontier, self._people)
        self._reads = Reads(store)
        self._reextract = Reextract(store, self._port, self._raw, self._extraction,
                                    self._versions, self._people)

    # -- the handle ---------------------------------------------------------------------

    def close(self) -> None:
        self._store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def extractor(self) -> Callable | None:
        """The extractor pages and captures go through (None until first used: then
        corpus.extract); settable, for re-extraction with another one."""
        return self._extraction.extractor

    @extractor.setter
    def extractor(self, extract: Callable) -> None:
        self._extraction.extractor = extract

    def transaction(self):
        """One transaction; inside another, a savepoint of it: several writes, one commit."""
        return self._store.transaction()

    def now(self) -> str:
        """The store's clock (UTC, fixed width): what its own writes are stamped with."""
        return self._store.now()

    # -- reading, for every module outside the store ----------------------------------

    def query(self, sql: str, params=()) -> list[dict]:
        """Rows of a read-only query, as dicts."""
        return self._store.all(sql, params)

    def query_one(self, sql: str, params=()) -> dict | None:
        """The first row of a read-only query as a dict, or None."""
        return self._store.one(sql, params)

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        """A cursor over a query: for readers that stream rows or read one value."""
        return self._store.execute(sql, params)

    def search(self, query: str, limit: int = 20):
        """Full-text search over title and text: a `corpus.views.search.SearchResult`."""
        from corpus.views.search import search

        return search(self, query, limit)

    def check(self) -> list[str]:
        from corpus.store.integrity import problems

        return problems(self)

    # -- the parts' public methods --------------------------------------------------------

    record = _part("_pages", Pages.record)
    record_page = _part("_pages", Pages.record_page)
    record_failure = _part("_pages", Pages.record_failure)
    record_discovery = _part("_pages", Pages.record_discovery)
    mark_gone = _part("_pages", Pages.mark_gone)

    page_attachments = _part("_files", Files.page_attachments)
    attachments_fetched = _part("_files", Files.attachments_fetched)
    attachments_owed = _part("_files", Files.attachments_owed)
    attachment_validators = _part("_files", Files.attachment_validators)
    record_attachment_fetch = _part("_files", Files.record_attachment_fetch)
    record_attachment = _part("_files", Files.record_attachment)

    raw_page = _part("_raw", RawPages.get)
    recompress = _part("_raw", RawPages.recompress)

    begin_crawl = _part("_port", CrawlPort.begin_crawl)
    finish_crawl = _part("_port", CrawlPort.finish_crawl)
    last_unfinished_crawl = _part("_port", CrawlPort.last_unfinished_crawl)
    last_healthy_crawl_start = _part("_port", CrawlPort.last_healthy_crawl_start)
    speech_state = _part("_port", CrawlPort.speech_state)
    speech_ids = _part("_port", CrawlPort.speech_ids)
    set_uuid = _part("_port", CrawlPort.set_uuid)
    uuid_shared = _part("_port", CrawlPort.uuid_shared)
    live_speech_ids = _part("_port", CrawlPort.live_speech_ids)
    conditional_headers = _part("_port", CrawlPort.conditional_headers)

    frontier_add = _part("_frontier", Frontier.frontier_add)
    frontier_batch = _part("_frontier", Frontier.frontier_batch)
    frontier_read_ids = _part("_frontier", Frontier.frontier_read_ids)
    frontier_size = _part("_frontier", Frontier.frontier_size)
    frontier_pending = _part("_frontier", Frontier.frontier_pending)
    frontier_metas = _part("_frontier", Frontier.frontier_metas)
    frontier_done = _part("_frontier", Frontier.frontier_done)

    record_capture = _part("_captures", Captures.record_capture)
    record_archive_speech = _part("_captures", Captures.record_archive_speech)
    sync_archive_speech = _part("_captures", Captures.sync_archive_speech)
    timeline = _part("_captures", Captures.timeline)
    capture_records = _part("_captures", Captures.capture_records)
    apply_archive_fetch = _part("_archive", ArchiveWrites.apply_archive_fetch)
    log_archive_fetch = _part("_archive", ArchiveWrites.log_archive_fetch)
    apply_capture = _part("_archive", ArchiveWrites.apply_capture)

    records = _part("_reads", Reads.records)
    as_of = _part("_reads", Reads.as_of)
    status_events = _part("_reads", Reads.status_events)
    find_speech = _part("_reads", Reads.find_speech)
    versions = _part("_reads", Reads.versions)

    reextract = _part("_reextract", Reextract.reextract)
    rederive = _part("_people", People.rederive)
    person_id = _part("_people", People.person_id)
