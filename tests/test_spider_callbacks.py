"""Scrapy's warning about a ``return value`` in a generator callback, made once here instead of on every page.

The setting ``WARN_ON_GENERATOR_RETURN_VALUE`` is off (see settings.py): Scrapy's
check re-parses the callback's source on every call. A generator callback that
returns a value loses it silently, so every generator method of the spider is
checked here with Scrapy's own function.
"""

from __future__ import annotations

import inspect

from scrapy.utils.misc import is_generator_with_return_value

from kabarbaik_spider.spiders.kabarbaik import KabarbaikSpider


def test_no_generator_method_of_the_spider_returns_a_value() -> None:
    generators = {
        name: method
        for name, method in inspect.getmembers(KabarbaikSpider, inspect.isfunction)
        if inspect.isgeneratorfunction(method)
    }
    assert {"parse_channel_page", "parse_records", "parse_changes"} <= set(generators)
    assert [name for name, method in generators.items() if is_generator_with_return_value(method)] == []
