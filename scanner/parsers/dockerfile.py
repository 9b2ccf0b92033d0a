"""Dockerfiles into a located model: every instruction, argument, ENV pair and flag keeps its
exact line and column (1-based, end exclusive, columns count characters).

The line handling follows BuildKit's parser (moby/buildkit frontend/dockerfile/parser), which
is what ``docker build`` runs: parser directives (``# syntax=``, ``# escape=``, ``# check=``) only
at the top of the file, a BOM dropped, lines split on ``\\n`` only (``\\r`` before it dropped), an
escape character plus optional blanks at the end of a line continues the instruction, comment
lines and blank lines inside a continued instruction are skipped, ``#`` starts a comment only at
the start of a line, heredocs (``RUN <<EOF``) for RUN, COPY and ADD, JSON (exec) form only when
the arguments are a JSON array of strings, and ``--flags`` in front of the arguments.

dockerfile-parse is not used: it keeps no columns, reads heredoc bodies as instructions, ends an
instruction at an empty continuation line and keeps a BOM in the first keyword.

Lenient where BuildKit would stop the build but the file is still clearly a Dockerfile (unknown
instructions, ``ENV`` without a value, a continuation at the end of the file), so that findings are
still reported; strict (DockerfileError) where the text is not a Dockerfile at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import ParseError

MAX_INSTRUCTIONS = 10_000

_DIRECTIVE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_DIRECTIVE_NAMES = frozenset(("syntax", "escape", "check"))
_HEREDOC = re.compile(r"(\d*)<<(-?)([^<]*)$")
_BLANKS = " \t\v\f\r"  # Go's reWhitespace, which splits keywords, FROM, EXPOSE, COPY words
_OPERATORS = ";&|"
_JSON_FORM = frozenset(("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"))
_HEREDOC_KEYWORDS = frozenset(("RUN", "COPY", "ADD"))
_EXEC_KEYWORDS = frozenset(("RUN", "CMD", "ENTRYPOINT", "SHELL", "ONBUILD"))
_WORD_KEYWORDS = frozenset(("FROM", "EXPOSE", "COPY", "ADD", "VOLUME"))
_STRING_KEYWORDS = frozenset(("WORKDIR", "STOPSIGNAL"))
_NO_HEREDOCS: tuple = ()


class DockerfileError(ParseError):
    """Text that is not a Dockerfile, or that breaks a limit; carries the 1-based position."""


class Arg:
    """One located item: a word, a JSON array item, a key=value pair, a flag or a directive.

    ``text`` is the value without quotes and escapes (variables are not expanded). For ENV,
    ARG and LABEL ``key`` is the variable name and the position covers the whole pair; an ARG
    without a default has ``text`` None. For a flag, ``key`` is the flag name and ``text`` its
    value ("" for a bare ``--link``). Elsewhere ``key`` is None."""

    __slots__ = ("text", "key", "line", "column", "end_line", "end_column")

    def __init__(self, text, key, line, column, end_line, end_column):
        self.text = text
        self.key = key
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def __repr__(self):
        key = f"{self.key}=" if self.key is not None else ""
        return f"Arg({key}{self.text!r}@{self.line}:{self.column})"


class Heredoc:
    """The body of ``<<NAME`` (RUN, COPY, ADD): from the first body line to the terminator."""

    __slots__ = ("name", "text", "chomp", "expand", "line", "column", "end_line", "end_column")

    def __init__(self, name, text, chomp, expand, line, column, end_line, end_column):
        self.name = name
        self.text = text  # the body lines, each ending with "\n" (\r dropped), terminator excluded
        self.chomp = chomp  # <<- : leading tabs are removed
        self.expand = expand  # an unquoted name: variables in the body are expanded
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def __repr__(self):
        return f"Heredoc({self.name!r}@{self.line})"


class Instruction:
    __slots__ = (
        "keyword",
        "value",
        "line",
        "column",
        "end_line",
        "end_column",
        "path",
        "stage",
        "args",
        "json_form",
        "flags",
        "heredocs",
    )

    def __init__(self, keyword, value, line, column, end_line, end_column):
        self.keyword = keyword  # upper case
        self.value = value  # text after the keyword (flags included), continuations joined
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.path = ""
        self.stage = None  # index of the build stage; None for an ARG before the first FROM
        self.args: list[Arg] = []
        self.json_form = False
        self.flags: dict[str, Arg] = {}
        self.heredocs = _NO_HEREDOCS

    def __repr__(self):
        return f"Instruction({self.keyword} {self.value!r}@{self.line}:{self.column})"


class Stage:
    __slots__ = ("index", "name", "base", "base_arg", "instructions", "line")

    def __init__(self, index: int, name, base: str, base_arg, line: int):
        self.index = index
        self.name = name  # the AS alias, lower case as BuildKit matches it, or None
        self.base = base  # the image, global ARG defaults substituted
        self.base_arg = base_arg  # the FROM instruction's first Arg (raw text), None if missing
        self.instructions: list[Instruction] = []  # the FROM first
        self.line = line

    def find(self, keyword: str) -> list[Instruction]:
        return [ins for ins in self.instructions if ins.keyword == keyword]

    def last(self, keyword: str):
        """The instruction that takes effect for single-valued keywords (USER, CMD, ...)."""
        for ins in reversed(self.instructions):
            if ins.keyword == keyword:
                return ins
        return None

    def __repr__(self):
        return f"Stage({self.index} {self.base!r} as {self.name!r}@{self.line})"


class Dockerfile:
    __slots__ = ("stages", "instructions", "global_args", "directives")

    def __init__(self):
        self.stages: list[Stage] = []
        self.instructions: list[Instruction] = []  # every instruction in file order
        self.global_args: list[Arg] = []  # the pairs of the ARGs before the first FROM
        self.directives: dict[str, Arg] = {}  # parser directives by lower-case name

    @property
    def final(self):
        return self.stages[-1] if self.stages else None

    def ancestry(self, stage) -> list:
        """``stage`` and the stages it is built FROM (by name), nearest first; what an image
        inherits (USER, ENV, ENTRYPOINT, CMD) comes from the first of them that sets it."""
        chain = [stage]
        while True:
            parent = self.stage_by_name(chain[-1].base.strip()) if chain[-1].base else None
            if parent is None or parent in chain or parent.index >= chain[-1].index:
                return chain
            chain.append(parent)

    def stage_by_name(self, name):
        """The stage ``COPY --from=name`` means: by alias (any case) or by index ("0")."""
        if name is None:
            return None
        if name.isdigit():
            index = int(name)
            return self.stages[index] if index < len(self.stages) else None
        lowered = name.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        return None

    def __repr__(self):
        return f"Dockerfile({len(self.stages)} stages, {len(self.instructions)} instructions)"


class _Logical:
    """One logical line: the text BuildKit joins from continued physical lines, with a map
    from each character back to its line and column in the file."""

    __slots__ = ("text", "offsets", "places", "pieces", "size")

    def __init__(self):
        self.text = ""
        self.offsets: list[int] = []
        self.places: list[tuple[int, int]] = []
        self.pieces: list[str] = []
        self.size = 0

    def add(self, piece: str, line: int, column: int):
        if piece:
            self.offsets.append(self.size)
            self.places.append((line, column))
            self.pieces.append(piece)
            self.size += len(piece)

    def finish(self) -> str:
        self.text = "".join(self.pieces)
        return self.text

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.offsets, offset) - 1
        if i < 0:
            i = 0
        line, column = self.places[i]
        return line, column + offset - self.offsets[i]

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        line, column = self.at(start)
        if end <= start:
            return line, column, line, column
        end_line, end_column = self.at(end - 1)
        return line, column, end_line, end_column + 1

    def arg(self, text, key, start: int, end: int) -> Arg:
        return Arg(text, key, *self.span(start, end))


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse ``text``; raises DockerfileError with a position when it is not a Dockerfile."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str):
        if text.startswith("\ufeff"):
            text = text[1:]  # not a column: editors and PyYAML do not count it either
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.lines = [line.rstrip("\r") for line in lines]
        self.escape = "\\"
        self.continuation = re.compile(r"\\[ \t]*$")
        self.out = Dockerfile()
        self.counts: dict[tuple, int] = {}  # (stage, keyword) -> instructions so far
        self.meta: dict[str, str | None] = {}  # global ARG name -> default (None: no default)

    # -- lines ---------------------------------------------------------------------------------

    def _directive(self, index: int, content: str) -> bool:
        """Records a parser directive; False ends the directive section."""
        stripped = content.lstrip()
        match = _DIRECTIVE.match(stripped)
        if match is None or match.group(1).lower() not in _DIRECTIVE_NAMES:
            return False
        name = match.group(1).lower()
        column = len(content) - len(stripped) + 1
        if name in self.out.directives:
            raise DockerfileError(
                f"only one {name} parser directive can be used", index + 1, column
            )
        value = match.group(2)
        if name == "escape":
            if value not in ("\\", "`"):
                raise DockerfileError("invalid escape token: it must be ` or \\", index + 1, column)
            self.escape = value
            self.continuation = re.compile(re.escape(value) + r"[ \t]*$")
        self.out.directives[name] = Arg(
            value, name, index + 1, column, index + 1, column + len(stripped.rstrip())
        )
        return True

    def _strip_continuation(self, piece: str) -> tuple[str, bool]:
        match = self.continuation.search(piece)
        if match is None:
            return piece, True
        return piece[: match.start()], False

    def parse(self) -> Dockerfile:
        lines = self.lines
        count = len(lines)
        directives = True
        i = 0
        while i < count:
            content = lines[i]
            if directives:
                directives = self._directive(i, content)
            stripped = content.lstrip()
            if not stripped or stripped[0] == "#":
                i += 1
                continue
            logical = _Logical()
            lead = len(content) - len(stripped)
            piece, ended = self._strip_continuation(stripped)
            logical.add(piece, i + 1, lead + 1)
            last_line, last_end = i + 1, len(content.rstrip()) + 1
            i += 1
            while not ended and i < count:
                content = lines[i]
                stripped = content.lstrip()
                i += 1
                if not stripped or stripped[0] == "#":
                    continue  # comment and empty lines inside a continued instruction
                piece, ended = self._strip_continuation(content)
                logical.add(piece, i, 1)
                last_line, last_end = i, len(content.rstrip()) + 1
            if not logical.finish().strip():
                continue  # only escape characters: BuildKit starts no instruction
            i = self._instruction(logical, i, last_line, last_end)
        return self.out

    # -- instructions --------------------------------------------------------------------------

    def _instruction(self, logical: _Logical, i: int, end_line: int, end_column: int) -> int:
        out = self.out
        line = logical.text
        start = len(line) - len(line.lstrip())
        kw_end = start
        while kw_end < len(line) and line[kw_end] not in _BLANKS:
            kw_end += 1
        keyword = line[start:kw_end].upper()
        rest_start = kw_end
        while rest_start < len(line) and line[rest_start].isspace():
            rest_start += 1
        rest_end = len(line.rstrip())
        rest_start = min(rest_start, rest_end)
        kw_line, kw_column = logical.at(start)
        if len(out.instructions) >= MAX_INSTRUCTIONS:
            raise DockerfileError(
                f"more than {MAX_INSTRUCTIONS} instructions; file skipped", kw_line, kw_column
            )
        if not out.stages and keyword not in ("FROM", "ARG"):
            if out.instructions:
                message = "an instruction before the first FROM: not a Dockerfile"
            else:
                # the word is not quoted: a file named Dockerfile may be anything, a secret too
                message = "not a Dockerfile: the first instruction is not FROM (or ARG)"
            raise DockerfileError(message, kw_line, kw_column)
        ins = Instruction(keyword, line[rest_start:rest_end], kw_line, kw_column, 0, 0)
        ins.end_line, ins.end_column = end_line, end_column
        args_start = self._flags(ins, logical, rest_start, rest_end)
        self._args(ins, logical, args_start, rest_end)
        base = ""
        if keyword == "FROM":
            words = _blank_words(line, args_start, rest_end)
            if words:
                base = _unquote(line[words[0][0] : words[0][1]], self.escape, self.meta)
        elif keyword == "ARG" and not out.stages:
            self._meta(ins, logical, args_start, rest_end)
        if keyword in _HEREDOC_KEYWORDS and "<<" in line:
            i = self._heredocs(ins, logical, i)
        self._place(ins, base)
        return i

    def _flags(self, ins: Instruction, logical: _Logical, pos: int, end: int) -> int:
        """BuildKit's extractBuilderFlags: leading ``--name[=value]`` words; ``--`` ends them."""
        line = logical.text
        while True:
            while pos < end and line[pos].isspace():
                pos += 1
            if not line.startswith("--", pos) or pos + 2 > end:
                return pos
            word_start = pos
            chars: list[str] = []
            quote = None
            while pos < end:
                ch = line[pos]
                if quote is None:
                    if ch.isspace():
                        break
                    if ch in "'\"":
                        quote = ch
                        pos += 1
                        continue
                elif ch == quote:
                    quote = None
                    pos += 1
                    continue
                if ch == "\\":  # extractBuilderFlags always escapes with a backslash
                    pos += 1
                    if pos >= end:
                        break
                    ch = line[pos]
                chars.append(ch)
                pos += 1
            word = "".join(chars)
            if word == "--":
                while pos < end and line[pos].isspace():
                    pos += 1
                return pos
            name, sep, value = word[2:].partition("=")
            ins.flags[name] = logical.arg(value if sep else "", name, word_start, pos)

    def _args(self, ins: Instruction, logical: _Logical, start: int, end: int):
        keyword = ins.keyword
        text = logical.text
        if keyword in _JSON_FORM and self._json(ins, logical, start, end):
            return
        if keyword in ("ENV", "LABEL"):
            ins.args = self._pairs(logical, start, end, legacy=True)
        elif keyword == "ARG":
            ins.args = self._pairs(logical, start, end, legacy=False)
        elif keyword in _EXEC_KEYWORDS:
            ins.args = self._shell_words(logical, start, end)
        elif keyword in _WORD_KEYWORDS:
            ins.args = [
                logical.arg(_unquote(text[s:e], self.escape), None, s, e)
                for s, e in _blank_words(text, start, end)
            ]
        elif keyword == "USER":
            colon = text.find(":", start, end)
            parts = [(start, end)] if colon < 0 else [(start, colon), (colon + 1, end)]
            ins.args = [logical.arg(_unquote(text[s:e], self.escape), None, s, e) for s, e in parts]
        elif keyword in _STRING_KEYWORDS:
            if start < end:
                ins.args = [logical.arg(_unquote(text[start:end], self.escape), None, start, end)]
        elif keyword == "MAINTAINER":
            if start < end:
                ins.args = [logical.arg(text[start:end], None, start, end)]
        elif keyword == "HEALTHCHECK":
            words = _blank_words(text, start, end)
            if words:
                s, e = words[0]
                ins.args = [logical.arg(text[s:e], None, s, e)]
                if text[s:e].upper() == "CMD":
                    cmd_start = e
                    while cmd_start < end and text[cmd_start].isspace():
                        cmd_start += 1
                    if not self._json(ins, logical, cmd_start, end):
                        ins.args += self._shell_words(logical, cmd_start, end)
        else:
            ins.args = [
                logical.arg(text[s:e], None, s, e) for s, e in _blank_words(text, start, end)
            ]

    def _json(self, ins: Instruction, logical: _Logical, start: int, end: int) -> bool:
        """Exec form: a JSON array of strings; anything else is shell form, as in BuildKit."""
        text = logical.text
        if start >= end or text[start] != "[":
            return False
        import json
        from json.decoder import scanstring

        try:
            items = json.loads(text[start:end])
        except (ValueError, RecursionError):
            return False
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return False
        args = []
        pos = start + 1
        for item in items:
            pos = text.index('"', pos)
            _, item_end = scanstring(text, pos + 1)
            args.append(logical.arg(item, None, pos, item_end))
            pos = item_end
        ins.args.extend(args)
        ins.json_form = True
        return True

    def _pairs(self, logical: _Logical, start: int, end: int, legacy: bool) -> list[Arg]:
        """ENV/LABEL (``legacy``: ``ENV A b c`` too) and ARG, after BuildKit's parseNameVal."""
        text = logical.text
        words = _quoted_words(text, start, end, self.escape)
        if not words:
            return []
        if legacy and "=" not in text[words[0][0] : words[0][1]]:
            key_start = key_end = words[0][0]
            while key_end < end and text[key_end] not in _BLANKS:
                key_end += 1
            value_start = key_end
            while value_start < end and text[value_start] in _BLANKS:
                value_start += 1
            key = _unquote(text[key_start:key_end], self.escape)
            value = _unquote(text[value_start:end], self.escape)
            return [logical.arg(value, key, key_start, end)]
        pairs = []
        for s, e in words:
            word = text[s:e]
            raw_key, sep, raw_value = word.partition("=")
            key = _unquote(raw_key, self.escape)
            if sep:
                value = _unquote(raw_value, self.escape)
            else:
                value = "" if legacy else None
            pairs.append(logical.arg(value, key, s, e))
        return pairs

    def _shell_words(self, logical: _Logical, start: int, end: int) -> list[Arg]:
        return [
            logical.arg(word, None, s, e)
            for s, e, word in _shell_split(logical.text, start, end, self.escape)
        ]

    def _heredocs(self, ins: Instruction, logical: _Logical, i: int) -> int:
        """Reads the bodies of ``<<NAME`` words (BuildKit's heredocsFromLine) after the line."""
        text = logical.text
        found = []
        for s, e in _quoted_words(text, 0, len(text), "\\"):
            match = _HEREDOC.match(text[s:e])
            if match is None or not match.group(3):
                continue
            raw_name = match.group(3)
            name = _unquote(raw_name, "\\")
            if name:
                found.append((name, match.group(2) == "-", raw_name == name))
        if not found:
            return i
        lines = self.lines
        heredocs = []
        parts = [ins.value]
        for name, chomp, expand in found:
            first = i
            body = []
            while True:
                if i >= len(lines):
                    raise DockerfileError("unterminated heredoc", ins.line, ins.column)
                content = lines[i]
                i += 1
                candidate = content.lstrip("\t") if chomp else content
                if candidate == name:
                    break
                body.append(content + "\n")
            body_text = "".join(body)
            heredocs.append(
                Heredoc(name, body_text, chomp, expand, first + 1, 1, i, len(content) + 1)
            )
            parts.append("\n" + body_text + content)
            ins.end_line, ins.end_column = i, len(content) + 1
        ins.heredocs = heredocs
        ins.value = "".join(parts)
        return i

    # -- stages --------------------------------------------------------------------------------

    def _place(self, ins: Instruction, base: str):
        out = self.out
        out.instructions.append(ins)
        if ins.keyword == "FROM":
            args = ins.args
            base_arg = args[0] if args else None
            name = None
            if len(args) == 3 and args[1].text.lower() == "as":
                name = args[2].text.lower()
            stage = Stage(len(out.stages), name, base, base_arg, ins.line)
            out.stages.append(stage)
        if not out.stages:
            prefix = "global"
            out.global_args.extend(ins.args)
        else:
            stage = out.stages[-1]
            ins.stage = stage.index
            stage.instructions.append(ins)
            prefix = f"stage[{stage.index}]"
        counter = (ins.stage, ins.keyword)
        index = self.counts.get(counter, 0)
        self.counts[counter] = index + 1
        ins.path = f"{prefix}.{ins.keyword}[{index}]" if index else f"{prefix}.{ins.keyword}"

    def _meta(self, ins: Instruction, logical: _Logical, start: int, end: int):
        """Global ARG defaults, expanded with the ones before them, for FROM substitution."""
        text = logical.text
        words = _quoted_words(text, start, end, self.escape)
        for (s, e), arg in zip(words, ins.args, strict=True):
            raw = text[s:e]
            if "=" in raw:
                self.meta[arg.key] = _unquote(raw.partition("=")[2], self.escape, self.meta)
            else:
                self.meta[arg.key] = None  # declared without a default: unknown until build


