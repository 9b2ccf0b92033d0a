"""TOML into the same located tree as YAML (parsers/yaml_tree.py), so that a model reads a
traefik.toml exactly as it reads a traefik.yml.

The values come from the standard library's tomllib, which is the reference for what the file
means; tomllib keeps no positions, so one linear pass over the text finds where each key and
table header is written. A key inside an inline table takes the position of the key that holds
the table.
"""

from __future__ import annotations

from ..lazy_regex import lazy
from ..limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from . import ParseError
from .yaml_tree import Mapping, Scalar, Sequence, path_join

_AT = lazy(r"\(at line (\d+), column (\d+)\)")
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class TomlError(ParseError):
    """Text that is not TOML, or that breaks a limit; carries the 1-based position."""


Span = tuple[int, int, int, int]  # line, column, end line, end column


def parse_toml(text: str) -> Mapping:
    """The document's root table as a located Mapping; raises TomlError."""
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _AT.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        if "at end of document" in str(exc):
            line = text.count("\n") + 1
        message = _AT.sub("", str(exc)).strip() or "invalid TOML"
        raise TomlError(f"invalid TOML: {message}", line, column) from None
    except RecursionError:
        raise TomlError(f"nesting deeper than {MAX_YAML_DEPTH} levels; file skipped") from None
    spans = _Locator(text).run()
    builder = _Builder(spans, text.count("\n") + 1)
    return builder.table(data, (), "", (1, 1, 1, 1), 0)


class _Builder:
    def __init__(self, spans: dict[tuple, Span], lines: int):
        self.spans = spans
        self.count = 0
        self.lines = lines

    def _counted(self) -> None:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise TomlError(f"more than {MAX_YAML_NODES} TOML values; file skipped")

    def table(self, data: dict, key: tuple, path: str, span: Span, depth: int) -> Mapping:
        if depth > MAX_YAML_DEPTH:
            raise TomlError(f"nesting deeper than {MAX_YAML_DEPTH} levels; file skipped", span[0])
        mapping = Mapping()
        _place(mapping, span, path)
        for name, value in data.items():
            self._counted()
            here = key + (name,)
            key_span = self.spans.get(here, span)
            key_node = Scalar(name, None)
            _place(key_node, key_span, path)
            child_path = path_join(path, name)
            node = self.value(value, here, child_path, key_span, depth + 1)
            mapping._index[name] = (key_node, node)
            mapping.entries.append((key_node, node))
        return mapping

    def value(self, value, key: tuple, path: str, span: Span, depth: int):
        if isinstance(value, dict):
            return self.table(value, key, path, self.spans.get(key + ("{",), span), depth)
        if isinstance(value, list):
            span = self.spans.get(key + ("=",), span)
            if depth > MAX_YAML_DEPTH:
                raise TomlError(
                    f"nesting deeper than {MAX_YAML_DEPTH} levels; file skipped", span[0]
                )
            seq = Sequence()
            _place(seq, span, path)
            for index, item in enumerate(value):
                self._counted()
                item_key = key + (index,)
                item_span = self.spans.get(item_key, span)
                seq.items.append(
                    self.value(item, item_key, f"{path}[{index}]", item_span, depth + 1)
                )
            return seq
        if isinstance(value, bool):
            text, style = ("true" if value else "false"), None
        elif isinstance(value, str):
            text, style = value, '"'
        else:
            text, style = str(value), None
        scalar = Scalar(text, style)
        _place(scalar, self.spans.get(key + ("=",), span), path)
        return scalar


def _tomllib():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: tomli is the same parser, before it joined
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _place(node, span: Span, path: str) -> None:
    node.line, node.column, node.end_line, node.end_column = span
    node.path = path


