"""A scanned tree written by an attacker: symlinks out of it, settings that widen what is read,
control characters in names and contents, a file that makes promguard fail. Each case is built
in a temporary folder; nothing outside the scanned folder may be opened, every other file is
still reported, and no output carries a control character."""

import builtins
import io
import json
import os
import re

import pytest

OUTSIDE_WORD = "Xo9OutsideWord"  # in every file outside the scanned folder


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _link(root, name, target):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


OUTSIDE = {
    "secret": f"{OUTSIDE_WORD} is the first word of a private file\n",
    "prom.yml": "scrape_configs:\n  - job_name: x\n    basic_auth:\n"
    f"      password: {OUTSIDE_WORD}\n",
    "env": f"GF_SECURITY_ADMIN_PASSWORD={OUTSIDE_WORD}\n",
    "base.yml": f"services:\n  base:\n    image: {OUTSIDE_WORD}:1\n    privileged: true\n",
    "x.conf": "server {\n  listen 80;\n"
    f"  location / {{ proxy_pass http://{OUTSIDE_WORD}:9090; }}\n}}\n",
    "caddy": f"{OUTSIDE_WORD} {{\n  reverse_proxy prometheus:9090\n}}\n",
    "mod.tf": f'resource "aws_security_group" "{OUTSIDE_WORD}" {{}}\n',
    "settings.toml": f'select = ["{OUTSIDE_WORD}"]\n',
    "override.conf": f"[Service]\nExecStart=\nExecStart=/usr/bin/prometheus --{OUTSIDE_WORD}\n",
}

INSIDE = {
    "docker-compose.yml": """\
services:
  prometheus:
    image: prom/prometheus:v2.53.0
    ports: ["9090:9090"]
    env_file: ./app.env
    volumes:
      - ./mounted.yml:/etc/prometheus/prometheus.yml:ro
  app:
    extends:
      file: base.yml
      service: base
""",
    "nginx/nginx.conf": "events {}\nhttp {\n  include conf.d/*.conf;\n}\n",
    "Caddyfile": "import snippets/*\n",
    "tf/main.tf": 'module "m" {\n  source = "./mod"\n}\n',
}

LINKS = {  # name in the scanned folder -> file outside
    "Dockerfile": "secret",
    "prometheus.yml": "prom.yml",
    "app.env": "env",
    ".env": "env",
    "base.yml": "base.yml",
    "mounted.yml": "prom.yml",
    "nginx/conf.d/x.conf": "x.conf",
    "snippets/a": "caddy",
    "tf/mod/main.tf": "mod.tf",
    "tf/vars.tf": "mod.tf",
    ".promguard.toml": "settings.toml",
}


@pytest.fixture
def hostile(tmp_path):
    outside = tmp_path / "outside"
    scanned = tmp_path / "scanned"
    _write(outside, OUTSIDE)
    _write(scanned, INSIDE)
    for name, target in LINKS.items():
        _link(scanned, name, outside / target)
    return scanned, outside


@pytest.fixture
def opened(monkeypatch):
    """Every path the scan opens, by real path."""
    seen = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            seen.append(os.path.realpath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    return seen


def test_nothing_outside_the_scanned_folder_is_opened(scan, hostile, opened):
    scanned, outside = hostile
    result = scan(scanned, root=str(scanned))
    assert not [p for p in opened if p.startswith(str(outside))]
    text = json.dumps([f.as_dict() for f in result.findings])
    assert OUTSIDE_WORD not in text
    not_read = {f.path for f in result.findings if "points outside the scanned folder" in f.message}
    # files promguard reads by their name say so; the rest are passed over without a word
    assert {"Dockerfile", "prometheus.yml"} <= not_read
    # the real files beside them are still judged
    assert any(
        f.rule_id.startswith("DC") and f.path == "docker-compose.yml" for f in result.findings
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "junit"])
def test_no_output_quotes_a_file_outside(cli, hostile, fmt):
    scanned, _ = hostile
    run = cli("scan", ".", "--format", fmt, "--fail-on", "never", cwd=scanned)
    assert run.returncode == 0, run.stderr
    assert OUTSIDE_WORD not in run.stdout + run.stderr
    assert "points outside the scanned folder" in run.stdout


