"""Evaluation of Terraform modules: what the code makes known, with where it came from, and
UNKNOWN for everything else."""

import os

import pytest

from promguard.models.terraform import (
    MAX_VALUE_NODES,
    UNKNOWN,
    Loader,
    Scope,
    TfFile,
    evaluate,
    walk_modules,
)
from promguard.parsers.hcl import parse_hcl


def load(tmp_path, files, folder="."):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def parse(abspath):
        return TfFile(os.path.relpath(abspath, tmp_path), abspath, parse_hcl(open(abspath).read()))

    def listdir(path):
        return [n for n in os.listdir(path) if os.path.isfile(os.path.join(path, n))]

    loader = Loader(parse, listdir, lambda path: str(path).startswith(str(tmp_path)))
    return loader.module(os.path.normpath(str(tmp_path / folder)))


def value(module, source):
    file = module.files[0]
    expr = parse_hcl(f"x = {source}\n").attributes["x"].expr
    return evaluate(expr, Scope(module, file))


@pytest.fixture
def module(tmp_path):
    return load(
        tmp_path,
        {
            "main.tf": """
variable "env" { default = "prod" }
variable "ports" { default = [9090, 9093] }
variable "unset" {}
locals {
  name    = "prom-${var.env}"
  cidrs   = concat(var.unset, ["0.0.0.0/0"])
  by_name = { for p in var.ports : "p${p}" => p }
  loop    = local.loop
}
resource "aws_lb_target_group" "prom" {
  port = local.by_name["p9090"]
}
""",
        },
    )


@pytest.mark.parametrize(
    "source,expected",
    [
        ("local.name", "prom-prod"),
        ('format("%s-%d", var.env, 3)', "prod-3"),
        ('lookup({a = 1}, "b", 2)', 2),
        ("merge({a = 1}, {a = 2, b = 3})", {"a": 2, "b": 3}),
        ('join(",", [for p in var.ports : tostring(p)])', "9090,9093"),
        ("toset([1, 1, 2])", [1, 2]),
        ("tolist(var.ports)", [9090, 9093]),
        ("flatten([[1], [2, [3]]])", [1, 2, 3]),
        ("aws_lb_target_group.prom.port", 9090),
        ('var.env == "prod" ? 1 : 2', 1),
        ("length(var.ports) + 1", 3),
        ("false && var.unset", False),
        ('upper(split("-", local.name)[1])', "PROD"),
        ("local.by_name", {"p9090": 9090, "p9093": 9093}),
    ],
)
def test_known_values(module, source, expected):
    assert value(module, source).plain() == expected


@pytest.mark.parametrize(
    "source",
    [
        "var.unset",
        "data.aws_vpc.main.cidr_block",
        "aws_lb_target_group.prom.arn",  # computed by the provider
        'cidrsubnet("10.0.0.0/8", 8, 1)',  # a function promguard does not evaluate
        "var.unset ? 1 : 2",
        "local.loop",  # refers to itself
        "merge(var.unset, {a = 1})",  # an unknown map could set any key
        '"${var.unset}-x"',
    ],
)
def test_what_the_code_does_not_say_stays_unknown(module, source):
    assert value(module, source).value is UNKNOWN


def test_a_partly_known_list_keeps_its_known_elements_and_their_origin(module):
    cidrs = value(module, "local.cidrs")
    texts = [item.text() for item in cidrs.value]
    assert texts == [None, "0.0.0.0/0"]
    known = cidrs.value[1]
    assert [hop.text for hop in known.via] == ["local `cidrs`"]
    assert (known.path, known.line) == ("main.tf", 7)


def test_a_computed_attribute_still_names_its_resource(module):
    arn = value(module, "aws_lb_target_group.prom.arn")
    assert arn.ref is not None and arn.ref.address == "aws_lb_target_group.prom"


