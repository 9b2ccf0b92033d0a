"""Turning the paths given on the command line into the list of files to read."""

from __future__ import annotations

import functools
import os

# Never configuration a stack deploys with, and often huge.
SKIP_DIRS = frozenset(
    (
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".venv",
        "venv",
        ".direnv",
    )
)


def up_to_repository(folder: str):
    """``folder`` and the folders above it, up to the repository root (the first folder with
    a .git) or, outside a repository, the file system's root."""
    current = folder
    for _ in range(256):
        yield current
        parent = os.path.dirname(current)
        if os.path.exists(os.path.join(current, ".git")) or parent == current:
            return
        current = parent


class PathError(Exception):
    pass


def _skipped(parts: list[str]) -> bool:
    return any(part in SKIP_DIRS for part in parts)


def _git_files(folder: str) -> list[str] | None:
    """Files git would show for ``folder`` (tracked, plus untracked not ignored), or None when
    the folder is not in a git work tree. Honours every .gitignore, .git/info/exclude and the
    global excludes file exactly as git does."""
    import subprocess  # only for folders; pre-commit passes files

    try:
        out = subprocess.run(
            [
                "git",
                # a scanned folder's own .git/config is the attacker's: core.fsmonitor there
                # would run a command of its choosing when git refreshes the index
                "-c",
                "core.fsmonitor=false",
                "-C",
                folder,
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    files = []
    venvs: dict[str, bool] = {}
    for raw in out.stdout.split(b"\0"):
        if not raw:
            continue
        rel = os.fsdecode(raw)
        parts = rel.split("/")
        if _skipped(parts[:-1]) or _in_venv(folder, parts[:-1], venvs):
            continue
        files.append(os.path.join(folder, rel))
    return files


def _in_venv(folder: str, dirs: list[str], cache: dict[str, bool]) -> bool:
    current = folder
    for part in dirs:
        current = os.path.join(current, part)
        hit = cache.get(current)
        if hit is None:
            hit = cache[current] = os.path.isfile(os.path.join(current, "pyvenv.cfg"))
        if hit:
            return True
    return False


def _walk(folder: str) -> list[str]:
    files = []
    for root, dirs, names in os.walk(folder):  # symlinked folders are not followed: no loops
        if root != folder and "pyvenv.cfg" in names:
            dirs[:] = []  # a virtual environment: neither its files nor its folders
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        files.extend(os.path.join(root, n) for n in names)
    return files


def collect(paths: list[str]) -> list[str]:
    """Absolute paths of the files to consider, sorted, each once. Files named explicitly are
    always included; folders are walked."""
    seen: set[str] = set()
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            listed = _git_files(path)
            candidates = listed if listed is not None else _walk(path)
        elif os.path.lexists(path):
            candidates = [path]
        else:
            raise PathError(f"{path}: no such file or directory")
        for candidate in candidates:
            absolute = os.path.abspath(candidate)
            if absolute not in seen:
                seen.add(absolute)
                out.append(absolute)
    out.sort()
    return out


def within(path: str, folder: str) -> bool:
    """Whether ``path``, once every symlink in it is resolved, is ``folder`` or below it."""
    real = os.path.realpath(path)
    top = os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def repository_root(folder: str) -> str | None:
    """The work tree ``folder`` is in (the first folder up with a .git), or None."""
    for current in up_to_repository(folder):
        if os.path.exists(os.path.join(current, ".git")):
            return current
    return None


def read_boundaries(paths: list[str]) -> list[str]:
    """The folders a scan of ``paths`` may read in: each folder named, and for a file named
    alone (pre-commit names files) its repository, or its own folder outside a repository.
    A pull request can make any file a symlink; what resolves outside these is never opened."""
    out = []
    for path in paths:
        absolute = os.path.abspath(path)
        if os.path.isdir(absolute):
            out.append(absolute)
        else:
            folder = os.path.dirname(absolute)
            out.append(repository_root(folder) or folder)
    return out


class ReadScope:
    """The folders a scan may open files in, by real path (``anywhere``: --read-outside)."""

    def __init__(self, folders: list[str] = (), anywhere: bool = False):
        self.anywhere = anywhere
        self._tops = tuple(os.path.realpath(f).rstrip(os.sep) + os.sep for f in folders)
        self._folders: dict[str, str] = {}  # a folder -> its real path

    def allows(self, path: str) -> bool:
        if self.anywhere:
            return True
        real = self._real(path) + os.sep
        return any(real.startswith(top) for top in self._tops)

    def _real(self, path: str) -> str:
        """os.path.realpath, with each folder resolved once: a scan asks of every file, and
        realpath looks at every component of the path each time."""
        folder, name = os.path.split(os.path.abspath(path))
        if not name or os.path.islink(path):
            return os.path.realpath(path)
        return os.path.join(self._real_folder(folder), name)

    def _real_folder(self, folder: str) -> str:
        """A folder's real path from its parent's, which is known once one file beside it was
        asked: one lstat per new folder instead of one per component of every path."""
        known = self._folders.get(folder)
        if known is not None:
            return known
        missing = []
        while known is None:
            parent, name = os.path.split(folder)
            if not name:  # the filesystem's root
                known = self._folders[folder] = os.path.realpath(folder)
                break
            missing.append(folder)
            folder = parent
            known = self._folders.get(folder)
        for path in reversed(missing):
            name = os.path.basename(path)
            known = os.path.realpath(path) if os.path.islink(path) else os.path.join(known, name)
            self._folders[path] = known
        return known


@functools.lru_cache(maxsize=65536)  # asked several times of every file of a scan
def display_path(absolute: str, root: str) -> str:
    """The path reports show: relative to the scan root with forward slashes when below it."""
    rel = os.path.relpath(absolute, root)
    if rel.startswith(".."):
        return absolute.replace(os.sep, "/")
    return rel.replace(os.sep, "/")
