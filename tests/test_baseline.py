"""Baselines hide today's findings and report only new ones; matching survives edits above a
finding, and an entry whose finding was fixed is reported as stale."""

import json

PROM = """\
scrape_configs:
  - job_name: app
    scheme: https
    basic_auth:
      username: u
      password: first-secret-value
    static_configs:
      - targets: ["app:8443"]
"""


def ids(run):
    return [f["rule_id"] for f in json.loads(run.stdout)["findings"]]


def test_baseline_hides_old_findings_and_survives_edits_above_them(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    first = cli("scan", "--write-baseline", "baseline.json", "--format", "json", ".", cwd=tmp_path)
    assert ids(first) == ["PROM02"]  # still reported the time it is written
    saved = json.loads((tmp_path / "baseline.json").read_text())
    assert [e["rule_id"] for e in saved["findings"]] == ["PROM02"]
    assert "first-secret-value" not in (tmp_path / "baseline.json").read_text()

    # lines added above and an unrelated edit: the old finding stays hidden, a new one shows
    edited = "# a comment\nglobal:\n  scrape_interval: 30s\n" + PROM.replace(
        '      - targets: ["app:8443"]',
        '      - targets: ["app:8443"]\n'
        "  - job_name: new\n    scheme: https\n    basic_auth:\n"
        "      username: v\n      password: second-secret-value\n",
    )
    (tmp_path / "prometheus.yml").write_text(edited)
    run = cli("scan", "--baseline", "baseline.json", "--format", "json", ".", cwd=tmp_path)
    report = json.loads(run.stdout)
    assert [(f["rule_id"], f["line"]) for f in report["findings"]] == [("PROM02", 16)]
    assert report["summary"]["baseline"]["hidden"] == 1
    assert report["summary"]["baseline"]["stale"] == []
    text = cli("scan", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert "1 hidden by the baseline" in text.stdout


def test_fixed_findings_leave_stale_entries(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    cli("scan", "--write-baseline", "baseline.json", ".", cwd=tmp_path)
    fixed = PROM.replace("password: first-secret-value", "password_file: /run/secrets/p")
    (tmp_path / "prometheus.yml").write_text(fixed)
    run = cli("scan", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert run.returncode == 0
    assert "stale baseline entry" in run.stdout and "PROM02" in run.stdout
    assert "1 stale baseline entry (write the baseline again to prune)" in run.stdout


def test_a_broken_baseline_is_an_error(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    (tmp_path / "baseline.json").write_text("{not json")
    run = cli("scan", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert run.returncode == 2 and "is not JSON" in run.stderr
    (tmp_path / "baseline.json").write_text('{"findings": []}')
    run = cli("scan", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert run.returncode == 2 and "not a promguard baseline" in run.stderr
