"""A unique canary in every place promguard reads a secret from; no output may hold one.

Each canary names its place, so a failure says which syntax leaked and through which output:
text, JSON, SARIF, GitLab, JUnit, the HTML report, the fix diff and advice, the baseline file,
--debug, --show-passed, and host mode."""

import os
import re

import pytest

_N = iter(range(1, 1000))
CANARIES: dict[str, str] = {}


def canary(place: str) -> str:
    token = f"Cnry{next(_N):03d}q"
    CANARIES[token] = place
    return token


FILES = {
    "prometheus/prometheus.yml": f"""\
global:
  scrape_interval: 15s
remote_write:
  - url: https://writer:{canary("remote_write url userinfo")}@remote.example.com/api/v1/write
scrape_configs:
  - job_name: app
    scheme: http
    basic_auth:
      username: scraper
      password: {canary("prometheus basic_auth password")}
    proxy_url: http://proxyuser:{canary("prometheus proxy_url userinfo")}@proxy:3128
    static_configs:
      - targets: ["app:8080"]
  - job_name: token
    authorization:
      credentials: {canary("prometheus authorization credentials")}
    http_headers:
      X-Api-Key:
        values: ["{canary("prometheus http_headers value")}"]
    static_configs:
      - targets: ["app:8081"]
  - job_name: bearer
    bearer_token: {canary("prometheus bearer_token")}
    static_configs:
      - targets: ["app:8082"]
""",
    "prometheus/web-config.yml": f"""\
tls_server_config:
  cert_file: server.crt
  key: |
    -----BEGIN PRIVATE KEY-----
    {canary("web config inline PEM key")}
    -----END PRIVATE KEY-----
basic_auth_users:
  admin: {canary("web config plaintext basic_auth_users password")}
""",
    "alertmanager/alertmanager.yml": f"""\
global:
  smtp_smarthost: smtp.example.com:587
  smtp_auth_username: alerts
  smtp_auth_password: {canary("alertmanager smtp_auth_password")}
  smtp_require_tls: false
  slack_api_url: https://hooks.slack.com/services/T0/B0/{canary("slack webhook url")}
route:
  receiver: hook
receivers:
  - name: hook
    webhook_configs:
      - url: http://hookuser:{canary("alertmanager webhook url userinfo")}@hooks:8080/
""",
    "docker-compose.yml": f"""\
services:
  prometheus:
    image: prom/prometheus:v2.53.0
    ports: ["9090:9090"]
    volumes:
      - ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml
    healthcheck:
      test: ["CMD", "curl", "-u", "admin:{canary("healthcheck curl -u list form")}", "http://localhost:9090/-/healthy"]
  alertmanager:
    image: prom/alertmanager:v0.27.0
    ports: ["9093:9093"]
    healthcheck:
      test: curl -fsu admin:{canary("healthcheck curl -u string form")} http://localhost:9093/-/healthy
  grafana:
    image: grafana/grafana:11.1.0
    ports: ["3000:3000"]
    environment:
      - GF_SECURITY_ADMIN_PASSWORD={canary("compose environment list form")}
      - GF_DATABASE_URL=postgres://grafana:{canary("compose env url userinfo")}@db:5432/grafana
  grafana2:
    image: grafana/grafana:11.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD: {canary("compose environment mapping form")}
  oauth:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    ports: ["4180:4180"]
    environment:
      OAUTH2_PROXY_CLIENT_SECRET: {canary("oauth2-proxy env client secret")}
    command:
      - --upstream=http://prometheus:9090
      - --email-domain=*
      - --cookie-secret
      - {canary("oauth2-proxy --cookie-secret as two list items")}
      - --client-secret={canary("oauth2-proxy --client-secret=VALUE")}
  oauth2:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    command: ["--cookie-secret", "{canary("oauth2-proxy flag and value in a flow list")}"]
  oauth3:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    command: --cookie-secret {canary("oauth2-proxy command string")} --email-domain=*
""",
    ".env": f"ADMIN_PASSWORD={canary('.env file')}\n",
    "Dockerfile": f"""\
FROM prom/prometheus:v2.53.0
ENV GF_SECURITY_ADMIN_PASSWORD={canary("Dockerfile ENV key=value")}
ENV API_TOKEN {canary("Dockerfile ENV key value")}
ARG DB_PASSWORD={canary("Dockerfile ARG")}
ADD https://fetch:{canary("Dockerfile ADD url")}@files.example.com/rules.tar.gz /etc/prometheus/
HEALTHCHECK CMD curl -u admin:{canary("Dockerfile HEALTHCHECK curl -u")} http://localhost:9090/-/healthy
""",
    "terraform/main.tf": f"""\
variable "db_password" {{
  default = "{canary("terraform variable default")}"
}}
provider "grafana" {{
  url  = "https://tfuser:{canary("terraform url userinfo")}@grafana.example.com"
  auth = "admin:{canary("terraform grafana provider auth")}"
}}
resource "aws_security_group" "prom" {{
  ingress {{
    from_port   = 9090
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
""",
    "nginx/nginx.conf": f"""\
events {{}}
http {{
  server {{
    listen 80;
    location /api/ {{
      proxy_pass https://nguser:{canary("nginx proxy_pass userinfo")}@prometheus:9090;
      proxy_set_header Authorization "Basic {canary("nginx Authorization header")}";
    }}
  }}
}}
""",
    "caddy/Caddyfile": f"""\
:80 {{
  basic_auth /admin/* {{
    admin {canary("Caddyfile basic_auth hash")}
  }}
  reverse_proxy prometheus:9090 {{
    header_up Authorization "Bearer {canary("Caddyfile header_up bearer")}"
  }}
}}
""",
    "nginx/.htpasswd": f"admin:$apr1${canary('htpasswd hash')}\n",
    "dup/alertmanager.yml": f"""\
global:
  smtp_auth_password: {canary("duplicate key, first")}
  smtp_auth_password: {canary("duplicate key, second")}
route:
  receiver: r
receivers:
  - name: r
""",
    "broken/prometheus.yml": (
        f'scrape_configs:\n  - basic_auth:\n      password: "{canary("unparsable YAML line")}\n'
    ),
    "broken/main.tf": f'locals {{\n  password = "{canary("unparsable HCL line")}\n}}\n',
    "broken/nginx.conf": f"http {{\n  server {{\n    set $token {canary('unparsable nginx')}\n",
    "broken/Caddyfile": f":80 {{\n  basic_auth {{\n    admin {canary('unparsable Caddyfile')}\n",
}

