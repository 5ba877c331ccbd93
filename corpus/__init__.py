"""Documents side of the justice.gov speech corpus: extraction, cleaning, storage, export.

Never imports Scrapy: everything here works on bytes and files.
"""
