"""The HCL parser: the located tree that the Terraform rules report from. These tests pin what
promguard relies on from python-hcl2's grammar (rule names, positions) in the pinned release."""

import re

import pytest

from promguard.parsers.hcl import (
    Call,
    Conditional,
    For,
    HclError,
    Heredoc,
    Literal,
    Object,
    Operation,
    Template,
    Traversal,
    Tuple,
    Variable,
    parse_hcl,
)

SOURCE = """\
variable "cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

resource "aws_security_group" "prom" {
  name = "prometheus-${var.env}"

  ingress {
    from_port   = 9090
    cidr_blocks = concat(var.cidrs, ["10.0.0.0/8"])
  }

  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port = ingress.value.port
    }
  }
}
"""


def test_blocks_and_attributes_keep_their_lines_and_columns():
    body = parse_hcl(SOURCE)
    variable, resource = body.blocks
    assert (variable.type, variable.labels, variable.line, variable.column) == (
        "variable",
        ["cidrs"],
        1,
        1,
    )
    default = variable.body.attributes["default"]
    assert (default.line, default.column) == (3, 3)
    assert (default.expr.line, default.expr.column) == (3, 13)
    assert resource.labels == ["aws_security_group", "prom"]
    assert (resource.line, resource.end_line) == (6, 20)
    ingress, dynamic = resource.body.blocks
    assert (ingress.type, ingress.line) == ("ingress", 9)
    cidrs = ingress.body.attributes["cidr_blocks"]
    assert (cidrs.line, cidrs.column, cidrs.end_line) == (11, 5, 11)
    assert (dynamic.type, dynamic.labels) == ("dynamic", ["ingress"])
    content = dynamic.body.blocks_of("content")[0]
    assert content.body.attributes["from_port"].line == 17


def test_expression_nodes_and_the_positions_of_list_elements():
    body = parse_hcl(SOURCE)
    default = body.blocks[0].body.attributes["default"].expr
    assert isinstance(default, Tuple)
    (element,) = default.items
    assert isinstance(element, Literal) and element.value == "0.0.0.0/0"
    assert (element.line, element.column) == (3, 14)
    ingress = body.blocks[1].body.blocks[0]
    call = ingress.body.attributes["cidr_blocks"].expr
    assert isinstance(call, Call) and call.name == "concat"
    reference, literal_list = call.args
    assert isinstance(reference, Traversal)
    assert isinstance(reference.source, Variable) and reference.source.name == "var"
    assert reference.steps == [("attr", "cidrs")]
    assert isinstance(literal_list, Tuple)
    name = body.blocks[1].body.attributes["name"].expr
    assert isinstance(name, Template)
    assert name.parts[0] == "prometheus-"
    assert isinstance(name.parts[1], Traversal)


@pytest.mark.parametrize(
    "source,kind",
    [
        ("x = a ? b : c", Conditional),
        ("x = 1 + 2", Operation),
        ("x = -1", Operation),
        ("x = !true", Operation),
        ('x = [for s in var.l : upper(s) if s != ""]', For),
        ("x = {for k, v in var.m : k => v}", For),
        ('x = { a = 1, "b" = 2 }', Object),
        ("x = aws_instance.web[0].id", Traversal),
        ("x = aws_instance.web.*.id", Traversal),
        ("x = aws_instance.web[*].id", Traversal),
        ("x = (1)", Literal),
        ("x = null", Literal),
        ("x = 1.5", Literal),
    ],
)
def test_every_expression_form_becomes_a_node(source, kind):
    assert isinstance(parse_hcl(source).attributes["x"].expr, kind)


def test_strings_are_unescaped_and_escaped_interpolations_stay_text():
    body = parse_hcl('a = "tab\\there \\"q\\" \\u00e9"\nb = "$${not.expanded}"\n')
    assert body.attributes["a"].expr.value == 'tab\there "q" é'
    assert body.attributes["b"].expr.value == "${not.expanded}"


def test_heredocs_keep_their_text_and_their_interpolations_their_lines():
    source = "x = <<-EOT\n    a: b\n    c: ${var.c}\n  EOT\ny = <<EOT\nplain\nEOT\n"
    body = parse_hcl(source)
    x = body.attributes["x"].expr
    assert isinstance(x, Template) and x.heredoc == 4
    assert x.parts[0] == "a: b\nc: "  # <<- removes the smallest indentation
    assert isinstance(x.parts[1], Traversal) and x.parts[1].line == 3
    y = body.attributes["y"].expr
    assert isinstance(y, Heredoc) and y.value == "plain\n"


def test_keywords_as_names_and_object_keys():
    body = parse_hcl("x = { for = 1, in = 2 }\nin { a = 1 }\n")
    keys = [k.value for k, _ in body.attributes["x"].expr.items]
    assert keys == ["for", "in"]
    assert body.blocks[0].type == "in"


