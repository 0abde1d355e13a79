"""Settling the store: when a run's walk earned the right to vouch for every line the store holds.

Settled lines let the next run stop early at what it already holds (see
:class:`kabarbaik_spider.store.JsonlStore`), so a run settles only when it
finished, walked its channel to the end, every page and article it asked for
was answered, and every write succeeded. Articles that failed are remembered
to retry first, settled or not.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kabarbaik_spider.exit_status import EXIT_ERRORS, EXIT_STORE_FAILED
from kabarbaik_spider.store import StoreWriteError

if TYPE_CHECKING:
    from kabarbaik_spider.store import JsonlStore
    from kabarbaik_spider.walk import Walk

logger = logging.getLogger(__name__)


def settle(
    store: JsonlStore, walk: Walk | None, reason: str, problems: list[tuple[int, str]], keys_seen: set[str]
) -> bool:
    """Saves what to retry (and which keys the run's articles had), vouching for the lines when the walk earned it."""
    earned = (
        reason == "finished"
        and walk is not None
        and walk.complete
        and not any(status in (EXIT_STORE_FAILED, EXIT_ERRORS) for status, _ in problems)
    )
    try:
        # The mark of edits seen moves only when every edit it covers was read: no failed article, none left over.
        changes = walk.changes if walk is not None else None
        mark = changes.high_water if earned and changes and changes.complete and not store.failed_now else None
        store.save_state(
            earned,
            walk.sitemaps_read if walk is not None else None,
            keys_seen,
            mark,
            walk.records.learned if walk is not None else None,
        )
    except StoreWriteError as error:
        logger.error("Could not save the store's state: %s", error)
        return False
    for url in store.given_up_now:
        logger.error("Gave up on %s after %d failed runs; `-a full=1` tries it again", url, store.retry_runs)
    return earned
