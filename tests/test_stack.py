"""The stack: cross-file rules see the compose file, what it mounts and the nginx in front, in
a scan of the whole folder and in a pre-commit scan of a few files alike."""

import pathlib
import subprocess

import pytest

FIXTURES = pathlib.Path(__file__).parent / "fixtures"

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --web.config.file=/etc/prometheus/web-config.yml
    ports:
      - "9090:9090"
    volumes:
      - ./prometheus:/etc/prometheus:ro
  alertmanager:
    image: prom/alertmanager:v0.28.1
    command:
      - --config.file=/etc/alertmanager/alertmanager.yml
      - --web.config.file=/etc/alertmanager/web.yml
    volumes:
      - ./alertmanager:/etc/alertmanager:ro
"""
PROMETHEUS = """\
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager:9093"]
"""
WEB_NO_AUTH = "http_server_config:\n  http2: true\n"
AM_WEB = """\
basic_auth_users:
  alice: $2y$10$abcdefghijklmnopqrstuv
tls_server_config:
  cert_file: a.crt
  key_file: a.key
"""
AM = "route:\n  receiver: r\nreceivers:\n  - name: r\n"


def make_stack(root):
    (root / "prometheus").mkdir()
    (root / "alertmanager").mkdir()
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "prometheus" / "prometheus.yml").write_text(PROMETHEUS)
    (root / "prometheus" / "web-config.yml").write_text(WEB_NO_AUTH)
    (root / "alertmanager" / "alertmanager.yml").write_text(AM)
    (root / "alertmanager" / "web.yml").write_text(AM_WEB)
    (root / "alertmanager" / "a.crt").write_text("x")
    (root / "alertmanager" / "a.key").write_text("x")
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def cross(result, path=None):
    return sorted(
        (f.path, f.line, f.rule_id)
        for f in result.findings
        if f.rule_id.startswith("XF") and (path is None or f.path == path)
    )


def test_a_file_scanned_alone_gets_the_same_cross_file_findings(scan, tmp_path):
    make_stack(tmp_path)
    whole = scan(tmp_path, root=tmp_path)
    assert cross(whole) == [
        ("docker-compose.yml", 8, "XF01"),
        ("prometheus/prometheus.yml", 4, "XF09"),
    ]
    alone = scan(tmp_path / "docker-compose.yml", root=tmp_path)
    assert cross(alone, "docker-compose.yml") == cross(whole, "docker-compose.yml")
    # the alerting section depends on the compose file too: it gives Alertmanager its web config
    assert ("prometheus/prometheus.yml", 4, "XF09") in cross(alone)
    config = scan(tmp_path / "prometheus" / "prometheus.yml", root=tmp_path)
    assert cross(config) == cross(whole, "prometheus/prometheus.yml")


def test_a_changed_file_reports_the_cross_file_findings_it_causes(scan, tmp_path):
    # Adding basic auth to Alertmanager's web config breaks the unchanged alerting section.
    make_stack(tmp_path)
    result = scan(tmp_path / "alertmanager" / "web.yml", root=tmp_path)
    (finding,) = [f for f in result.findings if f.rule_id == "XF09"]
    assert (finding.path, finding.line) == ("prometheus/prometheus.yml", 4)
    assert ("alertmanager/web.yml", 1, 1, "`basic_auth_users` asks for it") in finding.related
    assert ("docker-compose.yml", 15, 9, "the web config is given here") in finding.related
    assert "without credentials and `scheme: https`" in finding.message


def test_context_is_not_read_outside_the_repository(scan, tmp_path):
    (tmp_path / "outer").mkdir()
    make_stack(tmp_path / "outer")
    inner = tmp_path / "outer" / "nested"
    inner.mkdir()
    (inner / "prometheus.yml").write_text(PROMETHEUS)
    subprocess.run(["git", "init", "-q", str(inner)], check=True)  # its own repository
    result = scan(inner / "prometheus.yml", root=tmp_path)
    assert cross(result) == []


def test_a_cross_file_finding_can_be_suppressed_where_it_is(scan, tmp_path):
    make_stack(tmp_path)
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(
        COMPOSE.replace(
            '- "9090:9090"', '- "9090:9090"  # promguard: ignore[XF01] only on the lab network'
        )
    )
    result = scan(tmp_path, root=tmp_path)
    assert [f.rule_id for f in result.suppressed if f.rule_id.startswith("XF")] == ["XF01"]
    assert cross(result, "docker-compose.yml") == []


# Each cross-file finding names the other files' lines it depends on: (fixture, rule, where the
# finding is, the related locations in order).
RELATED = [
    (
        "XF01/bad-admin-api",
        ("docker-compose.yml", 20),
        [("docker-compose.yml", 18, "--web.enable-admin-api is on here")],
    ),
    (
        "XF05/bad-confd-alertmanager",
        ("docker-compose.yml", 34),
        [("nginx/conf.d/alertmanager.conf", 12, "the authenticating proxy that is bypassed")],
    ),
    (
        "XF06/bad-lifecycle",
        ("nginx/nginx.conf", 20),
        [("docker-compose.yml", 31, "--web.enable-lifecycle is on here")],
    ),
    (
        "XF07/bad-no-tls",
        ("prometheus/web-config.yml", 2),
        [
            ("docker-compose.yml", 20, "reachable from other machines through this"),
            ("docker-compose.yml", 17, "the web config is given here"),
        ],
    ),
    (
        "XF09/bad-scrape-https",
        ("prometheus/prometheus.yml", 11),
        [
            ("node-exporter/web-config.yml", 1, "`tls_server_config` asks for it"),
            ("docker-compose.yml", 29, "the web config is given here"),
        ],
    ),
    (
        "XF10/bad-mounted-elsewhere",
        ("docker-compose.yml", 17),
        [("docker-compose.yml", 23, "mounted here instead")],
    ),
    (
        "XF13/bad-published",
        ("docker-compose.yml", 6),
        [("docker-compose.yml", 3, "no GF_SECURITY_ADMIN_PASSWORD for this service")],
    ),
    (
        "XF14/bad-copied-config",
        ("Dockerfile", 3),
        [("prometheus/prometheus.yml", 6, "the secret is here")],
    ),
]


@pytest.mark.parametrize("fixture,where,related", RELATED, ids=[r[0] for r in RELATED])
def test_cross_file_findings_name_the_lines_they_depend_on(scan, fixture, where, related):
    folder = FIXTURES / fixture
    rule = fixture.split("/")[0]
    result = scan(folder, root=folder)
    found = {(f.path, f.line): f for f in result.findings if f.rule_id == rule}
    finding = found[where]
    assert [(path, line, message) for path, line, _, message in finding.related] == related


def test_service_names_are_looked_up_in_their_own_compose_project(scan, tmp_path):
    # Two projects in one repository; only b/ has a Prometheus with the admin API. a/'s nginx
    # proxies to a `prometheus` that does not exist in a/: nothing to say about b/'s.
    (tmp_path / "a" / "nginx").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "docker-compose.yml").write_text(
        "services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n"
        "      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n"
    )
    (tmp_path / "a" / "nginx" / "nginx.conf").write_text(
        "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n"
        "      proxy_pass http://prometheus:9090;\n    }\n  }\n}\n"
    )
    (tmp_path / "b" / "docker-compose.yml").write_text(
        "services:\n  prometheus:\n    image: prom/prometheus:v3.5.0\n    command:\n"
        "      - --web.enable-admin-api\n    expose:\n      - '9090'\n"
    )
    result = scan(tmp_path, root=tmp_path)
    assert cross(result) == []
