"""A real WordPress on 127.0.0.1 for the tests: Debian's WordPress 6.1, MariaDB and PHP's built-in server.

The offline model site (``fixtures/site``) is our guess at kabarbaik.co; this
is WordPress itself, so that the crawler is also checked against markup,
sitemaps and a REST API nobody here wrote. One MariaDB server a session
(its datadir in a temporary folder), one database and one ``php -S`` server
a site; a site is installed with WordPress's own PHP functions (no wp-cli
in Debian) and filled with posts built like the model's: ``Penulis:`` and
``Editor:`` credit lines, a category, tags, a featured image with a caption,
an excerpt, one post in pages. :class:`WordPress` can change a site during a
test (edit, trash, delete posts, close the REST API as a security plugin
does) and says what each post must look like as an item (:meth:`expected`).

Where the packages are missing the tests that need it skip with one line;
under CI (``CI=true``) they fail instead, so that a broken install cannot
pass silently. ``.ci/run`` installs the packages.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pytest

WORDPRESS = Path("/usr/share/wordpress")
THEMES = WORDPRESS / "wp-content" / "themes"
# Debian packages each theme apart (wordpress-theme-NAME); a missing one would leave WordPress on no theme at all and
# fail its tests for a reason they do not name.
TEST_THEMES = ("twentytwentyone", "twentytwentytwo", "twentytwentythree")
CONFIGS = Path("/etc/wordpress")  # Debian's wp-config.php reads config-<name>.php here, and only here
MARIADBD = Path("/usr/sbin/mariadbd")
PROGRAMS = ("php", "mariadb", "mariadb-install-db")
STARTUP_TIMEOUT = 60.0
ADMIN = "redaksi"
ADMIN_NAME = "Redaksi KabarBaik"  # the posting account's display name: the byline when a post credits no one
WIB_OFFSET = timedelta(hours=7)


def missing_parts() -> list[str]:
    """What this machine lacks to run a real WordPress (empty when it has everything)."""
    missing = [name for name in PROGRAMS if shutil.which(name) is None]
    needed = (WORDPRESS / "wp-load.php", MARIADBD, *(THEMES / theme for theme in TEST_THEMES))
    missing += [str(path) for path in needed if not path.exists()]
    if not os.access(CONFIGS if CONFIGS.exists() else CONFIGS.parent, os.W_OK):
        missing.append(f"write access to {CONFIGS}")
    if (
        shutil.which("php")
        and subprocess.run(["php", "-r", "exit(function_exists('imagejpeg') ? 0 : 1);"], check=False).returncode
    ):
        missing.append("php-gd")
    return missing


def require_wordpress() -> None:
    """Skip the test with one line where WordPress cannot start; under CI, fail: CI must run these tests."""
    missing = missing_parts()
    if not missing:
        return
    reason = f"no real WordPress here (missing: {', '.join(missing)}); .ci/run installs Debian's packages"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll ``condition`` until it holds; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class MariaDb:
    """A private MariaDB server: its datadir in ``folder``, reachable only by its Unix socket."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "mysql.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> MariaDb:
        data = self.folder / "data"
        subprocess.run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.process = subprocess.Popen(
            [str(MARIADBD), "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", "--skip-networking",
             "--user=root", f"--pid-file={self.folder / 'mysqld.pid'}", f"--log-error={self.folder / 'error.log'}",
             "--skip-log-bin", "--innodb-buffer-pool-size=32M"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: self.process.poll() is not None or self.sql("SELECT 1", check=False) == 0, "MariaDB")
        if self.process.poll() is not None:
            raise RuntimeError(f"MariaDB did not start: {(self.folder / 'error.log').read_text()[-2000:]}")
        return self

    def sql(self, statement: str, check: bool = True) -> int:
        if not self.socket.exists():
            return 1
        return subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", statement],
            check=check, capture_output=True,
        ).returncode  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class Post:
    """A post as a test inserts it, and what the crawler must make of it."""

    slug: str
    title: str
    published: datetime  # UTC
    paragraphs: list[list[str]]  # the text of each page (``<!--nextpage-->`` between pages)
    category: str
    tags: list[str]
    caption: str
    excerpt: str
    author: str | None = None  # the Penulis: credit line; None: no credit lines at all
    editor: str | None = None
    post_id: int = 0
    image_url: str = ""
    modified: datetime | None = None  # UTC; set when the post was last changed

    def content(self) -> str:
        """The post's content as an editor writes it: paragraphs, page breaks, the credit box at the end."""
        pages = ["\n\n".join(f"<p>{text}</p>" for text in page) for page in self.paragraphs]
        if self.author:
            pages[-1] += (
                f"\n\n<p><strong>Penulis</strong>: {self.author}<br />\n<strong>Editor</strong>: {self.editor}</p>"
            )
        return "\n\n<!--nextpage-->\n\n".join(pages)

    @property
    def body(self) -> str:
        return "\n\n".join(text for page in self.paragraphs for text in page)