def test_html_report_and_fix_read_nothing_outside(cli, hostile):
    scanned, _ = hostile
    report = cli("report", ".", "-o", "r.html", cwd=scanned)
    assert report.returncode == 0, report.stderr
    assert OUTSIDE_WORD not in (scanned / "r.html").read_text()
    fix = cli("fix", ".", cwd=scanned)
    assert OUTSIDE_WORD not in fix.stdout + fix.stderr


def test_a_named_file_that_links_out_is_not_read(cli, hostile):
    scanned, _ = hostile  # pre-commit names files
    run = cli("scan", "Dockerfile", "prometheus.yml", "--format", "json", cwd=scanned)
    findings = json.loads(run.stdout)["findings"]
    assert {f["path"] for f in findings} == {"Dockerfile", "prometheus.yml"}
    assert all(f["rule_id"] == "PG001" for f in findings)
    assert OUTSIDE_WORD not in run.stdout + run.stderr


def test_read_outside_lifts_it(cli, hostile):
    scanned, _ = hostile
    run = cli("scan", ".", "--read-outside", "--format", "json", "--fail-on", "never", cwd=scanned)
    paths = {f["path"] for f in json.loads(run.stdout)["findings"]}
    assert "prometheus.yml" in paths
    assert "points outside" not in run.stdout


