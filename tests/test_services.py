"""promguard.models.services: images, ports, command lines and environments of programs."""

import pytest

from promguard.models.services import (
    DEFAULT_PORTS,
    KNOWN_PORTS,
    PORT_PROTOCOLS,
    Flag,
    Flags,
    Image,
    canonical_program,
    env_flags,
    grafana_setting,
    parse_flags,
    parse_image,
    split_command,
)

# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def test_image_has_slots_and_no_dict():
    image = parse_image("prom/prometheus")
    assert isinstance(image, Image)
    assert not hasattr(image, "__dict__")
    with pytest.raises(AttributeError):
        image.other = 1


@pytest.mark.parametrize(
    "ref, registry, repository, tag, digest",
    [
        ("prom/prometheus", "docker.io", "prom/prometheus", None, None),
        ("prom/prometheus:v2.45.0", "docker.io", "prom/prometheus", "v2.45.0", None),
        (
            "quay.io/prometheus/prometheus:v2.45.0@sha256:" + "a" * 64,
            "quay.io",
            "prometheus/prometheus",
            "v2.45.0",
            "sha256:" + "a" * 64,
        ),
        (
            "prom/prometheus@sha256:" + "b" * 64,
            "docker.io",
            "prom/prometheus",
            None,
            "sha256:" + "b" * 64,
        ),
        ("localhost:5000/prometheus", "localhost:5000", "prometheus", None, None),
        ("localhost/prometheus:v3.0.0", "localhost", "prometheus", "v3.0.0", None),
        (
            "registry.example.com:5000/team/prom:1.0",
            "registry.example.com:5000",
            "team/prom",
            "1.0",
            None,
        ),
        ("gcr.io/cadvisor/cadvisor:v0.49.1", "gcr.io", "cadvisor/cadvisor", "v0.49.1", None),
        ("ghcr.io/org/app:main", "ghcr.io", "org/app", "main", None),
        ("nginx", "docker.io", "nginx", None, None),
        ("library/nginx", "docker.io", "nginx", None, None),
        ("docker.io/library/nginx:1.27", "docker.io", "nginx", "1.27", None),
        ("index.docker.io/library/nginx:1.27", "docker.io", "nginx", "1.27", None),
        ("registry-1.docker.io/prom/prometheus", "docker.io", "prom/prometheus", None, None),
        (
            "bitnami/prometheus:2.45.0-debian-12-r3",
            "docker.io",
            "bitnami/prometheus",
            "2.45.0-debian-12-r3",
            None,
        ),
    ],
)
def test_parse_image_parts(ref, registry, repository, tag, digest):
    image = parse_image(ref)
    assert image.ref == ref
    assert (image.registry, image.repository, image.tag, image.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


def test_registry_port_is_not_a_tag():
    image = parse_image("registry.example.com:5000/prometheus")
    assert image.registry == "registry.example.com:5000"
    assert image.tag is None
    assert image.program == "prometheus"


def test_interpolated_leftovers():
    # "${REGISTRY}/prom/prometheus:${TAG:-v2.45.0}" with REGISTRY unset
    image = parse_image("/prom/prometheus:v2.45.0")
    assert (image.registry, image.repository, image.tag) == (
        "docker.io",
        "prom/prometheus",
        "v2.45.0",
    )
    assert image.version == (2, 45, 0)
    # "prom/prometheus:${TAG}" with TAG unset: no tag at all
    image = parse_image("prom/prometheus:")
    assert image.tag is None
    assert image.is_latest_or_untagged
    # "${REGISTRY}/${IMAGE}" both unset
    image = parse_image("/")
    assert image.repository == "" and image.program is None


def test_uppercase_and_whitespace_junk():
    image = parse_image('  "Docker.IO/Library/NGINX:1.27"  ')
    assert (image.registry, image.repository, image.tag, image.program) == (
        "docker.io",
        "nginx",
        "1.27",
        "nginx",
    )
    image = parse_image("prom/prometheus:v2.45.0   # pinned")
    assert image.tag == "v2.45.0"
    image = parse_image("PROM/PROMETHEUS:V2.45.0")
    assert image.repository == "prom/prometheus"
    assert image.version == (2, 45, 0)
    assert image.default_user == "nobody"


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        None,
        42,
        ":",
        "@",
        "@sha256:",
        "::::",
        "a/b/c/d:e:f",
        "${IMAGE}",
        "\x00\xff",
        "/" * 50,
    ],
)
def test_parse_image_never_raises(junk):
    image = parse_image(junk)
    assert isinstance(image, Image)


