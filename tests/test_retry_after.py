"""Reading Retry-After; the waiting itself is shown end to end against a real server."""

from __future__ import annotations

from datetime import UTC, datetime

from kabarbaik_spider.middlewares import retry_after_seconds

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def test_delta_seconds() -> None:
    assert retry_after_seconds(b"7", NOW) == 7.0


def test_http_date() -> None:
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:30 GMT", NOW) == 30.0


def test_a_date_in_the_past_means_now() -> None:
    assert retry_after_seconds("Sat, 28 Nov 2026 11:00:00 GMT", NOW) == 0.0


def test_absent_or_unreadable() -> None:
    assert retry_after_seconds(None, NOW) is None
    assert retry_after_seconds(b"soon", NOW) is None
