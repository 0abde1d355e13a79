import sys
from pathlib import Path

# The helpers module sits beside the tests; make it importable without a package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The real WordPress's fixtures (wordpress_sites, wordpress), for any test module.
pytest_plugins = ["real_wordpress"]


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "real_wordpress: needs Debian's WordPress, PHP and MariaDB (tests/real_wordpress.py); skips where they are"
        " missing, fails under CI=true",
    )
