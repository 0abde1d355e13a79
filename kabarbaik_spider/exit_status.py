"""The exit statuses of ``scrapy crawl kabarbaik``, most urgent first when a run has several problems.

:class:`kabarbaik_spider.run_report.RunReport` picks the verdict;
:mod:`kabarbaik_spider.commands.crawl` turns it into the process's status.
"""

EXIT_OK = 0
EXIT_USAGE = 2  # a bad argument or setting: nothing was touched
EXIT_ERRORS = 3  # the walk did not reach the end of the feed (a listing page failed), or the spider raised
EXIT_NO_ARTICLES = 4  # the feed listed no article at all
EXIT_COVERAGE = 5  # a key's coverage fell below its threshold, or the parser disagrees with WordPress's record
EXIT_INTERRUPTED = 6  # stopped before the end (SIGTERM/SIGINT, or another close reason)
EXIT_ARTICLES_FAILED = 7  # listed articles failed after every retry: retried first by the next runs
EXIT_STORE_FAILED = 8  # a store file could not be written (disk full, size limit): the crawl stopped at once
EXIT_STORE_LOCKED = 75  # another crawl holds the store (EX_TEMPFAIL: try again later)
