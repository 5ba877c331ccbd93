"""The crawler's defaults, each defined once: settings.py, the CLI options and
`CrawlOptions` read them from here."""

from scraper import __version__

DB_PATH = "corpus.db"  # the corpus file, in the working directory
BASE_URL = "https://www.justice.gov"
DELAY = 1.0  # floor between two request starts; the larger of it and Crawl-delay wins
MAX_FAILURES = 0.02  # share of failed speech pages that makes a run unhealthy
KNOWN_RUN = 5  # a listing stops after this many known items in a row
BACKOFF_BASE = 2.0  # 5xx without Retry-After: base * 2**attempt seconds
MAX_RETRY_AFTER = 300.0  # cap on a server's Retry-After, seconds
# Scheduled crawl: conditional GETs to the N live speeches fetched longest ago, so edits
# the sitemap never announces are found within ceil(live / N) runs (README "Revalidation").
REVALIDATE = 20
SOURCES = ("sitemap", "api", "listing", "archive")  # backfill discovery sources
WAYBACK_URL = "https://web.archive.org"  # the Internet Archive (--source wayback)
WAYBACK_DELAY = 2.0  # seconds between two requests to the archive (a floor)


def user_agent(contact: str = "") -> str:
    contact = f"; {contact}" if contact else ""
    return f"doj-speeches/{__version__} (research corpus of DOJ speeches{contact})"
