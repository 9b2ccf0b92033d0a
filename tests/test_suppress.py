"""In-source suppressions."""

import json

PROM = """\
scrape_configs:
  - job_name: a
    scheme: https
    basic_auth:
      username: u
      password: first-secret  # promguard: ignore[PROM02] test account, rotated daily
      # promguard: ignore[PROM02] also a test account
    bearer_token: second-secret
    oauth2:
      client_id: c
      client_secret: third-secret
    static_configs:
      - targets: [a:9100]
"""


def test_same_line_and_own_line_before(scan, tmp_path):
    (tmp_path / "prometheus.yml").write_text(PROM)
    result = scan(tmp_path)
    assert [f.line for f in result.findings if f.rule_id == "PROM02"] == [11]
    assert sorted(f.line for f in result.suppressed) == [6, 8]
    assert {f.suppression for f in result.suppressed} == {
        "test account, rotated daily",
        "also a test account",
    }


def test_trailing_comment_does_not_cover_the_next_line(scan, tmp_path):
    text = PROM.replace("      # promguard: ignore[PROM02] also a test account\n", "")
    (tmp_path / "prometheus.yml").write_text(text)
    result = scan(tmp_path)
    assert sorted(f.line for f in result.findings if f.rule_id == "PROM02") == [7, 10]


def test_ignore_file_and_prefixes(scan, tmp_path):
    (tmp_path / "prometheus.yml").write_text("# promguard: ignore-file[PROM] lab setup\n" + PROM)
    result = scan(tmp_path)
    assert not [f for f in result.findings if f.rule_id.startswith("PROM")]


def test_suppression_without_reason_or_id_is_reported_not_applied(scan, tmp_path):
    text = PROM.replace("ignore[PROM02] test account, rotated daily", "ignore[PROM02]")
    text = text.replace("ignore[PROM02] also a test account", "ignore")
    (tmp_path / "prometheus.yml").write_text(text)
    result = scan(tmp_path)
    assert sorted((f.line, f.rule_id) for f in result.findings) == [
        (6, "PG003"),
        (6, "PROM02"),
        (7, "PG003"),
        (8, "PROM02"),
        (11, "PROM02"),
    ]


def test_suppressed_findings_do_not_fail_and_show_in_sarif(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text("# promguard: ignore-file[PROM02] lab only\n" + PROM)
    run = cli("scan", "--format", "sarif", ".", cwd=tmp_path)
    assert run.returncode == 0
    results = json.loads(run.stdout)["runs"][0]["results"]
    assert len(results) == 3
    assert all(
        r["suppressions"] == [{"kind": "inSource", "justification": "lab only"}] for r in results
    )
    text = cli("scan", ".", cwd=tmp_path)
    assert "3 suppressed" in text.stdout
