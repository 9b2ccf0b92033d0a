"""File kinds: how the files of one kind are parsed and judged, apart from the engine.

A kind is a class registered in the entry-point group ``promguard.kinds`` (the built-ins are
entry points of promguard's own distribution, so a kind from another distribution loads exactly
like them); the entry point's name is the kind's name, which rules list in ``kinds``. The engine
finds a file's kind (by the kinds' ``file_names``, ``by_folder`` and ``sniff``; a YAML file by
its keys, see ``YamlKind``), reads it within the scan's limits and asks the kind:

``parse(scan, file, text)``
    the Document, or None with the reason added to ``file`` (``file.problem(...)``). YAML kinds
    (``YamlKind``) are read by the engine's YAML reader and told apart by their keys; they do
    not parse. A ``ParsedKind`` names its parser function and error class.
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
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..document import Document
    from ..engine import ScannedFile, Session
    from ..model import Finding
    from ..plugins import EntryPoint


class Kind:
    name = ""
    yaml = False  # read by the YAML reader, and claimed by its keys (see YamlKind)
    in_stack = False  # its documents are what the stack model is built from
    judged_together = False  # all its files are one unit (a parallel scan keeps them together)
    whole_scan = False  # judges the scan once, after every file (``judge_scan``)
    from_files = True  # a file can be this kind (settings may say so); False for the stack
    # Globs on the lower-cased file name. When the names of two kinds match, the kind with the
    # lower ``name_order`` has the file (compose*.yml is compose before anything else).
    file_names: tuple[str, ...] = ()
    name_order = 100
    # A file with one of these suffixes and no kind by its name is this kind when ``sniff``
    # says so of its first bytes (nginx's .conf files).
    sniffed_suffixes: tuple[str, ...] = ()

    def __init__(self, name: str | None = None):
        if name:
            self.name = name

    def by_folder(self, name: str, folders: list[str]) -> bool:
        """Whether a file that no kind's ``file_names`` match is this kind by the folders it
        is in (lower-cased, outermost first): conf.d/site.conf is nginx."""
        return False

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

    def judge_scan(self, scan: Session, paths: list[str]) -> list[Finding]:
        """For a ``whole_scan`` kind: the findings of its rules over the scan (the stack)."""
        return []

    def reconsider(self, scan: Session, findings: list[Finding]) -> None:
        """For a ``whole_scan`` kind, after ``judge_scan``: let the rules of the files'
        findings look at them again with what the whole scan shows (Rule.in_stack)."""

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        """What a document holds that rules are evaluated on, as (label, first line, last
        line): the audit report's passed checks (scanner/evidence.py). None: the whole file."""
        return []


class YamlKind(Kind):
    """A YAML config, told apart from the other YAML kinds by its top-level keys, because
    content wins over a misleading name: a compose file called prometheus.yml is a compose
    file, and a Kubernetes manifest or a Prometheus rule file is none of these kinds.

    The YAML kinds are asked in ``content_order``: if any ``rejects`` the keys, the file is
    another program's; then each ``by_content`` may claim the file (True) or say it is none of
    them (False). When none decides, the kind the file's name says has it if at least half its
    keys are that kind's ``top_keys`` (prometheus-values.yml, a Helm values file, is not
    prometheus.yml)."""

    yaml = True
    markers: tuple[str, ...] = ()  # top-level keys that mark the kind in a file of any name
    top_keys: frozenset[str] = frozenset()
    content_order = 100

    def rejects(self, keys: set[str]) -> bool:
        return False

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        return None

    def weak_name(self, name: str) -> bool:
        """A name that only suggests the kind (webhook.yml): the file's keys have to agree."""
        return False


class ParsedKind(Kind):
    """A kind whose module's function turns the text into the document's root, or raises the
    module's error class (with ``message``, ``line`` and ``column``)."""

    parser = ("", "", "")  # module, function, error class
    syntax_fix = ""
    follows_imports = False  # the parser reads the files the text imports

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        module_name, function, error = self.parser
        module = importlib.import_module(module_name)
        parse, error_class = getattr(module, function), getattr(module, error)
        try:
            if self.follows_imports:
                root = parse(
                    text,
                    file.abspath,
                    read=scan.read_included,
                    root=scan.include_root(file.abspath),
                )
            else:
                root = parse(text)
        except error_class as exc:
            file.problem(scan.PARSE_ERROR, exc.message, exc.line, exc.column, fix=self.syntax_fix)
            return None
        from ..document import Document

        return Document(file.display, file.abspath, self.name, text, [root])


class KindLoadError(Exception):
    """A kind's entry point that cannot be loaded: the scan stops and names it."""