def test_same_program_whatever_the_spelling():
    spellings = [
        "nginx",
        "library/nginx",
        "docker.io/library/nginx:1.27",
        "nginx:1.27-alpine",
        "docker.io/nginx",
    ]
    images = [parse_image(s) for s in spellings]
    assert {i.program for i in images} == {"nginx"}
    assert {i.repository for i in images} == {"nginx"}
    assert {i.default_user for i in images} == {"root"}


@pytest.mark.parametrize(
    "ref, program",
    [
        ("prom/prometheus", "prometheus"),
        ("quay.io/prometheus/prometheus:v3.1.0", "prometheus"),
        ("bitnami/prometheus:latest", "prometheus"),
        ("ubuntu/prometheus:2-22.04_stable", "prometheus"),
        ("prom/alertmanager:v0.27.0", "alertmanager"),
        ("quay.io/prometheus/alertmanager", "alertmanager"),
        ("bitnami/alertmanager", "alertmanager"),
        ("ubuntu/prometheus-alertmanager", "alertmanager"),
        ("prom/pushgateway:v1.9.0", "pushgateway"),
        ("bitnami/pushgateway", "pushgateway"),
        ("prom/node-exporter:v1.8.1", "node_exporter"),
        ("quay.io/prometheus/node-exporter:v1.8.1", "node_exporter"),
        ("bitnami/node-exporter", "node_exporter"),
        ("prom/blackbox-exporter:v0.25.0", "blackbox_exporter"),
        ("bitnami/blackbox-exporter", "blackbox_exporter"),
        ("prom/snmp-exporter", "snmp_exporter"),
        ("gcr.io/cadvisor/cadvisor:v0.49.1", "cadvisor"),
        ("google/cadvisor", "cadvisor"),
        ("grafana/grafana", "grafana"),
        ("grafana/grafana-oss:11.2.0", "grafana"),
        ("grafana/grafana-enterprise:11.2.0", "grafana"),
        ("bitnami/grafana", "grafana"),
        ("quay.io/oauth2-proxy/oauth2-proxy:v7.6.0", "oauth2-proxy"),
        ("bitnami/oauth2-proxy", "oauth2-proxy"),
        ("quay.io/pusher/oauth2_proxy:v5.1.1", "oauth2-proxy"),
        ("nginxinc/nginx-unprivileged:1.27", "nginx"),
        ("bitnami/nginx", "nginx"),
        ("caddy:2", "caddy"),
        ("traefik:v3.1", "traefik"),
        ("grafana/promtail:3.0.0", "promtail"),
        ("grafana/loki:3.0.0", "loki"),
        ("alpine:3.20", None),
        ("python:3.12-slim", None),
        ("prom/prometheus-linux-amd64", None),
        ("bitnami/prometheus-operator", None),
    ],
)
def test_program(ref, program):
    assert parse_image(ref).program == program


@pytest.mark.parametrize(
    "tag, version",
    [
        ("v2.45.0", (2, 45, 0)),
        ("2.45.0", (2, 45, 0)),
        ("2.45.0-debian-12-r3", (2, 45, 0)),
        ("v0.27.0", (0, 27, 0)),
        ("1.27", (1, 27)),
        ("1.27.3-alpine3.20-perl", (1, 27, 3)),
        ("11.2.0-ubuntu", (11, 2, 0)),
        ("v7.6.0-alpine", (7, 6, 0)),
        ("3", (3,)),
        ("latest", None),
        ("main", None),
        ("latest-alpine", None),
        ("sha-1a2b3c", None),
        ("1abc", None),
    ],
)
def test_version(tag, version):
    assert parse_image(f"prom/prometheus:{tag}").version == version


def test_version_none_without_tag():
    assert parse_image("prom/prometheus").version is None
    assert parse_image("prom/prometheus@sha256:" + "c" * 64).version is None


@pytest.mark.parametrize(
    "ref, latest",
    [
        ("prom/prometheus", True),
        ("prom/prometheus:latest", True),
        ("quay.io/prometheus/prometheus:latest", True),
        ("prom/prometheus:v2.45.0", False),
        # digest-only: pinned, not "latest"
        ("prom/prometheus@sha256:" + "d" * 64, False),
        # a digest pins the image whatever the tag says
        ("prom/prometheus:latest@sha256:" + "d" * 64, False),
        ("prom/prometheus:v2.45.0@sha256:" + "d" * 64, False),
        ("quay.io/oauth2-proxy/oauth2-proxy:latest-alpine", False),
    ],
)
def test_is_latest_or_untagged(ref, latest):
    assert parse_image(ref).is_latest_or_untagged is latest


