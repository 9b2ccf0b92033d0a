"""Scanning Terraform: a module is judged as a whole, whatever files were named; a file that does
not parse is a finding and the others are still judged."""

import json


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


RULE = """\
resource "aws_security_group_rule" "prom" {
  type              = "ingress"
  from_port         = 9090
  to_port           = 9090
  protocol          = "tcp"
  cidr_blocks       = var.cidrs
  security_group_id = "sg-1"
}
"""
OPEN = 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n'


def test_a_file_named_alone_is_judged_with_the_rest_of_its_module(scan, tmp_path):
    write(tmp_path, {"main.tf": RULE, "variables.tf": OPEN})
    alone = scan(tmp_path / "main.tf", root=tmp_path)
    whole = scan(tmp_path, root=tmp_path)
    assert [(f.path, f.line, f.rule_id) for f in alone.findings] == [("main.tf", 6, "TF01")]
    assert [(f.path, f.line) for f in whole.findings] == [("main.tf", 6)]
    assert whole.findings[0].related == [("variables.tf", 2, 3, "the default of variable `cidrs`")]


def test_a_file_that_does_not_parse_is_reported_and_the_module_still_judged(scan, tmp_path):
    write(tmp_path, {"main.tf": RULE, "variables.tf": OPEN, "broken.tf": "locals {\n  a = \n}\n"})
    result = scan(tmp_path, root=tmp_path)
    found = sorted((f.path, f.line, f.rule_id) for f in result.findings)
    assert found == [("broken.tf", 2, "PG001"), ("main.tf", 6, "TF01")]
    assert result.parse_errors == 1


def test_a_child_module_is_judged_with_its_callers_inputs_in_any_file_order(scan, tmp_path):
    write(
        tmp_path,
        {
            "a/mod/main.tf": 'variable "cidrs" {}\n' + RULE,
            "z/main.tf": 'module "sg" {\n  source = "../a/mod"\n  cidrs = ["::/0"]\n}\n',
        },
    )
    result = scan(tmp_path, root=tmp_path)
    (finding,) = result.findings
    assert (finding.path, finding.line) == ("a/mod/main.tf", 7)
    assert "::/0" in finding.message
    assert finding.related == [("z/main.tf", 3, 3, "input `cidrs` of module `sg`")]


def test_modules_outside_the_scanned_folder_are_not_read(scan, tmp_path):
    write(
        tmp_path,
        {
            "modules/sg/main.tf": 'variable "cidrs" {}\n' + RULE,
            "envs/prod/main.tf": 'module "sg" {\n  source = "../../modules/sg"\n'
            '  cidrs = ["0.0.0.0/0"]\n}\n',
        },
    )
    alone = scan(tmp_path / "envs" / "prod", root=tmp_path)
    assert [(f.path, f.line, f.rule_id) for f in alone.findings] == [
        ("envs/prod/main.tf", 2, "TF10")  # not read, and said so
    ]
    whole = scan(tmp_path, root=tmp_path)
    assert [f.rule_id for f in whole.findings] == ["TF01"]


def test_read_outside_follows_modules_outside_the_scanned_folder(cli, tmp_path):
    write(
        tmp_path,
        {
            "modules/sg/main.tf": 'variable "cidrs" {}\n' + RULE,
            "envs/prod/main.tf": 'module "sg" {\n  source = "../../modules/sg"\n'
            '  cidrs = ["0.0.0.0/0"]\n}\n',
        },
    )
    run = cli("scan", "envs/prod", "--read-outside", "--format", "json", cwd=tmp_path)
    rules = [f["rule_id"] for f in json.loads(run.stdout)["findings"]]
    assert rules == ["TF01"]


def test_max_file_size_is_configurable(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text("scrape_configs: []\n" + "#" * 3000 + "\n")
    small = cli("scan", ".", "--max-file-size", "2k", "--format", "json", cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(small.stdout)["findings"]] == ["PG004"]
    assert cli("scan", ".", "--max-file-size", "1M", cwd=tmp_path).returncode == 0
    bad = cli("scan", ".", "--max-file-size", "lots", cwd=tmp_path)
    assert bad.returncode == 2 and "not a size in bytes" in bad.stderr


def test_json_output_carries_related_locations_and_masks_secrets(cli, tmp_path):
    write(tmp_path, {"main.tf": 'variable "db_password" {\n  default = "hunter2-secret"\n}\n'})
    run = cli("scan", "--format", "json", ".", cwd=tmp_path)
    assert "hunter2-secret" not in run.stdout + run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert {f["rule_id"] for f in findings} == {"TF08"}


def test_tfvars_files_are_scanned_for_syntax(scan, tmp_path):
    write(tmp_path, {"main.tf": OPEN, "terraform.tfvars": "cidrs = [\n"})
    result = scan(tmp_path, root=tmp_path)
    assert [(f.path, f.rule_id) for f in result.findings] == [("terraform.tfvars", "PG001")]


def test_an_argument_set_twice_is_reported(scan, tmp_path):
    write(tmp_path, {"main.tf": 'resource "a" "b" {\n  x = 1\n  x = 2\n}\n'})
    result = scan(tmp_path, root=tmp_path)
    assert [(f.line, f.column, f.rule_id) for f in result.findings] == [(3, 3, "PG002")]


def test_module_calls_that_fan_out_at_every_level_are_bounded(scan, tmp_path):
    # each module calls the next one twice: 2^24 module instances if every call were followed;
    # the scan stops at its module budget and still reports the group the first path reaches
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text(
        'module "a" {\n  source = "../m0"\n  port = 9090\n}\n'
    )
    depth = 24
    for i in range(depth):
        folder = tmp_path / f"m{i}"
        folder.mkdir()
        body = 'variable "port" {}\n'
        if i < depth - 1:
            for name in ("a", "b"):
                body += f'module "{name}" {{\n  source = "../m{i + 1}"\n  port = var.port\n}}\n'
        else:
            body += (
                'resource "aws_security_group" "sg" {\n  ingress {\n    from_port = var.port\n'
                '    to_port = var.port\n    protocol = "tcp"\n'
                '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
            )
        (folder / "main.tf").write_text(body)
    result = scan(tmp_path, root=str(tmp_path))
    assert result.errors == []
    assert [f.rule_id for f in result.findings] == ["TF01"]
