"""Traefik as Traefik reads it (checked against Traefik 3.7): which static source wins, the
entry points it makes by itself, option names in any case, labels with `$$`, chains, rules
and priorities, TOML with positions, and the linking of a Traefik to the containers of another
compose project on a shared network."""

import pytest

from promguard import engine, regions
from promguard.models.traefik_rule import Rule as TraefikRule
from promguard.parsers.toml_tree import TomlError, parse_toml
from promguard.registry import load_rules

HARDENING = """\
x-hardening: &hardening
  security_opt: [no-new-privileges:true]
  read_only: true
  cap_drop: [ALL]
  mem_limit: 256m
"""


def _findings(scan, root, prefix="TRF"):
    result = scan(root, root=str(root))
    assert result.errors == []
    return sorted(
        (f.rule_id, f.path, f.line, f.severity)
        for f in result.findings
        if f.rule_id.startswith(prefix)
    )


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# the static configuration


def test_a_static_file_wins_over_the_command_line(scan, tmp_path):
    # Traefik reads traefik.yml and ignores every flag: the insecure API of the flags is off,
    # and the entry point of the file is the one that counts
    compose = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    command: ["--api.insecure=true", "--entrypoints.web.address=:80"]
    ports: ["8080:8080", "80:80"]
    volumes: ["./traefik.yml:/etc/traefik/traefik.yml:ro"]
"""
    )
    static = "entryPoints:\n  web:\n    address: ':80'\n"
    root = _write(tmp_path, {"docker-compose.yml": compose, "traefik.yml": static})
    assert _findings(scan, root) == []
    (root / "traefik.yml").unlink()
    assert _findings(scan, root) == [("TRF02", "docker-compose.yml", 11, "high")]


def test_option_names_are_read_in_any_case(scan, tmp_path):
    static = "ENTRYPOINTS:\n  web:\n    ADDRESS: ':80'\nAPI:\n  Insecure: true\n"
    compose = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    ports: ["8080:8080"]
    volumes: ["./traefik.yml:/etc/traefik/traefik.yml:ro"]
"""
    )
    root = _write(tmp_path, {"docker-compose.yml": compose, "traefik.yml": static})
    assert _findings(scan, root) == [("TRF02", "traefik.yml", 5, "high")]


def test_the_api_entry_point_is_published_or_not(scan, tmp_path):
    compose = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    command: ["--api.insecure=true"]
    ports: ["{ports}"]
"""
    )
    for ports, severity in (
        ("8080:8080", "high"),
        ("127.0.0.1:8080:8080", "low"),
        ("80:80", "low"),
    ):
        root = _write(
            tmp_path / ports.replace(":", "_"), {"docker-compose.yml": compose.format(ports=ports)}
        )
        assert _findings(scan, root) == [("TRF02", "docker-compose.yml", 11, severity)], ports


# routers, middlewares and entry points

LABELLED = (
    HARDENING
    + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    command:
      - --providers.docker.exposedbydefault=false
      - --providers.docker.endpoint=tcp://socket-proxy:2375
      - --entrypoints.web.address=:80
      - --entrypoints.traefik.address=:9000
    ports: ["80:80", "9000:9000"]
  prometheus:
    <<: *hardening
    image: prom/prometheus:v2.53.0
    labels:
{labels}
"""
)


def _labelled(tmp_path, *labels):
    text = "\n".join(f"      - {label}" for label in labels)
    return _write(tmp_path, {"docker-compose.yml": LABELLED.format(labels=text)})


def test_a_router_without_entry_points_is_on_every_one_but_traefik(scan, tmp_path):
    root = _labelled(
        tmp_path, "traefik.enable=true", "traefik.http.routers.p.rule=Host(`p.example.com`)"
    )
    assert _findings(scan, root) == [("TRF01", "docker-compose.yml", 22, "high")]
    root = _labelled(
        tmp_path / "only-traefik",
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.entrypoints=traefik",
    )
    # an entry point named `traefik` is still an entry point when the router names it
    assert _findings(scan, root) == [("TRF01", "docker-compose.yml", 22, "high")]


def test_dollars_in_labels_are_compose_escapes(scan, tmp_path):
    # `$$apr1$$` is `$apr1$` once compose has read it: a real MD5 hash of "admin"
    root = _labelled(
        tmp_path,
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.middlewares=auth",
        "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$H6uskkkW$$JlU5La5Cfy4J0mha9Y6hj1",
    )
    assert _findings(scan, root) == [
        ("TRF06", "docker-compose.yml", 22, "high"),  # and on plain HTTP
        ("TRF07", "docker-compose.yml", 24, "high"),
    ]


