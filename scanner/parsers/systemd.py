"""systemd unit files and the environment files they read, located: every setting and every
word of a command line keeps its file, line and column.

Follows systemd.syntax(7) and systemd.service(5): `[Section]` headers, `Key=value`, comments
(`#`, `;`) on their own line, a backslash at the end of a line continues the value (comment lines
inside a continuation are skipped), an empty assignment (`ExecStart=`) resets a list. In
ExecStart, `$VAR` is replaced by the variable's value split at whitespace and `${VAR}` by the
value as one word; `@ - : + !` prefixes mark how the command runs. Environment files (also the
Debian /etc/default and RPM /etc/sysconfig files) hold `KEY=value` lines with shell-like quoting.
"""

from __future__ import annotations

import re
from typing import Any

from . import ParseError


class SystemdError(ParseError):
    """Text that is not a unit file."""


class Located:
    """A value and where it starts: ``line`` and ``column`` (1-based) in ``path``."""

    __slots__ = ("value", "file", "line", "column", "end_line", "end_column", "key", "doc")

    def __init__(self, value: str, file: str, line: int, column: int, key: str = ""):
        self.value = value
        self.file = file  # abspath of the file it is written in
        self.line = line
        self.column = column
        self.end_line = line
        self.end_column = column + max(1, len(value))
        self.key = key
        self.doc: Any = None  # the Document of ``file``, set by the host scan for reports

    @property
    def path(self) -> str:
        return self.key  # what a finding's key path shows

    def __repr__(self):
        return f"Located({self.key}={self.value!r}@{self.line}:{self.column})"


def parse_unit(text: str, path: str) -> dict[str, list[Located]]:
    """Section name -> its settings in order (``key`` is the setting's name)."""
    sections: dict[str, list[Located]] = {}
    current: list[Located] | None = None
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            if not stripped.endswith("]"):
                raise SystemdError("unclosed section header: `]` is missing", number)
            current = sections.setdefault(stripped[1:-1].strip(), [])
            continue
        if "=" not in stripped:
            raise SystemdError("a line that is neither a section nor Key=value", number)
        if current is None:
            raise SystemdError("a setting before the first [Section]", number)
        key, _, value = raw.partition("=")
        column = len(raw) - len(raw.lstrip()) + len(key.strip()) + 2
        column += len(value) - len(value.lstrip())
        start_line = number
        value = value.strip()
        while value.endswith("\\") and number < len(lines):
            value = value[:-1] + " "
            while number < len(lines) and lines[number].strip()[:1] in ("#", ";"):
                number += 1  # comments inside a continued value are skipped
            if number < len(lines):
                value += lines[number].strip()
                number += 1
        current.append(Located(value.rstrip("\\").strip(), path, start_line, column, key.strip()))
    return sections


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse_environment_file(text: str, path: str) -> dict[str, Located]:
    """KEY=value lines (quotes removed, `#` comments, `export`, backslash continuations)."""
    found: dict[str, Located] = {}
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        match = _ENV_LINE.match(raw)
        if match is None or raw.lstrip().startswith("#"):
            continue
        name, value = match.group(1), match.group(2)
        line, column = number, match.start(2) + 1
        while value.endswith("\\") and number < len(lines):
            value = value[:-1] + lines[number].strip()
            number += 1
        if value[:1] in ("'", '"') and value.find(value[0], 1) > 0:
            # a quoted value, perhaps followed by a comment: `ARGS="--flag" # why`
            value, column = value[1 : value.find(value[0], 1)], column + 1
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        found[name] = Located(value, path, line, column, name)
    return found


def environment_assignments(setting: Located) -> dict[str, Located]:
    """`Environment="A=1" B=2`: each assignment, placed in the unit file."""
    found = {}
    for word in split_words(setting):
        name, sep, value = word.value.partition("=")
        if sep and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            found[name] = Located(value, word.file, word.line, word.column, name)
    return found


def split_words(setting: Located) -> list[Located]:
    """Words as systemd splits a command line or an Environment= value: whitespace, double
    and single quotes, backslash escapes; each word placed where it starts."""
    text = setting.value
    words, i = [], 0
    while i < len(text):
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            break
        start, out = i, []
        while i < len(text) and text[i] not in " \t":
            char = text[i]
            if char in "\"'":
                end = text.find(char, i + 1)
                end = len(text) if end < 0 else end
                out.append(text[i + 1 : end])
                i = end + 1
            elif char == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
            else:
                out.append(char)
                i += 1
        words.append(Located("".join(out), setting.file, setting.line, setting.column + start))
    return words


_VARIABLE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")


def command_words(setting: Located, env: dict[str, Located]) -> list[Located]:
    """The words ExecStart runs, prefixes dropped and variables expanded: `$ARGS` becomes the
    words of ARGS (placed in the file that sets it), `${ARGS}` one word. An unset variable
    expands to nothing."""
    words = split_words(setting)
    if words:
        first = words[0]
        first.value = first.value.lstrip("@-:+!")
        if not first.value:
            words = words[1:]
    out: list[Located] = []
    for word in words:
        match = _VARIABLE.match(word.value)
        if match is None:
            out.append(word)
            continue
        name = match.group(1) or match.group(2)
        source = env.get(name)
        if source is None:
            continue
        if match.group(1):
            out.append(Located(source.value, source.file, source.line, source.column, name))
        else:
            out.extend(split_words(source))
    return out
