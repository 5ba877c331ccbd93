"""Where justice.gov lists its speeches: each path once, for the crawl's sources, the
gap check of a scheduled crawl and the probe. (The replica serves the same paths from its
own copy on purpose: it is the site, not the crawler.)"""

LISTINGS = {"current": "/news/speeches", "drupal7": "/archives/opa/speeches"}
API = "/api/v1/speeches.json"
FEED = "/feeds/opa/justice-news.xml"  # Justice News RSS: cheap, but never relied on alone
SITEMAP = "/sitemap.xml"
ARCHIVE_INDEX = "/archive/ag/speeches/index.html"
