"""The crawl runtime, shared by the site run and the archive run.

`run.py` runs one crawl (lock, robots.txt, Scrapy, health, summary); `settings.py` and
`defaults.py` hold its settings; the downloader middlewares, the item pipeline, the
corpus writer (a process of its own) and the read-only store handle are what the spiders
use while it runs.
"""
