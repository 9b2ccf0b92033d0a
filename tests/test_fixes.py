"""`promguard fix`: safe fixes shown as a diff, written with --apply, and nothing else touched."""

import json
import re

import pytest

COMPOSE = """\
# Monitoring stack
x-logging: &logging
  driver: json-file
  options: {max-size: "10m"}

services:
  prometheus:
    image: "prom/prometheus:v3.5.0"   # pinned
    command: ["--config.file=/etc/prometheus/prometheus.yml", '--storage.tsdb.retention.time=15d']
    logging: *logging
    ports:
      - "127.0.0.1:9090:9090"
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml   # the config
      - 'prom-data:/prometheus'
      - type: bind
        source: ./rules
        target: /etc/prometheus/rules
    mem_limit: 1g

  alertmanager:
    image: prom/alertmanager:v0.28.1
    security_opt:
      - "apparmor:docker-default"
    volumes: ["./alertmanager.yml:/etc/alertmanager/alertmanager.yml"]

volumes:
  prom-data: {}
"""

COMPOSE_FIXED = """\
# Monitoring stack
x-logging: &logging
  driver: json-file
  options: {max-size: "10m"}

services:
  prometheus:
    image: "prom/prometheus:v3.5.0"   # pinned
    command: ["--config.file=/etc/prometheus/prometheus.yml", '--storage.tsdb.retention.time=15d']
    logging: *logging
    ports:
      - "127.0.0.1:9090:9090"
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro   # the config
      - 'prom-data:/prometheus'
      - type: bind
        source: ./rules
        target: /etc/prometheus/rules
        read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 1g

  alertmanager:
    image: prom/alertmanager:v0.28.1
    security_opt:
      - "apparmor:docker-default"
      - "no-new-privileges:true"
    volumes: ["./alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"]

volumes:
  prom-data: {}
"""

NGINX = """\
events {}

http {
    # hide the version
    server_tokens on;
    server {
        listen 443 ssl;
        server_name grafana.example.com;
        ssl_certificate /etc/nginx/tls/cert.pem;
        ssl_certificate_key /etc/nginx/tls/key.pem;
        location / {
            proxy_pass http://grafana:3000;
        }
    }
}
"""

ALERTMANAGER = """\
global:
  smtp_smarthost: 'smtp.example.com:587'
  smtp_from: alerts@example.com
  smtp_auth_username: alerts
  smtp_auth_password_file: /etc/alertmanager/smtp-password
  smtp_require_tls: false   # the relay was broken once
route:
  receiver: mail
receivers:
  - name: mail
    email_configs:
      - to: ops@example.com
"""


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)


def _contents(folder, names):
    return {name: (folder / name).read_bytes() for name in names}


STACK = {
    "docker-compose.yml": COMPOSE,
    "nginx/nginx.conf": NGINX,
    "alertmanager.yml": ALERTMANAGER,
}