def test_a_chain_protects_and_an_undefined_middleware_is_no_guess(scan, tmp_path):
    chained = _labelled(
        tmp_path / "chain",
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.middlewares=outer",
        "traefik.http.middlewares.outer.chain.middlewares=inner",
        "traefik.http.middlewares.inner.chain.middlewares=outer,allow",  # a loop, bounded
        "traefik.http.middlewares.allow.ipallowlist.sourcerange=10.0.0.0/8",
    )
    assert _findings(scan, chained) == []
    elsewhere = _labelled(
        tmp_path / "elsewhere",
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.middlewares=authelia@file",
    )
    assert _findings(scan, elsewhere) == []  # defined in a file no one scanned: maybe auth
    headers = _labelled(
        tmp_path / "headers",
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.middlewares=secure-headers@file",
    )
    assert [f[0] for f in _findings(scan, headers)] == ["TRF01"]  # its name says what it does


def test_an_open_allowlist_is_no_protection(scan, tmp_path):
    root = _labelled(
        tmp_path,
        "traefik.enable=true",
        "traefik.http.routers.p.rule=Host(`p.example.com`)",
        "traefik.http.routers.p.middlewares=everyone",
        "traefik.http.middlewares.everyone.ipallowlist.sourcerange=0.0.0.0/0",
    )
    assert [f[0] for f in _findings(scan, root)] == ["TRF01"]


def test_a_redirected_entry_point_serves_no_router(scan, tmp_path):
    compose = LABELLED.replace(
        "      - --entrypoints.web.address=:80\n",
        "      - --entrypoints.web.address=:80\n"
        "      - --entrypoints.web.http.redirections.entrypoint.to=websecure\n"
        "      - --entrypoints.websecure.address=127.0.0.1:443\n",
    )
    labels = (
        "      - traefik.enable=true\n      - traefik.http.routers.p.rule=Host(`p.example.com`)"
    )
    root = _write(tmp_path, {"docker-compose.yml": compose.format(labels=labels)})
    # only the loopback entry point serves it: low
    assert _findings(scan, root) == [("TRF01", "docker-compose.yml", 24, "low")]


def test_traefik_1_in_swarm_mode_routes_only_services_that_name_a_port(scan, tmp_path):
    compose = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:1.7.34
    command: ["--docker", "--docker.swarmMode", "--docker.endpoint=tcp://socket-proxy:2375"]
    ports: ["80:80"]
  node-exporter:
    <<: *hardening
    image: prom/node-exporter:v1.8.0
  prometheus:
    <<: *hardening
    image: prom/prometheus:v2.53.0
    deploy:
      labels: ["traefik.port=9090", "traefik.frontend.rule=Host:prometheus.example.com"]
"""
    )
    root = _write(tmp_path, {"docker-compose.yml": compose})
    assert _findings(scan, root) == [
        ("TRF01", "docker-compose.yml", 20, "high"),
        ("TRF03", "docker-compose.yml", 11, "low"),  # node-exporter names no port: dropped
    ]


def test_rules_paths_and_priorities():
    rule = TraefikRule("Host(`a.example.com`) && PathPrefix(`/api`)")
    assert rule.matches("/api/v1/admin/tsdb/delete_series") is True
    assert rule.matches("/apix") is True  # a raw prefix, as Traefik matches it
    assert rule.matches("/-/quit") is False
    assert TraefikRule("Host(`a`) && !PathPrefix(`/-/`)").matches("/-/quit") is False
    assert TraefikRule("Host(`a`) || Path(`/x`)").matches("/y") is True
    assert TraefikRule("ClientIP(`10.0.0.0/8`)").matches("/") is None
    assert TraefikRule("PathPrefix(`/api`").readable is False
    assert TraefikRule("(" * 5000 + "Host(`a`)" + ")" * 5000).readable is False
    assert TraefikRule("Host(`a`," * 2000).readable is False


# TOML


def test_toml_keeps_positions_and_values():
    root = parse_toml(
        '[entryPoints.web]\n  address = ":80"\n  x = { y = true }\n'
        "[[http.services.s.loadBalancer.servers]]\n"
        '  url = "http://a:1"\n[[http.services.s.loadBalancer.servers]]\n  url = "http://b:2"\n'
    )
    web = root.get("entryPoints").get("web")
    assert (web.get("address").text, web.get("address").line) == (":80", 2)
    servers = root.get("http").get("services").get("s").get("loadBalancer").get("servers")
    assert [(s.get("url").text, s.get("url").line) for s in servers.items] == [
        ("http://a:1", 5),
        ("http://b:2", 7),
    ]
    assert web.get("x").get("y").text == "true"


@pytest.mark.parametrize(
    "text,line",
    [("a = [1,\n", 2), ("[x\nb = 1\n", 1), ('a = """never closed', 1), ("a = " + "[" * 5000, 1)],
)
def test_toml_that_does_not_parse_says_where(text, line):
    with pytest.raises(TomlError) as raised:
        parse_toml(text)
    assert raised.value.line == line


