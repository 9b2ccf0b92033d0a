"""Which files a folder scan reads, and bad input that must never crash the scan."""

import os
import subprocess

import pytest

SECRET_AM = """\
global:
  smtp_auth_password: pw-in-clear-text
route: {receiver: a}
receivers: [{name: a}]
"""


def paths(result):
    return sorted({f.path for f in result.findings})


def test_skips_tool_and_environment_folders(scan, tmp_path):
    for folder in (".git", ".terraform", "node_modules", "venv", "custom-env", "ok"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alertmanager.yml").write_text(SECRET_AM)
    (tmp_path / "custom-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    result = scan(tmp_path, root=str(tmp_path))
    assert paths(result) == ["ok/alertmanager.yml"]


def test_gitignore_is_honoured_in_a_work_tree(scan, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    for folder in ("generated", "conf"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alertmanager.yml").write_text(SECRET_AM)
    result = scan(tmp_path, root=str(tmp_path))
    assert paths(result) == ["conf/alertmanager.yml"]
    # A file named explicitly is scanned even when ignored.
    result = scan(tmp_path / "generated" / "alertmanager.yml", root=str(tmp_path))
    assert paths(result) == ["generated/alertmanager.yml"]


def test_unrelated_yaml_is_skipped_silently(scan, tmp_path):
    (tmp_path / "values.yaml").write_text("image: {tag: latest}\npassword: x\n")
    (tmp_path / "workflow.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "broken.yml").write_text("a: [\n")  # not ours: no finding either
    result = scan(tmp_path)
    assert result.findings == [] and result.files_scanned == 0


def bad_inputs(tmp_path):
    return {
        "binary": b"\x00\x01\x02scrape_configs:\x00",
        "latin-1": "scrape_configs:\n  - job_name: caf\xe9\n".encode("latin-1"),
        "invalid yaml": b"scrape_configs:\n  - job_name: [a\n",
        "tabs": b"scrape_configs:\n\t- job_name: a\n",
        "template": b"scrape_configs:\n{% for j in jobs %}\n  - job_name: {{ j }}\n{% endfor %}\n",
    }


@pytest.mark.parametrize(
    "name,line,message",
    [
        ("binary", 1, "binary file"),
        ("latin-1", 2, "not valid UTF-8"),
        ("invalid yaml", 2, "invalid YAML"),
        ("tabs", 2, "invalid YAML"),
    ],
)
def test_bad_input_becomes_a_finding_and_the_scan_goes_on(cli, tmp_path, name, line, message):
    (tmp_path / "prometheus.yml").write_bytes(bad_inputs(tmp_path)[name])
    (tmp_path / "alertmanager.yml").write_text(SECRET_AM)
    run = cli("scan", "-q", ".", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stdout.splitlines()
    assert any(
        out.startswith(f"prometheus.yml:{line}:") and "PG001" in out and message in out
        for out in lines
    ), lines
    assert any("AM01" in out for out in lines)  # the other file was still checked


def test_a_template_of_a_config_is_skipped_and_counted(cli, tmp_path):
    # Rendered into YAML by Helm or Ansible elsewhere: judging the template would only report
    # that it is not YAML.
    (tmp_path / "prometheus.yml").write_bytes(bad_inputs(tmp_path)["template"])
    run = cli("scan", ".", cwd=tmp_path)
    assert run.returncode == 0 and "PG001" not in run.stdout
    assert "not checked: 1 template file" in run.stdout


def test_bom_crlf_and_empty_files(scan, tmp_path):
    (tmp_path / "alertmanager.yml").write_bytes(
        b"\xef\xbb\xbf" + SECRET_AM.replace("\n", "\r\n").encode()
    )
    (tmp_path / "prometheus.yml").write_text("")
    result = scan(tmp_path, root=str(tmp_path))
    assert [(f.path, f.line, f.column) for f in result.findings] == [("alertmanager.yml", 2, 23)]
    assert result.files_scanned == 2 and result.parse_errors == 0


def test_file_over_the_size_limit(scan, tmp_path):
    (tmp_path / "prometheus.yml").write_text("scrape_configs: []\n" + "#" * 200 + "\n")
    (tmp_path / "big-data.yml").write_text("x" * 200)  # not ours by name: skipped silently
    result = scan(tmp_path, max_file_bytes=100)
    assert [(f.rule_id, f.severity) for f in result.findings] == [("PG004", "medium")]
    assert result.parse_errors == 1


def test_symlink_loop_and_unreadable_file(scan, tmp_path):
    os.symlink("prometheus.yml", tmp_path / "prometheus.yml")  # points at itself
    result = scan(tmp_path / "prometheus.yml", root=str(tmp_path))
    (finding,) = result.findings
    assert finding.rule_id == "PG001" and "symlink loop" in finding.message


def test_symlinked_folder_loop_is_not_followed(scan, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "alertmanager.yml").write_text(SECRET_AM)
    os.symlink("..", tmp_path / "conf" / "up")
    result = scan(tmp_path, root=str(tmp_path))
    assert paths(result) == ["conf/alertmanager.yml"]


def test_alias_bomb_in_a_prometheus_file(cli, tmp_path):
    lines = ["scrape_configs: []", 'x0: &x0 "${LOL}"']
    for i in range(1, 12):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]")
    (tmp_path / "prometheus.yml").write_text("\n".join(lines) + "\n")
    run = cli("scan", "--format", "json", ".", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    # The shared value is reported once, where it is written.
    assert run.stdout.count('"rule_id": "PROM03"') == 1


def test_references_outside_the_scanned_folder_are_not_read(scan, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "common.yml").write_text("services:\n  base:\n    privileged: true\n")
    (outside / "auth.conf").write_text("auth_basic off;\n")
    repo = tmp_path / "repo"
    (repo / "nginx").mkdir(parents=True)
    (repo / "docker-compose.yml").write_text(
        "services:\n  app:\n    image: prom/prometheus:v3.5.0\n"
        "    extends: {file: ../outside/common.yml, service: base}\n"
    )
    (repo / "nginx" / "nginx.conf").write_text(
        "events {}\nhttp {\n  server {\n    listen 127.0.0.1:80;\n"
        "    include ../../outside/auth.conf;\n  }\n}\n"
    )
    result = scan(repo, root=str(repo))
    found = {(f.rule_id, f.path) for f in result.findings}
    assert ("DC18", "docker-compose.yml") in found  # reported, not read
    assert ("NGX18", "nginx/nginx.conf") in found
    assert not any(f.rule_id == "DC03" for f in result.findings)  # privileged was never read


@pytest.mark.parametrize(
    "extra",
    [
        "if ($x) { return 200; }",  # an `if` block is a location with no path (crashed NGX15)
        "location ~ /x(.*) { alias /y$9; }",  # a capture group that does not exist
        "upstream p { server; }",
        "listen unix:/run/nginx.sock;",
    ],
)
def test_odd_nginx_shapes_do_not_break_rules(scan, tmp_path, extra):
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "nginx.conf").write_text(
        "events {}\nhttp {\n  server {\n    " + extra + "\n"
        "    location / { proxy_pass http://prometheus:9090; }\n  }\n}\n"
    )
    result = scan(tmp_path, root=str(tmp_path))
    assert result.errors == []
    assert any(f.rule_id == "NGX01" for f in result.findings)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "junit"])
def test_a_folder_name_that_is_not_utf8(cli, tmp_path, fmt):
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    (folder / "prometheus.yml").write_text(
        "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p4ssw0rd}\n"
    )
    run = cli("scan", ".", "--format", fmt, "-o", "report.out", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    written = (tmp_path / "report.out").read_bytes()
    assert b"prometheus.yml" in written
    if fmt == "text":  # the path goes back out as the bytes it is on disk
        assert b"caf\xe9/prometheus.yml" in written
    shown = cli("scan", ".", "--format", fmt, cwd=tmp_path)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
