"""The Internet Archive backfill (`backfill --source wayback`).

`cdx.py` asks the CDX API and chooses the captures to fetch (pure), `spider.py` fetches
them and `run.py` is its kind of run for the crawl's one runtime (the archive's robots.txt
and pace, its summary and health). The captures are kept by corpus/store/captures.py.
"""
