"""Controls: every rule of promguard names the baseline controls it evidences (and, where they
apply, CIS Docker Benchmark v1.6 items and OWASP Docker Security Cheat Sheet rules); the registry
refuses IDs it does not know; JSON findings, SARIF rules and the rule pages carry them."""

import json

import pytest
from jsonschema import Draft4Validator
from test_plugins import PLUGIN, install_plugin
from test_sarif import SCHEMA

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    privileged: true
    ports:
      - "127.0.0.1:9090:9090"
  node:
    image: prom/node-exporter:v1.9.1
    # promguard: ignore[DC03] the lab needs it
    privileged: true
"""

FRAMEWORKS = ("promguard", "cis-docker", "owasp-docker")
ATTRIBUTES = ("controls", "cis_docker", "owasp_docker")


@pytest.fixture(scope="module")
def own(rules):
    found = [rule for rule in rules if "promguard" in rule.source]
    assert len(found) >= 100
    return found


def test_every_own_rule_names_a_baseline_control_and_only_known_ids(own):
    from promguard import controls

    for rule in own:
        assert controls.rule_controls(rule), f"{rule.id} names no baseline control"
        assert controls.problems(rule) == [], rule.id


def test_mappings_are_tuples_on_each_concrete_class(own):
    """A rule that inherits them would silently share its parent's mapping."""
    for rule in own:
        for attribute in ATTRIBUTES:
            value = getattr(rule, attribute)
            assert isinstance(value, tuple), (rule.id, attribute)
            assert len(set(value)) == len(value), (rule.id, attribute)
        assert "controls" in type(rule).__dict__, rule.id


def test_every_listed_item_is_named_by_some_rule(own):
    """The baseline has a rule for each control; the CIS and OWASP tables list what rules use."""
    from promguard import controls

    for framework in FRAMEWORKS:
        used = {item for rule in own for item in controls.rule_controls(rule, framework)}
        listed = {c.id for c in controls.framework_controls(framework)}
        assert used == listed, framework


def test_docker_mappings_only_on_rules_about_containers(own):
    from promguard import controls

    for rule in own:
        if controls.rule_controls(rule, "cis-docker") or controls.rule_controls(
            rule, "owasp-docker"
        ):
            assert {"compose", "dockerfile", "stack"} & set(rule.kinds), rule.id


def test_known_mappings(rules):
    from promguard import controls

    by_id = {rule.id: rule for rule in rules}
    assert controls.mapping(by_id["DC03"]) == {
        "promguard": ["PGB-01"],
        "cis_docker": ["5.5"],
        "owasp_docker": ["RULE #3"],
        "cwe": ["CWE-250"],
    }
    assert controls.rule_controls(by_id["DC04"], "owasp-docker") == ("RULE #1",)
    assert controls.rule_controls(by_id["PF01"]) == ("PGB-09",)
    assert controls.rule_controls(by_id["NGX17"]) == ("PGB-08",)
    assert controls.rule_controls(by_id["TF09"]) == ("PGB-06",)
    assert controls.CIS_DOCKER["5.5"] == "Ensure that privileged containers are not used"


def _rule(**attributes):
    from promguard.rule import Rule

    body = {
        "id": "ACME001",
        "name": "acme",
        "title": "Acme",
        "severity": "low",
        "kinds": ("prometheus",),
        "description": "d",
        "fix": "f",
        "references": ("https://example.com/",),
        **attributes,
    }
    rule = type("AcmeRule", (Rule,), body)()
    rule.source = "acme-promguard entry point 'acme'"
    return rule


@pytest.mark.parametrize(
    "attributes,message",
    [
        ({"controls": ("PGB-99",)}, "unknown promguard baseline for monitoring stacks item"),
        ({"controls": ("PGB-01",), "cis_docker": ("5.99",)}, "CIS Docker Benchmark v1.6 item"),
        ({"owasp_docker": ("RULE #99",)}, "OWASP Docker Security Cheat Sheet item 'RULE #99'"),
    ],
)
def test_registry_refuses_unknown_ids(attributes, message):
    from promguard.registry import RuleLoadError, validate

    with pytest.raises(RuleLoadError) as raised:
        validate([_rule(**attributes)])
    assert message in str(raised.value) and "acme-promguard" in str(raised.value)


