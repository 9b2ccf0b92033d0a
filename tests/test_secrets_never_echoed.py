"""No secret value reaches any output: findings about plaintext secrets show the key and a mask,
and parse errors never quote the text around them."""

import pytest

MARK = "Zq8Wd1nL4p"  # every secret below contains it


FILES = {
    "prometheus/prometheus.yml": f"""\
scrape_configs:
  - job_name: app
    scheme: https
    basic_auth:
      username: scraper
      password: {MARK}-prom
    static_configs:
      - targets: ["app:8443"]
""",
    "alertmanager/alertmanager.yml": f"""\
global:
  smtp_auth_password: {MARK}-smtp
  slack_api_url: https://hooks.slack.com/services/T000/B000/{MARK}
route:
  receiver: r
receivers:
  - name: r
""",
    "docker-compose.yml": f"""\
services:
  grafana:
    image: grafana/grafana:12.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD: {MARK}-grafana
      DATABASE_URL: postgres://app:{MARK}-db@db:5432/app
  proxy:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.9.0
    command: ["--client-secret={MARK}-oauth", "--cookie-secret={MARK}-cookie"]
""",
    "Dockerfile": f"FROM alpine:3.20\nENV API_TOKEN={MARK}-docker\n",
    "main.tf": f"""\
variable "db_password" {{
  default = "{MARK}-tf"
}}
resource "helm_release" "g" {{
  chart = "grafana"
  set {{
    name  = "adminPassword"
    value = "{MARK}-helm"
  }}
}}
""",
    # broken files, with a secret right where the parser stops
    "broken/prometheus.yml": f"scrape_configs:\n  - basic_auth: {{password: {MARK}-broken\n",
    "broken/main.tf": f'locals {{\n  password = "{MARK}-unterminated\n}}\n',
    "broken/heredoc.tf": f"locals {{\n  x = <<EOF\npassword: {MARK}-heredoc\n",
    "broken/nginx.conf": f"http {{\n  server {{\n    set $token {MARK}-nginx\n",
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_secret_in_any_output(cli, tmp_path, fmt):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    run = cli("scan", ".", "--format", fmt, "--fail-on", "never", cwd=tmp_path)
    assert run.returncode == 0
    assert MARK not in run.stdout + run.stderr
    assert "********" in run.stdout  # the secret findings were made, masked
