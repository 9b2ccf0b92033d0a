"""Traefik's settings as Traefik reads them: one flat table of dotted option paths, whichever
way they are written (a YAML or TOML file, `--entrypoints.web.address=:80` flags,
TRAEFIK_* variables, `traefik.http.routers.x.rule` Docker labels). Option names are matched
in any case, as Traefik's own parser matches them; each value keeps where it is written.
"""

from __future__ import annotations

MAX_DEPTH = 40  # option paths are a dozen parts deep; deeper is not Traefik's


class Value:
    """One option's value and where it is written (``node`` has line and column, ``doc``
    the file's path)."""

    __slots__ = ("text", "node", "doc", "_items")

    def __init__(self, text: str, node, doc, items: list[str] | None = None):
        self.text = text
        self.node = node
        self.doc = doc
        self._items = items

    @property
    def items(self) -> list[str]:
        """A list option: written as a list, or comma separated (labels and flags)."""
        if self._items is None:
            self._items = [part.strip() for part in self.text.split(",") if part.strip()]
        return self._items

    @property
    def raw(self) -> str:
        """As written, before compose filled in its variables (`Host(`$DOMAIN`)`)."""
        raw = getattr(self.node, "raw", None)
        return raw if isinstance(raw, str) and not raw.startswith("-") else self.text

    @property
    def on(self) -> bool:
        return self.text.strip().lower() in ("true", "1", "t")

    @property
    def off(self) -> bool:
        return self.text.strip().lower() in ("false", "0", "f")

    def __repr__(self):
        return f"Value({self.text!r}@{getattr(self.doc, 'path', '?')}:{self.node.line})"


class Settings:
    """Option paths (lower-cased parts) -> Value, with the names as first written."""

    def __init__(self):
        self.values: dict[tuple[str, ...], Value] = {}
        self._children: dict[tuple[str, ...], dict[str, str]] = {}
        self._first: dict[tuple[str, ...], Value] = {}  # prefix -> its first option

    def add(self, parts: list[str], value: Value) -> None:
        lower = tuple(p.lower() for p in parts)
        if not lower or len(lower) > MAX_DEPTH:
            return
        self.values[lower] = value
        for depth in range(len(lower)):
            self._children.setdefault(lower[:depth], {}).setdefault(lower[depth], parts[depth])
            self._first.setdefault(lower[: depth + 1], value)

    def get(self, *path: str) -> Value | None:
        return self.values.get(tuple(p.lower() for p in path))

    def has(self, *path: str) -> bool:
        key = tuple(p.lower() for p in path)
        return key in self.values or key in self._children

    def children(self, *path: str) -> list[str]:
        """The names under ``path`` (lower-cased), in the order first written."""
        return list(self._children.get(tuple(p.lower() for p in path), {}))

    def name(self, *path: str) -> str:
        """The last part of ``path`` as it was first written."""
        key = tuple(p.lower() for p in path)
        return self._children.get(key[:-1], {}).get(key[-1], path[-1]) if key else ""

    def first(self, *path: str) -> Value | None:
        """Where the options under ``path`` start (the first one written), for a finding
        about the whole section."""
        key = tuple(p.lower() for p in path)
        found = self.values.get(key)
        return found if found is not None else self._first.get(key)

    def __bool__(self) -> bool:
        return bool(self.values)


def from_tree(settings: Settings, node, doc, prefix: list[str] | None = None) -> Settings:
    """A YAML or TOML file's options (Mapping/Sequence/Scalar nodes of parsers/yaml_tree)."""
    _walk(settings, node, doc, list(prefix or ()), 0)
    return settings


def _walk(settings: Settings, node, doc, parts: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    entries = getattr(node, "entries", None)
    if entries is not None:
        for key, value in entries:
            _walk(settings, value, doc, parts + [key.text], depth + 1)
        return
    items = getattr(node, "items", None)
    if isinstance(items, list):
        if all(hasattr(i, "style") for i in items):  # scalars (a Mapping's text is a method)
            texts = [i.text for i in items if not getattr(i, "is_null", False)]
            settings.add(parts, Value(",".join(texts), node, doc, texts))
        else:
            for index, item in enumerate(items):
                _walk(settings, item, doc, parts + [str(index)], depth + 1)
        return
    text = getattr(node, "text", None)
    if text is not None and parts:
        # `api:` or `providers: {docker: }` with no value switches the section on
        settings.add(parts, Value("" if getattr(node, "is_null", False) else text, node, doc))


def from_flags(settings: Settings, args: list) -> Settings:
    """`--entrypoints.web.address=:80`; a flag with no `=` is a boolean set on (Traefik reads
    no value from the next word: `--api.insecure true` leaves `true` as an argument)."""
    for arg in args:
        word = arg.value.strip()
        if not word.startswith("-"):
            continue
        name, sep, text = word.lstrip("-").partition("=")
        if not name:
            continue
        settings.add(name.split("."), Value(text if sep else "true", arg, arg.doc))
    return settings


def from_environment(settings: Settings, environment: dict) -> Settings:
    """TRAEFIK_API_INSECURE=true: the parts are separated by `_` (a name with `_` in it
    cannot be told apart; Traefik has the same ambiguity)."""
    for name, item in environment.items():
        upper = name.upper()
        if upper.startswith("TRAEFIK_") and upper != "TRAEFIK_":
            parts = name[len("TRAEFIK_") :].split("_")
            settings.add(parts, Value(item.value, item, item.doc))
    return settings


def from_labels(settings: Settings, labels: dict, prefix: str = "traefik.") -> Settings:
    """A container's `traefik.*` labels (the Docker provider's dynamic configuration)."""
    for name, item in labels.items():
        if name.lower().startswith(prefix):
            settings.add(name[len(prefix) :].split("."), Value(item.value, item, item.doc))
    return settings
