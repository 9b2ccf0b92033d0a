"""The files of one stack, for the rules that judge several files together (kind "stack").

A stack is held together by its compose files: they name the config files each service mounts,
the Dockerfiles they build, the ports they publish. A scan of folders sees every file; a scan of
a few files (pre-commit passes only the changed ones) still needs the rest, so the compose files
in the scanned files' folders and every folder above them, up to the repository root, are read
for context, and the files they mount are read when a rule asks for them. Reading stays inside
the repository (or the scanned folders outside one) and is bounded.
"""

from __future__ import annotations

import os

MAX_CONTEXT_FILES = 300  # files read only for context in one scan
_COMPOSE_NAMES = ("docker-compose", "compose")


class StackFiles:
    def __init__(self, context, paths: list[str]):
        self._context = context
        self.roots = _roots(paths)
        self._real_roots = [os.path.realpath(root) for root in self.roots]
        self._loaded = 0
        # A scanned folder holds its compose files already; files named alone need theirs.
        named = [os.path.abspath(p) for p in paths if not os.path.isdir(p)]
        for folder in _compose_folders(named, self.roots, self._real_roots):
            for name in _compose_files(folder):
                self.load(os.path.join(folder, name), "compose")

    def documents(self, kind: str | None = None) -> list:
        """Every parsed document of the stack so far (scanned and read for context), in a
        stable order."""
        found = {doc.abspath: doc for doc in self._context.scanned.values()}
        for doc in self._context.context.values():
            if doc is not None:
                found.setdefault(doc.abspath, doc)
        docs = [found[path] for path in sorted(found)]
        return [d for d in docs if kind is None or d.kind == kind]

    def compose_projects(self) -> list:
        """Each compose project once (a base file with its overrides)."""
        seen, projects = set(), []
        for doc in self.documents("compose"):
            project = doc.compose
            if project is not None and id(project) not in seen:
                seen.add(id(project))
                projects.append((project, doc))
        return projects

    def load(self, abspath: str, kind: str | None = None):
        """The file at ``abspath`` parsed as ``kind`` (or as its name and content say), or
        None when it is outside the stack, unreadable, not that kind or over the bound."""
        abspath = os.path.normpath(abspath)
        if abspath in self._context.scanned:
            doc = self._context.scanned[abspath]
            return doc if kind is None or doc.kind == kind else None
        real = os.path.realpath(abspath)
        if not any(_inside(real, root) for root in self._real_roots):
            return None
        scanned_as = self._context.scanned_paths.get(abspath)  # parsed by a parallel worker
        if scanned_as is not None and kind is not None and scanned_as != kind:
            return None  # the scan took it for another kind, as a serial scan would
        if (abspath, kind) not in self._context.context and scanned_as is None:
            if self._loaded >= MAX_CONTEXT_FILES:
                return None
            self._loaded += 1
        return self._context.context_document(abspath, kind)

    def display(self, abspath: str) -> str:
        from .files import display_path

        return display_path(abspath, self._context.root)


def _roots(paths: list[str]) -> list[str]:
    """Where context may be read from: a scanned folder itself; for a scanned file, the
    repository it is in (its own folder outside one)."""
    roots, repositories = set(), {}
    for path in paths:
        path = os.path.abspath(path)
        if os.path.isdir(path):
            roots.add(path)
            continue
        folder = os.path.dirname(path)
        if folder not in repositories:
            repositories[folder] = _repository(folder) or folder
        roots.add(repositories[folder])
    return sorted(roots)


def _repository(folder: str) -> str | None:
    from .files import up_to_repository

    top = list(up_to_repository(folder))[-1]
    return top if os.path.exists(os.path.join(top, ".git")) else None


def _compose_folders(named: list[str], roots: list[str], real_roots: list[str]) -> list[str]:
    """The folders of the files named alone and every folder above them inside a root."""
    folders = set()
    for abspath in named:
        folder = os.path.dirname(abspath)
        real = os.path.realpath(folder)
        root = next((r for r, rr in zip(roots, real_roots, strict=True) if _inside(real, rr)), None)
        while root is not None and folder not in folders:
            folders.add(folder)
            if folder == root or os.path.dirname(folder) == folder:
                break
            folder = os.path.dirname(folder)
    return sorted(folders)


def _compose_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(
        n
        for n in names
        if n.lower().startswith(_COMPOSE_NAMES) and n.lower().endswith((".yml", ".yaml"))
    )


def _inside(real: str, real_folder: str) -> bool:
    """Both paths already resolved (os.path.realpath): one call per path, not per check."""
    return real == real_folder or real.startswith(real_folder.rstrip(os.sep) + os.sep)