def test_a_link_inside_the_scanned_folder_is_read(cli, tmp_path):
    _write(
        tmp_path,
        {
            "real/prometheus.yml": "scrape_configs:\n  - job_name: a\n"
            "    basic_auth:\n      password: x\n"
        },
    )
    _link(tmp_path, "prometheus.yml", tmp_path / "real" / "prometheus.yml")
    run = cli("scan", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    findings = json.loads(run.stdout)["findings"]
    assert {(f["path"], f["rule_id"]) for f in findings} >= {
        ("prometheus.yml", "PROM02"),
        ("real/prometheus.yml", "PROM02"),
    }


def test_host_mode_reads_no_drop_in_linked_out_of_root(cli, tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    _write(outside, OUTSIDE)
    _write(
        root,
        {
            "etc/systemd/system/prometheus.service": (
                "[Service]\nExecStart=/usr/bin/prometheus --web.enable-admin-api\n"
            ),
            "etc/passwd": "root:x:0:0::/root:/bin/sh\n",
        },
    )
    _link(root, "etc/systemd/system/prometheus.service.d/override.conf", outside / "override.conf")
    run = cli("scan", "--host", str(root), "--format", "json", "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    assert OUTSIDE_WORD not in run.stdout + run.stderr
    # the unit itself is still judged: its admin API flag was not reset by the drop-in
    assert any(f["rule_id"] == "PF01" for f in json.loads(run.stdout)["findings"])


# ---------------------------------------------------------------------------------------------
# settings committed in the tree may narrow what is read, never widen it


def test_settings_in_the_tree_cannot_switch_on_read_outside(cli, tmp_path):
    _write(tmp_path / "outside", {"prom.yml": OUTSIDE["prom.yml"]})
    scanned = tmp_path / "scanned"
    _write(scanned, {".promguard.toml": "read-outside = true\n"})
    _link(scanned, "prometheus.yml", tmp_path / "outside" / "prom.yml")
    run = cli("scan", ".", "--format", "json", cwd=scanned)
    assert OUTSIDE_WORD not in run.stdout
    assert "read-outside" in run.stderr and "ignored" in run.stderr
    # the same file given with --config is the user's own choice
    given = cli("scan", ".", "--config", ".promguard.toml", "--format", "json", cwd=scanned)
    assert "PROM02" in given.stdout


def test_settings_in_the_tree_cannot_raise_the_file_size_limit(cli, tmp_path):
    big = (
        "scrape_configs:\n" + "  - job_name: j\n    static_configs: [{targets: ['a:1']}]\n" * 60_000
    )
    assert len(big) > 2 * 1024 * 1024
    _write(
        tmp_path,
        {"prometheus.yml": big, "pyproject.toml": '[tool.promguard]\nmax-file-size = "200M"\n'},
    )
    run = cli("scan", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(run.stdout)["findings"]] == ["PG004"]
    assert "max-file-size" in run.stderr
    # a smaller limit narrows, and is taken without a word
    _write(tmp_path, {"pyproject.toml": '[tool.promguard]\nmax-file-size = "1k"\n'})
    _write(tmp_path, {"prometheus.yml": big[:3000]})
    run = cli("scan", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(run.stdout)["findings"]] == ["PG004"]
    assert run.stderr == ""


# ---------------------------------------------------------------------------------------------
# control characters in names and contents

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SGR = re.compile("\x1b\\[[0-9;]*m")  # promguard's own colours, in coloured text only
EVIL = "\x1b]0;pwned\x07\x1b[2J\u202e"


@pytest.fixture
def evil_tree(tmp_path):
    folder = tmp_path / f"stack{EVIL}"
    _write(
        folder,
        {
            f"docker-compose{EVIL}.yml": "services:\n  prometheus:\n"
            f"    image: prom/prometheus:v2.53.0{EVIL}\n"
            '    ports: ["9090:9090"]\n'
            f'    command: ["--web.enable-admin-api", "--x{EVIL}"]\n'
            "    volumes:\n      - ./prometheus.yml:/etc/prometheus/prometheus.yml\n",
            "prometheus.yml": f"scrape_configs:\n  - job_name: 'a{EVIL}'\n    scheme: http\n"
            f"    basic_auth: {{username: u, password: p}}\n    unknown_key{EVIL}: 1\n",
            "Dockerfile": f"RUN echo {EVIL}\n",
            "nginx.conf": f"server {{ listen 80; location /a{EVIL} {{ "
            "proxy_pass http://prometheus:9090; } }\n",
        },
    )
    return tmp_path


@pytest.mark.parametrize("args", [(), ("--show-passed",), ("--no-color",)])
def test_text_output_has_no_control_character(cli, evil_tree, args):
    run = cli("scan", ".", "--fail-on", "never", *args, cwd=evil_tree)
    assert run.returncode == 0, run.stderr
    assert "\\x1b" in run.stdout  # the names are shown, escaped
    assert not _CONTROLS.search(run.stdout.replace("\n", "") + run.stderr.replace("\n", ""))


def test_coloured_text_has_only_its_own_colour_codes(evil_tree):
    import subprocess
    import sys

    command = f"{sys.executable} -m promguard scan . --fail-on never"
    run = subprocess.run(
        ["script", "-qec", command, "/dev/null"], cwd=evil_tree, capture_output=True, text=True
    )
    assert _SGR.search(run.stdout)
    assert not _CONTROLS.search(_SGR.sub("", run.stdout).replace("\r\n", "").replace("\n", ""))


def test_fix_diff_advice_and_report_have_no_control_character(cli, evil_tree):
    fix = cli("fix", ".", cwd=evil_tree)
    assert "advice" in fix.stdout
    assert not _CONTROLS.search(fix.stdout.replace("\n", "") + fix.stderr.replace("\n", ""))
    report = cli("report", ".", "-o", "r.html", cwd=evil_tree)
    assert report.returncode == 0, report.stderr
    html = (evil_tree / "r.html").read_text()
    assert "stack\\x1b" in html
    assert not _CONTROLS.search(html.replace("\n", ""))


def test_machine_formats_escape_them_as_their_syntax_says(cli, evil_tree):
    # JSON escapes ESC in strings; a SARIF artifact URI percent-encodes it (RFC 3986)
    for fmt, escaped in (("json", "\\u001b"), ("gitlab", "\\u001b"), ("sarif", "%1B")):
        run = cli("scan", ".", "--format", fmt, "--fail-on", "never", cwd=evil_tree)
        assert "\x1b" not in run.stdout and escaped in run.stdout, fmt
        json.loads(run.stdout)


# ---------------------------------------------------------------------------------------------
# a file that makes promguard fail is a finding; the others are still reported


def test_an_unexpected_failure_on_one_file_does_not_lose_the_others(scan, tmp_path, monkeypatch):
    from promguard.parsers import dockerfile

    def explode(text):
        raise ValueError(f"the parser quoted {OUTSIDE_WORD}")

    monkeypatch.setattr(dockerfile, "parse_dockerfile", explode)
    _write(
        tmp_path,
        {
            "Dockerfile": "FROM alpine:3.20\n",
            "docker-compose.yml": "services:\n  p:\n    image: prom/prometheus:v2.53.0\n"
            '    ports: ["9090:9090"]\n',
        },
    )
    result = scan(tmp_path, root=str(tmp_path))
    failed = [f for f in result.findings if f.path == "Dockerfile"]
    assert [f.rule_id for f in failed] == ["PG001"]
    assert "promguard failed on this file (ValueError)" in failed[0].message
    assert any(f.path == "docker-compose.yml" for f in result.findings)
    assert result.errors and OUTSIDE_WORD not in " ".join(result.errors)


# ---------------------------------------------------------------------------------------------
# one cause, one finding


@pytest.mark.parametrize(
    "snippet,rule",
    [("reverse_proxy prometheus:9090", "CDY01"), ("import missing.caddy", "CDY05")],
)
def test_a_snippet_imported_by_1024_sites_is_one_finding(scan, tmp_path, snippet, rule):
    sites = "".join(f":{8000 + i} {{\n  import s\n}}\n" for i in range(1024))
    _write(tmp_path, {"Caddyfile": f"(s) {{\n  {snippet}\n}}\n{sites}"})
    found = [f for f in scan(tmp_path, root=str(tmp_path)).findings if f.rule_id == rule]
    assert [(f.line, f.rule_id) for f in found] == [(2, rule)]
    if rule == "CDY01":
        assert found[0].message.endswith("(and 1023 more like it from this line)")


def test_escape_makes_every_control_character_visible():
    from promguard.safe_text import escape

    assert escape("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert escape("x\ny\rz") == "x\\x0ay\\x0dz"  # a newline cannot forge a line of its own
    assert escape("\x9b\u202e\u2066") == "\\x9b\\u202e\\u2066"
    assert escape("tab\tand ünïcode") == "tab\tand ünïcode"


def test_the_scanned_repositorys_git_config_runs_nothing(cli, tmp_path):
    import subprocess

    repo = tmp_path / "repo"
    _write(repo, {"prometheus.yml": "scrape_configs: []\n"})
    marker = tmp_path / "ran"
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    # a downloaded repository's .git/config is its author's: git runs core.fsmonitor itself
    subprocess.run([*git, "config", "core.fsmonitor", f"touch {marker}; echo"], check=True)
    run = cli("scan", ".", "--fail-on", "never", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "1 file scanned" in run.stdout
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_in_the_tree_is_skipped_not_waited_on(cli, tmp_path):
    # opening a FIFO for reading blocks until a writer comes: a pull request could hang CI
    os.mkfifo(tmp_path / "prometheus.yml")
    (tmp_path / "alertmanager.yml").write_text("route: {receiver: a}\nreceivers: [{name: a}]\n")
    run = cli("scan", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)["summary"]
    assert summary["files_by_kind"] == {"alertmanager": 1}
