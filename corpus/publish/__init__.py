"""Publishing: everything the corpus writes for others to read.

`release` (the tables plus the citation files, the card and CHANGES.md), `export` (the
same tables without the citation files, or the raw pages as WARC/WACZ), the Atom feed of
changes, and the data dictionary. The tables are listed once (`schema.TABLES`), typed
from the record vocabulary, filled by `tables.ROWS` and written by one writer per format
(`formats.py`, where each format is one entry).
"""
