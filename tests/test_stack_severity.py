"""File rules that the whole stack can prove unreachable or authenticated (Rule.in_stack):
PF03, WEB02 and NGX15 are low when the stack shows it, and stay medium when it does not (the
same files with the port published, or the flags on, or no stack around them)."""

import shutil

from conftest import FIXTURES


def _severity(scan, root, rule_id):
    result = scan(root, root=str(root))
    assert result.errors == []
    found = [f.severity for f in result.findings if f.rule_id == rule_id]
    assert len(found) == 1, found
    return found[0]


def _copy(name, tmp_path):
    target = tmp_path / name.replace("/", "-")
    shutil.copytree(f"{FIXTURES}/{name}", target)
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_authenticated_receiver_out_of_reach_is_low(scan, tmp_path):
    root = _copy("PF03/bad-authenticated-loopback", tmp_path)
    assert _severity(scan, root, "PF03") == "low"
    _edit(root / "docker-compose.yml", '"127.0.0.1:9090:9090"', '"9090:9090"')
    assert _severity(scan, root, "PF03") == "medium"


def test_an_unauthenticated_receiver_stays_medium(scan, tmp_path):
    root = _copy("PF03/bad-authenticated-loopback", tmp_path)
    (root / "prometheus" / "web.yml").write_text("tls_server_config: {}\n")
    assert _severity(scan, root, "PF03") == "medium"


def test_basic_auth_without_tls_on_loopback_is_low(scan, tmp_path):
    root = _copy("WEB02/bad-loopback-only", tmp_path)
    assert _severity(scan, root, "WEB02") == "low"
    _edit(root / "docker-compose.yml", '"127.0.0.1:9090:9090"', '"9090:9090"')
    assert _severity(scan, root, "WEB02") == "medium"


def test_admin_paths_to_a_backend_without_the_flags_are_low(scan, tmp_path):
    root = _copy("NGX15/bad-flags-off-in-stack", tmp_path)
    assert _severity(scan, root, "NGX15") == "low"
    # the nginx file alone: the backend is unknown
    assert _severity(scan, root / "nginx" / "nginx.conf", "NGX15") == "medium"
    _edit(
        root / "docker-compose.yml",
        "--config.file=/etc/prometheus/prometheus.yml",
        "--config.file=/etc/prometheus/prometheus.yml\n      - --web.enable-lifecycle",
    )
    assert _severity(scan, root, "NGX15") == "medium"


def test_plain_http_on_an_nginx_only_containers_reach_is_low(scan, tmp_path):
    root = _copy("NGX04/bad-internal-behind-proxy", tmp_path)
    assert _severity(scan, root, "NGX04") == "low"
    _edit(root / "docker-compose.yml", 'expose:\n      - "80"', 'ports:\n      - "80:80"')
    assert _severity(scan, root, "NGX04") == "medium"


def test_a_failing_in_stack_hook_leaves_its_findings_and_is_an_error(tmp_path):
    from promguard.engine import Selection, scan
    from promguard.registry import load_rules
    from promguard.rule import Rule

    class Broken(Rule):
        id = "ZZ01"
        title = "a plugin rule whose stack hook fails"
        severity = "medium"
        kinds = ("compose",)

        def check(self, doc):
            yield self.report(doc, doc.roots[0], "found")

        def in_stack(self, finding, stack):
            raise ValueError("secret-looking text from the file")

    (tmp_path / "docker-compose.yml").write_text("services:\n  a:\n    image: nginx:1.27\n")
    result = scan([str(tmp_path)], [*load_rules(), Broken()], Selection(), root=str(tmp_path))
    assert [f.severity for f in result.findings if f.rule_id == "ZZ01"] == ["medium"]
    assert result.errors == ["rule ZZ01 failed on the stack: ValueError"]


def test_credentials_to_services_of_the_same_project_are_low(scan, tmp_path):
    root = _copy("PROM06/bad-compose-internal-targets", tmp_path)
    result = scan(root, root=str(root))
    assert {f.severity for f in result.findings if f.rule_id == "PROM06"} == {"low"}
    _edit(root / "prometheus" / "prometheus.yml", "node-exporter:9100", "10.0.4.7:9100")
    result = scan(root, root=str(root))
    assert sorted(f.severity for f in result.findings if f.rule_id == "PROM06") == [
        "low",
        "medium",
    ]


def test_a_writable_host_mount_is_medium_for_a_container_that_is_not_root(scan, tmp_path):
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(
        "services:\n  node:\n    image: prom/node-exporter:v1.9.1\n    volumes:\n"
        "      - /proc:/host/proc\n  agent:\n    image: debian:12.5\n    volumes:\n"
        "      - /proc:/host/proc\n"
    )
    found = {f.line: f.severity for f in scan(tmp_path).findings if f.rule_id == "DC07"}
    assert found == {5: "medium", 9: "high"}  # node_exporter runs as nobody


def test_an_unexpanded_variable_costs_what_its_field_does(scan, tmp_path):
    (tmp_path / "prometheus.yml").write_text(
        "scrape_configs:\n  - job_name: app\n    basic_auth:\n      username: u\n"
        "      password: ${APP_PASSWORD}\n    static_configs:\n"
        "      - targets: ['app:${APP_PORT}']\nremote_write:\n"
        "  - url: https://metrics.example.com/api/v1/write\n    basic_auth:\n"
        "      username: u\n      password: ${REMOTE_PASSWORD}\n"
    )
    found = {f.line: f.severity for f in scan(tmp_path).findings if f.rule_id == "PROM03"}
    assert found == {5: "medium", 7: "low", 12: "high"}


def test_a_receiver_only_an_authenticating_proxy_reaches_is_low(scan, tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        """\
services:
  traefik:
    image: traefik:v3.1.2
    command: ["--providers.docker.exposedbydefault=false", "--entrypoints.websecure.address=:443"]
    ports: ["443:443"]
  prometheus:
    image: prom/prometheus:v3.5.0
    command: ["--web.enable-remote-write-receiver"]
    labels:
      - traefik.enable=true
      - traefik.http.routers.p.rule=Host(`prometheus.example.com`)
      - traefik.http.routers.p.tls=true
      - traefik.http.routers.p.middlewares=auth
      - traefik.http.middlewares.auth.basicauth.users=ops:$$2y$$05$$abcdefghijklmnopqrstuv
"""
    )
    assert _severity(scan, tmp_path, "PF03") == "low"
    _edit(tmp_path / "docker-compose.yml", "      - traefik.http.routers.p.middlewares=auth\n", "")
    assert _severity(scan, tmp_path, "PF03") == "medium"


def test_an_entrypoint_script_that_drops_root_makes_df01_low(scan, tmp_path):
    root = _copy("DF01/bad-entrypoint-script-drops-root", tmp_path)
    assert _severity(scan, root, "DF01") == "low"
    (root / "entry.sh").write_text("#!/bin/sh\nexec /usr/local/bin/service --data /data\n")
    assert _severity(scan, root, "DF01") == "medium"