@pytest.mark.parametrize(
    "ref, user",
    [
        # prom/* and quay.io/prometheus/*: not root (false-positive trap 1)
        ("prom/prometheus", "nobody"),
        ("prom/prometheus:v2.45.0", "nobody"),
        ("quay.io/prometheus/prometheus:v3.0.0", "nobody"),
        ("prom/prometheus:v1.8.2", "root"),  # 1.x images had no USER
        ("prom/alertmanager:v0.27.0", "nobody"),
        ("quay.io/prometheus/alertmanager", "nobody"),
        ("prom/alertmanager:v0.15.3", "root"),
        ("prom/node-exporter:v1.8.1", "nobody"),
        ("quay.io/prometheus/node-exporter:v1.8.1", "nobody"),
        ("prom/pushgateway:v1.9.0", "65534"),
        ("prom/pushgateway", "65534"),
        # the blackbox and SNMP exporter Dockerfiles set no USER
        ("prom/blackbox-exporter:v0.25.0", "root"),
        ("prom/snmp-exporter:v0.26.0", "root"),
        ("grafana/grafana:11.2.0", "472"),
        ("grafana/grafana-oss", "472"),
        ("grafana/grafana-enterprise:10.4.0-ubuntu", "472"),
        ("quay.io/oauth2-proxy/oauth2-proxy:v7.6.0", "65532"),
        ("quay.io/oauth2-proxy/oauth2-proxy", "65532"),
        ("quay.io/oauth2-proxy/oauth2-proxy:v7.4.0", "65532"),
        ("quay.io/oauth2-proxy/oauth2-proxy:v7.2.1", "2000"),
        ("quay.io/oauth2-proxy/oauth2-proxy:v7.6.0-alpine", "root"),
        ("quay.io/oauth2-proxy/oauth2-proxy:latest-alpine", "root"),
        ("quay.io/pusher/oauth2_proxy:v5.1.1", "2000"),
        # bitnami: non-root (false-positive trap)
        ("bitnami/prometheus:2.45.0-debian-12-r3", "1001"),
        ("bitnami/grafana", "1001"),
        ("bitnami/oauth2-proxy:7", "1001"),
        ("bitnami/node-exporter", "1001"),
        ("bitnami/nginx:1.27", "1001"),
        ("bitnami/minideb:bookworm", "root"),
        ("nginxinc/nginx-unprivileged:1.27-alpine", "101"),
        ("nginx:1.27", "root"),
        ("docker.io/library/nginx", "root"),
        ("gcr.io/cadvisor/cadvisor:v0.49.1", "root"),
        ("google/cadvisor", "root"),
        ("alpine", "root"),
        ("alpine:3.20", "root"),
        ("debian:bookworm-slim", "root"),
        ("ubuntu:24.04", "root"),
        ("busybox", "root"),
        ("python:3.12", "root"),
        ("caddy:2", "root"),
        ("traefik:v3.1", "root"),
        # unknown
        ("elasticsearch:8.14.0", None),
        ("someone/custom:1.0", None),
        ("ghcr.io/org/app:1.0", None),
        ("ubuntu/prometheus:2-22.04_stable", None),
        ("localhost:5000/prometheus", None),
        ("prometheus", None),  # no official image of that name: a locally built one
    ],
)
def test_default_user(ref, user):
    assert parse_image(ref).default_user == user


def test_default_user_through_a_mirror():
    image = parse_image("registry.example.com:5000/dockerhub/prom/node-exporter:v1.8.0")
    assert image.program == "node_exporter"
    assert image.default_user == "nobody"
    assert parse_image("mirror.gcr.io/library/nginx:1.27").default_user == "root"
    assert parse_image("harbor.example.com/proxy/bitnami/grafana:11").default_user == "1001"


def test_image_equality_and_repr():
    assert parse_image("nginx:1.27") == parse_image("nginx:1.27")
    assert parse_image("nginx:1.27") != parse_image("nginx:1.26")
    assert "nginx" in repr(parse_image("nginx:1.27"))
    assert parse_image("nginx").name == "nginx"
    assert parse_image("quay.io/prometheus/prometheus").name == "quay.io/prometheus/prometheus"


# ---------------------------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------------------------


def test_known_ports():
    assert KNOWN_PORTS == {
        9090: "prometheus",
        9093: "alertmanager",
        9094: "alertmanager-cluster",
        9091: "pushgateway",
        9100: "node_exporter",
        9115: "blackbox_exporter",
        9116: "snmp_exporter",
        8080: "cadvisor",
        3000: "grafana",
        4180: "oauth2-proxy",
    }
    assert PORT_PROTOCOLS[9094] == ("tcp", "udp")


