"""A clone of the repository whose test pages a body benchmark reads: a work tree, or a bare or mirror git
directory (read with ``git show``, so a mirror needs no checkout). The pages are read, never copied here."""

from __future__ import annotations

import subprocess
from pathlib import Path


class Clone:
    """The files of one clone, by their path from the repository's root."""

    def __init__(self, path: Path, marker: str) -> None:
        """``marker`` is a path a work tree of the repository has; without it, ``path`` is a git directory."""
        self.root = path
        self.git_dir = None if (path / marker).exists() else path

    def files(self, folder: str) -> list[str]:
        """Every file under ``folder``, at any depth."""
        if self.git_dir is None:
            return sorted(str(p.relative_to(self.root)) for p in (self.root / folder).rglob("*") if p.is_file())
        return self.git("ls-tree", "-r", "--name-only", "HEAD", folder).decode().split()

    def read(self, path: str) -> bytes:
        if self.git_dir is None:
            return (self.root / path).read_bytes()
        return self.git("show", f"HEAD:{path}")

    def git(self, *args: str) -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=True).stdout