def test_crlf_line_endings_keep_the_lines():
    body = parse_hcl('a = 1\r\n\r\nresource "x" "y" {\r\n  b = 2\r\n}\r\n')
    block = body.blocks[0]
    assert block.line == 3 and block.body.attributes["b"].line == 4


def test_a_repeated_argument_is_kept_as_a_duplicate():
    body = parse_hcl("a = 1\na = 2\n")
    assert body.attributes["a"].expr.value == 1
    assert [d.line for d in body.duplicates] == [2]


@pytest.mark.parametrize(
    "source,line",
    [
        ('resource "x" "y" {\n  a = \n}\n', 2),
        ("a = [1, 2\n\n\n", 1),  # at the end of the last line with text
        ('x = "unterminated\n', 1),
        ("a = 1 }\n", 1),
    ],
)
def test_syntax_errors_carry_their_line(source, line):
    with pytest.raises(HclError) as caught:
        parse_hcl(source)
    assert caught.value.line == line
    assert caught.value.message


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(HclError, match="nesting too deep"):
        parse_hcl("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(HclError, match="nesting too deep"):
        parse_hcl("a {\n" * 400 + "}\n" * 400)


# The fast reader and python-hcl2's grammar must build the same tree. Lark's end positions run
# on over trailing newlines after an operator, so start positions and values are compared.


def _dump(node):
    from promguard.parsers.hcl import Body, Node

    if isinstance(node, Body):
        return (
            [(k, _dump(v)) for k, v in node.attributes.items()],
            [_dump(b) for b in node.blocks],
            [_dump(d) for d in node.duplicates],
        )
    if isinstance(node, list):
        merged = []
        for item in node:  # Lark keeps a string's chunks apart: "a" "$${b}" "c"
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            else:
                merged.append(_dump(item))
        return merged
    if isinstance(node, tuple):
        return tuple(_dump(x) for x in node)
    unary = isinstance(node, Operation) and node.op == "-" and len(node.operands) == 1
    negated = node.operands[0] if unary else None
    if isinstance(negated, Literal) and type(negated.value) in (int, float):
        # Lark reads -14 as one number and -1 as minus one; both are the same value
        negative = Literal(-negated.value)
        negative.line, negative.column = node.line, node.column
        return _dump(negative)
    if isinstance(node, Node):
        names = {s for cls in type(node).__mro__ for s in getattr(cls, "__slots__", ())}
        return (
            type(node).__name__,
            sorted((s, _dump(getattr(node, s))) for s in names if not s.startswith("end_")),
        )
    return node


def _samples():
    import glob
    import os

    here = os.path.dirname(__file__)
    yield pytest.param(SOURCE, id="source")
    for path in sorted(
        glob.glob(os.path.join(here, "fixtures", "TF*", "**", "*.tf*"), recursive=True)
    ):
        with open(path, encoding="utf-8") as fh:
            yield pytest.param(fh.read(), id=os.path.relpath(path, here))
    yield pytest.param(
        'a = [for k, v in var.m : "${k}=${v}" if v != null]\n'
        "b = {for k, v in var.m : upper(k) => v...}\n"
        "c = var.a == 1 && !var.b || (var.c > 2 ? 1.5e3 : -4) * 2 % 3\n"
        "d = provider::terraform::encode_tfvars({ x = 1 })\n"
        "e = f(var.list...)\n"
        "f = aws_instance.web.*.tags.Name\n"
        "g = aws_instance.web[*].id\n"
        "h = var.list.0\n"
        'i = "%{ if var.x }yes%{ else }no%{ endif }"\n'
        'j = "$${literal} %%{literal} \\u00e9 \\\\"\n'
        'k = {\n  a = 1,\n  "b" : [\n    1,\n    2,\n  ]\n  (var.k) = 3\n}\n'
        "l = <<EOT\nline ${var.x}\nEOT\n"
        "m = [\n  <<-EOT\n    in a list\n  EOT\n  , 1\n]\n"
        'block "a" b { one = 1 }\n'
        "empty {}\n",
        id="forms",
    )


@pytest.mark.parametrize("source", list(_samples()))
def test_the_fast_reader_and_python_hcl2_build_the_same_tree(source):
    from promguard.parsers.hcl_lark import parse_with_lark
    from promguard.parsers.hcl_reader import read_hcl

    assert _dump(read_hcl(source)) == _dump(parse_with_lark(source))


def test_what_the_reader_does_not_take_python_hcl2_decides():
    from promguard.parsers.hcl_reader import read_hcl

    continued = "a = var.x\n  ? 1\n  : 2\n"  # a newline before `?`: python-hcl2 takes it
    with pytest.raises(HclError):
        read_hcl(continued)
    assert isinstance(parse_hcl(continued).attributes["a"].expr, Conditional)


# Property-based: any text either parses or raises HclError; whatever the fast reader accepts,
# python-hcl2 accepts with the same tree; the Terraform rules never crash on what parses.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FRAGMENTS = st.sampled_from(
    [
        "resource",
        '"aws_security_group"',
        '"x"',
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "=",
        ":",
        ",",
        ".",
        "...",
        "?",
        "=>",
        "\n",
        " ",
        "var",
        "local",
        "for",
        "in",
        "if",
        "1",
        "-2",
        "0.5",
        '"0.0.0.0/0"',
        '"${var.x}"',
        '"%{ if a }b%{ endif }"',
        "<<EOT\na\nEOT\n",
        "<<-EOT\n  ${x}\n  EOT\n",
        "#c\n",
        "//c\n",
        "/* c */",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&&",
        "||",
        "!",
        "==",
        "!=",
        "<",
        ">=",
        "[*]",
        ".*",
        "true",
        "null",
        "concat",
        "\\",
        '"',
        "ingress",
        "dynamic",
        "content",
        "count",
        "each.value",
        "\t",
        "\r\n",
        "$${x}",
        "é",
    ]
)


