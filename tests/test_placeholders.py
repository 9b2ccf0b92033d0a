"""A value that only stands for a secret (`<api-token>`, `your-password`, `YOUR_TOKEN`,
`.../YOUR/SLACK/WEBHOOK_URL`) is told apart from a real one the same way in every rule that
reports secrets: at low, with the way to fill it in. Known defaults are the worst secrets, not
placeholders."""

import pytest

from promguard.models.secrets import placeholder

PLACEHOLDERS = [
    "your-password",
    "yourpassword",
    "<webhook-id>",
    "YOUR_TOKEN",
    "xxxx",
    "PASSWORD_TO_REPLACE",
    "https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK_URL",
    "your-cloudflare-api-token",
    "MyCloudflareApiToken",
    "<MY-CF-API-TOKEN>",
    "{{ .Values.token }}",
    "put-your-token-here",
    "https://hooks.slack.com/services/<webhook-id>",
    "BOT_TOKEN",
    "CLIENT_SECRET",
]
SECRETS = [
    "admin",
    "prom-operator",
    "changeme",
    "password",
    "s3cr3tP4ss",
    "mysql-pass",
    "https://hooks.slack.com/services/T0AAAAAA1/B0BBBBBB2/abcdefghijklmnop1234",
    "https://user:hunter2@example.com/",
    "PASSWORD",
    "S3CR3T_TOKEN",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders(value):
    assert placeholder(value)


@pytest.mark.parametrize("value", SECRETS)
def test_real_and_default_secrets_are_no_placeholders(value):
    assert not placeholder(value)


def _severities(scan, tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = scan(path)
    assert result.errors == []
    return {(f.rule_id, f.line): f.severity for f in result.findings}


def test_every_secret_rule_reports_a_placeholder_low(scan, tmp_path):
    compose = """\
services:
  exporter:
    image: prom/mysqld-exporter:v0.15.1
    environment:
      MYSQL_PASSWORD: your-password
      API_TOKEN: s3cr3tP4ss
      DATA_SOURCE_NAME: postgresql://exporter:your_exporter_password@YOUR_DB_HOST:5432/postgres
  grafana:
    image: grafana/grafana:11.2.0
    environment:
      GF_SECURITY_SECRET_KEY: <your-secret-key>
  oauth2-proxy:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    command:
      - --client-secret=YOUR_CLIENT_SECRET
      - --cookie-secret=c2VjcmV0c2VjcmV0c2VjcmV0
"""
    found = _severities(scan, tmp_path, "docker-compose.yml", compose)
    assert found[("DC13", 5)] == "low" and found[("DC13", 6)] == "high"
    assert found[("DC13", 7)] == "low"
    assert found[("GRF02", 11)] == "low"
    assert found[("O2P02", 15)] == "low" and found[("O2P02", 16)] == "high"
    dockerfile = "FROM alpine:3.20\nENV API_TOKEN=<api-token>\nENV DB_PASSWORD=hunter2hunter2\n"
    found = _severities(scan, tmp_path, "Dockerfile", dockerfile)
    assert found[("DF04", 2)] == "low" and found[("DF04", 3)] == "high"
    prometheus = """\
scrape_configs:
  - job_name: a
    basic_auth: {username: u, password: xxxx}
    static_configs: [{targets: ['a:9100']}]
  - job_name: b
    basic_auth: {username: u, password: n0t-a-placeholder-9}
    static_configs: [{targets: ['b:9100']}]
"""
    found = _severities(scan, tmp_path, "prometheus.yml", prometheus)
    assert found[("PROM02", 3)] == "low" and found[("PROM02", 6)] == "medium"


def test_names_that_say_where_a_key_is_are_not_secret_names():
    from promguard.models.secrets import secret_name

    assert not secret_name("PATH_TO_PRIVATE_KEY")
    assert secret_name("SSH_PRIVATE_KEY") and secret_name("DB_PASSWORD")
