"""Caddyfile into a located tree: the global options, the site blocks with their addresses, and
every directive with its arguments, each token keeping its file, line and column.

The lexer follows caddyconfig/caddyfile/lexer.go: Unicode white space separates tokens; a token
that starts with ``"`` is quoted up to the next unescaped ``"`` (``\\"`` is a quote, newlines are
text), one that starts with a backtick up to the next backtick (no escapes); ``#`` at the start
of a token comments out the rest of the line; ``<<MARKER`` at the end of a line opens a heredoc
that ends at a line holding only MARKER (its indentation is taken off every line). ``{$VAR}`` and
``{$VAR:default}`` are environment values Caddy substitutes before it parses: the default is used,
and a token with an unset variable keeps its text (it is judged as unknown, never guessed).

The parser follows parse.go: a first block with no address is the global options; ``(name)``
defines a snippet, which ``import name args...`` splices in (``{args[0]}``, ``{args.0}``);
``import path`` splices in another file (relative to the importing file, globs in order), never
from outside the scan root, with missing files, loops and depth recorded as problems. Site blocks
are addresses (separated by commas or spaces) and a ``{`` at the end of the line; a file with a
single site may leave the braces out. A directive is the tokens of one line; a ``{`` that ends
the line opens its block and a ``}`` closes it.
"""

from __future__ import annotations

import os
import re

from . import ParseError, read_included

MAX_IMPORT_DEPTH = 10
# blocks inside blocks; real Caddyfiles nest a handful deep, and every walk over the tree
# recurses once a level
MAX_DEPTH = 64
MAX_TOKENS = 200_000  # after imports and snippets: a bound on what a crafted file can expand into

_ENV = re.compile(r"\{\$([A-Za-z0-9_]+)(?::([^}]*))?\}")
_HEREDOC = re.compile(r"<<([A-Za-z0-9_-]+)$")
_ARGS = re.compile(r"\{args(?:\[(\d+)\]|\.(\d+))\}")
_GLOB_CHARS = re.compile(r"[*?\[]")


class CaddyError(ParseError):
    """A syntax error, or a limit broken."""


class Token:
    __slots__ = (
        "text",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "quoted",
        "unknown",
        "origin",
    )

    def __init__(self, text, file, line, column, end_line, end_column, quoted):
        self.text = text
        self.file = file
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.quoted = quoted
        self.unknown = False  # holds an environment variable with no default
        # which splice (import) the token came in with: lines of different splices never join
        self.origin = 0

    def is_(self, text: str) -> bool:
        return not self.quoted and self.text == text

    def __repr__(self):
        return f"Token({self.text!r}@{self.line}:{self.column})"


class Problem:
    """An import that could not be followed: missing, outside, loop, too-deep, unreadable."""

    __slots__ = ("file", "line", "column", "message", "kind")

    def __init__(self, file, line, column, message, kind):
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.kind = kind


class Directive:
    __slots__ = (
        "name",
        "args",
        "tokens",
        "line",
        "column",
        "file",
        "block",
        "end_line",
        "end_column",
    )

    def __init__(self, tokens: list[Token]):
        first = tokens[0]
        self.name = first.text
        self.tokens = tokens  # name and arguments
        self.args = [t.text for t in tokens[1:]]
        self.line = first.line
        self.column = first.column
        self.file = first.file
        self.block: list[Directive] | None = None
        self.end_line = tokens[-1].end_line  # of the name and arguments
        self.end_column = tokens[-1].end_column

    def walk(self):
        yield self
        for child in self.block or ():
            yield from child.walk()

    def __repr__(self):
        block = " {}" if self.block is not None else ""
        return f"Directive({self.name} {' '.join(self.args)!r}{block}@{self.line})"


class Site:
    __slots__ = ("addresses", "directives", "line", "column", "file", "end_line")

    def __init__(self, addresses: list[Token], directives: list[Directive], end_line: int):
        self.addresses = addresses
        self.directives = directives
        first = addresses[0]
        self.line, self.column, self.file = first.line, first.column, first.file
        self.end_line = end_line

    def __repr__(self):
        return f"Site({' '.join(a.text for a in self.addresses)}@{self.line})"