_FOR_HEADER_NEWLINE = re.compile(r"[\[{]\s*for\b[^:\]}]*\n")


def _check_text(text):
    from promguard.parsers.hcl_lark import parse_with_lark
    from promguard.parsers.hcl_reader import read_hcl

    try:
        fast = read_hcl(text)
    except HclError:
        fast = None
    try:
        body = parse_hcl(text)
    except HclError as exc:
        assert fast is None and exc.line >= 1 and exc.column >= 1
        return None
    if fast is not None:
        try:
            reference = parse_with_lark(text)
        except HclError as exc:
            if _FOR_HEADER_NEWLINE.search(text):
                # HCL reads a for expression with its newlines ignored (hclsyntax's
                # finishParsingForExpr), as the reader does; python-hcl2's grammar rejects a
                # newline before its `in` or `:`
                return body
            # python-hcl2 lexes `x-1` as x followed by the number -1 and stops at the number
            # (errors name the token type, never the text); terraform, and the reader, read a
            # subtraction
            assert exc.message == "unexpected number" and re.search(r"-\d", text), exc.message
            return body
        if _dump(fast) != _dump(reference) and re.search(r"-\d", text):
            # the same lexing: python-hcl2 glues the minus to the number, so it reads `-2.0.5`
            # as (-2.0).5 where HCL reads -(2.0.5), and `-21-2` as -21 minus 2. With a blank
            # after each such minus it reads what the reader reads; the blanks move columns,
            # so only the values are compared.
            spaced = parse_with_lark(re.sub(r"-(?=\d)", "- ", text))
            assert _values(_dump(fast)) == _values(_dump(spaced))
            return body
        assert _dump(fast) == _dump(reference)
    return body


def _values(dumped):
    """A dumped tree without its positions."""
    if isinstance(dumped, (list, tuple)):
        kept = [
            _values(x)
            for x in dumped
            if not (isinstance(x, tuple) and len(x) == 2 and x[0] in ("line", "column"))
        ]
        return type(dumped)(kept)
    return dumped


_TERRAFORM_RULES = []


def _judge(body):
    from promguard.document import Document
    from promguard.models.terraform import Loader, TfFile
    from promguard.registry import load_rules

    if not _TERRAFORM_RULES:
        _TERRAFORM_RULES.extend(r for r in load_rules() if "terraform" in r.kinds)
    file = TfFile("main.tf", "/nowhere/main.tf", body)
    loader = Loader(lambda path: file, lambda folder: ["main.tf"], lambda folder: True)
    module = loader.module("/nowhere")
    doc = Document("main.tf", "/nowhere", "terraform", "", [module])
    for rule in _TERRAFORM_RULES:
        list(rule.check(doc))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=60).map("".join))
def test_random_hcl_parses_the_same_way_or_raises_hcl_error(text):
    body = _check_text(text)
    if body is not None:
        _judge(body)


_SEEDS = [SOURCE] + [p.values[0] for p in list(_samples())[-1:]]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_terraform_parses_the_same_way_or_raises_hcl_error(data):
    text = data.draw(st.sampled_from(_SEEDS))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 5))
        text = text[:at] + data.draw(_FRAGMENTS) + text[at + cut :]
    body = _check_text(text)
    if body is not None:
        _judge(body)


def test_python_hcl2_dicts_carry_no_positions_in_the_pinned_release():
    # Why hcl_lark.py walks the Lark tree: in python-hcl2 8.1, loads(..., with_meta=True)
    # promises __start_line__/__end_line__ but emits neither (7.x did).
    import hcl2
    from hcl2.utils import SerializationOptions

    loaded = hcl2.loads(
        'resource "a" "b" {\n  x = 1\n}\n',
        serialization_options=SerializationOptions(with_meta=True),
    )
    assert "__start_line__" not in repr(loaded)
    assert loaded["resource"][0]['"a"']['"b"']["x"] == 1
