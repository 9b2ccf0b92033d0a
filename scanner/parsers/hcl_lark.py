"""python-hcl2's Lark parser as the reference for HCL: used for any file that the fast reader
(hcl_reader.py) does not accept, and by the tests as the oracle the reader is compared with.

python-hcl2 is used for its grammar and parser only (``hcl2.parser.parser()``, which builds a
tree with ``propagate_positions``); its ``load``/``loads`` dicts carry no positions in 8.1, even
with ``with_meta=True`` (tests/test_hcl_parser.py shows it). The grammar's rule names are pinned
by the python-hcl2 version in pyproject.toml and checked by tests/test_hcl_parser.py.
"""

from __future__ import annotations

from .hcl import (
    DIRECTIVE,
    MAX_DEPTH,
    TOO_DEEP,
    Attribute,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    For,
    HclError,
    Literal,
    Object,
    Operation,
    Traversal,
    Tuple,
    Variable,
    end_of_file_error,
    heredoc_node,
    make_template,
    unescape,
)


def parse_with_lark(text: str) -> Body:
    """The file's top-level body by python-hcl2's grammar, or its syntax error."""
    from hcl2.parser import parser
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

    if not text.endswith("\n"):
        text += "\n"  # the grammar needs a newline at the end, like hcl2.parses_to_tree adds
    try:
        tree = parser().parse(text)
    except UnexpectedCharacters as exc:
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        what = repr(char) if len(char) == 1 and not char.isalnum() else "character"
        raise HclError(f"unexpected {what}", exc.line, exc.column) from None
    except UnexpectedEOF:
        raise end_of_file_error(text) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if token is None or getattr(token, "type", "") == "$END":
            raise end_of_file_error(text) from None
        raise HclError(_unexpected(token), max(exc.line, 1), max(exc.column, 1)) from None
    except RecursionError:
        raise HclError(TOO_DEEP) from None
    try:
        return _Walk().body(tree.children[0], 0)
    except RecursionError:
        raise HclError(TOO_DEEP) from None


# by token type: python-hcl2's post-lexer glues a newline and comment before an operator into
# the operator's text
_OPERATORS = {
    "DOUBLE_EQ": "==",
    "NEQ": "!=",
    "LT": "<",
    "GT": ">",
    "LEQ": "<=",
    "GEQ": ">=",
    "PLUS": "+",
    "MINUS": "-",
    "ASTERISK": "*",
    "SLASH": "/",
    "PERCENT": "%",
    "DOUBLE_AMP": "&&",
    "DOUBLE_PIPE": "||",
}


# What a token is, in words: a message never shows the text of a string, a heredoc or a name,
# which may be a secret.
_TOKEN_WORDS = {
    "HEREDOC_TEMPLATE": "heredoc",
    "HEREDOC_TEMPLATE_TRIM": "heredoc",
    "STRING_CHARS": "text",
    "DBLQUOTE": "quote",
    "NAME": "name",
    "INT_LITERAL": "number",
    "FLOAT_LITERAL": "number",
    "NL_OR_COMMENT": "line break",
}


def _unexpected(token) -> str:
    text = str(token).strip()
    word = _TOKEN_WORDS.get(getattr(token, "type", ""))
    if word is None and len(text) <= 3 and not text.isalnum():
        word = repr(text)  # punctuation and operators are safe to show
    return f"unexpected {word or 'token'}" if text else "unexpected end of line"


def _is_tree(item) -> bool:
    return hasattr(item, "data")