# -- words -------------------------------------------------------------------------------------


def _blank_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Go's reWhitespace split: no quoting (FROM, EXPOSE, COPY in shell form)."""
    words = []
    pos = start
    while pos < end:
        while pos < end and text[pos] in _BLANKS:
            pos += 1
        if pos >= end:
            break
        word_start = pos
        while pos < end and text[pos] not in _BLANKS:
            pos += 1
        words.append((word_start, pos))
    return words


def _quoted_words(text: str, start: int, end: int, escape: str) -> list[tuple[int, int]]:
    """BuildKit's parseWords: split on whitespace outside quotes, quotes and escapes kept."""
    words = []
    pos = start
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        word_start = pos
        quote = None
        while pos < end:
            ch = text[pos]
            if quote is None:
                if ch.isspace():
                    break
                if ch in "'\"":
                    quote = ch
                elif ch == escape:
                    pos += 1
            elif ch == quote:
                quote = None
            elif ch == escape and quote != "'":
                pos += 1
            pos += 1
        pos = min(pos, end)
        words.append((word_start, pos))
    return words


def _shell_split(text: str, start: int, end: int, escape: str) -> list[tuple[int, int, str]]:
    """Shell-form commands into words (quotes removed) and runs of ``;&|`` operators."""
    words = []
    pos = start
    while pos < end:
        ch = text[pos]
        if ch.isspace():
            pos += 1
            continue
        word_start = pos
        if ch in _OPERATORS:
            while pos < end and text[pos] in _OPERATORS:
                pos += 1
            words.append((word_start, pos, text[word_start:pos]))
            continue
        chars: list[str] = []
        while pos < end:
            ch = text[pos]
            if ch.isspace() or ch in _OPERATORS:
                break
            if ch == escape:
                if pos + 1 < end:
                    chars.append(text[pos + 1])
                pos += 2
            elif ch == "'":
                close = text.find("'", pos + 1, end)
                close = end if close < 0 else close
                chars.append(text[pos + 1 : close])
                pos = close + 1
            elif ch == '"':
                pos += 1
                while pos < end and text[pos] != '"':
                    if text[pos] == escape and pos + 1 < end and text[pos + 1] in f'"$`{escape}':
                        pos += 1
                    chars.append(text[pos])
                    pos += 1
                pos += 1
            else:
                chars.append(ch)
                pos += 1
        pos = min(pos, end)
        words.append((word_start, pos, "".join(chars)))
    return words


