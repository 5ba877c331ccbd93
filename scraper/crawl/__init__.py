"""The crawl runtime, shared by the site run and the archive run.

`run.py` starts one run (lock, the `crawls` row, the site's kind of run); `runtime.py` is
the one runtime every kind goes through (robots.txt and pace, Scrapy, health, summary);
`settings.py` and `defaults.py` hold its settings. While it runs, spiders use the
downloader middlewares, the read-only store handle and the one route to the corpus
writer: `client.py` (an extension: one bound, replies as a signal), fed by the item
pipeline for messages with a body, and `writer.py` (the writer, a process of its own).
"""
