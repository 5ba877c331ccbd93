"""Views: read-only looks at the corpus for people at a terminal or a browser.

`stats` (summary.py), `search` (search.py), the diff of two versions (diff.py, which
`history`, the report and CHANGES.md show) and the static HTML report (report/).
"""
