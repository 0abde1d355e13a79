"""One definition of a valid article, the item's JSON Schema, for the pipeline and ``scrapy validate`` alike.

The store must never hold a line its own validator rejects, so the pipeline
checks each item against the same schema that ``scrapy validate`` checks a
dump against (:mod:`kabarbaik_spider.schema`, made from the item class), and
says why in words a reader of the rejects file understands.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from kabarbaik_spider.items import ARTICLE_KEYS, ISO_WITH_OFFSET
from kabarbaik_spider.schema import article_schema

TYPE_WORDS = {"integer": "an integer", "string": "a string", "array": "a list", "null": "null"}
PATTERN_WORDS = {ISO_WITH_OFFSET: "is not ISO 8601 with an offset", "^https?://": "is not an absolute http(s) URL"}


@cache
def validator() -> Draft202012Validator:
    """The schema's validator, built once a process."""
    return Draft202012Validator(article_schema())


def schema_errors(record: dict[str, Any]) -> list[ValidationError]:
    """Every way the record breaks the schema, in the order of the item's keys."""
    order = {key: number for number, key in enumerate(ARTICLE_KEYS)}
    return sorted(validator().iter_errors(record), key=lambda error: order.get(key_of(error, record), len(order)))


def key_of(error: ValidationError, record: dict[str, Any]) -> str:
    """The item key an error is about (a missing key's own name for ``required``)."""
    if error.absolute_path:
        return str(error.absolute_path[0])
    if error.validator == "required":
        return next((key for key in ARTICLE_KEYS if key not in record and f"'{key}'" in error.message), "")
    return ""


def reason(error: ValidationError, record: dict[str, Any]) -> str:
    """One error in words: ``missing title``, ``views is -5, less than 0``, ``tags is not a list of strings``."""
    key = key_of(error, record)
    value = record.get(key)
    if error.validator == "required" or (error.validator in ("type", "minLength") and value in (None, "")):
        return f"missing {key}"
    if len(error.absolute_path) > 1:
        return f"{key} is not a list of strings"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{key} is not {' or '.join(TYPE_WORDS.get(kind, kind) for kind in expected if kind != 'null')}"
    if error.validator == "pattern" and error.validator_value in PATTERN_WORDS:
        return f"{key} {PATTERN_WORDS[error.validator_value]}"
    if error.validator == "minimum":
        return f"{key} is {value}, less than {error.validator_value}"
    return f"{key}: {error.message}" if key else error.message


def problems(record: dict[str, Any]) -> list[str]:
    """Why a record is not a valid article, one reason a key (empty when it is valid)."""
    reasons: dict[str, str] = {}
    for error in schema_errors(record):
        reasons.setdefault(key_of(error, record), reason(error, record))
    return list(reasons.values())
