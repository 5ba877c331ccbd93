"""The versioned speech corpus: one SQLite file (DESIGN.md).

`Corpus` is assembled from one class per seam, each in its own module:
  base.py        connection, WAL, busy timeout, transactions, migrations on open
  raw.py         raw pages: content-addressed, zstd with a dictionary (rawdict.py)
  pages.py       page writes: one `fetches` row per response, one transaction per page
  files.py       attachments: fetched files, and pointer-only speeches' text from them
  versions.py    versioning: fold an extracted record into its speech
  port.py        the crawler's port: crawls, look-ups, the backfill frontier
  reads.py       records (current or as of a moment), search, history
  reextract.py   re-extraction of stored raw pages
  integrity.py   `check`: SQLite's checks plus the corpus invariants
  migrations.py  the schema, as ordered migrations
During a crawl only the writer process writes (DESIGN Decision 10): it applies the
messages of corpus/store/messages.py; the spider reads through `Corpus(path, readonly=True)`.
"""

from corpus.store.base import Base
from corpus.store.files import AttachmentWrites
from corpus.store.pages import PageResult, PageWrites
from corpus.store.port import CrawlPort
from corpus.store.raw import RawPages
from corpus.store.reads import Reads
from corpus.store.reextract import Reextract
from corpus.store.versions import Versions

__all__ = ["Corpus", "PageResult"]


class Corpus(PageWrites, AttachmentWrites, Versions, RawPages, CrawlPort, Reads, Reextract, Base):
    """The corpus database. Not thread-safe: one Corpus per thread or process."""

    def check(self) -> list[str]:
        from corpus.store.integrity import problems

        return problems(self)
