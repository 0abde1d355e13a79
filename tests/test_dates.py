"""Visible Indonesian dates: our reader of the usual form agrees with dateparser, which reads the rest."""

from __future__ import annotations

import dateparser
import pytest

from kabarbaik_spider.pages.sources import _VISIBLE_DATE_NOISE, indonesian_date, to_wib, visible_date

USUAL = [
    "Senin, 12 Mei 2025 - 19:02 WIB",
    "Kamis, 15 Mei 2025",
    "Jumat, 9 Mei 2025 - 20:06 WIB",
    "Jumat, 2 Januari 2026 - 08:30 WIB",
    "9 Agustus 2024 pukul 07.15",
    "1 Des 2023, 13:00",
    "Rabu, 31 Desember 2025 23:59",
    "17 Okt 2024",
]


@pytest.mark.parametrize("text", USUAL)
def test_the_usual_form_is_read_as_dateparser_reads_it(text) -> None:
    settings = {"TIMEZONE": "Asia/Jakarta", "RETURN_AS_TIMEZONE_AWARE": True}
    parsed = dateparser.parse(_VISIBLE_DATE_NOISE.sub(" ", text), languages=["id"], settings=settings)
    assert indonesian_date(text) == to_wib(parsed)


def test_forms_dateparser_misses_are_read_too() -> None:
    assert indonesian_date("Jum'at, 2 Januari 2026 | 08:30 WIB") == "2026-01-02T08:30:00+07:00"


def test_no_day_that_does_not_exist() -> None:
    assert indonesian_date("31 Februari 2024") is None
    assert indonesian_date("Selasa, 13 Mei") is None  # no year: left to dateparser


def test_relative_dates_still_go_to_dateparser() -> None:
    assert visible_date("kemarin") is not None
    assert indonesian_date("kemarin") is None