class _Walk:
    """Lark tree -> nodes. Tokens are str subclasses; trees have ``data`` and ``children``."""

    def kids(self, tree):
        # the layout tokens carry no meaning once the tree is built
        return [c for c in tree.children if not (_is_tree(c) and c.data == "new_line_or_comment")]

    def body(self, tree, depth) -> Body:
        if depth > MAX_DEPTH:
            raise HclError(TOO_DEEP, tree.meta.line, tree.meta.column)
        body = Body()
        for item in self.kids(tree):
            if not _is_tree(item):
                continue
            if item.data == "attribute":
                attribute = self.attribute(item, depth)
                if attribute.name in body.attributes:
                    body.duplicates.append(attribute)
                else:
                    body.attributes[attribute.name] = attribute
            elif item.data == "block":
                body.blocks.append(self.block(item, depth))
        return body

    def attribute(self, tree, depth) -> Attribute:
        name_tree, _eq, value = self.kids(tree)
        name = self.name(name_tree)
        node = Attribute(name, self.expr(value, depth + 1))
        node.at(name_tree.meta)
        node.end_line, node.end_column = node.expr.end_line, node.expr.end_column
        return node

    def name(self, tree) -> str:
        return str(tree.children[0])

    def block(self, tree, depth) -> Block:
        kids = self.kids(tree)
        brace = next(i for i, k in enumerate(kids) if not _is_tree(k) and k.type == "LBRACE")
        labels = [
            self.string_text(k) if k.data == "string" else self.name(k) for k in kids[1:brace]
        ]
        block = Block(self.name(kids[0]), labels, self.body(kids[brace + 1], depth + 1))
        return block.at(tree.meta)

    def string_text(self, tree) -> str:
        parts = self.string_parts(tree, 0)
        return "".join(p if isinstance(p, str) else "${...}" for p in parts)

    # expressions

    def expr(self, tree, depth) -> Expr:
        if depth > MAX_DEPTH:
            raise HclError(TOO_DEEP, tree.meta.line, tree.meta.column)
        method = getattr(self, "e_" + tree.data, None)
        if method is None:
            raise HclError(f"unsupported expression ({tree.data})", tree.meta.line)
        return method(tree, depth + 1).at(tree.meta)

    def e_expr_term(self, tree, depth):
        inner = [k for k in self.kids(tree) if _is_tree(k)]
        return self.expr(inner[0], depth)  # also the parenthesised form: ( expression )

    def e_int_lit(self, tree, depth):
        return Literal(int(tree.children[0]))

    def e_float_lit(self, tree, depth):
        return Literal(float(tree.children[0]))

    def e_literal_value(self, tree, depth):
        return Literal({"true": True, "false": False, "null": None}[str(tree.children[0])])

    def e_identifier(self, tree, depth):
        return Variable(str(tree.children[0]))

    def e_keyword(self, tree, depth):
        return Variable(str(tree.children[0]))

    def e_string(self, tree, depth):
        return make_template(self.string_parts(tree, depth))

    def string_parts(self, tree, depth) -> list:
        parts: list = []
        directive = False
        for part in tree.children:
            if not _is_tree(part):
                continue  # the quotes
            inner = part.children[0]
            if not _is_tree(inner):
                if inner.type == "STRING_CHARS":
                    parts.append(unescape(str(inner)))
                elif inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    parts.append(str(inner)[1:])  # $${x} is the text ${x}
                else:
                    parts.append(str(inner))
            elif inner.data == "interpolation":
                parts.append(self.expr(self.kids(inner)[1], depth))
            else:
                directive = True
        if directive:
            parts.append(DIRECTIVE)
        return parts

    def e_template_string(self, tree, depth):
        return Literal(unescape(str(tree.children[0])[2:-2]))

    def e_heredoc_template(self, tree, depth):
        return self.heredoc(tree, depth)

    def e_heredoc_template_trim(self, tree, depth):
        return self.heredoc(tree, depth)

    def heredoc(self, tree, depth):
        token = tree.children[0]
        return heredoc_node(str(token), token.line + 1, depth)

    def e_tuple(self, tree, depth):
        return Tuple([self.expr(k, depth) for k in self.kids(tree) if _is_tree(k)])

    def e_object(self, tree, depth):
        items = []
        for elem in self.kids(tree):
            if not _is_tree(elem) or elem.data != "object_elem":
                continue
            key_tree, _sep, value = self.kids(elem)
            key_inner = key_tree.children[0]
            if key_inner.data == "keyword":
                key = Literal(str(key_inner.children[0])).at(key_inner.meta)
            else:
                key = self.expr(key_inner, depth)
                if isinstance(key, Variable):  # `{ name = 1 }`: a bare name is the key itself
                    key = Literal(key.name).at(key_inner.meta)
            items.append((key, self.expr(value, depth)))
        return Object(items)

    def e_function_call(self, tree, depth):
        kids = self.kids(tree)
        names = [self.name(k) for k in kids if _is_tree(k) and k.data == "identifier"]
        args_tree = next((k for k in kids if _is_tree(k) and k.data == "arguments"), None)
        args, expand = [], False
        if args_tree is not None:
            for item in self.kids(args_tree):
                if _is_tree(item):
                    args.append(self.expr(item, depth))
                elif item.type == "ELLIPSIS":
                    expand = True
        return Call("::".join(names), args, expand)

    def _step(self, tree, depth) -> tuple:
        if tree.data == "get_attr":
            target = self.kids(tree)[1]
            return ("attr", str(target.children[0]))
        if tree.data == "short_index":
            return ("index", Literal(int(self.kids(tree)[1])).at(tree.meta))
        inner = [k for k in self.kids(tree) if _is_tree(k)]
        return ("index", self.expr(inner[0], depth))

    def _traverse(self, tree, depth, steps_of):
        source_tree, tail = [k for k in self.kids(tree) if _is_tree(k)]
        source = self.expr(source_tree, depth)
        steps = steps_of(tail)
        if isinstance(source, Traversal):
            return Traversal(source.source, source.steps + steps)
        return Traversal(source, steps)

    def e_get_attr_expr_term(self, tree, depth):
        return self._traverse(tree, depth, lambda tail: [self._step(tail, depth)])

    def e_index_expr_term(self, tree, depth):
        return self._traverse(tree, depth, lambda tail: [self._step(tail, depth)])

    def _splat(self, tail, depth):
        return [("splat", None)] + [self._step(k, depth) for k in self.kids(tail) if _is_tree(k)]

    def e_attr_splat_expr_term(self, tree, depth):
        return self._traverse(tree, depth, lambda tail: self._splat(tail, depth))

    def e_full_splat_expr_term(self, tree, depth):
        return self._traverse(tree, depth, lambda tail: self._splat(tail, depth))

    def e_conditional(self, tree, depth):
        cond, yes, no = [self.expr(k, depth) for k in self.kids(tree) if _is_tree(k)]
        return Conditional(cond, yes, no)

    def e_binary_op(self, tree, depth):
        left_tree, term = [k for k in self.kids(tree) if _is_tree(k)]
        op_tree, right_tree = [k for k in self.kids(term) if _is_tree(k)]
        token = op_tree.children[0]
        op = _OPERATORS.get(token.type) or str(token).strip()
        return Operation(op, [self.expr(left_tree, depth), self.expr(right_tree, depth)])

    def e_unary_op(self, tree, depth):
        op, operand = tree.children[0], tree.children[-1]
        return Operation(str(op), [self.expr(operand, depth)])

    def e_for_tuple_expr(self, tree, depth):
        return self.for_expr(tree, depth, False)

    def e_for_object_expr(self, tree, depth):
        return self.for_expr(tree, depth, True)

    def for_expr(self, tree, depth, is_object):
        kids = [k for k in self.kids(tree) if _is_tree(k)]
        intro, rest = kids[0], kids[1:]
        cond = None
        if rest and rest[-1].data == "for_cond":
            cond = self.expr([k for k in self.kids(rest[-1]) if _is_tree(k)][0], depth)
            rest = rest[:-1]
        intro_kids = [k for k in self.kids(intro) if _is_tree(k)]
        names = [self.name(k) for k in intro_kids if k.data == "identifier"]
        collection = self.expr(intro_kids[-1], depth)
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        exprs = [self.expr(k, depth) for k in rest]
        key = exprs[0] if is_object else None
        return For(key_var, value_var, collection, key, exprs[-1], cond, is_object)