def test_default_ports_agree_with_known_ports():
    for port, program in KNOWN_PORTS.items():
        if program in DEFAULT_PORTS:
            assert DEFAULT_PORTS[program] == port
    assert DEFAULT_PORTS["prometheus"] == 9090
    assert DEFAULT_PORTS["oauth2-proxy"] == 4180
    assert DEFAULT_PORTS["grafana"] == 3000


def test_canonical_program():
    assert canonical_program("node-exporter") == "node_exporter"
    assert canonical_program("node_exporter") == "node_exporter"
    assert canonical_program("oauth2_proxy") == "oauth2-proxy"
    assert canonical_program("grafana-server") == "grafana"
    assert canonical_program("bash") is None
    assert canonical_program(None) is None
    assert canonical_program("") is None


# ---------------------------------------------------------------------------------------------
# Flags: kingpin (Prometheus, Alertmanager, Pushgateway, exporters)
# ---------------------------------------------------------------------------------------------


def test_flag_and_flags_have_slots():
    flag = Flag("a", "b", 0)
    assert not hasattr(flag, "__dict__")
    assert flag.value_index == 0
    assert not hasattr(Flags(), "__dict__")


def test_prometheus_boolean():
    flags = parse_flags("prometheus", ["--web.enable-admin-api"])
    assert flags.is_true("web.enable-admin-api")
    assert "web.enable-admin-api" in flags
    assert flags.get("web.enable-admin-api") == Flag("web.enable-admin-api", "true", 0, 0)
    assert flags.errors == []


def test_kingpin_boolean_equals_false_is_not_on():
    flags = parse_flags("prometheus", ["--web.enable-admin-api=false"])
    assert not flags.is_true("web.enable-admin-api")
    flag = flags.get("web.enable-admin-api")
    assert flag.value == "false" and flag.index == flag.value_index == 0
    # kingpin booleans take no value: Prometheus refuses to start ("unexpected false")
    assert flags.errors and flags.errors[0][0] == 0


def test_kingpin_boolean_equals_true():
    flags = parse_flags("prometheus", ["--web.enable-lifecycle=true"])
    assert flags.is_true("web.enable-lifecycle")
    assert flags.errors  # still a start-up error in kingpin


def test_kingpin_negated_boolean():
    flags = parse_flags("prometheus", ["--web.enable-lifecycle", "--no-web.enable-lifecycle"])
    assert not flags.is_true("web.enable-lifecycle")
    assert "web.enable-lifecycle" in flags
    assert flags.get("web.enable-lifecycle").value == "false"
    assert [f.value for f in flags.all("web.enable-lifecycle")] == ["true", "false"]
    flags = parse_flags("prometheus", ["--no-web.enable-lifecycle", "--web.enable-lifecycle"])
    assert flags.is_true("web.enable-lifecycle")  # the last one wins


def test_boolean_never_consumes_the_next_argument():
    flags = parse_flags("prometheus", ["--web.enable-admin-api", "false"])
    assert flags.is_true("web.enable-admin-api")
    assert flags.positional == [1]
    flags = parse_flags("prometheus", ["--web.enable-lifecycle", "/etc/prometheus/p.yml"])
    assert flags.get("web.enable-lifecycle").value_index == 0
    assert flags.positional == [1]


def test_value_flag_with_equals_looking_like_a_pattern():
    flags = parse_flags("prometheus", ["--web.cors.origin=.*", "--web.enable-admin-api"])
    assert flags.get("web.cors.origin").value == ".*"
    assert flags.is_true("web.enable-admin-api")


def test_value_flag_consumes_its_value():
    args = ["--storage.tsdb.path", "/prometheus", "--web.enable-lifecycle"]
    flags = parse_flags("prometheus", args)
    flag = flags.get("storage.tsdb.path")
    assert (flag.value, flag.index, flag.value_index) == ("/prometheus", 0, 1)
    assert flags.positional == []
    assert flags.is_true("web.enable-lifecycle")


def test_value_flag_does_not_swallow_a_flag_in_kingpin():
    flags = parse_flags("prometheus", ["--config.file", "--web.enable-admin-api"])
    assert flags.get("config.file").value == ""
    assert flags.is_true("web.enable-admin-api")


def test_unknown_flag_takes_next_only_when_not_a_flag():
    flags = parse_flags("prometheus", ["--made.up", "value", "--other.made-up", "--x"])
    assert flags.get("made.up").value == "value"
    assert flags.get("other.made-up").value == ""
    assert flags.get("x").value == ""


def test_kingpin_single_dash_long_flag_is_not_a_flag():
    flags = parse_flags("prometheus", ["-web.enable-admin-api"])
    assert not flags.is_true("web.enable-admin-api")
    assert "web.enable-admin-api" not in flags
    assert flags.errors and flags.errors[0][0] == 0
    assert parse_flags("prometheus", ["-h"]).is_true("help")