CATEGORIES = ("Pemerintahan", "Ekonomi", "Kesehatan", "Pendidikan", "Olahraga")
PLACES = ("Madiun", "Ngawi", "Bojonegoro", "Tuban", "Lamongan", "Gresik", "Kediri", "Blitar", "Jombang",
          "Nganjuk", "Magetan", "Ponorogo", "Pacitan", "Trenggalek")  # fmt: skip
PEOPLE = ("Shohibul Umam", "Dani Kurniawan", "Rina Wulandari", "Agus Salim")
EDITORS = ("Hairul Faisal", "Gagah Saputra")
TOPICS = ("Jalan Desa", "Pasar Rakyat", "Posyandu", "Beasiswa", "Sepak Bola", "Irigasi", "Vaksinasi")


def model_posts(count: int = 14) -> list[Post]:
    """``count`` posts built like the model site's; the third is in two pages, the fifth credits no one."""
    posts = []
    start = datetime(2025, 5, 1, 2, 15, tzinfo=UTC)
    for number in range(count):
        place, category = PLACES[number % len(PLACES)], CATEGORIES[number % len(CATEGORIES)]
        topic = TOPICS[number % len(TOPICS)]
        text = [
            f"KabarBaik.co, {place} – Pemerintah Kabupaten {place} membahas {topic.lower()} bersama warga"
            f" di balai desa pada pekan ini, laporan nomor {number + 1}.",
            f"Kepala dinas menyampaikan bahwa program {topic.lower()} di {place} berjalan sesuai rencana"
            " dan akan diperluas ke kecamatan lain tahun depan.",
            f"Warga {place} menyambut baik rencana itu dan berharap pelaksanaannya diawasi bersama. (*)",
        ]
        second_page = f"Halaman kedua membahas anggaran {topic.lower()} di {place}."
        pages = [text[:2], [*text[2:], second_page]] if number == 2 else [text]
        credited = number != 4
        posts.append(
            Post(
                slug=f"{topic.lower().replace(' ', '-')}-{place.lower()}-{number + 1}",
                title=f"{topic} di {place} Dibahas Bersama Warga {number + 1}",
                published=start + timedelta(hours=9 * number, minutes=7 * number),
                paragraphs=pages,
                category=category,
                tags=sorted({place, topic, f"Jawa Timur {number % 3 + 1}"}, key=str.casefold),
                caption=f"Suasana pembahasan {topic.lower()} di {place}. (Foto: {PEOPLE[number % len(PEOPLE)]})",
                excerpt=f"Pemerintah Kabupaten {place} membahas {topic.lower()} bersama warga.",
                author=PEOPLE[number % len(PEOPLE)] if credited else None,
                editor=EDITORS[number % len(EDITORS)] if credited else None,
            )
        )
    return posts


