"""Scrapy settings of the justice.gov crawler.

The CLI builds Settings from this module explicitly (docs/design.md#d8-settings), then applies its
options on top; `get_project_settings()` would lose them when run outside the repo.
"""

from corpus.extract.bounds import MAX_PAGE_BYTES
from corpus.extract.witness import ALARM_SHARE
from scraper.crawl import defaults

BOT_NAME = "doj-speeches"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# -- ours (each has a CLI option) --
JUSTICE_BASE_URL = defaults.BASE_URL
JUSTICE_DELAY = defaults.DELAY
JUSTICE_CONTACT = ""  # appended to the User-Agent when set
JUSTICE_COMPONENT_LISTINGS = []  # e.g. ["/civil/speeches"]: off by default
JUSTICE_KNOWN_RUN = defaults.KNOWN_RUN
JUSTICE_REVALIDATE = defaults.REVALIDATE  # scheduled crawl: oldest fetches revalidated
JUSTICE_MAX_FAILURES = defaults.MAX_FAILURES
JUSTICE_MAX_RETRY_AFTER = defaults.MAX_RETRY_AFTER
JUSTICE_BACKOFF_BASE = defaults.BACKOFF_BASE
JUSTICE_API_PAGESIZE = 50
JUSTICE_IGNORE_ROBOTS = False
# Bounds (docs/design.md#d13-bounds): past one, a `failed` fetch or a warning, never a hang.
JUSTICE_MAX_PAGE_BYTES = MAX_PAGE_BYTES  # a speech page (and listings, API pages)
JUSTICE_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # uncompressed, gzip included
JUSTICE_MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit
JUSTICE_MAX_ROBOTS_BYTES = 500 * 1024
JUSTICE_ROBOTS_DEADLINE = 60.0  # seconds for the whole robots.txt, however it trickles
JUSTICE_WITNESS_ALARM = ALARM_SHARE  # share of witnessed speeches disagreeing on a field: unhealthy
CORPUS_DB = defaults.DB_PATH


# robots.txt is fetched and applied by our own middleware (Crawl-delay included), so
# Scrapy's does not fetch it a second time.
USER_AGENT = defaults.user_agent()

ROBOTSTXT_OBEY = False

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy starts this many asyncio tasks for the output of every response; ours yield one
# item or a listing's requests, so 100 (the default) cost about 2 s of a 5,000-page crawl.
CONCURRENT_ITEMS = 8
# Scrapy re-reads a generator callback's source for every response (its cache is keyed on
# the bound method, which dies with the request): ~1 s of a 5,000-page crawl. Our
# callbacks are tested; none returns a value.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = defaults.DELAY  # set to the effective delay by the runner
DOWNLOAD_DELAY_JITTER = 0  # a floor must not be undercut by a random 0.5x
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = JUSTICE_MAX_PAGE_BYTES  # the runner sets it from the setting above
DOWNLOAD_WARNSIZE = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False
REDIRECT_ENABLED = True
DUPEFILTER_CLASS = "scrapy.dupefilters.RFPDupeFilter"
LOG_LEVEL = "INFO"
LOG_INSTALL_ROOT_HANDLER = True
LOGSTATS_INTERVAL = 30.0

DOWNLOADER_MIDDLEWARES = {
    "scraper.crawl.middlewares.RobotsRulesMiddleware": 90,
    "scraper.crawl.middlewares.ConditionalGetMiddleware": 95,
    "scraper.crawl.middlewares.SiteBoundaryMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.crawl.middlewares.PoliteRetryMiddleware": 550,
}
ITEM_PIPELINES = {"scraper.crawl.pipelines.CorpusPipeline": 300}
EXTENSIONS = {"scraper.crawl.guard.CliOnly": 0, "scraper.crawl.client.WriterClient": 100,
              "scraper.crawl.progress.Progress": 500}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_VERSIONS = []  # -v shows Scrapy as it is