def test_repeatable_flags_keep_all():
    args = [
        "--enable-feature=exemplar-storage",
        "--enable-feature",
        "remote-write-receiver",
        "--web.listen-address=:9090",
        "--web.listen-address=127.0.0.1:9091",
    ]
    flags = parse_flags("prometheus", args)
    assert [f.value for f in flags.all("enable-feature")] == [
        "exemplar-storage",
        "remote-write-receiver",
    ]
    assert flags.get("enable-feature").value_index == 2
    assert flags.get("web.listen-address").value == "127.0.0.1:9091"


def test_double_dash_ends_flags():
    flags = parse_flags("prometheus", ["--web.enable-lifecycle", "--", "--web.enable-admin-api"])
    assert flags.is_true("web.enable-lifecycle")
    assert not flags.is_true("web.enable-admin-api")
    assert flags.positional == [2]


def test_positional_binary_and_names_with_dashes():
    flags = parse_flags("prometheus", ["/bin/prometheus", "--config.file=/etc/p.yml"])
    assert flags.positional == [0]
    assert flags.get("--config.file").value == "/etc/p.yml"  # leading dashes tolerated


@pytest.mark.parametrize(
    "program, flag",
    [
        ("prometheus", "web.enable-remote-write-receiver"),
        ("prometheus", "web.enable-otlp-receiver"),
        ("prometheus", "storage.tsdb.wal-compression"),
        ("prometheus", "agent"),
        ("alertmanager", "cluster.allow-insecure-public-advertise-address-discovery"),
        ("alertmanager", "web.systemd-socket"),
        ("pushgateway", "web.enable-admin-api"),
        ("pushgateway", "web.enable-lifecycle"),
        ("pushgateway", "push.disable-consistency-check"),
        ("node_exporter", "collector.systemd"),
        ("node_exporter", "collector.disable-defaults"),
        ("node_exporter", "web.disable-exporter-metrics"),
        ("blackbox_exporter", "config.check"),
        ("snmp_exporter", "snmp.debug-packets"),
    ],
)
def test_kingpin_booleans(program, flag):
    flags = parse_flags(program, [f"--{flag}", "next-positional"])
    assert flags.is_true(flag)
    assert flags.positional == [1]
    flags = parse_flags(program, [f"--no-{flag}"])
    assert not flags.is_true(flag) and flag in flags


def test_alertmanager_cluster_flags():
    args = [
        "--cluster.listen-address=",
        "--cluster.peer",
        "am-2:9094",
        "--cluster.tls-config=/etc/am/tls.yml",
    ]
    flags = parse_flags("alertmanager", args)
    assert flags.get("cluster.listen-address").value == ""
    assert flags.get("cluster.peer").value == "am-2:9094"
    assert flags.get("cluster.tls-config").value == "/etc/am/tls.yml"


def test_node_exporter_collectors():
    args = [
        "--collector.systemd",
        "--no-collector.wifi",
        "--collector.textfile.directory",
        "/textfile",
        "--path.rootfs=/host",
    ]
    flags = parse_flags("node_exporter", args)
    assert flags.is_true("collector.systemd")
    assert not flags.is_true("collector.wifi") and "collector.wifi" in flags
    assert flags.get("collector.textfile.directory").value == "/textfile"
    assert flags.get("path.rootfs").value == "/host"


def test_program_aliases():
    assert parse_flags("node-exporter", ["--collector.systemd", "x"]).positional == [1]


# ---------------------------------------------------------------------------------------------
# Flags: pflag (oauth2-proxy)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flag",
    [
        "cookie-secure",
        "ssl-insecure-skip-verify",
        "ssl-upstream-insecure-skip-verify",
        "skip-oidc-discovery",
        "insecure-oidc-allow-unverified-email",
        "reverse-proxy",
        "skip-auth-preflight",
        "skip-jwt-bearer-tokens",
        "pass-basic-auth",
        "set-xauthrequest",
        "cookie-httponly",
        "skip-provider-button",
    ],
)
def test_oauth2_proxy_booleans(flag):
    assert parse_flags("oauth2-proxy", [f"--{flag}"]).is_true(flag)
    assert parse_flags("oauth2-proxy", [f"--{flag}=true"]).is_true(flag)
    assert not parse_flags("oauth2-proxy", [f"--{flag}=false"]).is_true(flag)
    flags = parse_flags("oauth2-proxy", [f"--{flag}", "false"])
    assert flags.is_true(flag)  # pflag: a boolean never takes the next argument
    assert flags.positional == [1]


