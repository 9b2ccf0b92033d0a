"""Files written to make promguard hang, recurse without end or quote them: each case finishes
in seconds, becomes a finding at its line, and the files beside it are still reported."""

import json

import pytest

from promguard.models.nginx import literal_prefix
from promguard.prefix_table import PrefixTable

# Python's re needs 2**n steps for these on a URI of n characters: never given to it
CATASTROPHIC = "^([a-z/_0-9-]|[a-z/_0-9-])*Q$"
HOSTILE_SKIP = "^([a-z/_0-9-]|[a-z/_0-9-]|.)*Q$"
QUICK = 30  # seconds: generous for a slow runner, far below "never finishes"

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v2.53.0
    command: ["--config.file=/etc/prometheus/prometheus.yml", "--web.enable-admin-api"]
    expose: ["9090"]
  nginx:
    image: nginx:1.27
    ports: ["80:80"]
    volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro"]
"""
PUBLISHED = 'services:\n  p:\n    image: prom/prometheus:v2.53.0\n    ports: ["9090:9090"]\n'


def _nginx(first_location: str) -> str:
    return (
        "events {}\nhttp {\n  server {\n    listen 80;\n"
        f"    {first_location}\n"
        "    location / { proxy_pass http://prometheus:9090; }\n  }\n}\n"
    )


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def _findings(cli, folder, *args):
    run = cli("scan", ".", "--format", "json", "--fail-on", "never", *args, cwd=folder)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["findings"]


def _rules(findings, path=None):
    return {f["rule_id"] for f in findings if path is None or f["path"] == path}


# ---------------------------------------------------------------------------------------------
# patterns from files are matched in linear time; one that cannot be evaluated is unknown


def test_a_catastrophic_nginx_location_regex_does_not_hang(cli, tmp_path):
    _write(
        tmp_path,
        {
            "docker-compose.yml": COMPOSE,
            "nginx.conf": _nginx(f"location ~ {CATASTROPHIC} {{ return 403; }}"),
        },
    )
    found = _findings(cli, tmp_path)
    # the regex does not match the admin path, so location / serves it
    assert {"XF06", "NGX15"} <= _rules(found, "nginx.conf")


def test_a_catastrophic_skip_auth_regex_does_not_hang(cli, tmp_path):
    oauth = (
        "  oauth2-proxy:\n    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0\n"
        '    command: ["--upstream=http://prometheus:9090", "--http-address=0.0.0.0:4180",\n'
        f'              "--skip-auth-regex={HOSTILE_SKIP}", "--skip-auth-regex=^/api/v1/admin"]\n'
        '    ports: ["4180:4180"]\n'
    )
    _write(tmp_path, {"docker-compose.yml": COMPOSE + oauth})
    found = _findings(cli, tmp_path)
    # the hostile pattern matches no path; the next one is still evaluated, and matches
    skips = [f["message"] for f in found if f["rule_id"] == "O2P04"]
    assert skips and all("/api/v1/admin/" in m for m in skips), skips


@pytest.mark.parametrize(
    "location, reaches",
    [
        ("location ~ ^/nothing { return 403; }", True),  # evaluated: does not match
        ("location ~ ^/api/v1/admin { return 403; }", False),  # evaluated: matches
        # a backreference: PCRE matches the admin path, RE2 cannot say; the request might go to
        # this location, so no finding rests on it going to location /
        ("location ~ ^/(a)pi/v1/admin(\\1)? { return 403; }", False),
    ],
)
def test_an_unevaluable_regex_is_unknown_never_matches_nothing(cli, tmp_path, location, reaches):
    _write(tmp_path, {"docker-compose.yml": COMPOSE, "nginx.conf": _nginx(location)})
    assert ("XF06" in _rules(_findings(cli, tmp_path))) is reaches


def test_a_hostile_glob_in_the_settings_does_not_hang(cli, tmp_path):
    glob = "*a" * 40 + "b"
    name = "a" * 200 + ".yml"
    _write(
        tmp_path,
        {".promguard.toml": f'exclude = ["{glob}"]\n', name: PUBLISHED, "compose.yml": PUBLISHED},
    )
    found = _findings(cli, tmp_path)
    assert {f["path"] for f in found} == {name, "compose.yml"}


def test_literal_prefixes_hold_for_every_string_the_regex_matches():
    assert literal_prefix("^/api/v1/admin") == "/api/v1/admin"
    assert literal_prefix("^/api/v1s?") == "/api/v1"  # the quantified s may be absent
    assert literal_prefix("^/api.*") == "/api"
    assert literal_prefix("^/a|^/b") == ""  # an alternative around the start
    assert literal_prefix("^(/a|/b)") == ""
    assert literal_prefix("/api") == ""  # unanchored
    assert literal_prefix("^/api(?#|x)") == ""  # a comment may hide a bar


def test_a_prefix_table_finds_every_prefix_longest_first():
    table = PrefixTable({"/": 0, "/api": 1, "/api/v1": 2, "/apix": 3, "/b": 4})
    assert table.longest("/api/v1/query") == 2
    assert table.every("/api/v1/query") == [2, 1, 0]
    assert table.every("/apiz") == [1, 0]
    assert table.longest("/c") == 0
    assert PrefixTable({"/a": 1}).longest("/") is None


# ---------------------------------------------------------------------------------------------
# one file of N blocks costs O(N log N), not a pass over every block per question


def test_ten_thousand_nginx_locations_finish_in_seconds(cli, tmp_path):
    locations = "".join(
        f"    location /app{i}/ {{ proxy_pass http://prometheus:9090; auth_basic on; }}\n"
        f"    location ~ ^/re{i}/ {{ return 403; }}\n"
        for i in range(5000)
    )
    conf = _nginx("location /open { proxy_pass http://prometheus:9090; }\n" + locations)
    _write(tmp_path, {"docker-compose.yml": COMPOSE, "nginx.conf": conf})
    found = _findings(cli, tmp_path)
    assert "XF06" in _rules(found, "nginx.conf")


def test_ten_thousand_caddy_handles_finish_in_seconds(cli, tmp_path):
    handles = "".join(
        f"  handle /app{i}/* {{\n    basic_auth {{\n      u $2a$14$abc\n    }}\n"
        "    reverse_proxy prometheus:9090\n  }\n"
        for i in range(10000)
    )
    caddy = ":80 {\n" + handles + "  reverse_proxy prometheus:9090\n}\n"
    _write(tmp_path, {"docker-compose.yml": COMPOSE.replace("nginx", "caddy"), "Caddyfile": caddy})
    found = _findings(cli, tmp_path)
    # only the catch-all after the 10,000 handles asks for no credentials
    assert [f["line"] for f in found if f["rule_id"] == "CDY01"] == [60002]


# ---------------------------------------------------------------------------------------------
# nesting is bounded while the parser descends: a finding at the line, the rest still reported


@pytest.mark.parametrize(
    "name, text, line",
    [
        ("Caddyfile", ":80 {\n" + "route {\n" * 1500 + "}\n" * 1501, 65),
        ("nginx.conf", "http {\n" + "location / {\n" * 3000 + "}\n" * 3001, 65),
        ("main.tf", "locals {\n  x = " + "[" * 300_000 + "]" * 300_000 + "\n}\n", 2),
        ("main.tf", "locals {\n  x = [\n" + "{a = " * 50_000 + "}" * 50_001 + "\n}\n", 3),
        ("prometheus.yml", "scrape_configs: " + "[" * 100_000 + "]" * 100_000 + "\n", 1),
        ("alertmanager.yml", "".join("  " * i + "routes:\n" for i in range(150)), 101),
    ],
)
def test_deep_nesting_is_a_parse_error_at_its_line(cli, tmp_path, name, text, line):
    _write(tmp_path, {name: text, "compose/docker-compose.yml": PUBLISHED})
    found = _findings(cli, tmp_path)
    (error,) = [f for f in found if f["path"] == name]
    assert error["rule_id"] == "PG001" and error["line"] == line
    assert "DC01" in _rules(found, "compose/docker-compose.yml")


def test_a_long_extends_chain_is_cut_and_named_for_what_it_is(cli, tmp_path):
    chain = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(3000))
    _write(
        tmp_path,
        {"docker-compose.yml": "services:\n" + chain + PUBLISHED[10:].replace("  p:", "  s3000:")},
    )
    found = _findings(cli, tmp_path)
    problems = [f["message"] for f in found if f["rule_id"] == "DC18"]
    assert problems and all("extends chain longer than 20 services" in m for m in problems)


# ---------------------------------------------------------------------------------------------
# a file that is not what its name says is reported without its words

WORD = "Xylophone42"
NOT_WHAT_THEY_SAY = {
    "Dockerfile": f"{WORD} nothing\n",
    "nginx.conf": f"{WORD} {{\n",
    "Caddyfile": f":80 {{\n  route {{\n {WORD} }}\n}}}}\n",
    "main.tf": f'resource "a" {{\n  {WORD} ~~ 1\n}}\n',
    "prometheus.yml": f"global:\n  {WORD}: [\n",
    "alertmanager.yml": f"route: {{receiver: {WORD}\nx\n",
    "docker-compose.yml": f"services:\n  p: {WORD}: [\n",
    "web-config.yml": f"tls_server_config:\n  cert_file: {WORD}\n  ]\n",
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "junit"])
def test_parse_errors_say_what_was_expected_never_the_files_words(cli, tmp_path, fmt):
    _write(tmp_path, NOT_WHAT_THEY_SAY)
    run = cli("scan", ".", "--format", fmt, "--fail-on", "never", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert WORD not in run.stdout + run.stderr
    if fmt == "json":
        errors = {f["path"]: f for f in json.loads(run.stdout)["findings"]}
        assert set(errors) == set(NOT_WHAT_THEY_SAY)
        assert {f["rule_id"] for f in errors.values()} == {"PG001"}
        assert errors["main.tf"]["line"] == 2 and errors["Dockerfile"]["line"] == 1
