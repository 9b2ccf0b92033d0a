"""SARIF 2.1.0 output: valid against the OASIS schema and shaped the way GitHub code scanning
needs it (see the project's SARIF notes: rules metadata, security-severity, one location with
a relative URI and a full region, our own fingerprint key)."""

import json
import os

import pytest
from jsonschema import Draft4Validator

SCHEMA = os.path.join(os.path.dirname(__file__), "data", "sarif-schema-2.1.0.json")

PROM = """\
web:
  tls_server_config: {cert_file: a.crt, key_file: a.key}
scrape_configs:
  - job_name: node
    basic_auth: {username: u, password: not-a-file}  # promguard: ignore[PROM06] lab network
    static_configs:
      - targets: ["node:9100"]
"""


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA, encoding="utf-8") as fh:
        return Draft4Validator(json.load(fh))


def sarif_of(cli, folder):
    run = cli("scan", "--format", "sarif", ".", cwd=folder)
    return run, json.loads(run.stdout)


def test_valid_against_the_schema(cli, tmp_path, validator):
    sub = tmp_path / "conf"
    sub.mkdir()
    (sub / "prometheus.yml").write_text(PROM)
    run, log = sarif_of(cli, tmp_path)
    assert run.returncode == 1
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_github_requirements(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    _, log = sarif_of(cli, tmp_path)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "promguard"
    assert driver["semanticVersion"] == driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        props = rule["properties"]
        assert "security" in props["tags"] and len(props["tags"]) <= 10
        assert props["precision"] in ("very-high", "high", "medium", "low")
        score = float(props["security-severity"])
        assert isinstance(props["security-severity"], str) and 0 < score <= 10
    results = run["results"]
    assert results
    for result in results:
        rule = driver["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "prometheus.yml"
        region = physical["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        assert list(result["partialFingerprints"]) == ["promguardFindingHash/v1"]


def test_levels_and_security_severity_follow_severity(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    _, log = sarif_of(cli, tmp_path)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["PROM01"]["properties"]["security-severity"] == "8.0"  # high: 7.0-8.9
    assert rules["PG001"]["defaultConfiguration"]["level"] == "error"
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["PROM01"] == "error" and levels["PROM02"] == "warning"


def test_exact_region_of_a_finding(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    _, log = sarif_of(cli, tmp_path)
    (secret,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "PROM02"]
    region = secret["locations"][0]["physicalLocation"]["region"]
    # `not-a-file` on line 5: 1-based start column, exclusive end column.
    assert region == {"startLine": 5, "startColumn": 41, "endLine": 5, "endColumn": 51}


def test_suppressed_results_carry_the_justification(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    _, log = sarif_of(cli, tmp_path)
    (suppressed,) = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["ruleId"] == "PROM06"
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "lab network"}]


def test_empty_results_array_when_nothing_is_found(cli, tmp_path, validator):
    (tmp_path / "prometheus.yml").write_text("scrape_configs: []\n")
    run, log = sarif_of(cli, tmp_path)
    assert run.returncode == 0
    assert log["runs"][0]["results"] == []
    assert not list(validator.iter_errors(log))


def test_fingerprints_survive_lines_added_above(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    _, before = sarif_of(cli, tmp_path)
    (tmp_path / "prometheus.yml").write_text("# a new comment\n\n" + PROM)
    _, after = sarif_of(cli, tmp_path)

    def prints(log):
        return {
            (r["ruleId"], r["partialFingerprints"]["promguardFindingHash/v1"])
            for r in log["runs"][0]["results"]
        }

    assert prints(before) == prints(after)
    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in after["runs"][0]["results"]
    ]
    assert min(lines) == 3


def test_related_locations_point_at_where_a_value_came_from(cli, tmp_path, validator):
    (tmp_path / "variables.tf").write_text('variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n')
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group_rule" "prom" {\n  type = "ingress"\n'
        '  from_port = 9090\n  to_port = 9090\n  protocol = "tcp"\n'
        "  cidr_blocks = var.cidrs\n}\n"
    )
    run, log = sarif_of(cli, tmp_path)
    assert [e.message for e in validator.iter_errors(log)] == []
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "variables.tf"
    assert related["physicalLocation"]["region"]["startLine"] == 2
    assert related["message"]["text"] == "the default of variable `cidrs`"


# ---------------------------------------------------------------------------------------------
# a hostile (or just huge) tree still gives a log GitHub accepts


def _result_of(findings, rules, suppressed=()):
    from promguard.engine import ScanResult

    result = ScanResult()
    result.findings = list(findings)
    result.suppressed = list(suppressed)
    result.rules_run = [r for r in rules if r.id in {f.rule_id for f in result.findings}]
    result.rules_run += [r for r in rules if r.id == "PROM06"]
    return result


def test_a_run_keeps_the_25000_most_severe_open_results_and_says_how_many_were_left(rules):
    from promguard.model import Finding
    from promguard.reporters.sarif import MAX_RESULTS, render_counted

    low = [Finding("PROM06", "low", "m", f"f{i:05}.yml", 1) for i in range(MAX_RESULTS)]
    critical = [Finding("PROM06", "critical", "c", "z.yml", line) for line in range(1, 6)]
    closed = [Finding("PROM06", "critical", "s", "a.yml", line) for line in range(1, 6)]
    for finding in closed:
        finding.suppression = "reviewed"
    text, omitted, total = render_counted(_result_of(low + critical, rules, closed), "/")
    run = json.loads(text)["runs"][0]
    assert (omitted, total) == (10, MAX_RESULTS + 10)
    results = run["results"]
    assert len(results) == MAX_RESULTS
    # every open critical is kept, the suppressed ones go first, then the last lows in order
    assert sum(r["message"]["text"] == "c" for r in results) == 5
    assert not any("suppressions" in r for r in results)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == sorted(uris)  # still written in the report's order
    assert "f24994.yml" in uris and "f24995.yml" not in uris
    (notice,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notice["level"] == "warning"
    assert notice["properties"] == {"omittedResults": 10, "totalResults": MAX_RESULTS + 10}


def test_the_cli_warns_when_results_were_left_out(tmp_path, monkeypatch, capsys):
    from promguard import cli
    from promguard.reporters import sarif

    (tmp_path / "prometheus.yml").write_text(PROM)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 1)
    cli.main(["scan", ".", "--format", "sarif", "-o", "out.sarif", "--fail-on", "never"])
    err = capsys.readouterr().err
    assert "warning:" in err and "results left out of the SARIF log" in err
    log = json.loads((tmp_path / "out.sarif").read_text())
    assert len(log["runs"][0]["results"]) == 1


def test_a_result_carries_at_most_1000_related_locations(rules):
    from promguard.model import Finding
    from promguard.reporters.sarif import MAX_RELATED, render_counted

    finding = Finding("PROM06", "high", "m", "a.yml", 1)
    finding.related = [("b.yml", line, 1, "from here") for line in range(1, MAX_RELATED + 51)]
    (result,) = json.loads(render_counted(_result_of([finding], rules), "/")[0])["runs"][0][
        "results"
    ]
    assert len(result["relatedLocations"]) == MAX_RELATED
    assert result["properties"]["relatedLocationsOmitted"] == 50


@pytest.mark.parametrize(
    "name, uri",
    [
        ("my conf.yml", "my%20conf.yml"),
        ("a#b?.yml", "a%23b%3F.yml"),
        ("100%.yml", "100%25.yml"),
        ("line\nbreak.yml", "line%0Abreak.yml"),
        ("prométhée.yml", "prom%C3%A9th%C3%A9e.yml"),
    ],
)
def test_artifact_uris_are_percent_encoded(cli, tmp_path, validator, name, uri):
    folder = tmp_path / "odd dir"
    folder.mkdir()
    (folder / name).write_text(PROM.replace("tls_server_config", "x_tls"))
    run = cli("scan", "--format", "sarif", ".", "--fail-on", "never", cwd=tmp_path)
    log = json.loads(run.stdout)
    assert not list(validator.iter_errors(log))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"odd%20dir/" + uri}