class Kinds:
    """The kinds of one scan, each made when first asked for (importing a kind's module costs
    start-up; most runs see two or three kinds)."""

    def __init__(self, points: dict[str, EntryPoint]):
        self._points = points  # name -> entry point
        self._made: dict[str, Kind] = {}
        self._sniffers: list[Kind] | None = None
        self._names: _NameTable | None = None
        self._by_path: dict[str, str | None] = {}  # asked more than once of each file
        self._yaml_kinds: list[YamlKind] | None = None
        self._markers: re.Pattern[bytes] | None = None

    def fresh(self) -> Kinds:
        """The same kinds, made anew: a region of a large scan caches nothing of another's."""
        return Kinds(self._points)

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

    def by_name(self, path: str) -> str | None:
        """The kind a file's name (or, failing that, its folders) says it is."""
        if path in self._by_path:
            return self._by_path[path]
        if self._names is None:
            self._names = _NameTable(self.all())
        kind = self._by_path[path] = self._names.kind(path)
        return kind

    def yaml_kind(
        self, name_kind: str | None, keys: set[str] | None, root: Any, path: str = ""
    ) -> str | None:
        """The kind of the parsed YAML file at ``path`` from its first mapping ``root`` and
        that mapping's ``keys`` (None when the file holds no mapping)."""
        named = self.get(name_kind)
        named = named if isinstance(named, YamlKind) else None
        if named is not None and not keys and named.weak_name(os.path.basename(path).lower()):
            return None
        if keys is None:  # empty, or a bare list or value: only the name can say
            return named.name if named is not None else None
        asked = self._yaml()
        if any(kind.rejects(keys) for kind in asked):
            return None
        for kind in asked:
            verdict = kind.by_content(keys, root)
            if verdict is not None:
                return kind.name if verdict else None
        if named is not None and (not keys or len(keys & named.top_keys) * 2 >= len(keys)):
            return named.name
        return None

    def may_be_yaml_kind(self, data: bytes) -> bool:
        """A cheap look for a top-level key that marks one of the YAML kinds, before parsing."""
        if self._markers is None:
            keys = sorted({re.escape(key) for kind in self._yaml() for key in kind.markers})
            # (?!) never matches: with no YAML kind installed no file is one
            either = "|".join(keys) or "(?!)"
            self._markers = re.compile(rb"^(" + either.encode() + rb")[ \t]*:", re.MULTILINE)
        return self._markers.search(data) is not None

    def _yaml(self) -> list[YamlKind]:
        if self._yaml_kinds is None:
            found = [k for k in self.all() if isinstance(k, YamlKind)]
            self._yaml_kinds = sorted(found, key=lambda k: (k.content_order, k.name))
        return self._yaml_kinds

    def sniffing(self, path: str) -> list[Kind]:
        """The kinds that may claim a file with this suffix by its content."""
        if self._sniffers is None:  # asked of every file no name claims: made once
            self._sniffers = [k for k in self.all() if k.sniffed_suffixes]
        return [k for k in self._sniffers if path.endswith(k.sniffed_suffixes)]


class _NameTable:
    """Every kind's ``file_names``, tried in ``name_order``. Globs with one ``*`` (all of the
    built-in ones) are matched as a prefix and a suffix, which needs no pattern compiled at
    start-up; others go through fnmatch."""

    def __init__(self, kinds: list[Kind]):
        ordered = sorted(kinds, key=lambda k: (k.name_order, k.name))
        self._globs = [(_split(p), p, k.name) for k in ordered for p in k.file_names]
        self._by_folder = [k for k in ordered if type(k).by_folder is not Kind.by_folder]

    def kind(self, path: str) -> str | None:
        name = os.path.basename(path).lower()
        for split, pattern, kind in self._globs:
            if _glob_match(name, split, pattern):
                return kind
        if self._by_folder:
            folders = path.replace("\\", "/").lower().split("/")[:-1]
            for by_folder in self._by_folder:
                if by_folder.by_folder(name, folders):
                    return by_folder.name
        return None


def _glob_match(name: str, split: tuple[str, ...] | None, pattern: str) -> bool:
    if split is None:
        return fnmatch.fnmatchcase(name, pattern)
    if len(split) == 1:
        return name == split[0]
    head, tail = split
    return len(name) >= len(head) + len(tail) and name.startswith(head) and name.endswith(tail)


def _split(pattern: str) -> tuple[str, ...] | None:
    """("prefix", "suffix") for a glob with one ``*``, ("name",) for a plain name, None for
    a glob with other wildcards."""
    if "?" in pattern or "[" in pattern:
        return None
    parts = pattern.split("*")
    return tuple(parts) if len(parts) <= 2 else None


def is_yaml_name(path: str) -> bool:
    return path.lower().endswith((".yml", ".yaml"))


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