def test_oauth2_proxy_boolean_false_is_not_an_error():
    flags = parse_flags("oauth2-proxy", ["--cookie-secure=false"])
    assert flags.errors == []
    assert not flags.is_true("cookie-secure")
    assert "cookie-secure" in flags


def test_oauth2_proxy_bad_boolean_value():
    flags = parse_flags("oauth2-proxy", ["--cookie-secure=maybe"])
    assert not flags.is_true("cookie-secure")
    assert flags.errors


def test_oauth2_proxy_no_prefix_is_not_negation():
    flags = parse_flags("oauth2-proxy", ["--cookie-secure", "--no-cookie-secure"])
    assert flags.is_true("cookie-secure")


def test_oauth2_proxy_value_flag_takes_next_argument_even_with_a_dash():
    args = [
        "--cookie-secret",
        "-Zm9vYmFyYmF6cXV4",
        "--email-domain=*",
        "--upstream",
        "http://prometheus:9090",
    ]
    flags = parse_flags("oauth2-proxy", args)
    secret = flags.get("cookie-secret")
    assert (secret.value, secret.index, secret.value_index) == ("-Zm9vYmFyYmF6cXV4", 0, 1)
    assert flags.get("email-domain").value == "*"
    assert flags.get("upstream").value == "http://prometheus:9090"


def test_oauth2_proxy_repeated_slice_flags():
    flags = parse_flags("oauth2-proxy", ["--email-domain=a.example", "--email-domain", "b.example"])
    assert [f.value for f in flags.all("email-domain")] == ["a.example", "b.example"]


def test_oauth2_proxy_single_dash_is_an_error():
    flags = parse_flags("oauth2-proxy", ["-cookie-secure=false"])
    assert "cookie-secure" not in flags
    assert flags.errors


def test_oauth2_proxy_missing_value():
    flags = parse_flags("oauth2-proxy", ["--client-secret"])
    assert flags.get("client-secret").value == ""
    assert flags.errors


# ---------------------------------------------------------------------------------------------
# Flags: Go flag package (Grafana, cAdvisor), nginx, generic
# ---------------------------------------------------------------------------------------------


def test_grafana_server_args():
    args = [
        "server",
        "--homepath=/usr/share/grafana",
        "-config",
        "/etc/grafana/grafana.ini",
        "--packaging=docker",
        "cfg:default.log.mode=console",
        "cfg:default.paths.data=/var/lib/grafana",
        "cfg:security.admin_password=admin",
    ]
    flags = parse_flags("grafana", args)
    assert flags.positional == [0]
    assert flags.get("homepath").value == "/usr/share/grafana"
    config = flags.get("config")
    assert (config.value, config.index, config.value_index) == ("/etc/grafana/grafana.ini", 2, 3)
    assert flags.get("cfg:default.paths.data").value == "/var/lib/grafana"
    assert flags.get("cfg:security.admin_password").value_index == 7


def test_grafana_booleans():
    flags = parse_flags("grafana", ["-profile", "--profile-addr", "0.0.0.0", "-tracing=false"])
    assert flags.is_true("profile")
    assert flags.get("profile-addr").value == "0.0.0.0"
    assert not flags.is_true("tracing")


def test_cadvisor_single_dash():
    flags = parse_flags("cadvisor", ["-logtostderr", "-docker_only=true", "-port=8080"])
    assert flags.is_true("logtostderr")
    assert flags.is_true("docker_only")
    assert flags.get("port").value == "8080"


def test_nginx_options():
    flags = parse_flags("nginx", ["-g", "daemon off;", "-tq", "-c/etc/nginx/nginx.conf"])
    assert flags.get("g").value == "daemon off;"
    assert flags.get("g").value_index == 1
    assert flags.is_true("t") and flags.is_true("q")
    assert flags.get("c").value == "/etc/nginx/nginx.conf"


def test_generic_program():
    flags = parse_flags(None, ["-config.file=/x", "--foo", "bar", "--baz", "--qux", "pos"])
    assert flags.get("config.file").value == "/x"
    assert flags.get("foo").value == "bar"
    assert flags.get("baz").value == ""
    assert flags.get("qux").value == "pos"
    assert flags.positional == []


@pytest.mark.parametrize(
    "program", [None, "prometheus", "oauth2-proxy", "grafana", "nginx", "traefik", "whatever"]
)
def test_parse_flags_never_raises(program):
    junk = ["", "-", "--", "---", "--=", "-=", "--=x", None, 7, "cfg:", "@file", "--no-", "-\x00"]
    flags = parse_flags(program, junk)
    for flag in flags:
        assert 0 <= flag.index <= flag.value_index < len(junk)
    assert parse_flags(program, []).flags == []
    assert not parse_flags(program, []).is_true("anything")