HOST = {
    "etc/systemd/system/prometheus.service": """\
[Service]
EnvironmentFile=/etc/default/prometheus
ExecStart=/usr/bin/prometheus $ARGS
""",
    "etc/default/prometheus": (
        f"ARGS=--web.listen-address=0.0.0.0:9090\nPASSWORD={canary('host environment file')}\n"
    ),
    "etc/systemd/system/oauth2-proxy.service": f"""\
[Service]
Environment=OAUTH2_PROXY_COOKIE_SECRET={canary("host unit Environment=")}
ExecStart=/usr/bin/oauth2-proxy --client-secret {canary("host ExecStart")} --email-domain=*
""",
}

_TOKEN = re.compile(r"Cnry\d{3}q")


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _leaks(text: str) -> list[str]:
    return sorted({f"{t} ({CANARIES.get(t, '?')})" for t in _TOKEN.findall(text)})


@pytest.fixture
def tree(tmp_path):
    _write(tmp_path, FILES)
    return tmp_path


SCAN_OUTPUTS = [
    ("text", ()),
    ("text", ("--show-passed",)),
    ("text", ("--debug",)),
    ("json", ("--show-passed",)),
    ("sarif", ()),
    ("gitlab", ()),
    ("junit", ()),
]


@pytest.mark.parametrize("fmt,extra", SCAN_OUTPUTS)
def test_no_canary_in_scan_output(cli, tree, fmt, extra):
    run = cli("scan", ".", "--format", fmt, "--fail-on", "never", *extra, cwd=tree)
    assert run.returncode == 0, run.stderr
    assert _leaks(run.stdout + run.stderr) == []
    assert "********" in run.stdout or fmt in ("junit", "gitlab")


def test_no_canary_in_colour_text(cli, tree):
    import subprocess
    import sys

    # a terminal is what turns colour on; `script` gives the child one
    if not os.path.exists("/usr/bin/script"):
        pytest.fail("util-linux `script` is needed to give promguard a terminal")
    command = f"{sys.executable} -m promguard scan . --fail-on never"
    run = subprocess.run(
        ["script", "-qec", command, "/dev/null"], cwd=tree, capture_output=True, text=True
    )
    assert "\033[" in run.stdout  # coloured
    assert _leaks(run.stdout) == []


def test_no_canary_in_html_report(cli, tree):
    run = cli("report", ".", "-o", "report.html", cwd=tree)
    assert run.returncode == 0, run.stderr
    html = (tree / "report.html").read_text()
    assert "********" in html
    assert _leaks(html + run.stdout + run.stderr) == []


def test_no_canary_in_fix_diff_or_advice(cli, tree):
    run = cli("fix", ".", cwd=tree)
    assert run.returncode in (0, 1), run.stderr
    assert "advice" in run.stdout
    assert _leaks(run.stdout + run.stderr) == []


def test_no_canary_in_baseline_file(cli, tree):
    run = cli("scan", ".", "--write-baseline", "baseline.json", "--fail-on", "never", cwd=tree)
    assert run.returncode == 0, run.stderr
    assert _leaks((tree / "baseline.json").read_text()) == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_canary_in_host_mode(cli, tmp_path, fmt):
    _write(tmp_path, HOST)
    run = cli("scan", "--host", str(tmp_path), "--format", fmt, "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    assert "oauth2-proxy" in run.stdout
    assert _leaks(run.stdout + run.stderr) == []
