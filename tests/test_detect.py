"""File kinds by name and by content; content wins over a misleading name."""

import os

import pytest

from promguard.kinds import installed
from promguard.parsers.yaml_tree import parse_yaml

KINDS = installed()
kind_by_name = KINDS.by_name


def yaml_kind(name_kind, keys, root, path=""):
    return KINDS.yaml_kind(name_kind, keys, root, path)


@pytest.mark.parametrize(
    "path,kind",
    [
        ("prometheus.yml", "prometheus"),
        ("deploy/prometheus-prod.yaml", "prometheus"),
        ("alertmanager.yml", "alertmanager"),
        ("web-config.yml", "webconfig"),
        ("web.yml", "webconfig"),
        ("docker-compose.override.yml", "compose"),
        ("compose.yaml", "compose"),
        ("main.tf", "terraform"),
        ("Dockerfile", "dockerfile"),
        ("Dockerfile.prometheus", "dockerfile"),
        ("build/app.dockerfile", "dockerfile"),
        ("nginx.conf", "nginx"),
        ("deploy/nginx/site.conf", "nginx"),
        ("etc/sites-enabled/default.conf", "nginx"),
        ("etc/nginx/sites-available/default", "nginx"),
        ("etc/nginx/sites-available/README.md", None),
        ("settings.conf", None),
        ("values.yaml", None),
    ],
)
def test_kind_by_name(path, kind):
    assert kind_by_name(path) == kind


def kind(text, name=None):
    parsed = parse_yaml(text)
    roots = [d for d in parsed.documents if hasattr(d, "keys")]
    root = roots[0] if roots else None
    return yaml_kind(name, set(root.keys()) if root is not None else None, root)


def test_content_decides_for_unhelpful_names():
    assert kind("scrape_configs: []\n") == "prometheus"
    assert kind("route: {receiver: a}\nreceivers: [{name: a}]\n") == "alertmanager"
    assert kind("basic_auth_users: {a: b}\n") == "webconfig"
    assert kind("services:\n  web: {image: nginx}\n") == "compose"
    assert kind("foo: bar\n") is None
    assert kind("global:\n  scrape_interval: 15s\n") == "prometheus"
    assert kind("global:\n  resolve_timeout: 5m\n") is None
    assert kind("global:\n  scrape_interval: 15s\nimage: x\n") is None  # a Helm values file


def test_content_wins_over_a_misleading_name():
    assert kind("services:\n  p: {image: prom/prometheus}\n", "prometheus") == "compose"
    assert kind("apiVersion: v1\nkind: ConfigMap\n", "prometheus") is None
    assert kind("groups:\n  - name: rules\n", "prometheus") is None


def test_promtail_and_agent_configs_are_not_prometheus():
    # scrape_configs beside server, positions and clients: Promtail (and Grafana Agent) read it
    promtail = "server: {http_listen_port: 9080}\npositions: {filename: /tmp/p.yaml}\n"
    promtail += "clients: [{url: 'http://loki:3100/loki/api/v1/push'}]\nscrape_configs: []\n"
    assert kind(promtail) is None
    assert kind(promtail, "prometheus") is None
    assert kind("global: {scrape_interval: 15s}\nscrape_configs: []\n") == "prometheus"


def test_traefik_files_by_name_and_by_content():
    assert kind_by_name("traefik/traefik.yml") == "traefik"
    assert kind_by_name("traefik.toml") == "traefik-toml"
    assert kind("entryPoints:\n  web: {address: ':80'}\n") == "traefik"
    assert kind("http:\n  routers:\n    r: {rule: 'Host(`a`)'}\n") == "traefik"  # any name
    assert kind("http:\n  port: 80\n") is None  # not Traefik's sections
    assert kind("providers:\n  kubernetesCRD: {}\nports: {web: {port: 80}}\n") is None


def test_gitlab_ci_services_list_is_not_compose():
    assert kind("services:\n  - docker:dind\nstages: [build]\n") is None


def test_name_alone_needs_content_that_fits():
    assert kind("global:\n  scrape_interval: 15s\n", "prometheus") == "prometheus"
    assert kind("", "prometheus") == "prometheus"
    # A Helm values file called prometheus-values.yml is not a prometheus.yml.
    assert kind("server:\n  replicas: 2\nalertmanagerFiles: {}\n", "prometheus") is None


def test_weak_names_need_content():
    assert yaml_kind("webconfig", set(), None, "deploy/website.yml") is None
    assert yaml_kind("webconfig", None, None, "webhook.yaml") is None
    assert kind("tls_server_config: {cert_file: a}\n", "webconfig") == "webconfig"
    assert yaml_kind("webconfig", set(), None, "deploy/web-config.yml") == "webconfig"


@pytest.mark.parametrize(
    "name,weak",
    [
        ("website.yml", True),
        ("webhook.yaml", True),
        ("web.yml", False),
        ("web-config.yml", False),
        ("web_config_users.yml", False),
    ],
)
def test_which_names_are_weak(name, weak):
    assert KINDS.get("webconfig").weak_name(name) is weak


def test_alertmanager_cluster_tls_config_is_not_a_web_config():
    # --cluster.tls-config files have a client side that web configs do not have.
    keys = {"tls_server_config", "tls_client_config"}
    assert yaml_kind("webconfig", keys, None) is None
    assert yaml_kind(None, {"tls_server_config", "basic_auth_users"}, None) == "webconfig"


@pytest.mark.parametrize(
    "path",
    [
        "prometheus.yml",
        "deploy/docker-compose.prod.yaml",
        "infra/main.tf",
        "infra/prod.auto.tfvars",
        "nginx/conf.d/prometheus.conf",
        "etc/nginx/sites-available/default",
        "build/Dockerfile.prometheus",
        "images/exporter.dockerfile",
        "caddy/Caddyfile",
        "Caddyfile.prod",
        "sites/monitoring.caddyfile",
        "traefik/traefik.toml",
        "traefik/dynamic/routes.toml",
    ],
)
def test_the_pre_commit_hook_passes_every_kind_promguard_reads(path):
    import re

    import yaml

    hooks = os.path.join(os.path.dirname(os.path.dirname(__file__)), ".pre-commit-hooks.yaml")
    with open(hooks, encoding="utf-8") as fh:
        (hook,) = yaml.safe_load(fh)
    # pre-commit matches `files` with Python's re.search on the repository-relative path
    assert re.search(hook["files"], path)
    name_kind = kind_by_name(path)
    assert name_kind is not None or path.endswith((".yml", ".yaml", ".conf", ".toml"))


def test_templates_of_configs_are_counted_as_not_checked(tmp_path):
    from promguard.engine import Selection, scan
    from promguard.registry import load_rules

    (tmp_path / "alertmanager.yml.j2").write_text(
        'global:\n  smtp_auth_password: "{{ vault_smtp_password }}"\n'
    )
    (tmp_path / "docker-compose.yml.tmpl").write_text("services: {{ .Services }}\n")
    (tmp_path / "_helpers.tpl").write_text('{{- define "chart.name" -}}x{{- end -}}\n')
    result = scan([str(tmp_path)], load_rules(), Selection(), root=str(tmp_path))
    assert result.findings == [] and result.errors == []
    # a template of a config promguard reads is said to be there; a Helm helper is not one
    assert result.not_checked == {"template": 2} and result.files_scanned == 0
