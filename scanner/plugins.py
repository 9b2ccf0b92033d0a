"""Finding the rule families (entry-point group ``promguard.rules``) and file kinds
(``promguard.kinds``) of installed distributions.

importlib.metadata would do this too, but importing it costs more than the whole scan of a few
files (it pulls in email, zipfile and csv), and every pre-commit run pays for start-up. Installed
distributions are dist-info or egg-info folders on sys.path with an ``entry_points.txt``; that is
all this reads.
"""

from __future__ import annotations

import os
import sys

GROUP = "promguard.rules"
KINDS_GROUP = "promguard.kinds"
_TEXTS: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # sys.path -> (distribution, text)


class EntryPoint:
    __slots__ = ("name", "value", "distribution")

    def __init__(self, name: str, value: str, distribution: str):
        self.name = name
        self.value = value
        self.distribution = distribution

    def __repr__(self):
        return f"{self.distribution}:{self.name} = {self.value}"


def _parse(text: str, distribution: str, group: str):
    in_group = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            in_group = line == f"[{group}]"
            continue
        if in_group and "=" in line:
            name, _, value = line.partition("=")
            value = value.split("[", 1)[0].strip()  # drop extras: "mod:obj [extra]"
            yield EntryPoint(name.strip(), value, distribution)


def _distribution_name(folder: str) -> str:
    stem = folder.rsplit(".", 1)[0]
    return stem.split("-", 1)[0].replace("_", "-").lower()


def search_path(exclude: tuple[str, ...] = ()) -> list[str]:
    """sys.path without the current folder and the scanned folders, which ``python -m`` and
    PYTHONPATH=. put there: a scanned repository must never provide rules (code) to run.
    Folders below them stay: a virtual environment inside the repository is the user's own."""
    banned = {os.path.realpath(p) for p in exclude} | {os.path.realpath(os.getcwd())}
    return [
        entry
        for entry in sys.path
        if entry and os.path.isdir(entry) and os.path.realpath(entry) not in banned
    ]


def entry_points(path: list[str], group: str = GROUP) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    for distribution, text in _entry_point_texts(path):
        found.extend(_parse(text, distribution, group))
    return found


def _entry_point_texts(path: list[str]) -> list[tuple[str, str]]:
    """Every distribution's entry_points.txt on ``path``, read once for both groups."""
    key = tuple(path)
    known = _TEXTS.get(key)
    if known is not None:
        return known
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in path:
        try:
            names = sorted(os.listdir(entry))
        except OSError:
            continue
        for folder in names:
            if not folder.endswith((".dist-info", ".egg-info")):
                continue
            distribution = _distribution_name(folder)
            if distribution in seen:  # the first one on sys.path is the one Python imports
                continue
            seen.add(distribution)
            try:
                with open(os.path.join(entry, folder, "entry_points.txt"), encoding="utf-8") as fh:
                    texts.append((distribution, fh.read()))
            except OSError:
                continue
    _TEXTS[key] = texts
    return texts
