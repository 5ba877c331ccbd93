"""Publishing: everything the corpus writes for others to read.

`export` (a folder of tables), `release` (the same tables plus the citation files, the
card and CHANGES.md), the Atom feed of changes, the WARC of raw pages, and the data
dictionary. Tables are typed once, from the record vocabulary (`schema.py`), and written
by one writer per format (`writers.py`).
"""
