"""Polite defaults for the live site; every one can be overridden with ``-s``."""

BOT_NAME = "kabarbaik_spider"
SPIDER_MODULES = ["kabarbaik_spider.spiders"]
NEWSPIDER_MODULE = "kabarbaik_spider.spiders"

# Where the JSON lines go; <store>.rejects.jsonl lives beside it.
KABARBAIK_OUTPUT = "data/articles.jsonl"

# Politeness: identify ourselves, obey robots.txt, adapt to the server's pace.
USER_AGENT = (
    "kabarbaik-spider/0.1 (news archive crawler for kabarbaik.co; "
    "+https://github.com/kabarbaik-spider/kabarbaik-spider; contact: crawler@kabarbaik-spider.invalid)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # a news page is well under 1 MiB

# Retries for 429 and 5xx, waiting as long as Retry-After asks (up to RETRY_AFTER_MAX seconds).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_AFTER_MAX = 300.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "kabarbaik_spider.middlewares.RetryAfterMiddleware": 550,
}

# Unsafe defaults for an unattended crawler: no consoles, no local files.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
DOWNLOAD_HANDLERS = {"file": None, "data": None}

EXTENSIONS = {"kabarbaik_spider.extensions.StoreExtension": 0}
ITEM_PIPELINES = {
    "kabarbaik_spider.pipelines.ValidatePipeline": 100,
    "kabarbaik_spider.pipelines.DedupePipeline": 200,
    "kabarbaik_spider.pipelines.StorePipeline": 300,
}

# -o/-O feeds keep working beside the store, as real UTF-8.
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