def test_indices_point_at_the_arguments():
    args = [
        "--config.file",
        "/etc/prometheus/prometheus.yml",
        "--web.enable-admin-api",
        "--storage.tsdb.retention.time=30d",
    ]
    flags = parse_flags("prometheus", args)
    for flag in flags:
        assert args[flag.index].lstrip("-").startswith(flag.name)
        assert flag.value in args[flag.value_index] or flag.value == "true"


# ---------------------------------------------------------------------------------------------
# split_command
# ---------------------------------------------------------------------------------------------


def _words(text):
    return [w for w, _, _ in split_command(text)]


def test_split_simple_with_offsets():
    text = "prometheus  --config.file=/etc/p.yml --web.enable-lifecycle"
    tokens = split_command(text)
    assert [w for w, _, _ in tokens] == [
        "prometheus",
        "--config.file=/etc/p.yml",
        "--web.enable-lifecycle",
    ]
    for word, start, end in tokens:
        assert text[start:end] == word


def test_split_quotes_and_escapes():
    text = """a "b c" 'd e' f\\ g "h\\"i" 'j\\k' --x="1 2" "$HOME" \\$y"""
    assert _words(text) == ["a", "b c", "d e", "f g", 'h"i', "j\\k", "--x=1 2", "$HOME", "$y"]
    tokens = split_command(text)
    word, start, end = tokens[1]
    assert text[start:end] == '"b c"'
    word, start, end = tokens[6]
    assert text[start:end] == '--x="1 2"'


def test_split_adjacent_quotes_make_one_word():
    assert _words("'a'\"b\"c") == ["abc"]
    assert _words("''") == [""]
    assert _words('a "" b') == ["a", "", "b"]


def test_split_line_continuation_and_comments():
    text = "prometheus \\\n  --config.file=/p.yml \\\n  --web.enable-admin-api # admin\nnext"
    assert _words(text) == ["prometheus", "--config.file=/p.yml", "--web.enable-admin-api", "next"]
    assert _words("a#b c") == ["a#b", "c"]


def test_split_operators():
    assert _words("curl -sL https://x | sh") == ["curl", "-sL", "https://x", "|", "sh"]
    assert _words("a&&b;c||d") == ["a", "&&", "b", ";", "c", "||", "d"]
    assert _words("a 'x|y' \"p;q\"") == ["a", "x|y", "p;q"]
    assert _words("echo hi >/dev/null 2>&1") == ["echo", "hi", ">", "/dev/null", "2", ">&", "1"]


def test_split_unclosed_quote_is_best_effort():
    text = 'prometheus --web.page-title="unclosed title'
    tokens = split_command(text)
    assert tokens[-1][0] == "--web.page-title=unclosed title"
    assert tokens[-1][2] == len(text)
    assert _words("a 'b c") == ["a", "b c"]
    assert _words("trailing\\") == ["trailing"]


@pytest.mark.parametrize("junk", ["", "   ", "\\", "'", '"', "\\\n", "#", "&", None, 5])
def test_split_never_raises(junk):
    for word, start, end in split_command(junk):
        assert isinstance(word, str) and 0 <= start <= end


def test_split_then_parse_flags():
    text = "--web.enable-admin-api=false --storage.tsdb.path /prometheus --web.cors.origin='.*'"
    words = _words(text)
    flags = parse_flags("prometheus", words)
    assert not flags.is_true("web.enable-admin-api")
    assert flags.get("storage.tsdb.path").value == "/prometheus"
    assert flags.get("web.cors.origin").value == ".*"


# ---------------------------------------------------------------------------------------------
# Environment: oauth2-proxy and Grafana
# ---------------------------------------------------------------------------------------------


def test_oauth2_proxy_env_flags():
    env = {
        "OAUTH2_PROXY_EMAIL_DOMAINS": "*",
        "OAUTH2_PROXY_COOKIE_SECURE": "false",
        "OAUTH2_PROXY_COOKIE_SECRET": "s3cr3t",
        "OAUTH2_PROXY_CLIENT_SECRET_FILE": "/run/secrets/client",
        "OAUTH2_PROXY_UPSTREAMS": "http://prometheus:9090",
        "OAUTH2_PROXY_SKIP_AUTH_ROUTES": "GET=^/metrics",
        "OAUTH2_PROXY_TRUSTED_IPS": "0.0.0.0/0",
        "OAUTH2_PROXY_REVERSE_PROXY": "true",
        "OAUTH2_PROXY_SSL_INSECURE_SKIP_VERIFY": "true",
        "OAUTH2_PROXY_GITHUB_ORG": "acme",
        "OAUTH2_PROXY_ALLOWED_GROUPS": "admins",
        "GF_SECURITY_ADMIN_PASSWORD": "x",
        "PATH": "/bin",
    }
    assert env_flags("oauth2-proxy", env) == {
        "email-domain": "*",
        "cookie-secure": "false",
        "cookie-secret": "s3cr3t",
        "client-secret-file": "/run/secrets/client",
        "upstream": "http://prometheus:9090",
        "skip-auth-route": "GET=^/metrics",
        "trusted-ip": "0.0.0.0/0",
        "reverse-proxy": "true",
        "ssl-insecure-skip-verify": "true",
        "github-org": "acme",
        "allowed-group": "admins",
    }


