"""The compose project model: what docker compose config would read, with positions."""

import pytest

from promguard.document import Document
from promguard.models.compose import Loader, build_project
from promguard.models.interpolate import ENV_FILE, LITERAL, UNSET, interpolate, parse_env_file
from promguard.parsers.yaml_tree import parse_yaml


def doc_of(path, text):
    return Document(path.name, str(path), "compose", text, parse_yaml(text).documents)


def project(tmp_path, text, env=None, overrides=(), files=None):
    base = tmp_path / "docker-compose.yml"
    base.write_text(text)
    docs = [doc_of(base, text)]
    for i, extra in enumerate(overrides):
        path = tmp_path / f"override{i}.yml"
        docs.append(doc_of(path, extra))
    loaded = {}
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.write_text(content)
        loaded[str(path)] = doc_of(path, content)
    return build_project(docs, env or {}, Loader(loaded.get))


@pytest.mark.parametrize(
    "text,value,source",
    [
        ("plain", "plain", LITERAL),
        ("${A}", "from-env", ENV_FILE),
        ("${MISSING}", "", UNSET),
        ("${MISSING:-fallback}", "fallback", LITERAL),
        ("${EMPTY:-fallback}", "fallback", LITERAL),
        ("${EMPTY-fallback}", "", ENV_FILE),
        ("${MISSING-fallback}", "fallback", LITERAL),
        ("${A:+alt}", "alt", LITERAL),
        ("${MISSING:+alt}", "", LITERAL),
        ("${MISSING:?set it}", "", UNSET),
        ("$$HOME and $${X}", "$HOME and ${X}", LITERAL),
        ("$A/path", "from-env/path", ENV_FILE),
        ("${MISSING:-${A}}", "from-env", ENV_FILE),
        ("${unclosed", "${unclosed", LITERAL),
    ],
)
def test_interpolation(text, value, source):
    result = interpolate(text, {"A": "from-env", "EMPTY": ""})
    assert (result.value, result.source) == (value, source)


def test_env_file():
    env = parse_env_file('# c\nA=1\nexport B="two words"\nC=three # note\nbad line\nD=\n')
    assert {k: v for k, (v, _) in env.items()} == {
        "A": "1",
        "B": "two words",
        "C": "three",
        "D": "",
    }
    assert env["B"][1] == 3


PORTS = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    ports:
      - 9090:9090
      - "127.0.0.1:9093:9093"
      - "[::1]:9094:9094/udp"
      - "9100"
      - "0.0.0.0:9115-9116:9115-9116"
      - target: 3000
        published: "3000"
        host_ip: 10.0.0.1
"""


def test_ports_in_every_syntax(tmp_path):
    service = project(tmp_path, PORTS).services["prometheus"]
    got = [
        (p.host_ip, p.published, p.target, p.protocol, p.all_interfaces, p.item.line)
        for p in service.ports
    ]
    assert got == [
        (None, "9090", "9090", "tcp", True, 5),  # YAML 1.1 reads 9090:9090 as 545490
        ("127.0.0.1", "9093", "9093", "tcp", False, 6),
        ("::1", "9094", "9094", "udp", False, 7),
        (None, None, "9100", "tcp", True, 8),
        ("0.0.0.0", "9115-9116", "9115-9116", "tcp", True, 9),
        ("10.0.0.1", "3000", "3000", "tcp", False, 10),
    ]
    assert service.ports[4].published_ports() == [9115, 9116]
    assert service.ports[1].loopback and service.ports[2].loopback


VOLUMES = """\
services:
  app:
    image: nginx:1.27
    volumes:
      - ./conf/nginx.conf:/etc/nginx/nginx.conf:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - data:/var/lib/data
      - /cache
      - type: bind
        source: ./certs
        target: /certs
        read_only: true
"""


def test_volumes(tmp_path):
    volumes = project(tmp_path, VOLUMES).services["app"].volumes
    got = [(v.type, v.source, v.target, v.read_only) for v in volumes]
    assert got == [
        ("bind", "./conf/nginx.conf", "/etc/nginx/nginx.conf", True),
        ("bind", "/var/run/docker.sock", "/var/run/docker.sock", False),
        ("volume", "data", "/var/lib/data", False),
        ("volume", None, "/cache", False),
        ("bind", "./certs", "/certs", True),
    ]
    assert volumes[0].host_path == str(tmp_path / "conf" / "nginx.conf")


COMMANDS = """\
services:
  a:
    image: prom/prometheus
    command: --config.file=/etc/p.yml --web.enable-admin-api "--web.external-url=http://x y"
  b:
    image: prom/prometheus
    command:
      - --config.file=/etc/p.yml
      - --web.enable-lifecycle