def wib(value: datetime) -> str:
    return (value.astimezone(UTC) + WIB_OFFSET).replace(tzinfo=None).isoformat() + "+07:00"


ROUTER = r"""<?php
// PHP's built-in server in front of Debian's WordPress: pretty permalinks without Apache, this site's
// config, its uploads, and a REST API closed as a security plugin closes it while the flag file exists.
$_SERVER['WORDPRESS_CONFIG'] = '%(config)s';
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?: '/');
if (file_exists('%(closed)s') && (strpos($path, '/wp-json') === 0 || isset($_GET['rest_route']))) {
    http_response_code(401);
    header('Content-Type: application/json; charset=UTF-8');
    echo json_encode(['code' => 'rest_login_required', 'message' => 'REST API restricted to authenticated users.',
                      'data' => ['status' => 401]]);
    return true;
}
if (strpos($path, '/wp-content/uploads/') === 0) {
    $file = realpath('%(uploads)s' . substr($path, strlen('/wp-content/uploads')));
    if ($file === false || strpos($file, '%(uploads)s/') !== 0 || !is_file($file)) {
        http_response_code(404);
        return true;
    }
    $types = ['jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'png' => 'image/png', 'webp' => 'image/webp'];
    header('Content-Type: ' . ($types[strtolower(pathinfo($file, PATHINFO_EXTENSION))] ?? 'application/octet-stream'));
    readfile($file);
    return true;
}
if ($path !== '/' && is_file('%(wordpress)s' . $path)) {
    return false;  // the theme's styles and scripts, wp-login.php ...: served as they are
}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = '%(wordpress)s/index.php';
require '%(wordpress)s/index.php';
"""

CONFIG = r"""<?php
// One test site of kabarbaik-spider's tests (tests/real_wordpress.py), removed when the tests end.
// site folder: %(folder)s
define('DB_NAME', '%(database)s');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:%(socket)s');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', '%(origin)s');
define('WP_SITEURL', '%(origin)s');
define('WP_CONTENT_DIR', '%(wordpress)s/wp-content');
define('WPMU_PLUGIN_DIR', '%(folder)s/mu-plugins');
define('KB_UPLOADS', '%(uploads)s');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
%(keys)s
$table_prefix = 'wp_';
"""

UPLOADS_PLUGIN = r"""<?php
// Uploads in the test's own folder, served by the router at the usual /wp-content/uploads/ URLs.
add_filter('upload_dir', function ($dirs) {
    $dirs['basedir'] = KB_UPLOADS;
    $dirs['path'] = KB_UPLOADS . $dirs['subdir'];
    $dirs['baseurl'] = WP_HOME . '/wp-content/uploads';
    $dirs['url'] = $dirs['baseurl'] . $dirs['subdir'];
    return $dirs;
});
"""

INSTALL = r"""
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
$spec = json_decode(file_get_contents('%(spec)s'), true);
wp_install('KabarBaik.co', '%(admin)s', 'redaksi@example.invalid', true, '', wp_generate_password(20));
wp_update_user(['ID' => 1, 'display_name' => '%(admin_name)s', 'nickname' => '%(admin_name)s']);
update_option('permalink_structure', $spec['permalinks']);
update_option('timezone_string', 'Asia/Jakarta');
update_option('posts_per_page', 10);
switch_theme($spec['theme']);
wp_delete_post(1, true);  // "Hello world!"
wp_delete_post(2, true);  // the sample page
$made = [];
foreach ($spec['posts'] as $number => $post) {
    $category = term_exists($post['category'], 'category') ?: wp_insert_term($post['category'], 'category');
    $id = wp_insert_post([
        'post_title' => $post['title'], 'post_name' => $post['slug'], 'post_content' => $post['content'],
        'post_excerpt' => $post['excerpt'], 'post_status' => 'publish', 'post_author' => 1,
        'post_date' => $post['date'], 'post_date_gmt' => $post['date_gmt'],
        'post_category' => [(int) $category['term_id']], 'tags_input' => $post['tags'],
    ], true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
    $upload = wp_upload_dir(str_replace('-', '/', substr($post['date'], 0, 7)));  // yyyy/mm of the post
    wp_mkdir_p($upload['path']);
    $file = $upload['path'] . '/' . $post['slug'] . '.jpg';
    $image = imagecreatetruecolor(800, 450);
    imagefill($image, 0, 0, imagecolorallocate($image, 40 + 13 * $number %% 200, 90, 140));
    imagejpeg($image, $file, 70);
    $attachment = wp_insert_attachment([
        'post_mime_type' => 'image/jpeg', 'post_title' => $post['title'], 'post_excerpt' => $post['caption'],
        'post_status' => 'inherit', 'post_date' => $post['date'], 'post_date_gmt' => $post['date_gmt'],
    ], $file, $id);
    wp_update_attachment_metadata($attachment, wp_generate_attachment_metadata($attachment, $file));
    set_post_thumbnail($id, $attachment);
    $made[$post['slug']] = ['id' => $id, 'image_url' => wp_get_attachment_url($attachment)];
}
flush_rewrite_rules();
echo json_encode($made);
"""


