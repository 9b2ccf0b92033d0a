"""The CI report formats: GitLab Code Quality (--format gitlab) and JUnit XML (--format junit),
run through the real command line and parsed the way the CI systems would."""

import json
import textwrap
import xml.etree.ElementTree as ET

import pytest

PROM = """\
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: node
    scheme: https
    basic_auth:
      username: admin
      password: plain-prom-secret-value
    static_configs:
      - targets: ["node:9100"]
  - job_name: blackbox
    scheme: https
    basic_auth:
      username: probe
      password: ignored-secret-value  # promguard: ignore[PROM02] test account, rotated daily
    static_configs:
      - targets: ["blackbox:9115"]
"""
AM = """\
global:
  smtp_auth_password: hunter2-but-longer
route:
  receiver: team
receivers:
  - name: team
"""
SECRETS = ("plain-prom-secret-value", "ignored-secret-value", "hunter2")
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture
def stack(tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "alertmanager.yml").write_text(AM)
    return tmp_path


def _json(cli, folder, *args):
    run = cli("scan", "--format", "json", *args, ".", cwd=folder)
    return json.loads(run.stdout)


def _lines(text, needle):
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


# --- GitLab Code Quality ----------------------------------------------------------------


def test_gitlab_report_fields_and_types(cli, stack):
    run = cli("scan", "--format", "gitlab", ".", cwd=stack)
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("[")  # GitLab rejects a byte order mark
    issues = json.loads(run.stdout)
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["categories"] == ["Security"]
        location = issue["location"]
        assert isinstance(location["path"], str)
        lines = location["lines"]
        assert isinstance(lines["begin"], int) and lines["begin"] >= 1
        assert isinstance(lines["end"], int) and lines["end"] >= lines["begin"]
        assert issue["description"].startswith(issue["check_name"] + ": ")
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


def test_gitlab_paths_lines_and_rules_match_the_findings(cli, stack):
    issues = json.loads(cli("scan", "--format", "gitlab", ".", cwd=stack).stdout)
    findings = _json(cli, stack)["findings"]
    got = sorted(
        (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["fingerprint"])
        for i in issues
    )
    want = sorted((f["rule_id"], f["path"], f["line"], f["fingerprint"]) for f in findings)
    assert got == want
    paths = {i["location"]["path"] for i in issues}
    assert paths == {"prometheus.yml", "monitoring/alertmanager.yml"}  # relative, forward slashes
    by_rule = {(i["check_name"], i["location"]["path"]): i for i in issues}
    prom02 = by_rule["PROM02", "prometheus.yml"]
    assert prom02["location"]["lines"]["begin"] == _lines(PROM, "plain-prom-secret-value")[0]
    am01 = by_rule["AM01", "monitoring/alertmanager.yml"]
    assert am01["location"]["lines"]["begin"] == 2
    assert am01["severity"] == "minor"  # AM01 is medium


def test_gitlab_fingerprints_unique_and_stable(cli, stack):
    first = json.loads(cli("scan", "--format", "gitlab", ".", cwd=stack).stdout)
    prints = [i["fingerprint"] for i in first]
    assert len(prints) == len(set(prints))
    again = json.loads(cli("scan", "--format", "gitlab", ".", cwd=stack).stdout)
    assert [i["fingerprint"] for i in again] == prints
    # An edit above a finding moves its line, not its identity in the merge request widget.
    (stack / "prometheus.yml").write_text("# a comment\n\n" + PROM)
    moved = json.loads(cli("scan", "--format", "gitlab", ".", cwd=stack).stdout)
    before = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in first}
    after = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in moved}
    assert set(after) == set(before)
    for fingerprint, line in after.items():
        path = next(i["location"]["path"] for i in moved if i["fingerprint"] == fingerprint)
        assert line == before[fingerprint] + (2 if path == "prometheus.yml" else 0)


def test_gitlab_leaves_suppressed_findings_out(cli, stack):
    data = _json(cli, stack)
    assert [s["line"] for s in data["suppressed"]] == _lines(PROM, "ignored-secret-value")
    issues = json.loads(cli("scan", "--format", "gitlab", ".", cwd=stack).stdout)
    suppressed = {s["fingerprint"] for s in data["suppressed"]}
    assert suppressed and not suppressed & {i["fingerprint"] for i in issues}
    assert _lines(PROM, "ignored-secret-value")[0] not in {
        i["location"]["lines"]["begin"] for i in issues if i["location"]["path"] == "prometheus.yml"
    }


