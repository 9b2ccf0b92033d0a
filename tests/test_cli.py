"""The command-line contract: commands, options, exit codes and output formats."""

import json
import os

import pytest

INSECURE_AM = """\
global:
  smtp_auth_password: hunter2-but-longer
route:
  receiver: team
receivers:
  - name: team
"""
CLEAN_PROM = """\
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
"""


@pytest.fixture
def stack(tmp_path):
    (tmp_path / "alertmanager.yml").write_text(INSECURE_AM)
    (tmp_path / "prometheus.yml").write_text(CLEAN_PROM)
    return tmp_path


def test_text_output_line_format_fix_hint_and_summary(cli, stack):
    run = cli("scan", "--no-color", ".", cwd=stack)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == (
        "alertmanager.yml:2:23: MEDIUM AM01 plaintext secret in `global.smtp_auth_password` "
        "(`smtp_auth_password: ********`)"
    )
    assert lines[1].startswith("    fix: ") and "smtp_auth_password_file" in lines[1]
    assert lines[-1] == "1 finding (1 medium) in 2 files scanned."


def test_secret_value_never_printed_in_any_format(cli, stack):
    for fmt in ("text", "json", "sarif"):
        run = cli("scan", "--format", fmt, ".", cwd=stack)
        assert "hunter2" not in run.stdout + run.stderr, fmt


def test_default_path_is_current_folder(cli, stack):
    assert cli("scan", cwd=stack).returncode == 1


def test_exit_codes_follow_fail_on(cli, stack):
    assert cli("scan", "--fail-on", "medium", ".", cwd=stack).returncode == 1
    assert cli("scan", "--fail-on", "high", ".", cwd=stack).returncode == 0
    assert cli("scan", "--fail-on", "never", ".", cwd=stack).returncode == 0
    assert cli("scan", "prometheus.yml", cwd=stack).returncode == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["scan", "missing.yml"], "missing.yml: no such file or directory"),
        (["scan", "--format", "xml"], "invalid choice: 'xml'"),
        (["scan", "--select", "NOPE1"], "--select NOPE1: no rule ID starts with it"),
        (["explain", "PROM999"], "no rule PROM999"),
        (["scan", "--output", "/nonexistent/dir/out.json"], "cannot write"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli, stack, args, message):
    run = cli(*args, cwd=stack)
    assert run.returncode == 2
    err = run.stderr.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert "Traceback" not in run.stderr


def test_no_command_prints_help_and_exits_2(cli):
    run = cli()
    assert run.returncode == 2 and "scan" in run.stderr


def test_version(cli):
    from promguard import __version__

    run = cli("--version")
    assert run.returncode == 0 and run.stdout.strip() == f"promguard {__version__}"


def test_select_and_ignore_take_ids_and_prefixes(cli, stack):
    assert cli("scan", "--select", "PROM", ".", cwd=stack).returncode == 0
    assert cli("scan", "--select", "am01", ".", cwd=stack).returncode == 1
    assert cli("scan", "--ignore", "AM", ".", cwd=stack).returncode == 0
    assert cli("scan", "--select", "AM", "--ignore", "AM01", ".", cwd=stack).returncode == 0


def test_parse_errors_are_reported_even_when_not_selected(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text("scrape_configs: [\n")
    run = cli("scan", "--select", "PROM02", ".", cwd=tmp_path)
    assert run.returncode == 1 and "PG001" in run.stdout


def test_json_output_contract(cli, stack):
    run = cli("scan", "--format", "json", ".", cwd=stack)
    data = json.loads(run.stdout)
    finding = data["findings"][0]
    assert set(finding) >= {
        "rule_id",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "key_path",
        "fingerprint",
        "fix",
    }
    assert finding["key_path"] == "global.smtp_auth_password"
    assert (finding["line"], finding["column"]) == (2, 23)
    assert data["summary"]["files_scanned"] == 2
    assert data["summary"]["by_severity"] == {"critical": 0, "high": 0, "medium": 1, "low": 0}
    assert data["summary"]["parse_errors"] == 0


def test_output_file(cli, stack):
    run = cli("scan", "--format", "json", "--output", "report.json", ".", cwd=stack)
    assert run.returncode == 1 and run.stdout == ""
    assert json.loads((stack / "report.json").read_text())["findings"]


def test_colour_only_when_asked_for_a_terminal(cli, stack):
    assert "\033[" not in cli("scan", ".", cwd=stack).stdout  # a pipe is not a terminal


def test_colour_on_a_terminal_honours_no_color(stack, monkeypatch, capsys):
    from promguard.cli import main

    monkeypatch.chdir(stack)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["scan", "."])
    assert "\033[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["scan", "."])
    assert "\033[" not in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR")
    main(["scan", "--no-color", "."])
    assert "\033[" not in capsys.readouterr().out


def test_quiet_prints_findings_only(cli, stack):
    run = cli("scan", "-q", ".", cwd=stack)
    assert run.stdout.splitlines() == [
        "alertmanager.yml:2:23: MEDIUM AM01 plaintext secret in `global.smtp_auth_password` "
        "(`smtp_auth_password: ********`)"
    ]


def test_rules_lists_every_rule(cli, rules):
    run = cli("rules")
    lines = run.stdout.splitlines()
    assert len(lines) == len(rules)
    first = lines[0].split(None, 2)
    assert first[0] == rules[0].id and first[1] == rules[0].severity and first[2] == rules[0].title


def test_explain_prints_description_fix_and_references(cli):
    run = cli("explain", "web01")
    assert run.returncode == 0
    assert run.stdout.startswith("WEB01  basic_auth_users password is not a bcrypt hash")
    for part in ("Why it matters:", "Fix:", "References:", "https://"):
        assert part in run.stdout


def test_internal_error_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from promguard import cli as cli_module

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("promguard.engine.scan", boom)
    monkeypatch.chdir(tmp_path)
    assert cli_module.main(["scan", "."]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "promguard: internal error: RuntimeError: kaboom (run with --debug for the traceback)"
    ]
    with pytest.raises(RuntimeError):
        cli_module.main(["--debug", "scan", "."])


def test_crashing_rule_reports_and_exits_2(tmp_path, monkeypatch, capsys):
    from promguard import cli as cli_module
    from promguard.rules.prometheus import InlineSecret

    def broken(self, doc):
        raise ValueError("bad rule")

    monkeypatch.setattr(InlineSecret, "check", broken)
    (tmp_path / "prometheus.yml").write_text(CLEAN_PROM)
    monkeypatch.chdir(tmp_path)
    assert cli_module.main(["scan", "--format", "json", "."]) == 2
    captured = capsys.readouterr()
    assert "rule PROM02 failed on prometheus.yml: ValueError at test_cli.py:" in captured.err
    assert "bad rule" not in captured.err  # an exception's text can quote the scanned file
    assert json.loads(captured.out)["summary"]["errors"]


def test_python_m_does_not_import_from_the_scanned_folder(cli, tmp_path):
    # A scanned repository with a module shadowing one promguard imports must not run it.
    (tmp_path / "yaml.py").write_text("raise SystemExit('shadowed yaml imported')\n")
    (tmp_path / "prometheus.yml").write_text(CLEAN_PROM)
    run = cli("scan", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "shadowed" not in run.stderr


def test_paths_are_relative_to_the_current_folder(cli, stack):
    sub = stack / "sub"
    sub.mkdir()
    os.rename(stack / "alertmanager.yml", sub / "alertmanager.yml")
    run = cli("scan", "-q", "sub", cwd=stack)
    assert run.stdout.startswith("sub/alertmanager.yml:2:23:")
