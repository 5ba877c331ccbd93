"""Scrapy settings of the justice.gov crawler.

The CLI builds Settings from this module explicitly (DESIGN Decision 8), then applies its
options on top; `get_project_settings()` would lose them when run outside the repo.
"""

from scraper import __version__

BOT_NAME = "doj-speeches"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# -- ours (each has a CLI option) --
JUSTICE_BASE_URL = "https://www.justice.gov"
JUSTICE_DELAY = 1.0  # floor between two request starts; the larger of it and Crawl-delay wins
JUSTICE_CONTACT = ""  # appended to the User-Agent when set
JUSTICE_COMPONENT_LISTINGS = []  # e.g. ["/civil/speeches"]: off by default
JUSTICE_KNOWN_RUN = 5  # a listing stops after this many known items in a row
JUSTICE_MAX_FAILURES = 0.02  # share of failed speech pages that makes a run unhealthy
JUSTICE_MAX_RETRY_AFTER = 300  # cap on a server's Retry-After, seconds
JUSTICE_BACKOFF_BASE = 2.0  # 5xx without Retry-After: base * 2**attempt seconds
JUSTICE_API_PAGESIZE = 50
JUSTICE_IGNORE_ROBOTS = False
CORPUS_DB = "corpus.db"

USER_AGENT = f"doj-speeches/{__version__} (+https://github.com/doj-speeches; research corpus)"

# robots.txt is fetched and applied by our own middleware (Crawl-delay included), so
# Scrapy's does not fetch it a second time.
ROBOTSTXT_OBEY = False

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0  # set to the effective delay by the runner
DOWNLOAD_DELAY_JITTER = 0  # a floor must not be undercut by a random 0.5x
DOWNLOAD_TIMEOUT = 30
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
    "scraper.middlewares.RobotsRulesMiddleware": 90,
    "scraper.middlewares.ConditionalGetMiddleware": 95,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.middlewares.PoliteRetryMiddleware": 550,
}
ITEM_PIPELINES = {"scraper.pipelines.CorpusPipeline": 300}
EXTENSIONS = {"scraper.guard.CliOnly": 0, "scraper.progress.Progress": 500}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_VERSIONS = []  # -v shows Scrapy as it is