def test_gitlab_clean_folder_is_an_empty_array(cli, tmp_path):
    clean = "scrape_configs:\n  - job_name: p\n    static_configs:\n      - targets: [a:9090]\n"
    (tmp_path / "prometheus.yml").write_text(clean)
    run = cli("scan", "--format", "gitlab", ".", cwd=tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout) == []


def test_gitlab_output_file_is_utf8_json(cli, stack):
    run = cli("scan", "--format", "gitlab", "--output", "gl-code-quality.json", ".", cwd=stack)
    assert run.returncode == 1 and run.stdout == ""
    raw = (stack / "gl-code-quality.json").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert json.loads(raw.decode("utf-8")) == json.loads(
        cli("scan", "--format", "gitlab", ".", cwd=stack).stdout
    )


def test_gitlab_severity_mapping_covers_every_severity():
    from promguard.model import SEVERITIES
    from promguard.reporters.gitlab import SEVERITY

    assert set(SEVERITY) == set(SEVERITIES)
    assert set(SEVERITY.values()) <= GITLAB_SEVERITIES
    order = ["info", "minor", "major", "critical", "blocker"]
    ranks = [order.index(SEVERITY[s]) for s in SEVERITIES]  # critical first
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == len(ranks)


# --- JUnit XML ---------------------------------------------------------------------------


def _junit(cli, folder, *args):
    run = cli("scan", "--format", "junit", *args, ".", cwd=folder)
    assert run.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return run, ET.fromstring(run.stdout.encode("utf-8"))


def test_junit_counts_match_rules_and_findings(cli, stack):
    run, root = _junit(cli, stack)
    assert run.returncode == 1, run.stderr
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "promguard"
    suite = suites[0]
    cases = suite.findall("testcase")
    rules = [line.split()[0] for line in cli("rules").stdout.splitlines()]
    assert len(cases) == len(rules)
    assert [c.get("name").split()[0] for c in cases] == sorted(rules)
    findings = _json(cli, stack)["findings"]
    failing_rules = {f["rule_id"] for f in findings}
    failed = [c for c in cases if c.find("failure") is not None]
    assert {c.get("name").split()[0] for c in failed} == failing_rules
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failed))
        assert element.get("errors") == "0"
    assert all(len(c.findall("failure")) <= 1 for c in cases)  # what Jenkins and Azure show
    assert not any(c.find("error") is not None for c in cases)
    for secret in SECRETS:
        assert secret not in run.stdout


def test_junit_failures_carry_path_line_and_every_finding(cli, stack):
    _, root = _junit(cli, stack)
    findings = _json(cli, stack)["findings"]
    cases = {c.get("name").split()[0]: c for c in root.iter("testcase")}
    for rule_id in {f["rule_id"] for f in findings}:
        mine = [f for f in findings if f["rule_id"] == rule_id]
        failure = cases[rule_id].find("failure")
        first = mine[0]
        assert failure.get("message").startswith(
            f"{first['path']}:{first['line']}:{first['column']} {first['message']}"
        )
        assert failure.get("type") in {f["severity"] for f in mine}
        for f in mine:
            assert f"{f['path']}:{f['line']}:{f['column']}: " in failure.text
    am01 = cases["AM01"]
    assert am01.get("classname") == "promguard.alertmanager"
    assert am01.find("failure").get("message").startswith("monitoring/alertmanager.yml:2:")
    passing = cases["PROM05"]
    assert passing.get("classname") == "promguard.prometheus" and len(passing) == 0


def test_junit_leaves_suppressed_findings_out(cli, stack):
    _, root = _junit(cli, stack)
    suppressed_line = _lines(PROM, "ignored-secret-value")[0]
    prom02 = next(c for c in root.iter("testcase") if c.get("name").startswith("PROM02 "))
    failure = prom02.find("failure")
    assert f"prometheus.yml:{suppressed_line}:" not in failure.text
    assert "and 1 more" not in failure.get("message")  # the one PROM02 left
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["suppressed"] == "1" and props["files_scanned"] == "2"


