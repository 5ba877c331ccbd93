"""Discovery: where speeches are listed and how each listing is read.

`parsers.py` reads listing pages, sitemaps, the JSON API, the RSS feed, the static
archive indexes (pure functions of bytes); `sources.py` says where each source starts
and routes its pages for the speeches spider.
"""
