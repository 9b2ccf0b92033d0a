"""Files read and written back exactly as they were, and YAML edits through ruamel.yaml's
round trip that change the intended line and nothing else."""

from __future__ import annotations

import re


class FixError(Exception):
    """A file could not be written: exit code 2."""


# ---------------------------------------------------------------------------------------------
# Reading and writing files as they were


class SourceText:
    """A file's text with what writing it back must keep: BOM, newline style, final newline."""

    __slots__ = ("abspath", "raw", "text", "bom", "crlf", "final_newline")

    def __init__(self, abspath: str, raw: bytes):
        self.abspath = abspath
        self.raw = raw
        decoded = raw.decode("utf-8-sig")
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        self.crlf = "\r\n" in decoded and decoded.count("\r\n") == decoded.count("\n")
        text = decoded.replace("\r\n", "\n") if self.crlf else decoded
        self.final_newline = text.endswith("\n") or not text
        self.text = text  # "\n" line ends

    def encode(self, text: str) -> bytes:
        if not self.final_newline:
            text = text[:-1] if text.endswith("\n") else text
        elif text and not text.endswith("\n"):
            text += "\n"
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def read_source(abspath: str, limit: int) -> SourceText | None:
    try:
        with open(abspath, "rb") as fh:
            raw = fh.read(limit + 1)
        if len(raw) > limit or b"\0" in raw[:8192]:
            return None
        return SourceText(abspath, raw)
    except (OSError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------------------------------
# YAML edits: ruamel.yaml round trip, kept only when nothing else changes


def round_trip_yaml(mapping: int, sequence: int, offset: int, explicit_start: bool):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = explicit_start
    return yaml


def _dump(yaml, data) -> str:
    import io

    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _indent_candidates(text: str):
    """(mapping, sequence, offset) settings to try, the ones the file seems to use first."""
    mappings, offsets = [], []
    lines = text.split("\n")
    for index in range(len(lines) - 1):
        line, following = lines[index], lines[index + 1]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or not stripped.endswith(":"):
            continue
        outer = len(line) - len(line.lstrip(" "))
        inner = len(following) - len(following.lstrip(" "))
        body = following.strip()
        if not body or body.startswith("#"):
            continue
        if body.startswith("- "):
            offsets.append(inner - outer)
        elif inner > outer:
            mappings.append(inner - outer)
    seen = []
    for mapping in [*mappings[:1], 2, 4, 3]:
        for offset in [*offsets[:1], mapping, 0, 2, mapping - 2, 1, 3, 4]:
            if 0 <= offset and (mapping, offset) not in seen:
                seen.append((mapping, offset))
    return [(m, o + 2, o) for m, o in seen]


class YamlFile:
    """A YAML file ruamel.yaml can rewrite exactly; ``load()`` gives a fresh tree of the current
    text, ``dump(tree)`` its text. None from ``open`` when no setting reproduces the file."""

    def __init__(self, source: SourceText, yaml, text: str):
        self.source = source
        self.yaml = yaml
        self.text = text  # the current text, with the fixes accepted so far ("\n" line ends)

    @classmethod
    def open(cls, source: SourceText) -> YamlFile | None:
        text = source.text if source.text.endswith("\n") else source.text + "\n"
        markers = re.findall(r"^(?:---|\.\.\.)(?:[ \t]|$)", text, re.M)
        explicit = bool(re.match(r"(?:[ \t]*(?:#[^\n]*)?\n)*---(?:[ \t]|$)", text, re.M))
        if len(markers) > (1 if explicit else 0):
            return None  # several documents: compose and alertmanager files are one
        for mapping, sequence, offset in _indent_candidates(text):
            yaml = round_trip_yaml(mapping, sequence, offset, explicit)
            try:
                tree = yaml.load(text)
            except Exception:  # ruamel refuses the file (duplicate keys, odd tags ...)
                return None
            try:
                if _dump(yaml, tree) == text:
                    return cls(source, yaml, text)
            except Exception:
                continue
        return None

    def load(self):
        return self.yaml.load(self.text)

    def apply(self, op) -> bool:
        """Apply ``op`` if some way of writing it changes nothing but the intended line and
        reads back as the old data plus the change; keeps the result in ``self.text``."""
        import copy

        import yaml as pyyaml

        loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
        try:
            before = pyyaml.load(self.text, Loader=loader)
            candidates = op.candidates(self.load())
        except Exception:  # the path is not there any more, or PyYAML refuses the text
            return False
        old_lines = self.text.split("\n")
        for candidate in candidates:
            try:
                expected = copy.deepcopy(before)
                op.change_plain(expected, candidate)
                tree = self.load()
                op.change(tree, candidate)
                new = _dump(self.yaml, tree)
            except Exception:
                continue
            if new == self.text or not op.lines_ok(old_lines, new.split("\n")):
                continue
            new = _keep_comment_spacing(old_lines, new)
            try:
                if pyyaml.load(new, Loader=loader) != expected:
                    continue
            except Exception:
                continue
            self.text = new
            return True
        return False


def _node(tree, path):
    for step in path:
        tree = tree[step]
    return tree


def _changed(old_lines, new_lines):
    """The one changed region between two texts, as a difflib opcode, or None."""
    from difflib import SequenceMatcher

    ops = [
        op
        for op in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    return ops[0] if len(ops) == 1 else None


def _inserted(old: str, new: str) -> str | None:
    """The text inserted into ``old`` to make ``new``, when that is the only difference."""
    extra = len(new) - len(old)
    if extra <= 0:
        return None
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    for k in range(start, -1, -1):  # the insertion may start anywhere in the common prefix
        if new[:k] == old[:k] and new[k + extra :] == old[k:]:
            return new[k : k + extra]
    return None


def _one_line_added(old_lines, new_lines, pattern: re.Pattern) -> bool:
    """A single line inserted, matching ``pattern``, right after a line with content (not after
    a comment or a blank line that belongs to what follows)."""
    change = _changed(old_lines, new_lines)
    if change is None or change[0] != "insert" or change[4] - change[3] != 1:
        return False
    at = change[3]
    before = new_lines[at - 1].strip() if at else ""
    return bool(pattern.fullmatch(new_lines[at])) and bool(before) and not before.startswith("#")


def _one_line_replaced(old_lines, new_lines) -> tuple[str, str] | None:
    """(old line, new line) when exactly one line changed into one other line."""
    change = _changed(old_lines, new_lines)
    if change is None or change[0] != "replace":
        return None
    if change[2] - change[1] != 1 or change[4] - change[3] != 1:
        return None
    return old_lines[change[1]], new_lines[change[3]]


def _one_line_grew(old_lines, new_lines, pattern: re.Pattern) -> bool:
    """A single line changed, by inserting text matching ``pattern`` and nothing else."""
    replaced = _one_line_replaced(old_lines, new_lines)
    if replaced is None:
        return False
    old, new = replaced
    added = _inserted(old, new)
    if added is None:
        # ruamel keeps an end-of-line comment at its column: the blanks before it may shrink
        before, after = _EOL_COMMENT.fullmatch(old), _EOL_COMMENT.fullmatch(new)
        if before and after and before.group(3) == after.group(3):
            added = _inserted(before.group(1), after.group(1))
    return added is not None and bool(pattern.fullmatch(added))


_EOL_COMMENT = re.compile(r"(.*\S)(\s+)(#.*)")
_KEY_VALUE_LINE = re.compile(r"(\s*(?:-\s+)?[\w.-]+:\s+)(\S+)(\s*(#.*)?)")


def _keep_comment_spacing(old_lines, new: str) -> str:
    """ruamel writes an end-of-line comment at the column it had; a person editing the line
    keeps the blanks before it instead. The changed line gets the old blanks back."""
    new_lines = new.split("\n")
    change = _changed(old_lines, new_lines)
    if change is None or change[0] != "replace" or change[2] - change[1] != 1:
        return new
    before = _EOL_COMMENT.fullmatch(old_lines[change[1]])
    after = _EOL_COMMENT.fullmatch(new_lines[change[3]])
    if before and after and before.group(3) == after.group(3):
        new_lines[change[3]] = after.group(1) + before.group(2) + before.group(3)
    return "\n".join(new_lines)


class _YamlOp:
    def candidates(self, tree):
        return [None]

    def change(self, tree, candidate):
        raise NotImplementedError

    def change_plain(self, data, candidate):
        raise NotImplementedError

    def lines_ok(self, old_lines, new_lines) -> bool:
        raise NotImplementedError


class AppendToScalar(_YamlOp):
    """`./prometheus.yml:/etc/prometheus/prometheus.yml` -> `...:ro` (``suffix`` ":ro" or
    ",ro"), quoting kept."""

    def __init__(self, path, suffix):
        self.path, self.suffix = path, suffix

    def change(self, tree, candidate):
        parent, last = _node(tree, self.path[:-1]), self.path[-1]
        old = parent[last]
        if not isinstance(old, str):
            raise TypeError("not a string")
        anchor = getattr(old, "anchor", None)
        if anchor is not None and anchor.value:
            raise TypeError("anchored")
        parent[last] = (
            type(old)(str(old) + self.suffix) if type(old) is not str else old + self.suffix
        )

    def change_plain(self, data, candidate):
        parent, last = _node(data, self.path[:-1]), self.path[-1]
        if not isinstance(parent[last], str):
            raise TypeError("not a string")
        parent[last] = parent[last] + self.suffix

    def lines_ok(self, old_lines, new_lines):
        return _one_line_grew(old_lines, new_lines, re.compile(re.escape(self.suffix)))


class SetTrue(_YamlOp):
    """An existing `key: false` becomes `key: true` (AM03)."""

    def __init__(self, path):
        self.path = path

    def change(self, tree, candidate):
        _node(tree, self.path[:-1])[self.path[-1]] = True

    def change_plain(self, data, candidate):
        parent = _node(data, self.path[:-1])
        if self.path[-1] not in parent:
            raise KeyError(self.path[-1])
        parent[self.path[-1]] = True

    def lines_ok(self, old_lines, new_lines):
        replaced = _one_line_replaced(old_lines, new_lines)
        if replaced is None:
            return False
        old, new = replaced
        before, after = _KEY_VALUE_LINE.fullmatch(old), _KEY_VALUE_LINE.fullmatch(new)
        return (
            before is not None
            and after is not None
            and before.group(1) == after.group(1)
            and after.group(2) == "true"
            and (before.group(4) or "") == (after.group(4) or "")
        )


class AddKey(_YamlOp):
    """A new key in a block mapping (or a flow one), written on one line; ruamel is tried with
    the key at the end of the mapping, then further up, until the line lands right after other
    content (a comment that ends the mapping belongs to what follows it)."""

    def __init__(self, path, key, value_factory, line_pattern, flow_pattern):
        self.path, self.key = path, key
        self.value_factory = value_factory  # (ruamel value, plain value)
        self.line_pattern, self.flow_pattern = line_pattern, flow_pattern

    def candidates(self, tree):
        mapping = _node(tree, self.path)
        own = list(getattr(mapping, "_ok", mapping))
        return list(range(len(own) + (1 if hasattr(mapping, "merge") else 0), -1, -1))

    def change(self, tree, candidate):
        mapping = _node(tree, self.path)
        if self.key in mapping:
            raise KeyError(self.key)
        mapping.insert(candidate, self.key, self.value_factory()[0])

    def change_plain(self, data, candidate):
        mapping = _node(data, self.path)
        if not isinstance(mapping, dict) or self.key in mapping:
            raise KeyError(self.key)
        mapping[self.key] = self.value_factory()[1]

    def lines_ok(self, old_lines, new_lines):
        return _one_line_added(old_lines, new_lines, self.line_pattern) or _one_line_grew(
            old_lines, new_lines, self.flow_pattern
        )


class AppendToList(_YamlOp):
    """One more item in an existing list (security_opt), at the end if ruamel writes it
    there cleanly, else before a later item (their order does not matter)."""

    def __init__(self, path, value_factory, line_pattern, flow_pattern):
        self.path = path
        self.value_factory = value_factory
        self.line_pattern, self.flow_pattern = line_pattern, flow_pattern

    def candidates(self, tree):
        return list(range(len(_node(tree, self.path)), -1, -1))

    def change(self, tree, candidate):
        items = _node(tree, self.path)
        items.insert(candidate, self.value_factory(items)[0])

    def change_plain(self, data, candidate):
        items = _node(data, self.path)
        if not isinstance(items, list):
            raise TypeError("not a list")
        items.insert(candidate, self.value_factory(None)[1])

    def lines_ok(self, old_lines, new_lines):
        return _one_line_added(old_lines, new_lines, self.line_pattern) or _one_line_grew(
            old_lines, new_lines, self.flow_pattern
        )


def located(tree, line0: int, column0: int):
    """The path (keys and indexes) of the value written at a 0-based position, or None."""
    seen = set()
    stack = [((), tree)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        lc = getattr(node, "lc", None)
        data = getattr(lc, "data", None) or {}
        if isinstance(node, dict):
            for key, position in data.items():
                if key not in node:
                    continue
                if len(position) >= 4 and (position[2], position[3]) == (line0, column0):
                    return (*path, key)
                stack.append(((*path, key), node[key]))
        elif isinstance(node, list):
            for index, position in data.items():
                if index >= len(node):
                    continue
                if (position[0], position[1]) == (line0, column0):
                    return (*path, index)
                stack.append(((*path, index), node[index]))
    return None