class WordPress:
    """One WordPress site on 127.0.0.1 (its own database and ``php -S`` server), and ways to change it."""

    def __init__(
        self,
        database: MariaDb,
        folder: Path,
        theme: str = "twentytwentyone",
        permalinks: str = "/%postname%/",
        posts: list[Post] | None = None,
    ) -> None:
        self.db, self.folder, self.theme, self.permalinks = database, folder, theme, permalinks
        self.posts = posts if posts is not None else model_posts()
        self.name = f"kbtest-{secrets.token_hex(6)}"
        self.database = self.name.replace("-", "_")
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.config = CONFIGS / f"config-{self.name}.php"
        self.closed_flag = folder / "api-closed"
        self.uploads = folder / "uploads"
        self.server: subprocess.Popen[bytes] | None = None
        self.server_log: BinaryIO | None = None
        self.setup_seconds = 0.0
        self.trashed: list[Post] = []

    # -- life ---------------------------------------------------------------------------------------------

    def start(self) -> WordPress:
        began = time.monotonic()
        (self.folder / "mu-plugins").mkdir(parents=True)
        self.uploads.mkdir()
        (self.folder / "mu-plugins" / "uploads.php").write_text(UPLOADS_PLUGIN, encoding="utf-8")
        values = {
            "database": self.database, "socket": self.db.socket, "origin": self.origin, "wordpress": WORDPRESS,
            "folder": self.folder, "uploads": self.uploads, "config": self.name, "closed": self.closed_flag,
            "keys": "\n".join(
                f"define('{key}', '{secrets.token_hex(32)}');"
                for key in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                            "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
            ),
        }  # fmt: skip
        self.db.sql(f"CREATE DATABASE {self.database} CHARACTER SET utf8mb4")
        CONFIGS.mkdir(exist_ok=True)
        remove_stale_configs()
        self.config.write_text(CONFIG % values, encoding="utf-8")
        (self.folder / "router.php").write_text(ROUTER % values, encoding="utf-8")
        spec = self.folder / "posts.json"
        spec.write_text(json.dumps({"theme": self.theme, "permalinks": self.permalinks, "posts": [
            {"slug": p.slug, "title": p.title, "content": p.content(), "excerpt": p.excerpt, "category": p.category,
             "tags": p.tags, "caption": p.caption, "date": (p.published + WIB_OFFSET).strftime("%Y-%m-%d %H:%M:%S"),
             "date_gmt": p.published.strftime("%Y-%m-%d %H:%M:%S")}
            for p in self.posts
        ]}, ensure_ascii=False), encoding="utf-8")  # fmt: skip
        made = json.loads(self.php(INSTALL % {"spec": spec, "admin": ADMIN, "admin_name": ADMIN_NAME}, installing=True))
        for post in self.posts:
            post.post_id, post.image_url = made[post.slug]["id"], made[post.slug]["image_url"]
        self.server_log = (self.folder / "php-server.log").open("wb")
        self.server = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(WORDPRESS), str(self.folder / "router.php")],
            cwd=WORDPRESS,
            stdout=subprocess.DEVNULL,
            stderr=self.server_log,
            env={**os.environ, "PHP_CLI_SERVER_WORKERS": "2"},
            start_new_session=True,  # its own process group: the workers it forks are stopped with it
        )
        wait_for(lambda: self.server.poll() is not None or answers(self.port), "PHP's built-in server")
        if self.server.poll() is not None:
            raise RuntimeError(f"php -S did not start: {(self.folder / 'php-server.log').read_text()[-2000:]}")
        self.setup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)  # the server and the two workers it forked
            self.server.wait(timeout=30)
        if self.server_log:
            self.server_log.close()
        self.config.unlink(missing_ok=True)
        self.db.sql(f"DROP DATABASE IF EXISTS {self.database}", check=False)

    # -- changing the site during a test ------------------------------------------------------------------

    def php(self, code: str, installing: bool = False) -> str:
        """Run ``code`` (PHP, no ``<?php``) with WordPress loaded for this site; its standard output."""
        script = self.folder / f"run-{secrets.token_hex(4)}.php"
        script.write_text(
            "<?php\n"
            f"$_SERVER['HTTP_HOST'] = '127.0.0.1:{self.port}';\n"
            f"$_SERVER['WORDPRESS_CONFIG'] = '{self.name}';\n"
            "$_SERVER['REQUEST_URI'] = '/';\n"
            "$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';\n"
            + ("define('WP_INSTALLING', true);\n" if installing else "")
            + f"require '{WORDPRESS}/wp-load.php';\n"
            + code,
            encoding="utf-8",
        )
        try:
            done = subprocess.run(["php", str(script)], capture_output=True, text=True, timeout=300, check=False)
        finally:
            script.unlink(missing_ok=True)
        if done.returncode:
            raise RuntimeError(f"PHP failed ({done.returncode}): {done.stderr[-2000:]}{done.stdout[-2000:]}")
        return done.stdout

    def post(self, post_id: int) -> Post:
        return next(post for post in self.posts if post.post_id == post_id)

    def update_post(self, post_id: int, **fields: Any) -> datetime:
        """``wp_update_post`` with ``fields`` (``post_title``, ``post_content`` …); the post's new modified time (UTC).

        A new ``post_title`` or ``post_excerpt`` is kept in :attr:`posts`, so :meth:`expected` follows it; a
        test that changes the content sets the post's ``paragraphs`` itself.
        """
        answer = self.php(
            f"$r = wp_update_post(array_merge(['ID' => {int(post_id)}], json_decode({php_string(json.dumps(fields))},"
            " true)), true);\nif (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message()); exit(1); }\n"
            f"echo get_post({int(post_id)})->post_modified_gmt;"
        )
        post = self.post(post_id)
        post.title = fields.get("post_title", post.title)
        post.excerpt = fields.get("post_excerpt", post.excerpt)
        post.modified = datetime.fromisoformat(answer.strip()).replace(tzinfo=UTC)
        return post.modified

    def trash_post(self, post_id: int) -> None:
        """Move a post to the trash: its page answers 404, the REST API no longer lists it, :attr:`posts`
        no longer holds it (:attr:`trashed` does)."""
        self.php(f"if (!wp_trash_post({int(post_id)})) exit(1);")
        self.trashed.append(self.post(post_id))
        self.posts = [post for post in self.posts if post.post_id != post_id]

    def delete_post(self, post_id: int) -> None:
        """Delete a post for good (not through the trash)."""
        self.php(f"if (!wp_delete_post({int(post_id)}, true)) exit(1);")
        self.posts = [post for post in self.posts if post.post_id != post_id]

    def close_api(self) -> None:
        """Answer every REST API request with a 401 ``rest_login_required``, as a security plugin does."""
        self.closed_flag.touch()

    def open_api(self) -> None:
        self.closed_flag.unlink(missing_ok=True)

    def rewrite_posts(self, rules: dict[str, str]) -> None:
        """Rewrite every post's page as WordPress sends it: each PCRE pattern of ``rules`` by its replacement.

        A theme nobody here wrote, made from the installed one: other class names, no ``rel`` attributes, no
        post_class() terms. A must-use plugin buffers the page (the REST API and the listing stay as they are).
        """
        (self.folder / "mu-plugins" / "rewrite-posts.php").write_text(
            "<?php\n// tests/real_wordpress.py: rewrite_posts()\n"
            "add_action('template_redirect', function () {\n"
            "    if (!is_singular('post')) { return; }\n"
            "    ob_start(function ($html) {\n"
            f"        foreach (json_decode({php_string(json.dumps(rules))}, true) as $pattern => $replacement) {{\n"
            "            $html = preg_replace($pattern, $replacement, $html);\n"
            "        }\n"
            "        return $html;\n"
            "    });\n"
            "});\n",
            encoding="utf-8",
        )

    @contextmanager
    def api_closed(self) -> Iterator[WordPress]:
        self.close_api()
        try:
            yield self
        finally:
            self.open_api()

    # -- what the crawler must make of it -----------------------------------------------------------------

    def url(self, post: Post) -> str:
        return f"{self.origin}/{post.slug}/" if self.permalinks == "/%postname%/" else self.permalink(post)

    def permalink(self, post: Post) -> str:
        return self.php(f"echo get_permalink({post.post_id});").strip()

    def expected(self, post: Post, channel: str = "pages") -> dict[str, Any]:
        """The item a crawl must store for ``post``: from its page (``pages``), its REST API record (``api``),
        or both (``records``: an HTML run with the API open, each key WordPress holds from its record).

        The pages show no modified time (Twenty Twenty-One prints the published one only), no meta
        description and no view counter; the API has the modified time and the excerpt, and no counter.
        An HTML run keeps a modified time only for a post edited after publication.
        """
        api = channel in ("api", "records")
        edited = post.modified is not None and post.modified > post.published
        modified = {"api": wib(post.modified or post.published), "records": wib(post.modified) if edited else None}
        return {
            "url": self.url(post),
            "post_id": post.post_id,
            "title": post.title,
            "published_at": wib(post.published),
            "modified_at": modified.get(channel),
            "author": post.author or ADMIN_NAME,
            "editor": post.editor,
            "category": post.category,
            "tags": post.tags,
            "views": None,
            "image_url": post.image_url,
            "image_caption": post.caption,
            "summary": post.excerpt if api else None,
            "body": post.body,
        }


