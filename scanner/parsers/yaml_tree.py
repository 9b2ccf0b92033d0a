"""YAML into a located tree: every key and value keeps its line, column and raw text.

PyYAML's composer is used instead of its constructor because the constructor applies YAML 1.1
typing (``9090:9090`` becomes the integer 545490, ``no`` becomes False) and forgets positions.
Programs that read these files (Go's yaml.v2, docker compose) type values themselves, so rules
decide types from the raw text.
"""

from __future__ import annotations

from ..lazy_regex import lazy
from ..limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from . import ParseError

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# Go's yaml.v2 (Prometheus, Alertmanager, exporter-toolkit) follows YAML 1.1 booleans.
_TRUE = frozenset(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"))
_FALSE = frozenset(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"))


class YamlError(ParseError):
    """A file that is not YAML, or that breaks a limit; carries the 1-based line and column."""


class Node:
    __slots__ = ("line", "column", "end_line", "end_column", "path")

    def _place(self, start, end, path):
        self.line = start.line + 1
        self.column = start.column + 1
        self.end_line = end.line + 1
        self.end_column = end.column + 1
        self.path = path


class Scalar(Node):
    __slots__ = ("text", "style")

    def __init__(self, text: str, style):
        self.text = text
        self.style = style  # None for a plain scalar, else the quote or block character

    @property
    def plain(self) -> bool:
        return self.style is None

    @property
    def is_null(self) -> bool:
        return self.style is None and self.text in _NULLS

    def as_bool(self):
        """True or False as Go's yaml.v2 reads the value, None when it is not a boolean."""
        if self.style is not None:
            return None
        if self.text in _TRUE:
            return True
        if self.text in _FALSE:
            return False
        return None

    def __repr__(self):
        return f"Scalar({self.text!r}@{self.line}:{self.column})"


class Mapping(Node):
    __slots__ = ("entries", "_index")

    def __init__(self):
        self.entries: list[tuple[Scalar, Node]] = []
        self._index: dict[str, tuple[Scalar, Node]] = {}

    def get(self, key: str):
        pair = self._index.get(key)
        return pair[1] if pair else None

    def key_node(self, key: str):
        pair = self._index.get(key)
        return pair[0] if pair else None

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def keys(self):
        return self._index.keys()

    def items(self):
        return self.entries

    def text(self, key: str):
        """The raw text of a scalar value, or None when the key is absent or not a scalar."""
        value = self.get(key)
        return value.text if isinstance(value, Scalar) and not value.is_null else None

    def __repr__(self):
        return f"Mapping({list(self._index)}@{self.line})"


class Sequence(Node):
    __slots__ = ("items",)

    def __init__(self):
        self.items: list[Node] = []

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __repr__(self):
        return f"Sequence({len(self.items)}@{self.line})"


class Duplicate:
    """A mapping key written twice; the second one is the one Go's yaml.v2 rejects."""

    __slots__ = ("key", "first")

    def __init__(self, key: Scalar, first: Scalar):
        self.key = key
        self.first = first


def path_join(parent: str, key: str) -> str:
    bare = key.replace("_", "").replace("-", "")  # a key of letters, digits, _ and -
    if key and (not bare or bare.isalnum()):
        return f"{parent}.{key}" if parent else key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{escaped}"]'


class _Builder:
    """Turns composer nodes into located nodes, sharing aliased nodes instead of copying them."""

    def __init__(self, yaml):
        self._scalar, self._sequence = yaml.ScalarNode, yaml.SequenceNode
        # Keyed by id() of the composer node; the node itself is kept in the value so that its
        # id cannot be reused by another object while this map is alive.
        self.seen: dict[int, tuple[object, Node]] = {}
        self.count = 0
        self.duplicates: list[Duplicate] = []

    def build(self, node, path: str, depth: int) -> Node:
        known = self.seen.get(id(node))
        if known is not None:
            return known[1]  # an alias: the same subtree, counted once
        if depth > MAX_YAML_DEPTH:
            raise YamlError(
                f"nesting deeper than {MAX_YAML_DEPTH} levels; file skipped",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise YamlError(f"more than {MAX_YAML_NODES} YAML nodes; file skipped")
        if isinstance(node, self._scalar):
            out = Scalar(node.value, node.style or None)  # libyaml says "" for plain
            out._place(node.start_mark, node.end_mark, path)
            self.seen[id(node)] = (node, out)
            return out
        if isinstance(node, self._sequence):
            seq = Sequence()
            seq._place(node.start_mark, node.end_mark, path)
            self.seen[id(node)] = (node, seq)
            for i, item in enumerate(node.value):
                seq.items.append(self.build(item, f"{path}[{i}]", depth + 1))
            return seq
        mapping = Mapping()
        mapping._place(node.start_mark, node.end_mark, path)
        self.seen[id(node)] = (node, mapping)
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self.build(key_node, path, depth + 1)
            if not isinstance(key, Scalar):
                # Complex keys do not occur in the configs promguard reads; keep them addressable.
                key = Scalar("?", None)
                key._place(key_node.start_mark, key_node.end_mark, path)
            value = self.build(value_node, path_join(path, key.text), depth + 1)
            earlier = mapping._index.get(key.text)
            if earlier is not None:
                self.duplicates.append(Duplicate(key, earlier[0]))
            mapping._index[key.text] = (key, value)
            mapping.entries.append((key, value))
        if merges:
            self._merge(mapping, merges, depth)
        return mapping

    def _merge(self, mapping: Mapping, merges, depth: int):
        sources = []
        for merge in merges:
            items = merge.value if isinstance(merge, self._sequence) else [merge]
            for item in items:
                built = self.build(item, mapping.path, depth + 1)
                if isinstance(built, Mapping):
                    sources.append(built)
        # Keys written in the mapping win; among merged mappings the first one listed wins.
        for source in sources:
            for key, value in source.entries:
                if key.text not in mapping._index:
                    mapping._index[key.text] = (key, value)
                    mapping.entries.append((key, value))


class YamlFile:
    __slots__ = ("documents", "duplicates")

    def __init__(self, documents: list[Node], duplicates: list[Duplicate]):
        self.documents = documents
        self.duplicates = duplicates


def parse_yaml(text: str) -> YamlFile:
    """Parse every document of ``text``; raises YamlError with the position of the problem."""
    # PyYAML is imported here, not with the node classes: a run on nginx, Caddy, Terraform or
    # Dockerfiles only has rules that know the classes and never pays for the parser.
    import yaml

    # libyaml is several times faster; the pure-Python loader gives the same marks
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(yaml)
    documents: list[Node] = []
    try:
        for root in yaml.compose_all(text, Loader=loader):
            if root is None or (
                isinstance(root, yaml.ScalarNode) and not root.style and root.value in _NULLS
            ):
                continue  # an empty document
            builder.seen.clear()  # anchors do not reach across documents
            documents.append(builder.build(root, "", 0))
    except yaml.MarkedYAMLError as exc:
        line, column = _error_position(exc, text)
        problem = _unquoted(exc.problem or exc.context or "invalid YAML")
        raise YamlError(f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError:
        raise YamlError("invalid YAML") from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_YAML_DEPTH} levels; file skipped") from None
    return YamlFile(documents, builder.duplicates)


def _unquoted(problem: str) -> str:
    """PyYAML's message without the words of the file it quotes (an alias, a tag, an escape):
    a character or two of punctuation stays, since it says what to fix and hides nothing."""
    return _QUOTED.sub(lambda m: m.group() if len(m.group()) <= 6 else "", problem).replace(
        "  ", " "
    )


_QUOTED = lazy(r"'[^']*'|\"[^\"]*\"")


def _error_position(exc, text: str) -> tuple[int, int]:
    """1-based line and column of a YAML error, where a person would fix it.

    An unclosed flow collection (``[a, b`` or ``{a: b``) is noticed only at the next token,
    often on a later line; the mistake is at the end of the last line with content before it,
    which is also the line Go's yaml.v2 (promtool, amtool) reports."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return 1, 1
    context = exc.context or ""
    start = exc.context_mark
    if "flow" in context and start is not None and mark.line > start.line:
        lines = text.splitlines()
        for index in range(min(mark.line, len(lines)) - 1, start.line - 1, -1):
            stripped = lines[index].split(" #", 1)[0].rstrip()
            if stripped and not stripped.lstrip().startswith("#"):
                return index + 1, len(stripped) + 1
    return mark.line + 1, mark.column + 1


def scalars(node: Node):
    """Every scalar value (not key) below ``node``, each shared subtree visited once."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Scalar):
            yield current
        elif isinstance(current, Mapping):
            stack.extend(value for _, value in current.entries)
        elif isinstance(current, Sequence):
            stack.extend(current.items)