def test_oauth2_proxy_env_singular_of_a_plural_is_ignored():
    # oauth2-proxy binds OAUTH2_PROXY_EMAIL_DOMAINS; the singular spelling does nothing
    assert env_flags("oauth2-proxy", {"OAUTH2_PROXY_EMAIL_DOMAIN": "*"}) == {}
    assert env_flags("oauth2-proxy", {"OAUTH2_PROXY_UPSTREAM": "http://x"}) == {}


def test_oauth2_proxy_env_empty_and_unbound():
    env = {
        "OAUTH2_PROXY_CLIENT_SECRET": "",
        "OAUTH2_PROXY_CONFIG": "/etc/o2p.cfg",
        "OAUTH2_PROXY_": "x",
        "oauth2_proxy_provider": "github",
    }
    assert env_flags("oauth2-proxy", env) == {"provider": "github"}


def test_env_flags_other_programs():
    env = {"OAUTH2_PROXY_COOKIE_SECURE": "false"}
    assert env_flags("prometheus", env) == {}
    assert env_flags("grafana", env) == {}
    assert env_flags(None, env) == {"cookie-secure": "false"}
    assert env_flags("oauth2_proxy", env) == {"cookie-secure": "false"}
    assert env_flags("oauth2-proxy", {}) == {}
    assert env_flags("oauth2-proxy", None) == {}


def test_grafana_setting_plain():
    env = {"GF_SECURITY_ADMIN_PASSWORD": "admin"}
    assert grafana_setting(env, "security", "admin_password") == (
        "GF_SECURITY_ADMIN_PASSWORD",
        "admin",
    )


def test_grafana_setting_file():
    env = {"GF_SECURITY_ADMIN_PASSWORD__FILE": "/run/secrets/grafana_admin"}
    name, value = grafana_setting(env, "security", "admin_password")
    assert name == "GF_SECURITY_ADMIN_PASSWORD__FILE"
    assert name.endswith("__FILE")
    assert value == "/run/secrets/grafana_admin"


def test_grafana_setting_section_with_dots_and_dashes():
    env = {
        "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET": "x",
        "GF_AUTH_ANONYMOUS_ENABLED": "true",
        "GF_FEATURE_TOGGLES_ENABLE": "a",
    }
    assert grafana_setting(env, "auth.generic_oauth", "client_secret")[1] == "x"
    assert grafana_setting(env, "auth.anonymous", "enabled") == (
        "GF_AUTH_ANONYMOUS_ENABLED",
        "true",
    )
    assert grafana_setting(env, "feature-toggles", "enable")[0] == "GF_FEATURE_TOGGLES_ENABLE"
    assert grafana_setting(env, "AUTH.ANONYMOUS", "ENABLED")[1] == "true"


def test_grafana_setting_absent_or_empty():
    assert grafana_setting({}, "security", "admin_password") is None
    assert grafana_setting(None, "security", "admin_password") is None
    # Grafana ignores an empty variable, and run.sh an empty __FILE
    assert grafana_setting({"GF_SECURITY_ADMIN_PASSWORD": ""}, "security", "admin_password") is None
    assert (
        grafana_setting({"GF_SECURITY_ADMIN_PASSWORD__FILE": ""}, "security", "admin_password")
        is None
    )
    # names are case-sensitive, as the OS reads them
    assert (
        grafana_setting({"gf_security_admin_password": "x"}, "security", "admin_password") is None
    )


def test_grafana_setting_plain_wins_over_file():
    env = {
        "GF_SECURITY_ADMIN_PASSWORD": "admin",
        "GF_SECURITY_ADMIN_PASSWORD__FILE": "/run/secrets/pw",
    }
    assert grafana_setting(env, "security", "admin_password") == (
        "GF_SECURITY_ADMIN_PASSWORD",
        "admin",
    )


def test_module_is_light():
    import subprocess
    import sys

    code = (
        "import sys; import promguard.models.services; "
        "heavy = {'yaml', 'ruamel', 'hcl2', 'dockerfile_parse', 'dataclasses', 'sarif_om'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