def remove_stale_configs() -> None:
    """Remove the configs of test sites whose folder is gone (a test run that was killed left them)."""
    for config in CONFIGS.glob("config-kbtest-*.php"):
        folder = next((line.split(": ", 1)[1] for line in config.read_text().splitlines()
                       if line.startswith("// site folder: ")), None)  # fmt: skip
        if folder and not Path(folder).is_dir():
            config.unlink(missing_ok=True)


def php_string(text: str) -> str:
    """``text`` as a single-quoted PHP literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Sites:
    """The session's MariaDB and the sites made on it; each site is removed when the session ends."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kb-wordpress-"))
        self.db: MariaDb | None = None
        self.sites: list[WordPress] = []
        self.db_seconds = 0.0

    def make(self, **options: Any) -> WordPress:
        if self.db is None:
            began = time.monotonic()
            (self.folder / "mariadb").mkdir()
            self.db = MariaDb(self.folder / "mariadb").start()
            self.db_seconds = time.monotonic() - began
        site = WordPress(self.db, self.folder / f"site-{len(self.sites) + 1}", **options)
        self.sites.append(site)
        return site.start()

    def close(self) -> None:
        for site in self.sites:
            site.stop()
        if self.db:
            self.db.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def wordpress_sites() -> Iterator[Sites]:
    """The session's MariaDB, started on first use; ``make(theme=…, permalinks=…)`` installs a new site."""
    require_wordpress()
    sites = Sites()
    try:
        yield sites
    finally:
        sites.close()


