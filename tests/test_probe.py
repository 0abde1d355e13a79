"""``scrapy probe``: first contact, against the offline site as it is and with another theme's class names."""

from __future__ import annotations

import json
from pathlib import Path

from site_fixtures import SITE, copy_api, copy_site, retheme, run_scrapy
from warcio.archiveiterator import ArchiveIterator

from kabarbaik_spider.archive import archive_files
from kabarbaik_spider.exit_status import EXIT_COVERAGE, EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from kabarbaik_spider.fixtures import Fixture
from kabarbaik_spider.offline_site import OfflineSite

NO_DELAY = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "--nolog")
NEWEST = (  # the bundled site's three newest articles, newest first
    "ini-cara-pemkab-bojonegoro-untuk-tingkatkan-kinerja-pelayanan-publik",
    "harga-cabai-rawit-di-pasar-kota-bojonegoro-turun-jelang-panen-raya",
    "polisi-amankan-pelaku-penipuan-arisan-daring",
)


def probe(site: OfflineSite, tmp_path: Path, *extra: str):
    return run_scrapy(
        "probe",
        f"{site.origin}/",
        "--dir",
        str(tmp_path / "probe"),
        "--fixtures",
        str(tmp_path / "fx"),
        *NO_DELAY,
        *extra,
    )


def archived(tmp_path: Path) -> list[str]:
    [path] = archive_files(tmp_path / "probe")
    with path.open("rb") as stream:
        return [
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream, check_digests="raise")
            if record.rec_type == "response"
        ]


def test_the_probe_of_the_model_site_passes_keeps_every_answer_and_saves_three_fixtures(tmp_path) -> None:
    with OfflineSite(SITE) as site:
        result = probe(site, tmp_path)
        origin = site.origin
        asked = {path for _, path in site.requests}
    assert result.returncode == EXIT_OK, result.stdout + result.stderr[-2000:]
    screen = result.stdout.splitlines()
    assert screen[-2].startswith("verdict 0: every key of every probed article came from the site's own markup")
    assert screen[1] == (
        f"listing home {origin}/: 10 cards (newest dated 2025-05-15, 2025-05-14, 2025-05-13), next {origin}/page/2/"
    )
    assert "channels: listing open; REST API open; sitemaps open" in result.stdout
    assert "FALLBACK" not in result.stdout and "API SAYS" not in result.stdout
    for slug in NEWEST:
        assert f"{origin}/{slug}/" in archived(tmp_path)
        fixture = Fixture(tmp_path / "fx" / slug)
        assert fixture.differences() == []  # the saved page parses to its saved item
        assert json.loads((fixture.folder / "meta.json").read_text())["source"] == "fetched by scrapy probe"
    assert {"/", "/page/2/", "/robots.txt", "/sitemap_index.xml", "/post-sitemap.xml", "/wp-json/"} <= asked
    assert any(uri.startswith(f"{origin}/wp-json/wp/v2/posts?include=") for uri in archived(tmp_path))
    assert len(asked) <= 12  # polite: a dozen pages, not a crawl


def test_the_probe_of_another_theme_names_the_fallbacks_and_fails(tmp_path) -> None:
    with OfflineSite(retheme(copy_site(tmp_path / "site"))) as site:
        result = probe(site, tmp_path)
    assert result.returncode == EXIT_COVERAGE, result.stdout + result.stderr[-2000:]
    assert "channels: listing open; REST API open; sitemaps open" in result.stdout
    body_lines = [line for line in result.stdout.splitlines() if line.startswith("  body ")]
    assert len(body_lines) == 3 and all(" structure  FALLBACK " in line for line in body_lines)
    assert result.stdout.splitlines()[-1].startswith("verdict 5: ")


def test_the_probe_names_a_key_the_rest_api_disagrees_with_and_fails(tmp_path) -> None:
    api = copy_api(tmp_path / "api")
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    newest = next(post for post in posts if post["slug"] == NEWEST[0])
    newest["title"]["rendered"] = "Judul lain menurut WordPress"
    (api / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
    with OfflineSite(SITE, api=api) as site:
        result = probe(site, tmp_path)
    assert result.returncode == EXIT_COVERAGE, result.stdout
    [title] = [line for line in result.stdout.splitlines() if "API SAYS" in line]
    assert title.startswith("  title         jsonld     API SAYS Judul lain menurut WordPress ")
    assert result.stdout.splitlines()[-1].startswith(
        f"verdict 5: 1 problem(s); first: {site.origin}/{NEWEST[0]}/ title"
    )


def test_the_probe_of_a_site_whose_rest_api_is_closed_says_which_channel(tmp_path) -> None:
    with OfflineSite(SITE, api=401) as site:
        result = probe(site, tmp_path)
    assert result.returncode == EXIT_ERRORS, result.stdout
    assert "REST API CLOSED" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("verdict 3: ")


def test_a_bad_url_is_one_line(tmp_path) -> None:
    result = run_scrapy("probe", "kabarbaik.co", "--dir", str(tmp_path / "probe"))
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip() == "kabarbaik: bad URL 'kabarbaik.co': expected the site's home page, http(s)://…"
