"""Scrapy side of the justice.gov speech corpus: spiders, settings, CLI, local replica."""

__version__ = "0.1.0"