def test_junit_select_limits_the_testcases(cli, stack):
    _, root = _junit(cli, stack, "--select", "AM")
    names = sorted(c.get("name").split()[0] for c in root.iter("testcase"))
    assert "AM01" in names and not any(n.startswith("PROM") for n in names)
    assert root.get("tests") == str(len(names))


# --- exit codes and internal errors -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
@pytest.mark.parametrize("fail_on,code", [("medium", 1), ("high", 0), ("never", 0)])
def test_exit_codes_are_those_of_every_format(cli, stack, fmt, fail_on, code):
    reference = cli("scan", "--format", "json", "--fail-on", fail_on, ".", cwd=stack)
    run = cli("scan", "--format", fmt, "--fail-on", fail_on, ".", cwd=stack)
    assert reference.returncode == code
    assert run.returncode == code, run.stderr


CRASHING_PLUGIN = """
from promguard.rule import Rule


class Crashes(Rule):
    id = "ACME900"
    name = "crashes"
    title = "A rule that crashes"
    severity = "low"
    kinds = ("prometheus",)
    description = "Raises on every file."
    fix = "None."
    references = ("https://prometheus.io/docs/prometheus/latest/configuration/configuration/",)

    def check(self, doc):
        raise RuntimeError("boom")
        yield

RULES = [Crashes]
"""


@pytest.fixture
def crashing_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_crash.py").write_text(textwrap.dedent(CRASHING_PLUGIN))
    dist = site / "acme_crash-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-crash\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[promguard.rules]\nacme = acme_crash\n")
    return {"PYTHONPATH": str(site)}


def test_internal_error_exits_2_and_is_a_junit_error(cli, stack, crashing_site):
    run = cli("scan", "--format", "junit", "--fail-on", "never", ".", cwd=stack, env=crashing_site)
    assert run.returncode == 2
    assert "rule ACME900 failed on prometheus.yml" in run.stderr
    root = ET.fromstring(run.stdout.encode("utf-8"))
    errored = [c for c in root.iter("testcase") if c.find("error") is not None]
    assert [c.get("name") for c in errored] == ["promguard"]
    error = errored[0].find("error")
    assert "ACME900" in error.get("message") and "RuntimeError at " in error.text
    assert root.get("errors") == "1"
    assert root.get("tests") == str(len(root.findall("testsuite/testcase")))
    acme = next(c for c in root.iter("testcase") if c.get("name").startswith("ACME900 "))
    assert acme.get("classname") == "promguard.acme_crash"


def test_internal_error_exits_2_with_gitlab_too(cli, stack, crashing_site):
    run = cli("scan", "--format", "gitlab", "--fail-on", "never", ".", cwd=stack, env=crashing_site)
    assert run.returncode == 2
    assert "ACME900" in run.stderr
    assert isinstance(json.loads(run.stdout), list)


# --- text that XML cannot carry ---------------------------------------------------------


def test_junit_and_gitlab_survive_control_characters_and_bad_file_names(rules):
    from promguard.engine import ScanResult
    from promguard.model import Finding
    from promguard.reporters import gitlab, junit

    result = ScanResult()
    result.rules_run = [r for r in rules if r.id == "PROM02"]
    odd = Finding(
        "PROM02",
        "medium",
        'bad \x1b[31m <key> & "quote" \x00 \ufffe',
        "conf/\udcffprometheus.yml",  # a file name that is not UTF-8, as os.fsdecode gives it
        3,
        5,
    )
    odd.fingerprint = "0" * 32  # model.assign_fingerprints cannot hash a surrogate yet
    result.findings = [odd]
    result.errors = ["rule X failed on a.yml: ValueError: \x07bell"]
    xml = junit.render(result)
    root = ET.fromstring(xml.encode("utf-8"))  # well-formed, and encodable as UTF-8
    failure = root.find("testsuite/testcase/failure")
    assert '<key> & "quote"' in failure.get("message")
    assert failure.get("message").startswith("conf/\ufffdprometheus.yml:3:5 ")
    assert root.get("errors") == "1" and root.get("failures") == "1" and root.get("tests") == "2"
    issues = json.loads(gitlab.render(result))
    assert issues[0]["location"] == {
        "path": "conf/\udcffprometheus.yml",
        "lines": {"begin": 3, "end": 3},
    }