class Caddyfile:
    __slots__ = ("options", "sites", "files", "problems")

    def __init__(self, options, sites, files, problems):
        self.options: list[Directive] = options  # the global options block
        self.sites: list[Site] = sites
        self.files: list[str] = files  # every file read, the main one first
        self.problems: list[Problem] = problems

    def option(self, name: str) -> Directive | None:
        found = [d for d in self.options if d.name == name]
        return found[-1] if found else None

    def walk(self):
        for site in self.sites:
            for directive in site.directives:
                yield from directive.walk()


def lex(text: str, file: str = "") -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    line, line_start = 1, 0
    if text.startswith("\ufeff"):
        i = line_start = 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
            i += 1
            continue
        if ch.isspace():
            i += 1
            continue
        start_line, start_col = line, i - line_start + 1
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == '"' or ch == "`":
            value, j = [], i + 1
            while True:
                if j >= n:
                    raise CaddyError("quoted token is never closed", start_line, start_col)
                c = text[j]
                if ch == '"' and c == "\\" and j + 1 < n and text[j + 1] == '"':
                    value.append('"')
                    j += 2
                    continue
                if c == ch:
                    break
                if c == "\n":
                    line, line_start = line + 1, j + 1
                value.append(c)
                j += 1
            i = j + 1
            tokens.append(
                Token("".join(value), file, start_line, start_col, line, i - line_start + 1, True)
            )
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        heredoc = _HEREDOC.match(word)
        if heredoc and (j >= n or text[j] in "\r\n"):
            marker = heredoc.group(1)
            body, end_line, j = _heredoc(text, j, marker, start_line, start_col)
            line = end_line
            line_start = text.rfind("\n", 0, j) + 1
            end_col = j - line_start + 1
            tokens.append(Token(body, file, start_line, start_col, end_line, end_col, True))
            i = j
            continue
        tokens.append(Token(word, file, start_line, start_col, line, j - line_start + 1, False))
        i = j
    return tokens


def _heredoc(text, j, marker, line, column):
    """The body of a heredoc that starts after offset ``j``; its end offset and last line."""
    lines, pos = [], text.find("\n", j)
    if pos < 0:
        raise CaddyError("heredoc is never closed", line, column)
    pos += 1
    current = line + 1
    while pos <= len(text):
        end = text.find("\n", pos)
        raw = text[pos : len(text) if end < 0 else end].rstrip("\r")
        stripped = raw.lstrip()
        if stripped == marker or stripped.startswith((marker + " ", marker + "\t")):
            # the closing marker may be followed by more arguments (`HTML 200`)
            indent = raw[: len(raw) - len(stripped)]
            body = "\n".join(x[len(indent) :] if x.startswith(indent) else x for x in lines)
            return body, current, pos + len(indent) + len(marker)
        lines.append(raw)
        if end < 0:
            break
        pos, current = end + 1, current + 1
    raise CaddyError("heredoc is never closed", line, column)


def _substitute_env(tokens: list[Token]) -> None:
    for token in tokens:
        if "{$" not in token.text:
            continue

        def value(m, token=token):
            if m.group(2) is None:
                token.unknown = True
                return m.group(0)
            return m.group(2)

        token.text = _ENV.sub(value, token.text)


def _new_line(previous: Token | None, token: Token) -> bool:
    return (
        previous is None
        or token.file != previous.file
        or token.origin != previous.origin
        or token.line != previous.end_line
    )


