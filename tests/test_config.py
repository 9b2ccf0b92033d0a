"""Settings in [tool.promguard] or .promguard.toml: found from the scanned path upwards, flags
win over them, and every mistake in them stops the scan with the file and line."""

import json

import pytest

PROM = """\
scrape_configs:
  - job_name: app
    scheme: https
    basic_auth:
      username: u
      password: not-a-file-secret
    static_configs:
      - targets: ["app:8443"]
"""


def findings(run):
    return [(f["path"], f["rule_id"], f["severity"]) for f in json.loads(run.stdout)["findings"]]


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()  # the walk up stops at the repository root
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "prometheus.yml").write_text(PROM)
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "prometheus.yml").write_text(PROM)
    return tmp_path


def test_pyproject_table_is_found_from_a_scanned_subfolder(cli, repo):
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.promguard]\nfail-on = "high"\n'
        '[tool.promguard.severity]\nPROM02 = "high"\n'
        '[tool.promguard.per-path-ignores]\n"test/**" = ["PROM02"]\n'
    )
    run = cli("scan", "--format", "json", ".", cwd=repo)
    assert findings(run) == [("conf/prometheus.yml", "PROM02", "high")]
    assert run.returncode == 1  # high >= fail-on high
    sub = cli("scan", "--format", "json", "conf", cwd=repo)
    assert findings(sub) == [("conf/prometheus.yml", "PROM02", "high")]


def test_flags_win_over_the_file(cli, repo):
    (repo / ".promguard.toml").write_text('fail-on = "never"\nignore = ["PROM"]\n')
    quiet = cli("scan", "--format", "json", ".", cwd=repo)
    assert findings(quiet) == [] and quiet.returncode == 0
    loud = cli("scan", "--format", "json", "--ignore", "AM", "--fail-on", "low", ".", cwd=repo)
    assert {f[1] for f in findings(loud)} == {"PROM02"} and loud.returncode == 1


def test_exclude_and_kind_overrides(cli, repo):
    (repo / "deploy").mkdir()
    (repo / "deploy" / "stack.yaml").write_text(
        "version: '3'\nservices:\n  p:\n    image: prom/prometheus:v3.5.0\n"
        "    ports: ['9090:9090']\n"
    )
    (repo / "odd.cfg").write_text(PROM)
    (repo / ".promguard.toml").write_text('exclude = ["test"]\n[kinds]\n"*.cfg" = "prometheus"\n')
    run = cli("scan", "--format", "json", "--select", "PROM02,DC01", ".", cwd=repo)
    paths = {f[0] for f in findings(run)}
    assert paths == {"conf/prometheus.yml", "odd.cfg", "deploy/stack.yaml"}


@pytest.mark.parametrize(
    "text,line,message",
    [
        ('selct = ["PROM"]\n', 1, "unknown key `selct` in the file (did you mean `select`?)"),
        ('fail-on = "hihg"\n', 1, "`fail-on` must be one of"),
        ('\nselect = ["PROM99"]\n', 2, "no rule ID starts with PROM99"),
        ('[severity]\nDC01 = "urgent"\n', 2, "severity of DC01 must be one of"),
        ('[kinds]\n"*.cfg" = "yaml"\n', 2, "is not one of"),
        ("select = [\n", 1, "not valid TOML"),
        ("[rules.DC01]\nx = 1\n", 1, "rule DC01 has no options"),
    ],
)
def test_mistakes_are_errors_with_file_and_line(cli, repo, text, line, message):
    (repo / ".promguard.toml").write_text(text)
    run = cli("scan", ".", cwd=repo)
    assert run.returncode == 2
    assert f".promguard.toml:{line}: " in run.stderr or (
        line == 0 and ".promguard.toml" in run.stderr
    )
    assert message in run.stderr


def test_an_explicit_config_file(cli, repo, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "settings.toml"
    other.write_text('select = ["AM"]\n')
    run = cli("scan", "--format", "json", "--config", str(other), ".", cwd=repo)
    assert findings(run) == []


def test_globs():
    from promguard.config import glob_match

    assert glob_match("test", "test/prometheus.yml")
    assert glob_match("*.yml", "a/b/c.yml")
    assert glob_match("deploy/**", "deploy/x/y.yaml")
    assert glob_match("**/*.example.yml", "a/prometheus.example.yml")
    assert not glob_match("deploy/*.yaml", "deploy/x/y.yaml")
    assert not glob_match("conf", "confirm/x.yml")
