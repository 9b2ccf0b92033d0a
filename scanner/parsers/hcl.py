"""Terraform's HCL into a located tree: every block, attribute and expression keeps its line and
column (1-based, end exclusive).

python-hcl2 is used for its Lark grammar and parser only (``hcl2.parser.parser()``, which builds
a tree with ``propagate_positions``). Its ``load``/``loads`` dicts drop positions (8.x), and its
own transformer is slower than this walk, so the raw Lark tree is turned into the small node
classes below. The grammar's rule names are pinned by the python-hcl2 version in pyproject.toml
and checked by tests/test_hcl_parser.py.
"""

from __future__ import annotations

import re

from . import ParseError

MAX_DEPTH = 120  # nesting of blocks and expressions; real modules stay below 20
TOO_DEEP = "nesting too deep"


class HclError(ParseError):
    """Text that is not HCL, or that breaks a limit."""


class Node:
    __slots__ = ("line", "column", "end_line", "end_column")

    def at(self, meta) -> Node:
        self.line = getattr(meta, "line", 1) or 1
        self.column = getattr(meta, "column", 1) or 1
        self.end_line = getattr(meta, "end_line", self.line) or self.line
        self.end_column = getattr(meta, "end_column", self.column + 1) or self.column + 1
        return self


class Body:
    """The inside of a file or a block: attributes by name (in order) and blocks in order."""

    __slots__ = ("attributes", "blocks", "duplicates")

    def __init__(self):
        self.attributes: dict[str, Attribute] = {}
        self.blocks: list[Block] = []
        self.duplicates: list[Attribute] = []  # terraform rejects a repeated argument

    def blocks_of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


class Attribute(Node):
    __slots__ = ("name", "expr")

    def __init__(self, name: str, expr: Expr):
        self.name = name
        self.expr = expr


class Block(Node):
    __slots__ = ("type", "labels", "body")

    def __init__(self, kind: str, labels: list[str], body: Body):
        self.type = kind
        self.labels = labels
        self.body = body


class Expr(Node):
    __slots__ = ()


class Literal(Expr):
    __slots__ = ("value",)  # str, int, float, bool or None

    def __init__(self, value):
        self.value = value


class Heredoc(Literal):
    """A heredoc without interpolations: its text starts on the line after ``line``, each line
    ``indent`` characters further right (what <<- removed)."""

    __slots__ = ("indent",)

    def __init__(self, value, indent: int = 0):
        super().__init__(value)
        self.indent = indent


class Template(Expr):
    """A string with interpolations: parts are str or Expr. ``directive`` is set when it has
    %{if}/%{for} directives, whose result promguard does not work out."""

    __slots__ = ("parts", "directive", "heredoc")

    # heredoc: None for a quoted string, else the indentation that <<- removed (0 for <<)
    def __init__(self, parts: list, directive: bool = False, heredoc: int | None = None):
        self.parts = parts
        self.directive = directive
        self.heredoc = heredoc


class Tuple(Expr):
    __slots__ = ("items",)

    def __init__(self, items: list[Expr]):
        self.items = items


class Object(Expr):
    __slots__ = ("items",)  # list of (key Expr, value Expr); a bare name key is a Literal

    def __init__(self, items: list):
        self.items = items


class Variable(Expr):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Traversal(Expr):
    """``source`` followed by steps: ("attr", name), ("index", Expr) or ("splat", None)."""

    __slots__ = ("source", "steps")

    def __init__(self, source: Expr, steps: list):
        self.source = source
        self.steps = steps


class Call(Expr):
    __slots__ = ("name", "args", "expand")

    def __init__(self, name: str, args: list[Expr], expand: bool):
        self.name = name
        self.args = args
        self.expand = expand  # f(list...) passes the list's items as arguments


class Conditional(Expr):
    __slots__ = ("cond", "yes", "no")

    def __init__(self, cond, yes, no):
        self.cond, self.yes, self.no = cond, yes, no


class Operation(Expr):
    __slots__ = ("op", "operands")  # one operand for "-" and "!", two otherwise

    def __init__(self, op: str, operands: list[Expr]):
        self.op = op
        self.operands = operands


class For(Expr):
    __slots__ = ("key_var", "value_var", "collection", "key", "value", "cond", "is_object")

    def __init__(self, key_var, value_var, collection, key, value, cond, is_object):
        self.key_var = key_var  # None in `for v in ...`
        self.value_var = value_var
        self.collection = collection
        self.key = key  # the `k =>` part of an object for; None in a tuple for
        self.value = value
        self.cond = cond
        self.is_object = is_object