def _lines(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = []
    previous = None
    for token in tokens:
        if _new_line(previous, token):
            out.append([])
        out[-1].append(token)
        previous = token
    return out


def _split_snippets(tokens: list[Token]) -> tuple[list[Token], dict[str, list[Token]]]:
    """The tokens without the top-level ``(name) { ... }`` definitions, and those bodies."""
    kept: list[Token] = []
    snippets: dict[str, list[Token]] = {}
    depth = 0
    lines = _lines(tokens)
    k = 0
    while k < len(lines):
        current = lines[k]
        head = current[0]
        if (
            depth == 0
            and len(current) == 2
            and not head.quoted
            and head.text.startswith("(")
            and head.text.endswith(")")
            and current[1].is_("{")
        ):
            body, level, k = [], 1, k + 1
            while k < len(lines):
                inner = lines[k]
                level += _depth_change(inner)
                if level <= 0:
                    break
                body.extend(inner)
                k += 1
            else:
                raise CaddyError("snippet is never closed", head.line, head.column)
            snippets[head.text[1:-1]] = body
            k += 1
            continue
        depth += _depth_change(current)
        kept.extend(current)
        k += 1
    return kept, snippets


def _depth_change(line: list[Token]) -> int:
    change = 0
    if line[-1].is_("{"):
        change += 1
    if line[0].is_("}"):
        change -= 1
    return change


class _Importer:
    def __init__(self, main: str, read, root: str):
        self.read = read
        self.root = root
        self.files = [main] if main else []
        self.problems: list[Problem] = []
        self.count = 0
        self.splices = 0

    def expand(self, tokens, snippets, chain, depth) -> list[Token]:
        out: list[Token] = []
        for current in _lines(tokens):
            head = current[0]
            if not head.is_("import") or len(current) < 2:
                out.extend(current)
                continue
            name, args = current[1].text, [t.text for t in current[2:]]
            before = len(out)
            if depth >= MAX_IMPORT_DEPTH:
                self.problem(head, f"import {name}: nested deeper than {MAX_IMPORT_DEPTH}", "deep")
                continue
            if name in snippets:
                if ("snippet", name) in chain:
                    self.problem(head, f"import {name}: the snippet imports itself", "loop")
                    continue
                self.splices += 1
                body = [_with_args(t, args, self.splices) for t in snippets[name]]
                out.extend(self.expand(body, snippets, chain + (("snippet", name),), depth + 1))
            else:
                out.extend(self.import_files(head, name, snippets, chain, depth))
            # counted at every level it passes through: a bound, reached before a snippet that
            # imports another many times over can blow up
            self.count += len(out) - before
            if self.count > MAX_TOKENS:
                raise CaddyError("imports expand to too many tokens", head.line, head.column)
        return out

    def import_files(self, head: Token, name: str, snippets, chain, depth) -> list[Token]:
        if "\x00" in name:
            self.problem(head, "import: the file name holds a NUL byte", "missing")
            return []
        folder = os.path.dirname(head.file) if head.file else ""
        pattern = os.path.normpath(os.path.join(folder, name))
        if not _inside(os.path.realpath(pattern.split("*")[0] or os.sep), self.root):
            self.problem(head, f"import {name}: {pattern} is outside the scanned folder", "outside")
            return []
        if _GLOB_CHARS.search(name):
            import glob

            targets = sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
        else:
            targets = [pattern]
        out: list[Token] = []
        for target in targets:
            if not _inside(os.path.realpath(target), self.root):
                self.problem(
                    head, f"import {name}: {target} is outside the scanned folder", "outside"
                )
                continue
            if target in chain:
                self.problem(head, f"import {name}: {target} imports itself (a loop)", "loop")
                continue
            text = self.read(target)
            if text is None:
                what = "cannot be read" if os.path.exists(target) else "does not exist"
                self.problem(head, f"import {name}: {target} {what}", "missing")
                continue
            if target not in self.files:
                self.files.append(target)
            try:
                tokens = lex(text, target)
            except CaddyError as exc:
                self.problems.append(Problem(target, exc.line, exc.column, exc.message, "syntax"))
                continue
            _substitute_env(tokens)
            self.splices += 1
            for token in tokens:
                token.origin = self.splices
            tokens, more = _split_snippets(tokens)
            out.extend(self.expand(tokens, {**snippets, **more}, chain + (target,), depth + 1))
        return out

    def problem(self, token: Token, message: str, kind: str) -> None:
        self.problems.append(Problem(token.file, token.line, token.column, message, kind))


def _with_args(token: Token, args: list[str], origin: int) -> Token:
    copy = Token(
        token.text,
        token.file,
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.quoted,
    )
    copy.unknown = token.unknown
    copy.origin = origin
    if "{args" in token.text:

        def arg(m):
            index = int(m.group(1) or m.group(2))
            return args[index] if index < len(args) else ""

        copy.text = _ARGS.sub(arg, token.text)
    return copy


def _inside(path: str, root: str) -> bool:
    return root == os.sep or path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def parse_caddyfile(text: str, file: str = "", read=None, root: str | None = None) -> Caddyfile:
    tokens = lex(text, file)
    _substitute_env(tokens)
    tokens, snippets = _split_snippets(tokens)
    importer = _Importer(file, read or read_included, root or os.path.dirname(file) or os.sep)
    chain = (file,) if file else ()
    tokens = importer.expand(tokens, snippets, chain, 0)
    options, sites = _server_blocks(_lines(tokens))
    return Caddyfile(options, sites, importer.files, importer.problems)


def _server_blocks(lines: list[list[Token]]):
    options: list[Directive] = []
    sites: list[Site] = []
    k = 0
    first = True
    while k < len(lines):
        current = lines[k]
        if current[0].is_("}"):
            raise CaddyError("unexpected `}`", current[0].line, current[0].column)
        if first and len(current) == 1 and current[0].is_("{"):
            options, k = _block(lines, k + 1, current[0])
            first = False
            continue
        addresses = list(current)
        while (
            addresses[-1].text.endswith(",") and not addresses[-1].is_("{") and k + 1 < len(lines)
        ):
            k += 1
            addresses.extend(lines[k])
        opener = addresses[-1] if addresses[-1].is_("{") else None
        if opener is not None:
            addresses.pop()
        addresses = _split_addresses(addresses)
        if not addresses:
            head = current[0]
            raise CaddyError("a block with no site address", head.line, head.column)
        if opener is not None:
            directives, k = _block(lines, k + 1, opener)
            end = lines[k - 1][-1].end_line if k - 1 < len(lines) else addresses[-1].line
            sites.append(Site(addresses, directives, end))
        elif not sites:
            # a single site without braces: the rest of the file is its directives
            directives, k = _block(lines, k + 1, None)
            sites.append(Site(addresses, directives, lines[-1][-1].end_line))
        else:
            head = current[0]
            raise CaddyError("expected `{` after the site address", head.line, head.column)
        first = False
    return options, sites


def _split_addresses(tokens: list[Token]) -> list[Token]:
    out = []
    for token in tokens:
        offset = 0
        for part in token.text.split(","):
            if part:
                column = token.column + offset
                end = column + len(part)
                out.append(
                    Token(part, token.file, token.line, column, token.line, end, token.quoted)
                )
            offset += len(part) + 1
    return out


def _block(lines, k, opener: Token | None, depth: int = 1):
    """Directives from line ``k`` to the ``}`` that closes ``opener`` (to the end when None)."""
    if depth > MAX_DEPTH:
        raise CaddyError(
            f"blocks nested deeper than {MAX_DEPTH} levels; file skipped",
            opener.line,
            opener.column,
        )
    out: list[Directive] = []
    while k < len(lines):
        current = lines[k]
        if current[0].is_("}"):
            if opener is None:
                raise CaddyError("unexpected `}`", current[0].line, current[0].column)
            if len(current) > 1:
                out_tokens = current[1:]
                raise CaddyError(
                    "unexpected text after `}`", out_tokens[0].line, out_tokens[0].column
                )
            return out, k + 1
        if current[-1].is_("{"):
            if len(current) == 1:
                raise CaddyError("a block with no directive", current[0].line, current[0].column)
            directive = Directive(current[:-1])
            directive.block, k = _block(lines, k + 1, current[-1], depth + 1)
            out.append(directive)
            continue
        for token in current[1:]:
            if token.is_("{"):
                raise CaddyError(
                    "unexpected text after `{` on the same line", token.line, token.column
                )
        out.append(Directive(current))
        k += 1
    if opener is not None:
        raise CaddyError("block is never closed", opener.line, opener.column)
    return out, k
