"""Polite defaults for the live site; every one can be overridden with ``-s``."""

BOT_NAME = "kabarbaik_spider"
SPIDER_MODULES = ["kabarbaik_spider.spiders"]
NEWSPIDER_MODULE = "kabarbaik_spider.spiders"
COMMANDS_MODULE = "kabarbaik_spider.commands"  # `crawl` with meaningful exit statuses

# Where the JSON lines go; <store>.rejects.jsonl, .gone.jsonl, .runs.jsonl, .state.json live beside it.
KABARBAIK_OUTPUT = "data/articles.jsonl"

# A run exits non-zero (status 5) when a key's share of the run's articles falls below its minimum:
# the site's markup changed. Required keys are judged in every run; the others from this many articles on.
KABARBAIK_REQUIRED_KEYS = ["url", "post_id", "title", "published_at", "body"]
KABARBAIK_COVERAGE_MIN_ITEMS = 10
KABARBAIK_COVERAGE_MIN = {
    "url": 1.0,
    "post_id": 1.0,
    "title": 1.0,
    "published_at": 1.0,
    "body": 1.0,
    "author": 0.9,
    "category": 0.9,
    "summary": 0.9,
    "tags": 0.5,  # the bundled site: 92%
    "image_url": 0.5,  # 92%
    "image_caption": 0.45,  # 88%
    "views": 0.4,  # 77%
    "editor": 0.35,  # 69%
    "modified_at": 0.15,  # 35%
}

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
RETRY_429_WAIT = 5.0  # a 429 without Retry-After pauses the host this long
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "kabarbaik_spider.middlewares.RetryAfterMiddleware": 550,
    # After decompression (590), before the retry middleware sees the response.
    "kabarbaik_spider.middlewares.CompletePageMiddleware": 580,
    # Last in the chain (after robots.txt at 100): the response as the spider gets it goes to the archive first.
    "kabarbaik_spider.archive.ArchiveMiddleware": 50,
}
# The archive: every response of a `scrapy crawl`, with its request, as WARC records (kabarbaik_spider/archive.py),
# in one file per run in this folder; empty: <store>.warc/ beside the store. `scrapy reparse` reads it.
KABARBAIK_ARCHIVE_ENABLED = True
KABARBAIK_ARCHIVE_DIR = ""
# Article pages are parsed in a child process on the other core (kabarbaik_spider/parsing.py): parsing is
# most of the crawl's CPU a page. 0: parsed on the crawl's own thread (one core; the same items).
KABARBAIK_PARSE_PROCESS = True
# Seconds the parser's process may take on one article's pages (it takes milliseconds): past them it is stuck,
# killed and started again.
KABARBAIK_PARSE_TIMEOUT = 120.0

# A listed article that fails to download is retried first by the next runs, and given
# up (moved to the rejects with its reason, until `-a full=1`) after this many runs in a row.
KABARBAIK_RETRY_RUNS = 3
# The most listing pages one run reads: this many, plus two per page of articles the store
# already holds (at 10 a page), so a backfill grows with the store; `-a max_pages` overrides.
KABARBAIK_LISTING_PAGES_MIN = 100
# Posts per REST API request in `-a via=api` runs (WordPress gives 100 at most).
KABARBAIK_API_PAGE_SIZE = 100
# An HTML run builds each new item from WordPress's record of its post, asked this many posts a request
# (1 to 100): the items of a batch are stored when its records arrive; fewer stores sooner, at more requests.
KABARBAIK_RECORDS_BATCH = 100
# The view counter of a recent article is read again when it is about this many days old (one page request
# each, at most), and no more than KABARBAIK_VIEWS_PER_RUN such readings a run, so a backfill stays polite.
KABARBAIK_VIEWS_AGES = [1, 7, 30]
KABARBAIK_VIEWS_PER_RUN = 50

# Unsafe defaults for an unattended crawler: no consoles, no local files.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
DOWNLOAD_HANDLERS = {"file": None, "data": None}

EXTENSIONS = {
    "kabarbaik_spider.crawl_store.StoreExtension": 0,
    "kabarbaik_spider.run_report.RunReport": 10,
}
# Scrapy starts this many tasks for every callback's output, items or not; ours yield one item or a
# page's requests, and our pipelines do not wait on anything, so one is enough (100 cost ~0.5 ms a page).
CONCURRENT_ITEMS = 1
# Scrapy re-reads and re-parses a generator callback's source on every call to warn of a `return value`
# in it (its cache holds bound methods weakly, so it never hits): 0.27 ms a page, a tenth of our crawl.
# tests/test_spider_callbacks.py makes the same check once, on every callback of ours.
WARN_ON_GENERATOR_RETURN_VALUE = False
ITEM_PIPELINES = {
    "kabarbaik_spider.pipelines.ValidatePipeline": 100,
    "kabarbaik_spider.pipelines.DedupePipeline": 200,
    "kabarbaik_spider.pipelines.StorePipeline": 300,
}

# -o/-O feeds keep working beside the store, as real UTF-8.
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
