"""Passed checks: each rule evaluated on each object of a file, with its result; recorded only
when asked for."""

import json

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    ports:
      - "9090:9090"
  grafana:
    image: grafana/grafana:12.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/admin
    expose:
      - "3000"
"""


def test_checks_are_recorded_per_object(scan, tmp_path):
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    plain = scan(tmp_path, root=tmp_path)
    assert plain.checks == []  # a normal scan records nothing
    from promguard.engine import Selection
    from promguard.engine import scan as run
    from promguard.registry import load_rules

    result = run([str(tmp_path)], load_rules(), Selection(), root=str(tmp_path), evidence=True)
    by = {(c.rule_id, c.object): c.passed for c in result.checks}
    assert by[("DC01", "service `prometheus`")] is False  # 9090 published on every interface
    assert by[("DC01", "service `grafana`")] is True
    assert by[("XF01", "service `prometheus`")] is False
    assert by[("XF13", "service `grafana`")] is True
    assert [f.rule_id for f in result.findings] == [f.rule_id for f in plain.findings]


def test_show_passed_in_text_and_json(cli, tmp_path):
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    run = cli("scan", ".", "--show-passed", "--format", "json", cwd=tmp_path)
    passed = json.loads(run.stdout)["passed"]
    assert {
        "rule_id": "DC01",
        "object": "service `grafana`",
        "path": "docker-compose.yml",
        "line": 6,
        "passed": True,
    } in passed
    assert not any(p["rule_id"] == "DC01" and p["object"] == "service `prometheus`" for p in passed)
    text = cli("scan", ".", "--show-passed", cwd=tmp_path)
    assert "docker-compose.yml:6: DC01 passed on service `grafana`" in text.stdout
    assert "passed" not in json.loads(cli("scan", ".", "--format", "json", cwd=tmp_path).stdout)


def test_a_cross_file_finding_fails_the_service_it_depends_on(tmp_path):
    import shutil
    from pathlib import Path

    from promguard.engine import Selection
    from promguard.engine import scan as run
    from promguard.registry import load_rules

    shutil.copytree(Path(__file__).parent.parent / "examples", tmp_path / "ex")
    result = run(
        [str(tmp_path / "ex")], load_rules(), Selection(), root=str(tmp_path), evidence=True
    )
    xf06 = {c.object: c.passed for c in result.checks if c.rule_id == "XF06"}
    # the finding is in nginx.conf; its related location is the flag in the service
    assert xf06["service `prometheus`"] is False and xf06["service `alertmanager`"] is True