def parse_hcl(text: str) -> Body:
    """The file's top-level body; HclError for text that terraform would not parse either.

    The hand-written reader (hcl_reader.py) parses what Terraform code is made of several times
    faster than python-hcl2's Lark parser; whatever it does not accept goes to python-hcl2
    (hcl_lark.py), which decides: its tree, or its error."""
    from .hcl_reader import read_hcl

    try:
        return read_hcl(text)
    except HclError as first:
        if first.message == TOO_DEEP:
            raise  # python-hcl2 would build the whole tree before its walk says the same
        too_deep = _too_deep(text)
        if too_deep is not None:
            raise too_deep from None
        from .hcl_lark import parse_with_lark

        try:
            return parse_with_lark(text)
        except HclError as reference:
            # the same spot: the reader's words say more ("heredoc without its closing marker")
            if first.line == reference.line and not first.message.startswith("unexpected"):
                raise first from None
            raise


_LEXEME = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|[\[({]|[\])}]', re.S)


def _too_deep(text: str) -> HclError | None:
    """Brackets nested deeper than MAX_DEPTH, found in one linear pass over the text (strings
    and comments skipped), before python-hcl2 spends seconds and hundreds of MB on them."""
    depth = 0
    for match in _LEXEME.finditer(text):
        char = match.group()
        if char in "[({":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                return HclError(TOO_DEEP, line, column)
        elif char in "])}":
            depth = max(0, depth - 1)
    return None


def end_of_file_error(text: str) -> HclError:
    """Reported at the end of the last line with text: where the missing bracket belongs."""
    content = text.rstrip()
    last_line = content.rsplit("\n", 1)[-1]
    return HclError("unexpected end of file", content.count("\n") + 1, len(last_line) + 1)


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    def one(match):
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16)) if int(code[1:], 16) <= 0x10FFFF else match.group(0)
        return _SIMPLE_ESCAPES.get(code, match.group(0))

    return _ESCAPE.sub(one, text) if "\\" in text else text


HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)[ \t]*\2\r?\n?\Z", re.S)


DIRECTIVE = object()  # marks a template whose %{...} directives were dropped


def heredoc_node(token: str, first_line: int, depth: int) -> Expr:
    """A heredoc token (``<<EOT ... EOT``) as a Heredoc literal or a Template; ``first_line``
    is the line after the opening marker, where the text starts."""
    match = HEREDOC.match(token)
    if match is None:
        return Template([], directive=True, heredoc=0)
    trim, _marker, content = match.groups()
    cut = 0
    if trim:  # <<- removes the smallest indentation of the lines with text
        lines = content.split("\n")
        indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
        cut = min(indents, default=0)
        content = "\n".join(x[cut:] for x in lines)
    return make_template(heredoc_parts(content, first_line, depth), heredoc=cut)


def make_template(parts: list, heredoc: int | None = None) -> Expr:
    directive = DIRECTIVE in parts
    parts = [p for p in parts if p is not DIRECTIVE]
    if not directive and all(isinstance(p, str) for p in parts):
        text = "".join(parts)
        return Literal(text) if heredoc is None else Heredoc(text, heredoc)
    return Template(parts, directive, heredoc)


_INTERPOLATION = re.compile(r"(?<!\$)\$\{|(?<!%)%\{")


def heredoc_parts(content: str, first_line: int, depth: int) -> list:
    """The grammar keeps a heredoc as one token; its ${...} parts are parsed here, each as an
    expression of its own, so that the literal text around them stays usable (Helm values
    written as YAML with one variable inside, say)."""
    parts: list = []
    position = 0
    while True:
        match = _INTERPOLATION.search(content, position)
        if match is None:
            break
        parts.append(content[position : match.start()].replace("$${", "${"))
        end = _closing_brace(content, match.end())
        if end < 0 or match.group(0) == "%{":
            parts.append(DIRECTIVE)
            position = len(content) if end < 0 else end + 1
            continue
        line = first_line + content.count("\n", 0, match.start())
        parts.append(_sub_expression(content[match.end() : end], line, depth))
        position = end + 1
    parts.append(content[position:].replace("$${", "${"))
    return parts


def _closing_brace(text: str, start: int) -> int:
    level, quoted = 1, False
    for i in range(start, min(len(text), start + 4096)):
        char = text[i]
        if char == '"' and text[i - 1] != "\\":
            quoted = not quoted
        elif not quoted and char == "{":
            level += 1
        elif not quoted and char == "}":
            level -= 1
            if level == 0:
                return i
    return -1


def _sub_expression(source: str, line: int, depth: int):
    try:
        body = parse_hcl(f"x = {source}\n")
        expr = body.attributes["x"].expr
    except (HclError, KeyError):
        return DIRECTIVE
    _shift(expr, line - 1, depth)
    return expr


def _shift(node, lines: int, depth: int) -> None:
    """Moves a sub-expression parsed on its own to the heredoc line it came from."""
    if depth > MAX_DEPTH or not isinstance(node, Node):
        return
    node.line += lines
    node.end_line += lines
    for name in node.__slots__:
        value = getattr(node, name, None)
        for item in value if isinstance(value, list) else [value]:
            for part in item if isinstance(item, tuple) else (item,):
                _shift(part, lines, depth + 1)
