"""File kinds: how the files of one kind are parsed and judged, apart from the engine.

A kind is a class registered in the entry-point group ``promguard.kinds`` (the built-ins are
entry points of promguard's own distribution, so a kind from another distribution loads exactly
like them); the entry point's name is the kind's name, which rules list in ``kinds``. The engine
finds a file's kind (scanner/detect.py for the built-ins, ``file_names`` for the others), reads
it within the scan's limits and asks the kind:

``parse(scan, file, text)``
    the Document, or None with the reason added to ``file`` (``file.problem(...)``). YAML kinds
    (``yaml = True``) are read by the engine's YAML reader and told apart by their keys; they
    do not parse.
``judge(scan, doc)``
    the findings that point into the document. The default runs the kind's rules on it; a kind
    whose files are judged together (a compose project, an nginx.conf with its includes, the
    Terraform modules of the scan) judges that unit once and gives each file its share.
``adopt(scan, doc)``
    a document read only for context (the stack needs a compose file pre-commit did not pass)
    joins its unit.

``scan`` is the scan's session (scanner/engine.py ``Session``): the rules of a kind, the
limits, and how to read other files (``read_text``, ``read_included``, ``include_root``).
A kind's instance lives for one scan, so what it caches is that scan's.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document
    from ..engine import ScannedFile, Session
    from ..model import Finding
    from ..plugins import EntryPoint


class Kind:
    name = ""
    yaml = False  # read by the YAML reader; detect.yaml_kind tells the YAML kinds apart
    in_stack = False  # its documents are what the stack model is built from
    judged_together = False  # all its files are one unit (a parallel scan keeps them together)
    file_names: tuple[str, ...] = ()  # globs on the lower-cased file name (for plugin kinds)
    # A file with one of these suffixes and no kind by its name is this kind when ``sniff``
    # says so of its first bytes (nginx's .conf files).
    sniffed_suffixes: tuple[str, ...] = ()

    def __init__(self, name: str | None = None):
        if name:
            self.name = name

    def sniff(self, data: bytes) -> bool:
        return False

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        raise NotImplementedError(f"kind {self.name!r} has no parser")

    def judge(self, scan: Session, doc: Document) -> list[Finding]:
        return scan.run_rules(self.name, doc)

    def adopt(self, scan: Session, doc: Document) -> None:
        pass


class YamlKind(Kind):
    """A YAML config whose documents are judged file by file (prometheus.yml, alertmanager.yml,
    the web config)."""

    yaml = True


class KindLoadError(Exception):
    """A kind's entry point that cannot be loaded: the scan stops and names it."""


class Kinds:
    """The kinds of one scan, each made when first asked for (importing a kind's module costs
    start-up; most runs see two or three kinds)."""

    def __init__(self, points: dict[str, EntryPoint]):
        self._points = points  # name -> entry point
        self._made: dict[str, Kind] = {}
        self._plugins: list[Kind] | None = None  # kinds of other distributions, once made
        self._sniffers: list[Kind] | None = None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._points)

    def get(self, name: str | None) -> Kind | None:
        if not name or name not in self._points:
            return None
        kind = self._made.get(name)
        if kind is None:
            kind = self._made[name] = _make(name, self._points[name])
        return kind

    def all(self) -> list[Kind]:
        return [self._kind(name) for name in sorted(self._points)]

    def _kind(self, name: str) -> Kind:
        kind = self.get(name)
        assert kind is not None  # a name of the table
        return kind

    def by_file_name(self, path: str) -> str | None:
        """A plugin kind whose ``file_names`` match the file's name."""
        if self._plugins is None:
            self._plugins = [
                self._kind(name)
                for name, point in sorted(self._points.items())
                if point.distribution != "promguard"
            ]
        if not self._plugins:
            return None
        name = os.path.basename(path).lower()
        for kind in self._plugins:
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in kind.file_names):
                return kind.name
        return None

    def sniffing(self, path: str) -> list[Kind]:
        """The kinds that may claim a file with this suffix by its content."""
        if self._sniffers is None:  # asked of every file no name claims: made once
            self._sniffers = [k for k in self.all() if k.sniffed_suffixes]
        return [k for k in self._sniffers if path.endswith(k.sniffed_suffixes)]


def _make(name: str, point: EntryPoint) -> Kind:
    module_name, _, attr = point.value.partition(":")
    try:
        obj: object = importlib.import_module(module_name.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
        if not (isinstance(obj, type) and issubclass(obj, Kind)):
            raise TypeError("not a subclass of promguard.kinds.Kind")
        kind = obj(name)
    except Exception as exc:  # a broken plugin must not look like a broken scan
        raise KindLoadError(
            f"cannot load kind {name!r} from {point.distribution} ({point.value}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return kind


def installed(exclude: tuple[str, ...] = ()) -> Kinds:
    """The kinds of the installed distributions (the first distribution to name a kind wins,
    as sys.path decides which one Python imports)."""
    from ..plugins import KINDS_GROUP, entry_points, search_path

    points: dict[str, EntryPoint] = {}
    for point in entry_points(search_path(exclude), KINDS_GROUP):
        points.setdefault(point.name, point)
    return Kinds(points)