def test_variables_come_from_tfvars_then_auto_tfvars_then_the_default(tmp_path):
    module = load(
        tmp_path,
        {
            "main.tf": 'variable "a" { default = 1 }\nvariable "b" { default = 1 }\n'
            'variable "c" { default = 1 }\n',
            "terraform.tfvars": "a = 2\nb = 2\n",
            "z.auto.tfvars": "b = 3\n",
        },
    )
    a, b, c = (value(module, f"var.{n}") for n in "abc")
    assert (a.value, b.value, c.value) == (2, 3, 1)
    assert [h.text for h in b.via] == ["`b` in z.auto.tfvars"]
    assert [(h.text, h.path, h.line) for h in c.via] == [
        ("the default of variable `c`", "main.tf", 3)
    ]


def test_a_local_module_gets_its_callers_inputs_and_gives_its_outputs(tmp_path):
    root = load(
        tmp_path,
        {
            "main.tf": 'module "sg" {\n  source = "./mod"\n  cidrs = ["0.0.0.0/0"]\n}\n',
            "mod/main.tf": 'variable "cidrs" { default = [] }\n'
            'output "first" { value = var.cidrs[0] }\n',
            "mod/terraform.tfvars": 'cidrs = ["10.0.0.0/8"]\n',  # a child's tfvars are ignored
        },
    )
    first = value(root, "module.sg.first")
    assert first.value == "0.0.0.0/0"
    assert [h.text for h in first.via] == [
        "output `first` of module `sg`",
        "input `cidrs` of module `sg`",
    ]
    assert [m.folder for m in walk_modules(root)] == [str(tmp_path), str(tmp_path / "mod")]


def test_modules_that_call_themselves_or_leave_the_tree_are_not_followed(tmp_path):
    root = load(
        tmp_path / "inner",
        {
            "main.tf": 'module "me" { source = "./" }\nmodule "up" { source = "../" }\n',
        },
    )
    (tmp_path / "main.tf").write_text('variable "x" { default = 1 }\n')
    assert root.child("me") is None
    assert len(list(walk_modules(root))) == 1


def test_count_and_for_each_expand_resources(tmp_path):
    module = load(
        tmp_path,
        {
            "main.tf": """
resource "a" "counted" {
  count = 2
  n     = count.index
}
resource "a" "each" {
  for_each = { x = 1, y = 2 }
  n        = "${each.key}=${each.value}"
}
resource "a" "unknown" {
  for_each = var.unset
  n        = each.value
}
variable "unset" {}
""",
        },
    )
    counted, each, unknown = module.resources
    assert [i.get("n").value for i in counted.instances()] == [0, 1]
    assert [i.get("n").value for i in each.instances()] == ["x=1", "y=2"]
    assert [i.get("n").value for i in unknown.instances()] == [UNKNOWN]


def test_dynamic_blocks_are_expanded_with_their_iterator(tmp_path):
    module = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_security_group" "sg" {
  ingress { from_port = 1 }
  dynamic "ingress" {
    for_each = [9090, 9093]
    iterator = port
    content { from_port = port.value }
  }
}
""",
        },
    )
    (instance,) = module.resources[0].instances()
    blocks = instance.blocks("ingress")
    assert [b.get("from_port").value for b in blocks] == [1, 9090, 9093]
    assert blocks[2].address == "aws_security_group.sg.ingress[2]"


def test_values_that_double_at_every_step_stay_bounded(tmp_path):
    lists = [f"  l{i} = [local.l{i + 1}, local.l{i + 1}]" for i in range(40)]
    strings = [f'  s{i} = "${{local.s{i + 1}}}${{local.s{i + 1}}}"' for i in range(40)]
    steps = "\n".join(lists + strings)
    module = load(tmp_path, {"main.tf": f'locals {{\n{steps}\n  l40 = [1]\n  s40 = "ab"\n}}\n'})
    assert value(module, "local.l0").size <= MAX_VALUE_NODES  # the big parts became unknown
    assert value(module, "local.s0").value is UNKNOWN
    assert value(module, "local.l38").plain() == [[[1], [1]], [[1], [1]]]  # small ones are known
    assert value(module, "local.s37").value == "ab" * 8