def _unquote(word: str, escape: str, env: dict | None = None, depth: int = 0) -> str:
    """BuildKit's ProcessWord: quotes and escapes removed; with ``env``, ``$NAME``,
    ``${NAME}``, ``${NAME:-x}``, ``${NAME-x}``, ``${NAME:+x}`` and ``${NAME+x}`` expanded for the
    names in ``env`` (other references stay as written)."""
    if env is None and "'" not in word and '"' not in word and escape not in word:
        return word
    out: list[str] = []
    pos = 0
    end = len(word)
    quote = None
    while pos < end:
        ch = word[pos]
        if quote == "'":
            if ch == "'":
                quote = None
            else:
                out.append(ch)
            pos += 1
        elif ch == escape:
            if pos + 1 < end:
                following = word[pos + 1]
                if quote is None or following in ('"', "$", escape):
                    out.append(following)
                else:
                    out.append(ch + following)
            pos += 2
        elif ch == "'" and quote is None:
            quote = "'"
            pos += 1
        elif ch == '"':
            quote = None if quote == '"' else '"'
            pos += 1
        elif ch == "$" and env is not None:
            text, pos = _expand(word, pos, escape, env, depth)
            out.append(text)
        else:
            out.append(ch)
            pos += 1
    return "".join(out)


_MAX_NESTING = 20  # ${A:-${B:-...}} deeper than this stays as written
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expand(word: str, pos: int, escape: str, env: dict, depth: int) -> tuple[str, int]:
    """One ``$`` reference at ``pos``: its value when known, else the reference as written.

    ``env`` maps a declared name to its default, or to None when it has none (a build argument
    may set it, so the reference stays); a name never declared is unset."""
    if pos + 1 < len(word) and word[pos + 1] == "{":
        close = word.find("}", pos + 2)
        if close < 0:
            return word[pos:], len(word)
        inner = word[pos + 2 : close]
        raw = word[pos : close + 1]
        match = _NAME.match(inner)
        if match is None or depth > _MAX_NESTING:
            return raw, close + 1
        name = match.group(0)
        modifier = inner[match.end() :]
        op = next((op for op in (":-", ":+", "-", "+") if modifier.startswith(op)), None)
        if modifier and op is None:
            return raw, close + 1  # ${A#x}, ${A/x/y}, ...: left as written
        value = env.get(name)
        if value is None:
            if name in env or op is None:
                return raw, close + 1
            return (
                _unquote(modifier[len(op) :], escape, env, depth + 1) if "-" in op else ""
            ), close + 1
        if op is None:
            return value, close + 1
        other = _unquote(modifier[len(op) :], escape, env, depth + 1)
        if op == ":-":
            return (other if value == "" else value), close + 1
        if op == "-":
            return value, close + 1
        if op == ":+":
            return ("" if value == "" else other), close + 1
        return other, close + 1
    match = _NAME.match(word, pos + 1)
    if match is None:
        return "$", pos + 1
    value = env.get(match.group(0))
    return (word[pos : match.end()] if value is None else value), match.end()
