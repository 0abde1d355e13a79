"""The item's JSON Schema, generated from the item class; ``python -m kabarbaik_spider.schema`` writes it.

The committed copy, ``schema/article.schema.json``, is for other tools and
readers; a test keeps it equal to what the class says. ``scrapy validate``
checks dumps against the schema made here, so it always follows the class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from kabarbaik_spider.items import Article

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "article.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def article_schema() -> dict[str, Any]:
    """The JSON Schema of one store line (itemadapter's, from the class and its field docs)."""
    return {"$schema": DIALECT, **ItemAdapter.get_json_schema(Article)}


def schema_text() -> str:
    return json.dumps(article_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path((argv if argv is not None else sys.argv[1:] or [str(SCHEMA_FILE)])[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
