import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``tmpfs("32k")``: a small tmpfs under the test's folder, a disk that fills for real (root only)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root")
        point = tmp_path / f"disk-{len(mounted)}"
        point.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], check=False).returncode:
            pytest.skip("this machine does not let even root mount a tmpfs")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)