@pytest.fixture(scope="session")
def wordpress(wordpress_sites: Sites) -> WordPress:
    """A Twenty Twenty-One site with ``/%postname%/`` permalinks, for tests that only read it."""
    return wordpress_sites.make()


def stored_vs_inserted(
    stored: list[dict[str, Any]], wordpress: WordPress, channel: str = "pages"
) -> dict[str, dict[str, Any]]:
    """Per key: how many posts the store holds right, and the first wrong value with what was inserted."""
    by_url = {item["url"]: item for item in stored}
    report: dict[str, dict[str, Any]] = {}
    for post in wordpress.posts:
        expected = wordpress.expected(post, channel)
        got = by_url.get(expected["url"], {})
        for key, value in expected.items():
            entry = report.setdefault(key, {"right": 0, "posts": 0, "first_wrong": None})
            entry["posts"] += 1
            if got.get(key) == value:
                entry["right"] += 1
            elif entry["first_wrong"] is None:
                entry["first_wrong"] = {"url": expected["url"], "got": got.get(key), "inserted": value}
    return report


def wrong_keys(report: dict[str, dict[str, Any]], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The keys of :func:`stored_vs_inserted` not right for every post, with their counts and an example."""
    return {
        key: entry for key, entry in report.items() if (keys is None or key in keys) and entry["right"] < entry["posts"]
    }


# -- parser fixtures from the pages a real WordPress served ----------------------------------------------------

FIXTURE_THEMES = {"twentytwentyone": "/%postname%/", "twentytwentythree": "/%year%/%monthnum%/%postname%/"}


def save_fixtures(site: WordPress, root: Path) -> list[Path]:
    """Save three posts' pages as parser fixtures under ``root`` (``fixtures/wordpress/<theme>/``).

    ``output.json`` is what the test inserted, as the page shows it (no summary and no modified time
    on these themes; no caption on Twenty Twenty-Three, whose featured-image block prints none), never
    the parser's output. The post in pages is saved for classic themes only: a block theme prints no
    page links, so its second page is not the article's to find.
    """
    import urllib.request

    from kabarbaik_spider.fixtures import Page, save, write_json

    block_theme = site.theme == "twentytwentythree"
    chosen = [site.posts[0], next(post for post in site.posts if post.author is None)]
    if not block_theme:
        chosen.append(next(post for post in site.posts if len(post.paragraphs) > 1))
    folders = []
    for post in chosen:
        urls = [site.url(post)] + [f"{site.url(post)}{n}/" for n in range(2, len(post.paragraphs) + 1)]
        pages = []
        for url in urls:
            with urllib.request.urlopen(url, timeout=30) as answer:
                pages.append(Page(answer.read().decode("utf-8"), url, answer.status,
                                  {"content-type": answer.headers["Content-Type"]}))  # fmt: skip
        fixture = save(pages, root, force=True, source=f"Debian's WordPress 6.1, {site.theme}, tests/real_wordpress.py")
        expected = site.expected(post)
        if block_theme:
            expected["image_caption"] = None
        write_json(fixture.folder / "output.json", expected)
        folders.append(fixture.folder)
    return folders


if __name__ == "__main__":  # python tests/real_wordpress.py: save the fixtures of fixtures/wordpress/ again
    sites = Sites()
    try:
        for theme, permalinks in FIXTURE_THEMES.items():
            target = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress" / theme
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for folder in save_fixtures(sites.make(theme=theme, permalinks=permalinks), target):
                print(folder)
    finally:
        sites.close()