def test_a_toml_file_is_claimed_by_its_sections_only(scan, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.ruff]\nline-length = 1\n'
    )
    (tmp_path / "dynamic.toml").write_text(
        '[http.routers.r]\n  rule = "Host(`a`)"\n  service = "s"\n'
        '[[http.services.s.loadBalancer.servers]]\n  url = "http://x:1"\n'
        "[http.serversTransports.t]\n  insecureSkipVerify = true\n"
    )
    result = scan(tmp_path, root=str(tmp_path))
    assert result.kinds == {"traefik-toml": 1}  # pyproject.toml is no kind of promguard's
    found = [(f.rule_id, f.path, f.line) for f in result.findings]
    assert ("TRF04", "dynamic.toml", 7) in found


# linking across compose projects


def _shared_network_tree(root):
    traefik = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    command:
      - --providers.docker.exposedbydefault=false
      - --providers.docker.endpoint=tcp://socket-proxy:2375
      - --entrypoints.websecure.address=:443
      - --entrypoints.websecure.http.tls=true
    ports: ["443:443"]
    networks: [proxy]
networks:
  proxy:
    name: proxy
"""
    )
    monitoring = (
        HARDENING
        + """
services:
  prometheus:
    <<: *hardening
    image: prom/prometheus:v2.53.0
    networks: [proxy]
    labels:
      - traefik.enable=true
      - traefik.http.routers.prometheus.rule=Host(`prometheus.example.com`)
networks:
  proxy:
    external: true
"""
    )
    return _write(
        root, {"edge/docker-compose.yml": traefik, "monitoring/docker-compose.yml": monitoring}
    )


def test_a_traefik_routes_the_containers_of_another_project_on_its_network(scan, tmp_path):
    root = _shared_network_tree(tmp_path)
    assert _findings(scan, root) == [
        ("TRF01", "monitoring/docker-compose.yml", 14, "high")  # its published :443
    ]


def test_labels_no_scanned_traefik_reads_have_an_unknown_traefik(scan, tmp_path):
    root = _shared_network_tree(tmp_path)
    (root / "edge" / "docker-compose.yml").unlink()
    assert _findings(scan, root) == [("TRF01", "monitoring/docker-compose.yml", 14, "medium")]


def test_a_large_scan_still_links_a_traefik_to_another_folder(monkeypatch, tmp_path):
    root = _shared_network_tree(tmp_path)
    monkeypatch.setattr(regions, "MIN_FILES", 2)
    rules = load_rules()
    split = engine.scan([str(root)], rules, engine.Selection(), root=str(root))
    monkeypatch.setattr(regions, "MIN_FILES", 10**9)
    whole = engine.scan([str(root)], rules, engine.Selection(), root=str(root))
    assert [f.as_dict() for f in split.findings] == [f.as_dict() for f in whole.findings]
    assert any(f.rule_id == "TRF01" and f.severity == "high" for f in split.findings)


def test_hostile_labels_do_not_break_the_stack(scan, tmp_path):
    compose = (
        HARDENING
        + """
services:
  traefik:
    <<: *hardening
    image: traefik:v3.1.2
    command: ["--providers.docker", "--", "-", "--=x", "--entrypoints.web.address=::::"]
    ports: ["80:80"]
    networks: {default: null, other: [1, 2]}
  prometheus:
    <<: *hardening
    image: prom/prometheus:v2.53.0
    ports: ["9090:9090"]
    labels:
      traefik.http.routers.x.rule: "Host(`a`) && (((("
      traefik.http.routers.x.middlewares: ",,,@@@,"
      traefik.http.routers.x.service: "@"
      traefik.http.middlewares.c.chain.middlewares: c,c,c
      traefik.http.services: 7
      traefik.: ""
      traefik.http.routers.y.rule: PathPrefix(`/`)
      traefik.http.routers.y.middlewares: c
networks:
  other: 5
"""
    )
    root = _write(tmp_path, {"docker-compose.yml": compose})
    result = scan(root, root=str(root))
    assert result.errors == []
    # the Prometheus it publishes is still reported by the stack's other rules
    assert any(f.rule_id == "XF01" for f in result.findings)
