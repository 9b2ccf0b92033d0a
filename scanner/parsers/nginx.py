"""nginx configuration into a located tree: every directive and argument keeps its file, line and
column (1-based, end column exclusive, columns count characters).

The tokenizer follows ``ngx_conf_read_token`` in nginx's src/core/ngx_conf_file.c:

* only space, tab, CR and LF separate words; ``;`` and ``{`` end an unquoted word, ``}`` and ``#``
  are part of a word unless they start it;
* a word that starts with ``"`` or ``'`` is quoted up to the same quote (``;``, ``{``, ``}``,
  ``#`` and newlines are text inside); the closing quote must be followed by a blank, ``;``,
  ``{`` or ``)``;
* a backslash keeps the next character in the word (``\\;`` does not end it); when the word is
  stored, ``\\"``, ``\\'`` and ``\\\\`` lose the backslash and ``\\t``, ``\\r``, ``\\n`` become
  control characters, any other backslash stays;
* ``$`` followed by ``{`` keeps the brace in the word (``${var}``);
* ``#`` at the start of a word comments out the rest of the line.

``ngx_conf_parse`` then checks the structure: a ``}`` with no open block, a block left open at the
end of a file, a ``{`` inside ``map``/``geo``/``types``/``split_clients``/``charset_map`` (their
lines are handled by a custom handler that rejects blocks), and, for the directives whose shape
is known, a block directive without ``{`` or a simple directive followed by ``{`` (nginx: "is not
terminated by ;", the usual sign of a missing ``;``). OpenResty ``*_by_lua_block { ... }`` bodies
are read as Lua (strings, comments and long brackets) and kept as one opaque argument.

``include`` is followed like nginx does (relative names from the configuration prefix, globs in
byte order, a glob that matches nothing is not an error), but never outside the scan root, and
with problems (missing file, loop, depth) recorded instead of stopping the parse. ``nginx -T``
dumps (``# configuration file /path:`` sections) are read as one configuration.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right

from . import ParseError, read_included

MAX_DEPTH = 64  # nested blocks
MAX_DIRECTIVES = 100_000  # in the whole configuration, includes counted
MAX_INCLUDE_DEPTH = 16

# Directives that always take a block (when written as directives, not as map/types entries).
BLOCK_DIRECTIVES = frozenset(
    (
        "http",
        "events",
        "location",
        "if",
        "upstream",
        "map",
        "geo",
        "types",
        "stream",
        "mail",
        "limit_except",
        "split_clients",
        "match",
        "charset_map",
    )
)
# Blocks whose lines are read by a custom handler (ngx_conf_parse's cf->handler): entries are
# "key value" pairs, not directives, and a nested "{" is an error.
HANDLER_BLOCKS = frozenset(("map", "geo", "types", "split_clients", "charset_map"))
# Common directives that never take a block: "name ... {" is nginx's "directive is not
# terminated by ;" (a missing semicolon). Only well-known names: third-party modules add blocks.
SIMPLE_DIRECTIVES = frozenset(
    """
    listen server_name root alias index return rewrite proxy_pass fastcgi_pass uwsgi_pass
    grpc_pass scgi_pass proxy_set_header add_header add_trailer allow deny auth_basic
    auth_basic_user_file auth_request auth_request_set satisfy ssl_certificate
    ssl_certificate_key ssl_protocols ssl_ciphers ssl_prefer_server_ciphers server_tokens
    error_page access_log error_log try_files include set expires default_type sendfile
    keepalive_timeout client_max_body_size proxy_read_timeout proxy_redirect proxy_http_version
    proxy_buffering limit_req limit_req_zone limit_conn limit_conn_zone user worker_processes
    worker_connections pid resolver gzip charset stub_status ssl http2 proxy_ssl_verify
    proxy_ssl_server_name log_format autoindex proxy_hide_header proxy_pass_header
    proxy_connect_timeout proxy_send_timeout fastcgi_param uwsgi_param internal break
    ssl_session_cache ssl_session_timeout ssl_dhparam ssl_stapling add_header_inherit
    """.split()
)
# Names whose block structure depends on where they are: "server" is a block in http, stream and
# mail, a simple directive in upstream.
_SERVER_BLOCK_PARENTS = frozenset(("http", "stream", "mail"))

_BLANKS = " \t\r\n"
_SKIP = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"#[^\n]*")
# The rest of an unquoted word (ngx_conf_read_token's word state): anything but a blank, ";" or
# "{", where a backslash keeps the next character and "$" keeps the braces after it.
# (Unrolled loops: linear time even when the closing quote is missing.)
_WORD_REST = re.compile(r"[^ \t\r\n;{\\$]*(?:(?:\\[\s\S]|\$\{*)[^ \t\r\n;{\\$]*)*")
_DQ = re.compile(r'"([^"\\]*(?:\\[\s\S][^"\\]*)*)"')
_SQ = re.compile(r"'([^'\\]*(?:\\[\s\S][^'\\]*)*)'")
_UNESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "r": "\r", "n": "\n"}
_GLOB_CHARS = re.compile(r"[*?\[]")
_DUMP_HEADER = re.compile(r"^# configuration file (.+):[ \t\r]*$", re.M)
# Absolute prefixes nginx packages use; an include under one of them is looked for under the
# scanned configuration's own prefix (the folder mounted there) when it is not in the scan root.
_KNOWN_PREFIXES = (
    "/etc/nginx/",
    "/usr/local/nginx/conf/",
    "/usr/local/etc/nginx/",
    "/usr/local/openresty/nginx/conf/",
    "/opt/nginx/conf/",
)


def _unescape_match(m) -> str:
    ch = m.group(1)
    return _ESCAPES.get(ch, "\\" + ch)


def unescape(raw: str) -> str:
    """A word as nginx stores it (ngx_conf_read_token's copy loop)."""
    if "\\" not in raw:
        return raw
    return _UNESCAPE.sub(_unescape_match, raw)


class NginxError(ParseError):
    """A syntax error, or a limit broken; carries the 1-based line and column."""


class _Budget(NginxError):
    """A limit of the whole configuration: stops the parse even inside an included file."""


class Problem:
    """An include that could not be followed; ``kind`` is one of missing-include, include-loop,
    include-outside, too-deep, unreadable, syntax."""

    __slots__ = ("file", "line", "column", "message", "kind", "include")

    def __init__(
        self, file: str, line: int, column: int, message: str, kind: str, include: str = ""
    ):
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.kind = kind
        self.include = include  # what the include directive names, as written

    def __repr__(self):
        return f"Problem({self.kind} {self.file}:{self.line}:{self.column} {self.message!r})"


class Directive:
    __slots__ = (
        "name",
        "args",
        "arg_spans",
        "line",
        "column",
        "end_line",
        "end_column",
        "block",
        "file",
        "path",
        "parent",
    )

    def __init__(self, name, args, arg_spans, line, column, file, parent):
        self.name = name
        self.args = args  # unquoted and unescaped, variables left as text
        self.arg_spans = arg_spans  # (line, column, end_line, end_column) of each argument
        self.line = line  # start of the name
        self.column = column
        self.end_line = line  # the ";" or the closing "}", end exclusive
        self.end_column = column
        self.block = None  # list of Directive for "name ... { }", None for simple directives
        self.file = file  # absolute path of the file it is written in
        self.path = ""
        self.parent = parent  # the enclosing block Directive, None at the top

    def find(self, name: str) -> list[Directive]:
        """The directives named ``name`` directly in this block."""
        return [d for d in self.block or () if d.name == name]

    def walk(self):
        """This directive and every directive below it, in file order."""
        stack = [self]
        while stack:
            d = stack.pop()
            yield d
            if d.block:
                stack.extend(reversed(d.block))

    def __repr__(self):
        block = " {}" if self.block is not None else ""
        return f"Directive({self.name} {' '.join(self.args)!r}{block}@{self.line}:{self.column})"


class NginxConfig:
    __slots__ = ("directives", "files", "problems")

    def __init__(self, directives, files, problems):
        self.directives: list[Directive] = directives
        self.files: list[str] = files
        self.problems: list[Problem] = problems

    def walk(self):
        """Every directive, includes expanded, in file order."""
        for top in self.directives:
            yield from top.walk()

    def __repr__(self):
        return f"NginxConfig({len(self.directives)} directives, {len(self.files)} files)"


class _Source:
    """A text (or a section of a dump) and a map from offsets to 1-based lines and columns."""

    __slots__ = ("text", "start", "end", "file", "starts")

    def __init__(self, text: str, file: str, start: int = 0, end: int | None = None, starts=None):
        self.text = text
        self.start = start
        self.end = len(text) if end is None else end
        self.file = file
        if starts is None:
            starts = [0]
            find = text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
        self.starts = starts

    def place(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


# Token statuses (ngx_conf_read_token's return values).
_OK = 0  # ";"
_BLOCK_START = 1  # "{"
_BLOCK_DONE = 2  # "}"
_FILE_DONE = 3


class _Lexer:
    __slots__ = ("src", "pos")

    def __init__(self, src: _Source):
        self.src = src
        self.pos = src.start

    def error(self, message: str, offset: int):
        line, column = self.src.place(offset)
        raise NginxError(message, line, column)

    def read(self):
        """One statement: (status, words, spans, offset of the terminator). ``words`` are
        (unescaped text, start offset, end offset)."""
        text = self.src.text
        end = self.src.end
        pos = self.pos
        words: list = []
        while True:
            if pos >= end:
                self.pos = pos
                if words:
                    self.error(
                        'unexpected end of file, expecting ";" or "}" after this directive',
                        words[0][1],
                    )
                return _FILE_DONE, words, pos
            ch = text[pos]
            if ch in _BLANKS:
                m = _SKIP.match(text, pos, end)
                pos = m.end()
                continue
            if ch == ";" or ch == "{":
                if not words:
                    self.error(f'unexpected "{ch}"', pos)
                self.pos = pos + 1
                return (_OK if ch == ";" else _BLOCK_START), words, pos
            if ch == "}":
                if words:
                    self.error('unexpected "}": the directive before it has no ";"', pos)
                self.pos = pos + 1
                return _BLOCK_DONE, words, pos
            if ch == "#":
                pos = _COMMENT.match(text, pos, end).end()
                continue
            if ch == '"' or ch == "'":
                m = (_DQ if ch == '"' else _SQ).match(text, pos, end)
                if m is None:
                    self.error("unexpected end of file: the quoted string is not closed", pos)
                words.append((unescape(m.group(1)), pos, m.end()))
                pos = m.end()
                if pos >= end:
                    continue  # reported as an unterminated directive above
                nxt = text[pos]
                if nxt in _BLANKS or nxt == ";" or nxt == "{":
                    continue
                if nxt != ")":
                    self.error(f'unexpected "{nxt}" after the quoted string', pos)
                # nginx lets ")" follow a quote (if ("$a" = "b")): it starts a new word
                start = pos
                pos = _WORD_REST.match(text, pos + 1, end).end()
            else:
                start = pos
                if ch == "\\":
                    if pos + 1 >= end:
                        self.error("unexpected end of file after a backslash", pos)
                    pos += 2
                elif ch == "$":
                    pos += 1
                    while pos < end and text[pos] == "{":
                        pos += 1
                else:
                    pos += 1
                pos = _WORD_REST.match(text, pos, end).end()
            if pos < end and text[pos] == "\\":  # a backslash as the last character
                self.error("unexpected end of file after a backslash", pos)
            words.append((unescape(text[start:pos]), start, pos))

    def lua_block(self, name_offset: int) -> tuple[str, int, int]:
        """The body of ``*_by_lua_block {`` up to its closing brace, read as Lua (OpenResty's
        ngx_http_lua_conf_read_lua_token). Returns (code, start offset, offset of "}")."""
        text = self.src.text
        end = self.src.end
        start = pos = self.pos
        depth = 1
        while pos < end:
            ch = text[pos]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.pos = pos + 1
                    return text[start:pos], start, pos
            elif ch == "-" and text.startswith("--", pos):
                m = _LUA_LONG.match(text, pos + 2, end)
                if m:
                    close = text.find("]" + m.group(1) + "]", m.end(), end)
                    if close < 0:
                        self.error("unexpected end of file in a Lua comment", pos)
                    pos = close + len(m.group(1)) + 2
                    continue
                nl = text.find("\n", pos, end)
                pos = end if nl < 0 else nl
                continue
            elif ch == "[":
                m = _LUA_LONG.match(text, pos, end)
                if m:
                    close = text.find("]" + m.group(1) + "]", m.end(), end)
                    if close < 0:
                        self.error("unexpected end of file in a Lua long string", pos)
                    pos = close + len(m.group(1)) + 2
                    continue
            elif ch == '"' or ch == "'":
                i = pos + 1
                while i < end and text[i] != ch:
                    i += 2 if text[i] == "\\" else 1
                if i >= end:
                    self.error("unexpected end of file in a Lua string", pos)
                pos = i + 1
                continue
            pos += 1
        self.error('unexpected end of file, expecting "}" to close the Lua block', name_offset)
        raise AssertionError  # pragma: no cover


_LUA_LONG = re.compile(r"\[(=*)\[")


def _conf_prefix(path: str) -> str:
    """nginx's configuration prefix for ``path``: the nearest enclosing folder named nginx (a
    copy of /etc/nginx in a repository), else the folder of the file (nginx -c sets the prefix
    to the folder of the main file)."""
    folder = os.path.dirname(path)
    probe = folder
    while True:
        if os.path.basename(probe).lower() == "nginx":
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _glob_match(pattern: str, name: str) -> bool:
    """POSIX glob() matching of whole paths: wildcards do not cross "/"."""
    from fnmatch import fnmatchcase

    parts = pattern.split("/")
    names = name.split("/")
    return len(parts) == len(names) and all(
        fnmatchcase(n, p) and not (n.startswith(".") and not p.startswith("."))
        for p, n in zip(parts, names, strict=True)
    )


# Directives of an upstream block that are also known outside it.
_UPSTREAM_TOO = frozenset(("server", "include", "resolver", "keepalive_timeout"))


def _check_top_servers(top: list[Directive]) -> None:
    """A file's top level may be the inside of an upstream block (``server 10.0.0.1:9090;``
    lines), so ``server`` without a block is accepted there, unless the same level holds
    directives an upstream cannot: then it is nginx's 'directive "server" has no opening "{"'."""
    simple = [d for d in top if d.name == "server" and d.block is None]
    if simple and any(
        d.block is not None or (d.name in SIMPLE_DIRECTIVES and d.name not in _UPSTREAM_TOO)
        for d in top
    ):
        d = simple[0]
        raise NginxError('directive "server" has no opening "{"', d.line, d.column)


class _Parser:
    def __init__(self, main: str, read, root: str, prefix: str, sections):
        self.main = main
        self.read_file = read or read_included
        self.root = root
        self.prefix = prefix
        self.sections = sections  # nginx -T: name -> _Source; None when reading from disk
        self.count = 0
        self.files: list[str] = [main]
        self.problems: list[Problem] = []
        self.cache: dict[str, str | None] = {}

    # -- structure (ngx_conf_parse) --------------------------------------------------------

    def parse_source(self, src: _Source, chain: tuple, parent, depth: int) -> list[Directive]:
        lexer = _Lexer(src)
        out: list[Directive] = []
        self.parse_block(lexer, out, parent, depth, chain, None)
        if parent is None:
            _check_top_servers(out)
        return out

    def parse_block(self, lexer, out, parent, depth, chain, opener):
        src = lexer.src
        # inside map/geo/types (and files included there) lines are entries, not directives
        in_handler = parent is not None and parent.name in HANDLER_BLOCKS
        while True:
            status, words, at = lexer.read()
            if status == _FILE_DONE:
                if opener is not None:
                    line, column = opener
                    raise NginxError(
                        f'unexpected end of file, expecting "}}": the block opened on line {line} '
                        "is not closed",
                        line,
                        column,
                    )
                return
            if status == _BLOCK_DONE:
                if opener is None:
                    lexer.error('unexpected "}"', at)
                parent.end_line, column = src.place(at)
                parent.end_column = column + 1
                return
            self.count += 1
            if self.count > MAX_DIRECTIVES:
                line, column = src.place(words[0][1])
                raise _Budget(
                    f"more than {MAX_DIRECTIVES:,} directives; file skipped", line, column
                )
            name = words[0][0]
            line, column = src.place(words[0][1])
            spans = []
            for _, s, e in words[1:]:
                spans.append(src.place(s) + src.place(e))
            d = Directive(name, [w[0] for w in words[1:]], spans, line, column, src.file, parent)
            if status == _BLOCK_START:
                if in_handler:
                    lexer.error('unexpected "{": blocks are not allowed here', at)
                if name.endswith("_by_lua_block"):
                    code, s, e = lexer.lua_block(words[0][1])
                    d.args.append(code)
                    d.arg_spans.append(src.place(s) + src.place(e))
                    d.end_line, end_column = src.place(e)
                    d.end_column = end_column + 1
                    out.append(d)
                    continue
                if not in_handler and self._simple(name, parent):
                    raise NginxError(f'directive "{name}" is not terminated by ";"', line, column)
                if depth + 1 > MAX_DEPTH:
                    raise NginxError(
                        f"blocks nested deeper than {MAX_DEPTH} levels; file skipped", line, column
                    )
                d.block = []
                out.append(d)
                self.parse_block(lexer, d.block, d, depth + 1, chain, (line, column))
                continue
            d.end_line, end_column = src.place(at)
            d.end_column = end_column + 1
            if not in_handler and self._needs_block(name, parent):
                raise NginxError(f'directive "{name}" has no opening "{{"', line, column)
            out.append(d)
            if name == "include" and len(d.args) == 1:
                self.include(d, out, parent, depth, chain)

    @staticmethod
    def _simple(name: str, parent) -> bool:
        if name == "server":
            return parent is not None and parent.name == "upstream"
        return name in SIMPLE_DIRECTIVES

    @staticmethod
    def _needs_block(name: str, parent) -> bool:
        if name == "server":
            return parent is not None and parent.name in _SERVER_BLOCK_PARENTS
        return name in BLOCK_DIRECTIVES or name.endswith("_by_lua_block")

    # -- include ---------------------------------------------------------------------------

    def problem(self, d: Directive, message: str, kind: str):
        self.problems.append(Problem(d.file, d.line, d.column, message, kind, d.args[0]))

    def include(self, d: Directive, out, parent, depth, chain):
        name = d.args[0]
        if len(chain) > MAX_INCLUDE_DEPTH:
            self.problem(
                d,
                f"include {name}: includes nested deeper than "
                f"{MAX_INCLUDE_DEPTH} levels; not followed",
                "too-deep",
            )
            return
        if self.sections is not None:
            targets = self._dump_targets(d, name)
        else:
            targets = self._disk_targets(d, name)
        for target in targets:
            if target in chain:
                self.problem(
                    d,
                    f"include {name}: {target} includes itself (an include loop); not followed",
                    "include-loop",
                )
                continue
            if self.sections is not None:
                src = self.sections[target]
            else:
                text = self.cache.get(target, False)
                if text is False:
                    text = self.read_file(target)
                    self.cache[target] = text
                    if text is not None:
                        self.files.append(target)
                if text is None:
                    kind = "unreadable" if os.path.exists(target) else "missing-include"
                    what = "cannot be read" if kind == "unreadable" else "does not exist"
                    self.problem(d, f"include {name}: {target} {what}", kind)
                    continue
                src = _Source(text, target)
            try:
                out.extend(self.parse_source(src, chain + (target,), parent, depth))
            except _Budget:
                raise
            except NginxError as exc:
                self.problems.append(Problem(src.file, exc.line, exc.column, exc.message, "syntax"))

    def _dump_targets(self, d: Directive, name: str) -> list[str]:
        base = os.path.normpath(name if name.startswith("/") else os.path.join(self.prefix, name))
        if _GLOB_CHARS.search(base):
            # nginx: a glob that matches nothing is not an error
            return sorted(n for n in self.sections if _glob_match(base, n))
        if base in self.sections:
            return [base]
        self.problem(
            d, f"include {name}: no section for {base} in the nginx -T dump", "missing-include"
        )
        return []

    def _disk_targets(self, d: Directive, name: str) -> list[str]:
        """The files ``include name`` reads, in nginx's order; records include-outside."""
        is_glob = _GLOB_CHARS.search(name) is not None
        if os.path.isabs(name):
            candidates = [os.path.normpath(name)]
            for known in _KNOWN_PREFIXES:
                if name.startswith(known):
                    rebased = os.path.join(self.prefix, name[len(known) :])
                    candidates.append(os.path.normpath(rebased))
                    break
        else:
            candidates = [os.path.normpath(os.path.join(self.prefix, name))]
            here = os.path.normpath(os.path.join(os.path.dirname(d.file), name))
            if here != candidates[0]:
                candidates.append(here)
        for candidate in candidates:
            if is_glob:
                folder = os.path.dirname(candidate[: _GLOB_CHARS.search(candidate).start()])
                if not _inside(os.path.realpath(folder), self.root):
                    continue
                import glob as _glob

                matches = sorted(p for p in _glob.glob(candidate) if os.path.isfile(p))
                if not matches:
                    continue
                kept = []
                for path in matches:
                    if _inside(os.path.realpath(path), self.root):
                        kept.append(path)
                    else:
                        self.problem(
                            d,
                            f"include {name}: {path} is outside the scanned folder; not read",
                            "include-outside",
                        )
                return kept
            if not _inside(os.path.realpath(candidate), self.root):
                continue
            if self._available(candidate):
                return [candidate]
        primary = candidates[0]
        if is_glob:
            primary = os.path.dirname(primary[: _GLOB_CHARS.search(primary).start()])
        if not _inside(os.path.realpath(primary), self.root):
            self.problem(
                d,
                f"include {name}: {candidates[0]} is outside the scanned folder; not read",
                "include-outside",
            )
            return []
        if is_glob:
            return []  # nginx: a glob that matches nothing is not an error
        return [candidates[0]]  # reported as missing or unreadable when read

    def _available(self, path: str) -> bool:
        if self.read_file is read_included:
            return os.path.isfile(path)
        text = self.cache.get(path, False)  # a custom reader may know files the disk does not
        if text is False:
            text = self.read_file(path)
            self.cache[path] = text
            if text is not None:
                self.files.append(path)
        return text is not None


def _split_dump(text: str):
    """``nginx -T`` output: [(name, start offset, end offset)] of its sections, or None when the
    text is not a dump (anything but blank lines and "nginx: ..." lines before the first
    section header)."""
    headers = list(_DUMP_HEADER.finditer(text))
    if not headers:
        return None
    for line in text[: headers[0].start()].splitlines():
        if line.strip() and not line.startswith("nginx:"):
            return None
    sections = []
    for i, m in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        sections.append((m.group(1).strip(), m.end(), end))
    return sections


def _assign_paths(directives: list[Directive], parent_path: str) -> None:
    seen: dict[str, int] = {}
    for d in directives:
        if d.block is None:
            key = d.name
        else:
            key = _block_key(d, seen)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if d.block is not None and n:
            key = f"{key}[{n}]"
        d.path = f"{parent_path}.{key}" if parent_path else key
        if d.block:
            _assign_paths(d.block, d.path)


def _block_key(d: Directive, seen: dict) -> str:
    """A server by its first server_name (else its index among the nameless servers), any other
    block by its arguments (location /api/, upstream prometheus, if ($x))."""
    if d.name == "server" and d.block is not None:
        for child in d.block:
            if child.name == "server_name" and child.args:
                if child.args[0] not in ("", "_"):
                    return f"server[{child.args[0]}]"
                break
        index = seen.get("\0server", 0)
        seen["\0server"] = index + 1
        return f"server[{index}]"
    if d.args:
        return f"{d.name}[{' '.join(d.args)}]"
    return d.name


def parse_nginx(
    text: str, path: str, read=None, root: str | None = None, prefix: str | None = None
) -> NginxConfig:
    """Parse ``text`` (the file at ``path``); raises NginxError for a syntax error in it.

    ``read(abspath) -> str | None`` reads included files (default: from disk, same size limit
    as the engine). Includes are resolved from ``prefix`` (default: the nearest folder named
    nginx above ``path``, else its folder), then from the including file's folder; absolute
    names under /etc/nginx/ (and other package prefixes) are also looked for under the prefix.
    Nothing outside ``root`` (default: the prefix) is read."""
    path = os.path.abspath(path)
    if prefix is None:
        prefix = _conf_prefix(path)
    prefix = os.path.abspath(prefix)
    root = os.path.realpath(root if root is not None else prefix)
    sections = _split_dump(text)
    if sections is not None:
        starts = _Source(text, path).starts
        by_name: dict[str, _Source] = {}
        for name, start, end in sections:
            by_name.setdefault(os.path.normpath(name), _Source(text, path, start, end, starts))
        first = os.path.normpath(sections[0][0])
        dump_prefix = _conf_prefix(first) if first.startswith("/") else os.path.dirname(first)
        parser = _Parser(path, read, root, dump_prefix, by_name)
        directives = parser.parse_source(by_name[first], (first,), None, 0)
    else:
        parser = _Parser(path, read, root, prefix, None)
        directives = parser.parse_source(_Source(text, path), (path,), None, 0)
    _assign_paths(directives, "")
    return NginxConfig(directives, parser.files, parser.problems)