def test_a_plugin_rule_need_not_name_a_control():
    from promguard.registry import validate

    validate([_rule()])
    validate([_rule(controls=("PGB-03",), cis_docker=("5.5",), owasp_docker=("RULE #2",))])


def test_installed_plugin_with_an_unknown_control_is_a_clear_error(cli, tmp_path):
    site = tmp_path / "site"
    body = PLUGIN.replace('    fix = "', '    controls = ("PGB-42",)\n    fix = "')
    install_plugin(site, body)
    run = cli("rules", env={"PYTHONPATH": str(site)}, cwd=tmp_path)
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert "ACME001" in line and "'PGB-42'" in line and "acme-promguard" in line


def _scan(cli, tmp_path, fmt):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    run = cli("scan", "--format", fmt, ".", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    return json.loads(run.stdout)


def test_json_findings_carry_the_controls(cli, tmp_path, rules):
    from promguard import controls

    data = _scan(cli, tmp_path, "json")
    by_id = {rule.id: rule for rule in rules}
    assert data["findings"] and data["suppressed"]
    for finding in data["findings"] + data["suppressed"]:
        assert finding["controls"] == controls.mapping(by_id[finding["rule_id"]])
    (privileged,) = [f for f in data["findings"] if f["rule_id"] == "DC03"]
    assert privileged["controls"] == {
        "promguard": ["PGB-01"],
        "cis_docker": ["5.5"],
        "owasp_docker": ["RULE #3"],
        "cwe": ["CWE-250"],
    }
    assert [f["rule_id"] for f in data["suppressed"]] == ["DC03"]


def test_sarif_rules_carry_control_tags_and_properties(cli, tmp_path, rules):
    from promguard import controls

    with open(SCHEMA, encoding="utf-8") as fh:
        validator = Draft4Validator(json.load(fh))
    log = _scan(cli, tmp_path, "sarif")
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)] == []
    by_id = {rule.id: rule for rule in rules}
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    assert {d["id"] for d in descriptors} == set(by_id)
    for descriptor in descriptors:
        rule = by_id[descriptor["id"]]
        props = descriptor["properties"]
        assert props["controls"] == controls.mapping(rule)
        tags = props["tags"]
        assert len(tags) <= 10 and len(tags) == len(set(tags))
        own = ["security", *rule.tags, *(f"external/cwe/{c.lower()}" for c in rule.cwe)]
        assert tags[: len(own)] == own  # the rule's own tags stay, first
        assert all(f"control:{c}" in tags for c in rule.controls), rule.id
        expected = (
            [f"control:{c}" for c in rule.controls]
            + [f"cis-docker:{c}" for c in rule.cis_docker]
            + [f"owasp-docker:{c.replace(' #', '-')}" for c in rule.owasp_docker]
        )
        assert tags[len(own) :] == expected[: 10 - len(own)], rule.id
    dc03 = next(d for d in descriptors if d["id"] == "DC03")
    assert dc03["properties"]["tags"] == [
        "security",
        "privilege",
        "external/cwe/cwe-250",
        "control:PGB-01",
        "cis-docker:5.5",
        "owasp-docker:RULE-3",
    ]


def test_rule_pages_show_the_controls(own):
    from promguard import controls
    from promguard.docs import rule_page

    by_id = {rule.id: rule for rule in own}
    for rule in own:
        page = rule_page(rule, {})
        for item in rule.controls:
            assert f"{item} - {controls.BASELINE[item].title}" in page, rule.id
        for item in rule.cis_docker:
            assert f"{item} - {controls.CIS_DOCKER[item]}" in page, rule.id
        for item in rule.owasp_docker:
            assert f"{item} - {controls.OWASP_DOCKER[item]}" in page, rule.id
    assert "- **Baseline controls:** PGB-09 - Least privilege for APIs\n" in rule_page(
        by_id["PF01"], {}
    )
    page = rule_page(by_id["DC06"], {})
    assert "- **CIS Docker Benchmark v1.6:**\n  - 5.16 - Ensure that the host's process" in page
