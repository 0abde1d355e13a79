"""Body F1 on pages nobody here tuned to: the real-site test pages of Mozilla's Readability.

    python benchmarks/readability_pages.py READABILITY [--show N]

READABILITY is a clone of https://github.com/mozilla/readability (a work
tree, or a bare or mirror git directory). Its ``test/test-pages/<name>/`` hold
a page's ``source.html`` and ``expected.html``, the text Readability keeps:
agreement with Readability, not human labels, as ``../shared/realpages`` is
agreement with Fundus. The pages of its own feature tests (``001``,
``replace-brs``, …) and documents that are not articles (Wikipedia, specs,
books) are left out: 63 pages, articles and blog posts of 50 sites. They are
read from the clone and never copied here.

Halves by md5 of the site's name (``nytimes-3`` is ``nytimes``): first byte
even is A, odd is B, as for the shared sets (docs/site.md). Per half, the mean
over pages of each page's bag-of-words F1 (lower-cased words; a Han or kana
character a word), for our parser and for trafilatura's ``extract`` in its
fast and its default mode, and the milliseconds a page of each.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import lxml.html
from body_table import print_table, score
from clones import Clone

NOT_ARTICLES = re.compile(
    r"^(?:\d{3}.*|article-author-tag|base-url.*|basic-tags-cleaning|bug-\d+|clean-links|cnet-svg-classes"
    r"|comment-inside-script-parsing|data-url-image|embedded-videos|hidden-nodes|invalid-attributes"
    r"|js-link-replacement|keep-images|keep-tabular-data|lazy-image-\d|links-in-tables|metadata-content-missing"
    r"|missing-paragraphs|normalize-spaces|ol|parsely-metadata|remove-.*|reordering-paragraphs|replace-.*"
    r"|schema-org-context-object|social-buttons|style-tags-removal|svg-parsing|table-style-attributes"
    r"|title-and-h1-discrepancy|title-en-dash|toc-missing|visibility-hidden|videos-\d|rtl-\d|mathjax"
    r"|wikipedia.*|wikia|ietf-1|google-sre-book-1|mercurial|ebb-org|dev418|hukumusume|archive-of-our-own"
    r"|royal-road|lwn-1)$"
)
BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "td", "th",
          "tr", "br", "section", "article", "dd", "dt", "table", "ul", "ol", "figure")  # fmt: skip


class TestPages(Clone):
    """The test pages of a Readability clone."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "test/test-pages")

    def names(self) -> list[str]:
        return sorted({path.split("/")[2] for path in self.files("test/test-pages")})

    def text(self, name: str, file: str) -> str:
        return self.read(f"test/test-pages/{name}/{file}").decode("utf-8")


def kept_text(expected_html: str) -> str:
    """The text of Readability's ``expected.html``, a line a block."""
    root = lxml.html.fromstring(expected_html)
    for element in root.iter(*BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def half(name: str) -> str:
    site = re.sub(r"-\d+$", "", name)
    return "A" if hashlib.md5(site.encode()).digest()[0] % 2 == 0 else "B"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("readability", type=Path, help="a clone of mozilla/readability (work tree or git directory)")
    parser.add_argument("--show", type=int, default=0, help="the N pages our parser reads worst, per half")
    args = parser.parse_args()
    clone = TestPages(args.readability)
    names = [name for name in clone.names() if not NOT_ARTICLES.match(name)]
    pages = (
        (name, clone.text(name, "source.html"), f"http://fakehost/test/{name}.html",
         kept_text(clone.text(name, "expected.html")))
        for name in names
    )  # fmt: skip
    rows = score(pages)
    print(f"{len(names)} pages of {len({re.sub(r'-[0-9]+$', '', n) for n in names})} sites")
    print_table(rows, half, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
