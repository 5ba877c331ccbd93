"""The Internet Archive backfill (`backfill --source wayback`).

`cdx.py` asks the CDX API and chooses the captures to fetch (pure), `spider.py` fetches
them and `run.py` runs that spider at the archive's own pace. The captures are kept by
corpus/store/captures.py.
"""