def test_diff_is_shown_and_no_file_is_touched(cli, tmp_path):
    _write(tmp_path, STACK)
    before = _contents(tmp_path, STACK)
    run = cli("fix", ".", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    out = run.stdout
    assert "--- a/docker-compose.yml\n+++ b/docker-compose.yml\n" in out
    assert "+      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro   # the config\n" in out
    assert "-      - ./prometheus.yml:/etc/prometheus/prometheus.yml   # the config\n" in out
    assert '+    security_opt: ["no-new-privileges:true"]\n' in out
    assert "--- a/nginx/nginx.conf\n" in out
    assert "+    server_tokens off;\n" in out
    assert "+  smtp_require_tls: true   # the relay was broken once\n" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert re.search(r"\n7 fixes in 3 files; \d+ need a human: see advice\n$", out)
    assert _contents(tmp_path, STACK) == before


def test_apply_writes_exactly_the_fixes(cli, tmp_path):
    _write(tmp_path, STACK)
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "fixed docker-compose.yml (5 fixes)" in run.stdout
    assert "fixed nginx/nginx.conf (1 fix)" in run.stdout
    assert "fixed alertmanager.yml (1 fix)" in run.stdout
    assert "7 fixes applied in 3 files" in run.stdout
    assert (tmp_path / "docker-compose.yml").read_text() == COMPOSE_FIXED
    assert (tmp_path / "nginx/nginx.conf").read_text() == NGINX.replace(
        "server_tokens on;", "server_tokens off;"
    )
    assert (tmp_path / "alertmanager.yml").read_text() == ALERTMANAGER.replace(
        "smtp_require_tls: false", "smtp_require_tls: true"
    )


def test_second_run_changes_nothing(cli, tmp_path):
    _write(tmp_path, STACK)
    assert cli("fix", "--apply", ".", cwd=tmp_path).returncode == 0
    after = _contents(tmp_path, STACK)
    again = cli("fix", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "--- a/" not in again.stdout and "+++ b/" not in again.stdout
    assert "no safe fix to make" in again.stdout  # only the advice is left
    assert cli("fix", "--apply", ".", cwd=tmp_path).returncode == 0
    assert _contents(tmp_path, STACK) == after


def test_fixed_files_scan_clean_for_the_fixed_rules(cli, tmp_path):
    _write(tmp_path, STACK)
    cli("fix", "--apply", ".", cwd=tmp_path)
    scan = cli("scan", ".", "--fail-on", "never", "--format", "json", cwd=tmp_path)
    assert scan.returncode == 0
    findings = json.loads(scan.stdout)["findings"]
    assert not [f for f in findings if f["rule_id"] in ("DC11", "NGX08", "AM03")]
    hardening = [f["message"] for f in findings if f["rule_id"] == "DC10"]
    assert hardening and not [m for m in hardening if "no-new-privileges" in m]


SECRET = "Zq8Wd1nL4p-fix"

ADVICE_ONLY = f"""\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    ports:
      - "9090:9090"
    environment:
      ADMIN_PASSWORD: {SECRET}
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml
"""


def test_published_port_and_password_are_advice_never_applied(cli, tmp_path):
    _write(tmp_path, {"docker-compose.yml": ADVICE_ONLY})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "advice (needs a human; never applied):" in out
    assert re.search(r"docker-compose\.yml:5:9: DC01 .*9090:9090 on every interface", out)
    assert re.search(r"docker-compose\.yml:7:\d+: DC13 .*ADMIN_PASSWORD=\*{8}", out)
    assert SECRET not in out + run.stderr  # not in the advice, not in the diff's context
    text = (tmp_path / "docker-compose.yml").read_text()
    assert '- "9090:9090"' in text and f"ADMIN_PASSWORD: {SECRET}" in text
    assert "prometheus.yml:/etc/prometheus/prometheus.yml:ro" in text  # the safe fix was made


def test_secret_lines_are_not_shown_as_diff_context(cli, tmp_path):
    _write(tmp_path, {"docker-compose.yml": ADVICE_ONLY})
    run = cli("fix", ".", cwd=tmp_path)
    assert run.returncode == 1
    assert "+      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro" in run.stdout
    assert "line not shown, it holds a secret" in run.stdout
    assert SECRET not in run.stdout


# The volumes are written without the indentation the ports have: no indentation setting of
# ruamel.yaml reproduces both, so nothing in the file may be rewritten by it.
MIXED = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    volumes:
    - ./prometheus.yml:/etc/prometheus/prometheus.yml
    ports:
      - "127.0.0.1:9090:9090"
"""


def test_file_ruamel_cannot_rewrite_exactly_falls_back_to_advice(cli, tmp_path):
    _write(tmp_path, {"docker-compose.yml": MIXED})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "--- a/" not in run.stdout
    assert "ruamel.yaml cannot rewrite the file without changing other lines" in run.stdout
    assert re.search(r"docker-compose\.yml:5:7: DC11 ", run.stdout)
    assert (tmp_path / "docker-compose.yml").read_text() == MIXED


def test_mounts_in_an_override_file_are_fixed_in_the_same_run(cli, tmp_path):
    base = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    security_opt: ["no-new-privileges:true"]
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml
"""
    override = """\
services:
  prometheus:
    volumes:
      - ./web.yml:/etc/prometheus/web.yml
"""
    _write(tmp_path, {"docker-compose.yml": base, "docker-compose.override.yml": override})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "2 fixes applied in 2 files" in run.stdout
    assert (tmp_path / "docker-compose.yml").read_text() == base.replace(
        "prometheus.yml\n", "prometheus.yml:ro\n"
    )
    assert (tmp_path / "docker-compose.override.yml").read_text() == override.replace(
        "web.yml\n", "web.yml:ro\n"
    )
    again = cli("fix", ".", cwd=tmp_path)
    assert again.returncode == 0 and "--- a/" not in again.stdout


def test_nginx_edit_touches_one_line(cli, tmp_path):
    conf = NGINX.replace("server_tokens on;", "server_tokens   build ;  # was on")
    _write(tmp_path, {"nginx.conf": conf})
    assert cli("fix", "--apply", "nginx.conf", cwd=tmp_path).returncode == 0
    old, new = conf.splitlines(True), (tmp_path / "nginx.conf").read_text().splitlines(True)
    assert len(old) == len(new)
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("    server_tokens   build ;  # was on\n", "    server_tokens   off ;  # was on\n")
    ]


def test_newlines_bom_and_missing_final_newline_are_kept(cli, tmp_path):
    text = "services:\r\n  am:\r\n    image: prom/alertmanager:v0.28.1\r\n    volumes:\r\n"
    text += "      - ./alertmanager.yml:/etc/alertmanager/alertmanager.yml"
    _write(tmp_path, {"docker-compose.yml": b"\xef\xbb\xbf" + text.encode()})
    assert cli("fix", "--apply", ".", cwd=tmp_path).returncode == 0
    data = (tmp_path / "docker-compose.yml").read_bytes()
    assert data == b"\xef\xbb\xbf" + (
        b"services:\r\n  am:\r\n    image: prom/alertmanager:v0.28.1\r\n    volumes:\r\n"
        b"      - ./alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro\r\n"
        b'    security_opt: ["no-new-privileges:true"]'  # still no final newline
    )


def test_unknown_image_and_risky_mounts_are_advice(cli, tmp_path):
    compose = """\
services:
  app:
    image: example/app:1.0
    volumes:
      - ./app.ini:/etc/app/app.ini
  traefik:
    image: traefik:v3.5
    security_opt: ["no-new-privileges:true"]
    volumes:
      - ./acme.json:/etc/traefik/acme.json
      - ./dynamic:/etc/traefik/dynamic
  prometheus:
    image: prom/prometheus:v3.5.0
    command: ["--storage.tsdb.path=/etc/prometheus/data"]
    security_opt: ["no-new-privileges:true"]
    volumes:
      - ./prometheus:/etc/prometheus
      - ./web.yml:/etc/prometheus/web.yml:rw
"""
    _write(tmp_path, {"docker-compose.yml": compose})
    run = cli("fix", ".", cwd=tmp_path)
    out = run.stdout
    assert "--- a/" not in out
    assert run.returncode == 0
    assert "promguard does not know whether this image writes there" in out
    assert "needs no setuid binary or file capability" in out  # no-new-privileges for `app`
    assert "like acme.json" in out
    assert "traefik may write into that folder" in out
    assert "the command line or environment points a writable path there" in out
    assert "marked `rw` on purpose" in out


@pytest.mark.parametrize(
    "smarthost, fixed",
    [("smtp.example.com:587", True), ("smtp.example.com:2525", False), ("localhost:587", None)],
)
def test_require_tls_only_where_starttls_is_offered(cli, tmp_path, smarthost, fixed):
    text = ALERTMANAGER.replace("'smtp.example.com:587'", smarthost)
    _write(tmp_path, {"alertmanager.yml": text})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0
    written = (tmp_path / "alertmanager.yml").read_text()
    if fixed:
        assert "smtp_require_tls: true   # the relay" in written
    else:
        assert written == text
    if fixed is False:  # reported, but the server may not offer STARTTLS
        assert "AM03" in run.stdout and "not changed" in run.stdout


@pytest.mark.parametrize("other, fixed", [("smtp.example.com:465", True), ("localhost:25", False)])
def test_global_require_tls_only_when_every_receiver_that_inherits_it_is_safe(
    cli, tmp_path, other, fixed
):
    text = ALERTMANAGER + f"      - to: archive@example.com\n        smarthost: {other}\n"
    _write(tmp_path, {"alertmanager.yml": text})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0
    written = (tmp_path / "alertmanager.yml").read_text()
    assert written == (text.replace("require_tls: false", "require_tls: true") if fixed else text)


def test_implicit_tls_port_is_left_alone(cli, tmp_path):
    text = ALERTMANAGER.replace("smtp.example.com:587", "smtp.example.com:465")
    _write(tmp_path, {"alertmanager.yml": text})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0
    assert (tmp_path / "alertmanager.yml").read_text() == text
    assert "AM03" not in run.stdout


def test_rules_the_settings_ignore_are_not_fixed(cli, tmp_path):
    _write(tmp_path, {**STACK, ".promguard.toml": 'ignore = ["DC10", "NGX"]\n'})
    before = _contents(tmp_path, ["nginx/nginx.conf"])
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no-new-privileges" not in (tmp_path / "docker-compose.yml").read_text()
    assert ":ro" in (tmp_path / "docker-compose.yml").read_text()
    assert _contents(tmp_path, ["nginx/nginx.conf"]) == before


def test_nothing_to_fix(cli, tmp_path):
    _write(tmp_path, {"README.md": "# nothing here\n"})
    run = cli("fix", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout == "nothing to fix\n"


def test_missing_path_is_an_error(cli, tmp_path):
    run = cli("fix", "nope.yml", cwd=tmp_path)
    assert run.returncode == 2
    assert "nope.yml" in run.stderr


# ---------------------------------------------------------------------------------------------
# The round trip itself


ROUND_TRIP = """\
# comments before everything
x-common: &common
  restart: unless-stopped   # end-of-line comment
  security_opt: ["no-new-privileges:true"]
  logging: {driver: json-file, options: {max-size: '10m'}}

services:
  prometheus:
    <<: *common
    image: "prom/prometheus:v3.5.0"
    command: [--config.file=/etc/prometheus/prometheus.yml, "--web.listen-address=:9090"]
    environment:
      - TZ=UTC
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
      - 'prom-data:/prometheus'   # data
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://localhost:9090/-/healthy"]
      interval: 30s

  # a comment between services
  grafana:
    <<: *common
    image: grafana/grafana:12.1.0
    entrypoint: >
      /run.sh
      --homepath=/usr/share/grafana
    labels:
      traefik.enable: "true"
      description: |
        Grafana, behind the proxy.

volumes:
  prom-data: {}
"""


def test_untouched_file_round_trips_byte_for_byte():
    from promguard.fixes.yaml_edit import SourceText, YamlFile, _dump

    source = SourceText("docker-compose.yml", ROUND_TRIP.encode())
    document = YamlFile.open(source)
    assert document is not None
    assert _dump(document.yaml, document.load()) == ROUND_TRIP


FOUR_SPACES = """\
services:
    prometheus:
        image: prom/prometheus:v3.5.0  # pinned
        volumes:
            - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
        environment:
            TZ: UTC
"""


@pytest.mark.parametrize(
    "text",
    [
        FOUR_SPACES,
        "services:\n  a:\n    volumes:\n    - x:/y\n    ports:\n    - '1:1'\n",  # no offset
        "---\nservices:\n  a:\n    image: x\n",  # explicit document start
    ],
)
def test_indentation_is_detected(text):
    from promguard.fixes.yaml_edit import SourceText, YamlFile, _dump

    document = YamlFile.open(SourceText("docker-compose.yml", text.encode()))
    assert document is not None
    assert _dump(document.yaml, document.load()) == text


def test_rich_file_with_nothing_safe_to_fix_is_left_alone(cli, tmp_path):
    _write(tmp_path, {"docker-compose.yml": ROUND_TRIP})
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "docker-compose.yml").read_text() == ROUND_TRIP


def test_colour_only_on_a_terminal(monkeypatch):
    from types import SimpleNamespace

    from promguard import fixes

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(fixes.sys.stdout, "isatty", lambda: True)
    assert fixes._use_colour(SimpleNamespace(no_color=False))
    assert not fixes._use_colour(SimpleNamespace(no_color=True))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not fixes._use_colour(SimpleNamespace(no_color=False))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(fixes.sys.stdout, "isatty", lambda: False)
    assert not fixes._use_colour(SimpleNamespace(no_color=False))
