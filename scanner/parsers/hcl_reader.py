"""A fast reader for the HCL that Terraform code is written in, into the nodes of hcl.py.

python-hcl2's Lark parser spends about 2.5 microseconds on every byte; a scan of a few hundred
modules then costs more than everything else promguard does. This reader is a recursive-descent
parser over regular expressions, several times faster, and deliberately strict: whatever it does
not accept (newlines where HCL does not allow them, rare template forms, or a real syntax error)
is handed to python-hcl2 (hcl_lark.py), which decides. Both build the same nodes with the same
positions; tests/test_hcl_parser.py compares them on every form the reader accepts.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .hcl import (
    DIRECTIVE,
    MAX_DEPTH,
    TOO_DEEP,
    Attribute,
    Block,
    Body,
    Call,
    Conditional,
    For,
    HclError,
    Literal,
    Object,
    Operation,
    Traversal,
    Tuple,
    Variable,
    heredoc_node,
    make_template,
    unescape,
)

# Where newlines do not count, a comment can only end the line: python-hcl2's grammar takes a
# /* */ comment as a newline, and this reader accepts no more than that grammar does.
_SPACE = re.compile(r"(?:[ \t\r]+|#[^\n]*|//[^\n]*)*")
_SPACE_NL = re.compile(r"(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)
_BLANKS = re.compile(r"[ \t\r]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
# Literal text of a quoted string, with the grammar's escapes: $${...} and %%{...} are text.
_CHUNK = re.compile(
    r'(?:\$\$\{[^}"\n{$%\\]*\}|%%\{[^}"\n{$%\\]*\}|[^"\\$%\n]+|\\.|\$(?!\$?\{)|%(?!%?\{))+'
)
_OPERATOR = re.compile(r"\|\||&&|==|!=|<=|>=|<(?!<)|>|\+|-|\*|/|%")
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_FOR = re.compile(r"for[ \t\r\n]+[A-Za-z_][A-Za-z0-9_-]*[ \t\r\n]*(,[ \t\r]*[A-Za-z_]|in[ \t\r\n])")
_IN = re.compile(r"in(?![A-Za-z0-9_-])")
_HEREDOC_START = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_DIRECTIVE_WORD = re.compile(r"~?[ \t\r]*(if|else|endif|for|endfor)\b")
_LITERAL_NAMES = {"true": True, "false": False, "null": None}
# Words the grammar reserves inside expressions (object keys and attribute names excepted).
_KEYWORDS = frozenset(("if", "in", "for", "else", "endif", "endfor"))


def read_hcl(text: str) -> Body:
    """The top-level body of ``text``; HclError where this reader stops (not necessarily a
    syntax error: see the module docstring)."""
    if not text.endswith("\n"):
        text += "\n"
    reader = _Reader(text)
    body, _ = reader.body(0, 0, closing=False)
    return body


class _Reader:
    __slots__ = ("text", "starts")

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    # positions

    def place(self, node, start: int, end: int):
        starts = self.starts
        line = bisect_right(starts, start)
        node.line, node.column = line, start - starts[line - 1] + 1
        end_line = bisect_right(starts, end)
        node.end_line, node.end_column = end_line, end - starts[end_line - 1] + 1
        return node

    def fail(self, message: str, offset: int):
        line = bisect_right(self.starts, offset)
        raise HclError(message, line, offset - self.starts[line - 1] + 1)

    def unexpected(self, offset: int):
        char = self.text[offset : offset + 1]
        if not char:
            self.fail("unexpected end of file", offset)
        # punctuation helps and holds no secret; a letter or digit would start quoting the file
        self.fail(f"unexpected {char!r}" if not char.isalnum() else "unexpected character", offset)

    def expect(self, char: str, offset: int) -> int:
        if not self.text.startswith(char, offset):
            self.unexpected(offset)
        return offset + len(char)

    # bodies

    def body(self, pos: int, depth: int, closing: bool) -> tuple[Body, int]:
        if depth > MAX_DEPTH:
            self.fail(TOO_DEEP, pos)
        text = self.text
        body = Body()
        while True:
            pos = _SPACE_NL.match(text, pos).end()
            if pos >= len(text):
                if closing:
                    self.fail("unexpected end of file", pos)
                return body, pos
            if text[pos] == "}" and closing:
                return body, pos
            name = _NAME.match(text, pos)
            if name is None:
                self.unexpected(pos)
            start = pos
            pos = _SPACE.match(text, name.end()).end()
            if text.startswith("=", pos) and not text.startswith(("==", "=>"), pos):
                expr, pos = self.expression(pos + 1, depth + 1, False)
                attribute = Attribute(name.group(), expr)
                self.place(attribute, start, pos)
                if attribute.name in body.attributes:
                    body.duplicates.append(attribute)
                else:
                    body.attributes[attribute.name] = attribute
            else:
                block, pos = self.block(name.group(), start, pos, depth)
                body.blocks.append(block)
            pos = self.end_of_item(pos, closing)

    def block(self, kind: str, start: int, pos: int, depth: int) -> tuple[Block, int]:
        text = self.text
        labels = []
        while not text.startswith("{", pos):
            if text.startswith('"', pos):
                label, pos = self.quoted(pos, depth)
                if not isinstance(label, Literal):
                    self.fail("a block label cannot hold an interpolation", label.line)
                labels.append(label.value)
            else:
                name = _NAME.match(text, pos)
                if name is None:
                    self.unexpected(pos)
                labels.append(name.group())
                pos = name.end()
            pos = _SPACE.match(text, pos).end()
        inner, pos = self.body(pos + 1, depth + 1, closing=True)
        block = Block(kind, labels, inner)
        self.place(block, start, pos + 1)
        return block, pos + 1

    def end_of_item(self, pos: int, closing: bool) -> int:
        """After an attribute or a block: a newline, the end of the file, or the `}` of a
        one-line block."""
        text = self.text
        if text[pos - 1] == "\n":
            return pos  # a heredoc ends with its newline
        pos = _SPACE.match(text, pos).end()
        if pos >= len(text) or text[pos] == "\n" or (closing and text[pos] == "}"):
            return pos
        self.unexpected(pos)
        return pos

    # expressions

    def skip(self, pos: int, newlines: bool) -> int:
        return (_SPACE_NL if newlines else _SPACE).match(self.text, pos).end()

    def expression(self, pos: int, depth: int, newlines: bool):
        if depth > MAX_DEPTH:
            self.fail(TOO_DEEP, pos)
        start = self.skip(pos, newlines)
        cond, end = self.binary(start, 0, depth, newlines)
        after = self.skip(end, newlines)
        if not self.text.startswith("?", after):
            return cond, end
        yes, end = self.expression(after + 1, depth + 1, newlines)
        after = self.expect(":", self.skip(end, newlines))
        no, end = self.expression(after, depth + 1, newlines)
        return self.place(Conditional(cond, yes, no), start, end), end

    def binary(self, start: int, floor: int, depth: int, newlines: bool):
        left, end = self.unary(start, depth, newlines)
        while True:
            after = self.skip(end, newlines)
            match = _OPERATOR.match(self.text, after)
            if match is None:
                return left, end
            op = match.group()
            precedence = _PRECEDENCE[op]
            if precedence <= floor:
                return left, end
            right_start = self.skip(match.end(), True)
            right, end = self.binary(right_start, precedence, depth + 1, newlines)
            left = self.place(Operation(op, [left, right]), start, end)

    def unary(self, start: int, depth: int, newlines: bool):
        char = self.text[start : start + 1]
        if char in ("-", "!"):
            operand_start = self.skip(start + 1, False)
            operand, end = self.term(operand_start, depth + 1)
            return self.place(Operation(char, [operand]), start, end), end
        return self.term(start, depth)

    def term(self, start: int, depth: int):
        if depth > MAX_DEPTH:
            self.fail(TOO_DEEP, start)
        text = self.text
        char = text[start : start + 1]
        if char == '"':
            node, end = self.quoted(start, depth)
        elif char == "[":
            node, end = self.bracketed(start, depth)
        elif char == "{":
            node, end = self.braced(start, depth)
        elif char == "(":
            node, end = self.expression(start + 1, depth + 1, True)
            end = self.expect(")", self.skip(end, True))
            self.place(node, start, end)  # the parentheses belong to the node, as in Lark
        elif char == "<" and text.startswith("<<", start):
            node, end = self.heredoc(start, depth)
        elif char.isdigit():
            number = _NUMBER.match(text, start)
            end = number.end()
            value = number.group()
            literal = Literal(float(value) if number.group(1) or number.group(2) else int(value))
            node = self.place(literal, start, end)
        else:
            name = _NAME.match(text, start)
            if name is None:
                self.unexpected(start)
            word, end = name.group(), name.end()
            if word in _KEYWORDS:
                self.unexpected(start)
            if word in _LITERAL_NAMES:
                node = self.place(Literal(_LITERAL_NAMES[word]), start, end)
            elif text.startswith(("(", "::"), end):
                node, end = self.call(word, start, end, depth)
            else:
                node = self.place(Variable(word), start, end)
        return self.postfix(node, start, end, depth)

    def postfix(self, node, start: int, end: int, depth: int):
        text = self.text
        steps = []
        while True:
            if text.startswith(".", end):
                if text.startswith(".*", end):
                    steps.append(("splat", None))
                    end += 2
                    continue
                if text.startswith("...", end):
                    break
                after = end + 1
                if text[after : after + 1].isdigit():
                    digits = _DIGITS.match(text, after)
                    index = self.place(Literal(int(digits.group())), end, digits.end())
                    steps.append(("index", index))
                    end = digits.end()
                    continue
                name = _NAME.match(text, after)
                if name is None:
                    self.unexpected(after)
                steps.append(("attr", name.group()))
                end = name.end()
            elif text.startswith("[*]", end):
                steps.append(("splat", None))
                end += 3
            elif text.startswith("[", end):
                index, after = self.expression(end + 1, depth + 1, True)
                end = self.expect("]", self.skip(after, True))
                steps.append(("index", index))
            else:
                break
        if not steps:
            return node, end
        if isinstance(node, Traversal):
            node = Traversal(node.source, node.steps + steps)
        else:
            node = Traversal(node, steps)
        return self.place(node, start, end), end

    def call(self, name: str, start: int, pos: int, depth: int):
        text = self.text
        if text.startswith("::", pos):  # provider::namespace::function, exactly
            for _ in range(2):
                part = _NAME.match(text, pos + 2) if text.startswith("::", pos) else None
                if part is None:
                    self.unexpected(pos)
                name += "::" + part.group()
                pos = part.end()
        pos = self.skip(self.expect("(", pos), True)
        args, expand = [], False
        while not text.startswith(")", pos):
            arg, pos = self.expression(pos, depth + 1, True)
            args.append(arg)
            blank = _BLANKS.match(text, pos).end()  # the grammar has no newline before ...
            if text.startswith("...", blank):
                expand = True
                pos = self.skip(blank + 3, True)
                break
            pos = self.skip(pos, True)
            if not text.startswith(",", pos):
                break
            pos = self.skip(pos + 1, True)
        end = self.expect(")", pos)
        return self.place(Call(name, args, expand), start, end), end

    def bracketed(self, start: int, depth: int):
        text = self.text
        pos = self.skip(start + 1, True)
        if _FOR.match(text, pos):
            return self.for_expr(start, pos, depth, False)
        items = []
        while not text.startswith("]", pos):
            item, pos = self.expression(pos, depth + 1, True)
            items.append(item)
            pos = self.skip(pos, True)
            if not text.startswith(",", pos):
                break
            pos = self.skip(pos + 1, True)
        end = self.expect("]", pos)
        return self.place(Tuple(items), start, end), end

    def braced(self, start: int, depth: int):
        text = self.text
        pos = self.skip(start + 1, True)
        if _FOR.match(text, pos):
            return self.for_expr(start, pos, depth, True)
        items = []
        while not text.startswith("}", pos):
            key, pos = self.expression(pos, depth + 1, False)
            if isinstance(key, Variable):  # `{ name = 1 }`: a bare name is the key itself
                name = key
                key = Literal(name.name)
                key.line, key.column = name.line, name.column
                key.end_line, key.end_column = name.end_line, name.end_column
            pos = self.skip(pos, False)
            if text.startswith(("==", "=>"), pos) or not text.startswith(("=", ":"), pos):
                self.unexpected(pos)
            value, pos = self.expression(pos + 1, depth + 1, False)
            items.append((key, value))
            pos = self.skip(pos, False)
            if text.startswith(",", pos):
                pos += 1
            elif not text.startswith(("\n", "}"), pos):
                self.unexpected(pos)
            pos = self.skip(pos, True)
        end = pos + 1
        return self.place(Object(items), start, end), end

    def for_expr(self, start: int, pos: int, depth: int, is_object: bool):
        text = self.text
        pos = self.skip(pos + 3, True)
        names = []
        while True:
            name = _NAME.match(text, pos)
            if name is None:
                self.unexpected(pos)
            names.append(name.group())
            pos = self.skip(name.end(), True)
            if names[1:] or not text.startswith(",", pos):
                break
            pos = _BLANKS.match(text, pos + 1).end()  # the grammar has no newline here
        if not _IN.match(text, pos):
            self.unexpected(pos)
        collection, pos = self.expression(pos + 2, depth + 1, True)
        pos = self.expect(":", self.skip(pos, True))
        key = None
        if is_object:
            key, pos = self.expression(pos, depth + 1, True)
            pos = self.expect("=>", self.skip(pos, False))
        value, pos = self.expression(pos, depth + 1, True)
        pos = self.skip(pos, True)
        if is_object and text.startswith("...", pos):
            pos = self.skip(pos + 3, True)
        cond = None
        if text.startswith("if", pos) and not _NAME.match(text, pos + 2):
            cond, pos = self.expression(pos + 2, depth + 1, True)
            pos = self.skip(pos, True)
        end = self.expect("}" if is_object else "]", pos)
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        node = For(key_var, value_var, collection, key, value, cond, is_object)
        return self.place(node, start, end), end

    def quoted(self, start: int, depth: int):
        text = self.text
        pos = start + 1
        parts: list = []
        while True:
            chunk = _CHUNK.match(text, pos)
            if chunk is not None:
                piece = chunk.group()
                if "$${" in piece or "%%{" in piece:
                    piece = piece.replace("$${", "\x00").replace("%%{", "\x01")
                    piece = unescape(piece).replace("\x00", "${").replace("\x01", "%{")
                else:
                    piece = unescape(piece)
                parts.append(piece)
                pos = chunk.end()
            if text.startswith('"', pos):
                pos += 1
                break
            if text.startswith("${", pos):
                # no newline inside ${ }, outside brackets: the grammar has none there either
                inner = _BLANKS.match(text, pos + 2 + text.startswith("~", pos + 2)).end()
                expr, inner = self.expression(inner, depth + 1, False)
                pos = self.close_template(inner)
                parts.append(expr)
            elif text.startswith("%{", pos):
                pos = self.directive(pos, depth)
                parts.append(DIRECTIVE)
            else:
                self.fail("unterminated string", start)
        return self.place(make_template(parts), start, pos), pos

    def close_template(self, pos: int) -> int:
        pos = _BLANKS.match(self.text, pos).end()
        pos += self.text.startswith("~", pos)
        return self.expect("}", pos)

    def directive(self, start: int, depth: int) -> int:
        """A %{if ...}, %{else}, %{endif}, %{for ... in ...} or %{endfor}: checked, dropped."""
        text = self.text
        word = _DIRECTIVE_WORD.match(text, start + 2)
        if word is None:
            self.unexpected(start + 2)
        pos = word.end()
        keyword = word.group(1)
        if keyword == "if":
            _, pos = self.expression(pos, depth + 1, False)
        elif keyword == "for":
            pos = _BLANKS.match(text, pos).end()
            names = 0
            while names < 2:
                name = _NAME.match(text, pos)
                if name is None:
                    self.unexpected(pos)
                names += 1
                pos = _BLANKS.match(text, name.end()).end()
                if not text.startswith(",", pos):
                    break
                pos = _BLANKS.match(text, pos + 1).end()
            if not _IN.match(text, pos):
                self.unexpected(pos)
            _, pos = self.expression(pos + 2, depth + 1, False)
        return self.close_template(pos)

    def heredoc(self, start: int, depth: int):
        text = self.text
        opener = _HEREDOC_START.match(text, start)
        if opener is None:
            self.unexpected(start)
        marker = re.escape(opener.group(2))
        closing = re.compile(r"^[ \t]*" + marker + r"\r?\n", re.M).search(text, opener.end())
        if closing is None:
            self.fail("heredoc without its closing marker", start)
        end = closing.end()
        first_line = bisect_right(self.starts, start) + 1
        node = heredoc_node(text[start:end], first_line, depth)
        return self.place(node, start, end), end