class _Locator:
    """One pass over the text: the span of every key (``path``), every table header
    (``path + ("{",)``), every array-of-tables entry (``path + (index,)``) and every value
    (``path + ("=",)``) written at the top level of a line."""

    def __init__(self, text: str):
        self.text = text
        self.spans: dict[tuple, Span] = {}
        self.table: tuple = ()
        self.arrays: dict[tuple, int] = {}  # array-of-tables path -> entries so far
        self.nested: dict[tuple, list[tuple]] = {}  # array path -> arrays inside its entry

    def run(self) -> dict[tuple, Span]:
        text, i, n = self.text, 0, len(self.text)
        line, line_start = 1, 0
        while i < n:
            # at the start of a line, outside any value
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if j >= n:
                break
            char = text[j]
            if char in "\r\n" or char == "#":
                i = _line_end(text, j)
            elif char == "[":
                i = self._header(j, line, line_start)
            else:
                i = self._key_value(j, line, line_start)
            # i is at a newline (or the end): count the lines the statement spanned
            line += text.count("\n", line_start, i + 1) if i < n else 0
            i += 1
            line_start = i
        return self.spans

    def _header(self, j: int, line: int, line_start: int) -> int:
        text = self.text
        array = text.startswith("[[", j)
        start = j + (2 if array else 1)
        parts, end = _key_parts(text, start)
        close = text.find("]", end)
        close = close if close >= 0 else len(text)
        path = tuple(parts)
        span = (line, j - line_start + 1, line, close - line_start + (3 if array else 2))
        indexed = self._indexed(path)
        for depth in range(1, len(indexed)):
            self.spans.setdefault(indexed[:depth], span)  # the tables the header implies
        if array:
            index = self.arrays.get(path, 0)
            if index == 0:  # a new array: it starts again in each entry of those around it
                for depth in range(1, len(path)):
                    if path[:depth] in self.arrays:
                        self.nested.setdefault(path[:depth], []).append(path)
            self.arrays[path] = index + 1
            for inner in self.nested.pop(path, ()):  # each registered once per entry: linear
                self.arrays.pop(inner, None)
            self.table = self._indexed(path) + (index,)
            self.spans.setdefault(self._indexed(path), span)
            self.spans[self.table] = span
            self.spans[self.table + ("{",)] = span
        else:
            self.table = self._indexed(path)
            self.spans.setdefault(self.table, span)
            self.spans[self.table + ("{",)] = span
        return _line_end(text, close)

    def _indexed(self, path: tuple) -> tuple:
        """A header's path with the current entry of each array of tables it passes through."""
        out: tuple = ()
        for k, part in enumerate(path):
            out += (part,)
            count = self.arrays.get(path[: k + 1])
            if count and k < len(path) - 1:
                out += (count - 1,)
        return out

    def _key_value(self, j: int, line: int, line_start: int) -> int:
        text = self.text
        parts, end = _key_parts(text, j)
        if not parts:
            return _line_end(text, j)
        path = self.table + tuple(parts)
        key_span = (line, j - line_start + 1, line, end - line_start + 1)
        for depth in range(len(self.table) + 1, len(path) + 1):
            self.spans.setdefault(path[:depth], key_span)  # a dotted key defines its tables
        self.spans[path] = key_span
        equals = text.find("=", end)
        if equals < 0:
            return _line_end(text, j)
        value = equals + 1
        while value < len(text) and text[value] in " \t":
            value += 1
        stop = _value_end(text, value)
        last_line = line + text.count("\n", value, stop)
        end_column = stop - (text.rfind("\n", 0, stop) + 1) + 1
        self.spans[path + ("=",)] = (line, value - line_start + 1, last_line, end_column)
        return _line_end(text, stop)


def _key_parts(text: str, i: int) -> tuple[list[str], int]:
    """The parts of a dotted key starting at ``i`` and the index after the key."""
    parts: list[str] = []
    n = len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            break
        char = text[i]
        if char in "\"'":
            close = _string_end(text, i)
            raw = text[i + 1 : close - 1]
            parts.append(_unescape(raw) if char == '"' else raw)
            i = close
        else:
            start = i
            while i < n and text[i] in _BARE:
                i += 1
            if i == start:
                break
            parts.append(text[start:i])
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == ".":
            i += 1
            continue
        break
    return parts, i


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    tomllib = _tomllib()
    try:
        return tomllib.loads(f'k = "{raw}"')["k"]
    except tomllib.TOMLDecodeError:
        return raw


def _string_end(text: str, i: int) -> int:
    """The index after the string that opens at ``i`` (basic, literal or multi-line)."""
    quote = text[i]
    triple = text.startswith(quote * 3, i)
    n = len(text)
    if triple:
        close = text.find(quote * 3, i + 3)
        if close < 0:
            return n
        end = close + 3
        while end < n and text[end] == quote:  # up to two quotes may end the content
            end += 1
        return end
    j = i + 1
    while j < n and text[j] not in "\n" + quote:
        j += 2 if (quote == '"' and text[j] == "\\") else 1
    return min(j + 1, n)


def _value_end(text: str, i: int) -> int:
    """The index after a value (an array or inline table may span lines), before any
    comment on its last line."""
    depth, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "\"'":
            i = _string_end(text, i)
            continue
        if char == "#":
            if depth == 0:
                break
            i = _line_end(text, i)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n" and depth <= 0:
            break
        i += 1
    while i > 0 and text[i - 1] in " \t\r":
        i -= 1
    return i


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return end if end >= 0 else len(text)