"""


def test_command_words_have_their_own_positions(tmp_path):
    services = project(tmp_path, COMMANDS).services
    words = services["a"].command
    assert [w.value for w in words] == [
        "--config.file=/etc/p.yml",
        "--web.enable-admin-api",
        "--web.external-url=http://x y",
    ]
    line = COMMANDS.splitlines()[3]
    assert (words[1].line, words[1].column) == (4, line.index("--web.enable-admin-api") + 1)
    assert words[1].end_column == words[1].column + len("--web.enable-admin-api")
    assert [(w.value, w.line) for w in services["b"].command] == [
        ("--config.file=/etc/p.yml", 8),
        ("--web.enable-lifecycle", 9),
    ]


ENVIRONMENT = """\
services:
  grafana:
    image: grafana/grafana
    environment:
      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_PASSWORD}
      GF_USERS_ALLOW_SIGN_UP: "false"
      EMPTY:
  app:
    image: x
    environment:
      - TOKEN=${TOKEN:-hard-coded}
      - FROM_SHELL
"""


def test_environment_both_forms_and_sources(tmp_path):
    services = project(tmp_path, ENVIRONMENT, env={"GRAFANA_PASSWORD": "x"}).services
    grafana = services["grafana"].environment
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"].source == ENV_FILE
    assert grafana["GF_USERS_ALLOW_SIGN_UP"].value == "false"
    assert grafana["EMPTY"].source == UNSET
    app = services["app"].environment
    assert (app["TOKEN"].value, app["TOKEN"].literal, app["TOKEN"].line) == ("hard-coded", True, 11)
    assert app["FROM_SHELL"].source == UNSET


def test_override_merges_onto_the_base(tmp_path):
    override = """\
services:
  prometheus:
    ports:
      - "127.0.0.1:9091:9091"
    command: ["--web.enable-lifecycle"]
    environment:
      A: override
"""
    base = PORTS.replace("    ports:", "    environment:\n      A: base\n      B: base\n    ports:")
    result = project(tmp_path, base, overrides=[override])
    service = result.services["prometheus"]
    assert service.environment["A"].value == "override"
    assert service.environment["A"].doc.path == "override0.yml"
    assert service.environment["B"].doc.path == "docker-compose.yml"
    assert len(service.ports) == 7
    assert [w.value for w in service.command] == ["--web.enable-lifecycle"]
    assert service.doc.path == "docker-compose.yml"  # the service is defined in the base


def test_extends_same_file_and_other_file(tmp_path):
    text = """\
services:
  base:
    image: prom/prometheus:v3.5.0
    privileged: true
  child:
    extends: base
    user: root
  remote:
    extends:
      file: common.yml
      service: hardened
    image: prom/alertmanager:v0.28.1
"""
    common = "services:\n  hardened:\n    read_only: true\n    image: old\n"
    result = project(tmp_path, text, files={"common.yml": common})
    child = result.services["child"]
    assert child.is_true("privileged") and child.field("user").value == "root"
    assert child.key.line == 5
    remote = result.services["remote"]
    assert remote.is_true("read_only") and remote.image.value == "prom/alertmanager:v0.28.1"
    assert remote.field("read_only").doc.path == "common.yml"


def test_broken_extends_are_problems_not_crashes(tmp_path):
    text = """\
services:
  a:
    extends: b
  b:
    extends: a
  c:
    extends: {file: missing.yml, service: x}
  d:
    extends: nowhere
"""
    result = project(tmp_path, text)
    messages = sorted(message for _, _, message in result.problems)
    assert any("loop" in m for m in messages)
    assert any("missing.yml cannot be read" in m for m in messages)
    assert any("nowhere" in m for m in messages)


def test_anchors_and_merge_keys(tmp_path):
    text = """\
x-common: &common
  read_only: true
  security_opt: [no-new-privileges:true]
services:
  a:
    <<: *common
    image: prom/prometheus:v3.5.0
"""
    service = project(tmp_path, text).services["a"]
    assert service.is_true("read_only")
    assert [o.value for o in service.items("security_opt")] == ["no-new-privileges:true"]
    assert service.field("read_only").line == 2  # where the anchored value is written


def test_words_of_a_folded_command_keep_their_lines(tmp_path):
    text = """\
services:
  p:
    image: prom/prometheus:v3.5.0
    command: --config.file=/etc/p.yml
      --storage.tsdb.path=/prometheus
      --web.enable-lifecycle
"""
    words = project(tmp_path, text).services["p"].command
    assert [(w.value, w.line, w.column) for w in words] == [
        ("--config.file=/etc/p.yml", 4, 14),
        ("--storage.tsdb.path=/prometheus", 5, 7),
        ("--web.enable-lifecycle", 6, 7),
    ]
