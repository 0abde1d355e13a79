"""The store line's JSON Schema, built on the item's; ``python -m kabarbaik_spider.schema`` writes it.

A store line is one of three kinds (issue 18): the item as first seen (the
fourteen keys of :class:`~kabarbaik_spider.items.Article`, nothing more), a
revision (the item, then ``revision``, ``changed``, ``reason``, ``read_at``)
or a tombstone (``url``, ``post_id``, ``revision``, ``deleted_at``,
``status``). The item's schema stays itemadapter's, from the class and its
field docs: the pipeline checks items against :func:`article_schema` alone,
and the line schema refers to it rather than copying it, so both follow the
class. The committed copy, ``schema/article.schema.json``, is
:func:`line_schema` for other tools and readers; a test keeps it equal to the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from itemadapter import ItemAdapter

from kabarbaik_spider.items import ARTICLE_KEYS, Article

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "article.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# When a revision was read or a deletion seen: UTC, seconds precision.
UTC_SECONDS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$"
REVISION_KEYS = ("revision", "changed", "reason", "read_at")
TOMBSTONE_KEYS = ("url", "post_id", "revision", "deleted_at", "status")
Kind = Literal["article", "revision", "tombstone"]
KINDS: tuple[Kind, ...] = ("article", "revision", "tombstone")
REVISION_NUMBER = {
    "type": "integer",
    "minimum": 2,
    "description": "The post's revision: its first line is 1, each later line of the post the next number.",
}


def article_schema() -> dict[str, Any]:
    """The JSON Schema of one item (itemadapter's, from the class and its field docs): a first-sight line."""
    return {"$schema": DIALECT, **ItemAdapter.get_json_schema(Article)}


def item_key(key: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/article/properties/{key}"}


def line_schema() -> dict[str, Any]:
    """The JSON Schema of one store line: exactly one of an item, a revision or a tombstone."""
    article = {key: value for key, value in article_schema().items() if key != "$schema"}
    revision = {
        "title": "a revision of an article",
        "description": "The item as read again, then what makes it a revision; its keys in this order.",
        "type": "object",
        "additionalProperties": False,
        "required": [*ARTICLE_KEYS, *REVISION_KEYS],
        "properties": {
            **{key: item_key(key) for key in ARTICLE_KEYS},
            "revision": REVISION_NUMBER,
            "changed": {
                "type": "array",
                "items": {"enum": list(ARTICLE_KEYS)},
                "minItems": 1,
                "uniqueItems": True,
                "description": "The item keys that differ from the post's previous item line, in key order.",
            },
            "reason": {
                "enum": ["site", "parser"],
                "description": "site: the post was edited on the site; parser: a re-parse of archived pages.",
            },
            "read_at": {"type": "string", "pattern": UTC_SECONDS, "description": "When it was read: UTC, seconds."},
        },
    }
    tombstone = {
        "title": "a deleted article",
        "description": "The post answered 404 or 410: deleted on the site. Only a revision (a comeback) may follow.",
        "type": "object",
        "additionalProperties": False,
        "required": list(TOMBSTONE_KEYS),
        "properties": {
            "url": item_key("url"),
            "post_id": item_key("post_id"),
            "revision": REVISION_NUMBER,
            "deleted_at": {
                "type": "string",
                "pattern": UTC_SECONDS,
                "description": "When the deletion was seen: UTC, seconds.",
            },
            "status": {"enum": [404, 410], "description": "What the site answered for the post."},
        },
    }
    return {
        "$schema": DIALECT,
        "title": "a line of the kabarbaik.co article store",
        "description": "One JSON object a line, appended only; an article's latest state is its last line.",
        "oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in KINDS],
        "$defs": {"article": article, "revision": revision, "tombstone": tombstone},
    }


def kind_schema(kind: Kind) -> dict[str, Any]:
    """One kind's schema alone, its references kept working: what names a bad line's fault in words.

    Checked against the ``oneOf`` whole, a revision with one wrong value would
    only be "not valid under any of the given schemas".
    """
    whole = line_schema()
    return {"$schema": DIALECT, **whole["$defs"][kind], "$defs": whole["$defs"]}


def line_kind(record: dict[str, Any]) -> Kind:
    """Which kind of line a record means to be, by the keys only that kind has."""
    if "deleted_at" in record or "status" in record:
        return "tombstone"
    if any(key in record for key in REVISION_KEYS):
        return "revision"
    return "article"


def schema_text() -> str:
    return json.dumps(line_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path((argv if argv is not None else sys.argv[1:] or [str(SCHEMA_FILE)])[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
