"""Host mode: systemd units, their drop-ins and environment files, the command line they run,
read from a root folder shaped like /."""

import os

import pytest

from promguard.parsers.systemd import (
    Located,
    SystemdError,
    command_words,
    parse_environment_file,
    parse_unit,
)

# The shape of Debian's prometheus package (unit in /lib, ARGS in /etc/default).
DEBIAN_UNIT = """\
[Unit]
Description=Monitoring system and time series database

[Service]
Restart=on-failure
User=prometheus
EnvironmentFile=/etc/default/prometheus
ExecStart=/usr/bin/prometheus $ARGS
NoNewPrivileges=true
ProtectSystem=full
ProtectHome=true
PrivateTmp=true

[Install]
WantedBy=multi-user.target
"""


def test_unit_settings_continuations_and_comments():
    text = (
        "[Service]\n# a comment\nExecStart=/usr/bin/prometheus \\\n"
        "  ; comments inside a continuation are skipped\n  --web.enable-lifecycle\nUser=prom\n"
    )
    sections = parse_unit(text, "/u")
    start, user = sections["Service"]
    assert (start.key, start.line, start.column) == ("ExecStart", 3, 11)
    assert start.value.split() == ["/usr/bin/prometheus", "--web.enable-lifecycle"]
    assert (user.value, user.line) == ("prom", 6)


@pytest.mark.parametrize(
    "text,line", [("[Service\nUser=x\n", 1), ("User=x\n", 1), ("[Service]\njunk\n", 2)]
)
def test_unit_errors_have_their_line(text, line):
    with pytest.raises(SystemdError) as caught:
        parse_unit(text, "/u")
    assert caught.value.line == line


def test_environment_files_as_debian_and_rpm_write_them():
    text = (
        '# comment\nARGS="--web.listen-address=:9090 --web.enable-admin-api" # why\n'
        "export OPTIONS='-x'\nPLAIN=value # note\n"
    )
    env = parse_environment_file(text, "/etc/default/prometheus")
    assert env["ARGS"].value == "--web.listen-address=:9090 --web.enable-admin-api"
    assert (env["ARGS"].line, env["ARGS"].column) == (2, 7)
    assert env["OPTIONS"].value == "-x" and env["PLAIN"].value == "value"


def test_command_words_expand_args_where_they_are_written():
    env = parse_environment_file('ARGS="--a=1 --b"\nONE="x y"\n', "/etc/default/p")
    setting = Located("-/usr/bin/prometheus $ARGS ${ONE} $UNSET '--c=d e'", "/u", 8, 11)
    words = command_words(setting, env)
    assert [w.value for w in words] == ["/usr/bin/prometheus", "--a=1", "--b", "x y", "--c=d e"]
    assert [(w.file, w.line, w.column) for w in words[1:3]] == [
        ("/etc/default/p", 1, 7),
        ("/etc/default/p", 1, 13),
    ]


def write(root, files, modes=None):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for path, mode in (modes or {}).items():
        os.chmod(root / path, mode)


PASSWD = {
    "etc/passwd": "root:x:0:0::/root:/bin/sh\nprometheus:x:102:105::/:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nprometheus:x:105:\n",
}


def test_flag_rules_read_the_command_line_from_the_defaults_file(cli, tmp_path):
    write(
        tmp_path,
        {
            **PASSWD,
            "lib/systemd/system/prometheus.service": DEBIAN_UNIT,
            "etc/default/prometheus": 'ARGS="--web.enable-admin-api"\n',
        },
    )
    run = cli("scan", "--host", str(tmp_path), "--format", "json", cwd=tmp_path)
    findings = [(f["path"], f["line"], f["column"], f["rule_id"]) for f in _json(run)]
    assert ("/etc/default/prometheus", 1, 7, "PF01") in findings


def test_dropins_reset_and_override_and_etc_wins_over_lib(scan_host_of, tmp_path):
    write(
        tmp_path,
        {
            **PASSWD,
            "lib/systemd/system/prometheus.service": DEBIAN_UNIT,
            "etc/systemd/system/prometheus.service.d/override.conf": (
                "[Service]\nExecStart=\nExecStart=/usr/bin/prometheus --web.enable-lifecycle\n"
                "User=root\n"
            ),
            "etc/default/prometheus": 'ARGS="--web.enable-admin-api"\n',
        },
    )
    found = {(f.path, f.rule_id) for f in scan_host_of(tmp_path).findings}
    override = "/etc/systemd/system/prometheus.service.d/override.conf"
    assert (override, "PF02") in found  # the drop-in's command line
    assert ("/etc/default/prometheus", "PF01") not in found  # the reset dropped $ARGS
    assert (override, "HOST01") in found  # User=root from the drop-in


def test_nothing_is_read_outside_the_root(scan_host_of, tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.yml": "basic_auth_users:\n  a: x\n"})
    root = tmp_path / "root"
    write(
        root,
        {
            **PASSWD,
            "lib/systemd/system/prometheus.service": DEBIAN_UNIT,
            "etc/default/prometheus": 'ARGS="--web.config.file=/etc/prometheus/web.yml"\n',
        },
    )
    (root / "etc" / "prometheus").mkdir()
    os.symlink(outside / "secret.yml", root / "etc" / "prometheus" / "web.yml")
    result = scan_host_of(root)
    assert result.errors == []
    assert not [f for f in result.findings if "web.yml" in f.path]


def test_host_takes_no_paths(cli, tmp_path):
    run = cli("scan", "--host", str(tmp_path), "somewhere", cwd=tmp_path)
    assert run.returncode == 2 and "give no PATH" in run.stderr


@pytest.fixture
def scan_host_of(rules):
    from promguard.engine import Selection
    from promguard.host_scan import scan_host

    return lambda root: scan_host(str(root), rules, Selection())


def _json(run):
    import json

    return json.loads(run.stdout)["findings"]


# Property-based: any text is a unit or a SystemdError, any environment file parses, and a
# command line always splits into words.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    [
        "[Service]",
        "[Unit]",
        "\n",
        "ExecStart=",
        "/usr/bin/prometheus",
        " $ARGS",
        " ${ARGS}",
        "\\",
        "\\\n",
        "#",
        ";",
        "=",
        '"',
        "'",
        " ",
        "User=",
        "ARGS=",
        "export ",
        "\t",
        "[",
        "]",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_is_a_unit_or_a_systemd_error(text):
    try:
        sections = parse_unit(text, "/u")
    except SystemdError as exc:
        assert exc.line >= 1
        return
    env = parse_environment_file(text, "/e")
    for settings_ in sections.values():
        for setting in settings_:
            words = command_words(setting, env)
            assert all(isinstance(w.value, str) for w in words)
