import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promguard.parsers.nginx import (
    MAX_DEPTH,
    MAX_DIRECTIVES,
    NginxError,
    parse_nginx,
)


def parse(text, path="/virtual/nginx/nginx.conf", **kw):
    return parse_nginx(text, path, **kw)


def span(d):
    return (d.line, d.column, d.end_line, d.end_column)


def line_text(text, line, column, end_column):
    return text.splitlines()[line - 1][column - 1 : end_column - 1]


def by_path(config):
    return {d.path: d for d in config.walk()}


def error(text, **kw):
    with pytest.raises(NginxError) as info:
        parse(text, **kw)
    return info.value


# -- tokens and positions ---------------------------------------------------------------------

SAMPLE = """\
# main
user nginx;
http {
    server {
        listen 443 ssl;
        server_name example.com www.example.com;
        location /api/ {
            proxy_pass http://prometheus:9090;
        }
    }
}
"""


def test_positions_are_exact():
    config = parse(SAMPLE)
    d = by_path(config)
    assert list(d) == [
        "user",
        "http",
        "http.server[example.com]",
        "http.server[example.com].listen",
        "http.server[example.com].server_name",
        "http.server[example.com].location[/api/]",
        "http.server[example.com].location[/api/].proxy_pass",
    ]
    assert span(d["user"]) == (2, 1, 2, 12)
    assert span(d["http"]) == (3, 1, 11, 2)
    assert span(d["http.server[example.com]"]) == (4, 5, 10, 6)
    listen = d["http.server[example.com].listen"]
    assert span(listen) == (5, 9, 5, 24)
    assert listen.args == ["443", "ssl"]
    assert listen.arg_spans == [(5, 16, 5, 19), (5, 20, 5, 23)]
    loc = d["http.server[example.com].location[/api/]"]
    assert span(loc) == (7, 9, 9, 10)
    assert loc.parent is d["http.server[example.com]"]
    proxy = d["http.server[example.com].location[/api/].proxy_pass"]
    line, col, _, end = proxy.arg_spans[0]
    assert line_text(SAMPLE, line, col, end) == "http://prometheus:9090"
    assert proxy.block is None and loc.block == [proxy]
    assert proxy.file == "/virtual/nginx/nginx.conf"


def test_quotes_and_escapes_as_nginx_reads_them():
    text = (
        "add_header \"X-A\" 'b c\\'d' always;\n"
        'return 200 "a;b{}#\\"q\\" \\t\\n\\x";\n'
        "set $v ${host}x\\;y;\n"
        'a "multi\nline";\n'
        "b ''  \"\";\n"
    )
    d = parse(text).directives
    assert d[0].args == ["X-A", "b c'd", "always"]
    assert d[0].arg_spans[0] == (1, 12, 1, 17)  # the quotes belong to the span
    assert d[1].args == ["200", 'a;b{}#"q" \t\n\\x']
    assert d[2].args == ["$v", "${host}x\\;y"]  # "\\;" keeps its backslash, but ends no word
    assert d[3].args == ["multi\nline"]
    assert d[3].arg_spans[0] == (4, 3, 5, 6)
    assert d[4].args == ["", ""]


def test_comments_and_glued_separators():
    text = "a b;# c d;\nx#y z; # comment { } ;\nhttp{server{listen 80;}}\nk v}w;\n"
    d = parse(text).directives
    assert [x.name for x in d] == ["a", "x#y", "http", "k"]
    assert d[1].args == ["z"]
    assert d[2].block[0].name == "server"
    assert d[2].block[0].block[0].args == ["80"]
    assert d[3].args == ["v}w"]  # "}" inside a word is text, as in ngx_conf_read_token


def test_if_condition_words():
    d = parse('if ($request_method = "POST") { return 405; }').directives[0]
    assert d.args == ["($request_method", "=", "POST", ")"]
    assert d.block[0].args == ["405"]


def test_lua_block_is_opaque():
    text = (
        "location / {\n  content_by_lua_block {\n"
        '    local s = "}" -- }\n    ngx.say([[ { ]])\n  }\n'
        "  return 200;\n}\n"
    )
    loc = parse(text).directives[0]
    lua, ret = loc.block
    assert lua.name == "content_by_lua_block" and lua.block is None
    assert 'local s = "}"' in lua.args[0] and "ngx.say" in lua.args[0]
    assert (lua.end_line, lua.end_column) == (5, 4)
    assert ret.name == "return"


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("a", 1, 1, 'expecting ";"'),
        ("http {\n server {\n", 2, 2, 'expecting "}"'),
        ("a;\n}", 2, 1, 'unexpected "}"'),
        ('a "b', 1, 3, "quoted string"),
        ("a 'b\nc;", 1, 3, "quoted string"),
        ('a "b"c;', 1, 6, 'unexpected "c"'),
        ("a b }", 1, 5, 'unexpected "}"'),
        (";", 1, 1, 'unexpected ";"'),
        ("{", 1, 1, 'unexpected "{"'),
        ("map $a $b {\n  x { }\n}", 2, 5, 'unexpected "{"'),
        ("http {\n  location\n}", 3, 1, 'has no ";"'),
        ("location /a;", 1, 1, 'has no opening "{"'),
        ("server {\n  proxy_pass http://a\n  location /b { }\n}", 2, 3, 'not terminated by ";"'),
        ("upstream u { server a { } }", 1, 14, 'not terminated by ";"'),
        ('add_header X y;\nserver "some";', 2, 1, 'has no opening "{"'),
        ("a \\", 1, 3, "backslash"),
    ],
)
def test_syntax_errors(text, line, column, words):
    exc = error(text)
    assert (exc.line, exc.column) == (line, column), exc.message
    assert words in exc.message


def test_upstream_fragment_with_bare_servers_is_fine():
    d = parse("server 10.0.0.1:9090 weight=2;\nserver 10.0.0.2:9090;\nkeepalive 8;\n").directives
    assert [x.args[0] for x in d[:2]] == ["10.0.0.1:9090", "10.0.0.2:9090"]


def test_limits():
    deep = "a {" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    assert "nested deeper" in error(deep).message
    parse("a {" * MAX_DEPTH + "}" * MAX_DEPTH)
    many = "a;" * (MAX_DIRECTIVES + 1)
    assert "directives" in error(many).message


def test_paths_are_stable_keys():
    text = (
        "http {\n"
        " upstream prom { server p:9090; }\n"
        " server { listen 80; }\n"
        " server { server_name _; }\n"
        " server { server_name a.example; location = /x { } location ~* \\.php$ { } }\n"
        " server { server_name a.example; }\n"
        "}\n"
    )
    paths = [d.path for d in parse(text).walk() if d.block is not None]
    assert paths == [
        "http",
        "http.upstream[prom]",
        "http.server[0]",
        "http.server[1]",
        "http.server[a.example]",
        "http.server[a.example].location[= /x]",
        "http.server[a.example].location[~* \\.php$]",
        "http.server[a.example][1]",
    ]


# -- includes ---------------------------------------------------------------------------------


def files(mapping):
    def read(path):
        return mapping.get(path)

    return read


def test_include_relative_to_prefix_with_glob_in_order():
    fs = {
        "/r/nginx/conf.d/b.conf": "server { server_name b; }\n",
        "/r/nginx/conf.d/a.conf": "server { server_name a; }\n",
        "/r/nginx/snippets/auth.conf": "auth_basic on;\nauth_basic_user_file /x;\n",
    }
    # a custom reader cannot list folders: globs are read from disk, so test them on disk below
    text = "http {\n  include snippets/auth.conf;\n  include conf.d/a.conf;\n}\n"
    config = parse(text, "/r/nginx/nginx.conf", read=files(fs), root="/r")
    http = config.directives[0]
    assert [d.name for d in http.block] == [
        "include",
        "auth_basic",
        "auth_basic_user_file",
        "include",
        "server",
    ]
    assert http.block[1].file == "/r/nginx/snippets/auth.conf"
    assert (http.block[1].line, http.block[1].column) == (1, 1)
    assert http.block[1].parent is http
    assert http.block[4].path == "http.server[a]"
    assert config.files == [
        "/r/nginx/nginx.conf",
        "/r/nginx/snippets/auth.conf",
        "/r/nginx/conf.d/a.conf",
    ]
    assert config.problems == []


def test_include_glob_on_disk(tmp_path):
    nginx = tmp_path / "nginx"
    (nginx / "conf.d").mkdir(parents=True)
    (nginx / "conf.d" / "b.conf").write_text("server { server_name b; }\n")
    (nginx / "conf.d" / "a.conf").write_text("server { server_name a; }\n")
    (nginx / "conf.d" / "Z.conf").write_text("server { server_name Z; }\n")
    (nginx / "conf.d" / ".hidden.conf").write_text("server { server_name hidden; }\n")
    (nginx / "conf.d" / "c.txt").write_text("not included;\n")
    main = nginx / "nginx.conf"
    text = "http {\n  include conf.d/*.conf;\n  include none/*.conf;\n}\n"
    main.write_text(text)
    config = parse_nginx(text, str(main), root=str(tmp_path))
    names = [d.block[0].args[0] for d in config.directives[0].block if d.name == "server"]
    assert names == ["Z", "a", "b"]  # glob() order: bytes, upper case first; no dot files
    assert config.problems == []  # a glob that matches nothing is fine for nginx


def test_include_from_a_subfolder_file_uses_the_nginx_prefix(tmp_path):
    nginx = tmp_path / "deploy" / "nginx"
    (nginx / "sites-enabled").mkdir(parents=True)
    (nginx / "snippets").mkdir()
    (nginx / "snippets" / "tls.conf").write_text("ssl_protocols TLSv1.2 TLSv1.3;\n")
    site = nginx / "sites-enabled" / "default"
    text = "server {\n  include snippets/tls.conf;\n  include /etc/nginx/snippets/tls.conf;\n}\n"
    site.write_text(text)
    config = parse_nginx(text, str(site), root=str(tmp_path))
    got = [d.name for d in config.directives[0].block]
    assert got == ["include", "ssl_protocols", "include", "ssl_protocols"]
    assert config.problems == []


def test_missing_loop_outside_and_syntax_problems(tmp_path):
    root = tmp_path / "repo"
    nginx = root / "nginx"
    nginx.mkdir(parents=True)
    (tmp_path / "secret.conf").write_text("deny all;\n")
    (nginx / "loop.conf").write_text("include loop.conf;\n")
    (nginx / "broken.conf").write_text("ok;\nlocation / {\n")
    text = (
        "http {\n"
        "  include missing.conf;\n"
        "  include loop.conf;\n"
        "  include ../../secret.conf;\n"
        "  include broken.conf;\n"
        "  include /etc/passwd;\n"
        "  include /etc/nginx/mime.types;\n"
        "  ok;\n"
        "}\n"
    )
    main = nginx / "nginx.conf"
    main.write_text(text)
    config = parse_nginx(text, str(main), root=str(root))
    got = [(p.kind, os.path.basename(p.file), p.line) for p in config.problems]
    assert got == [
        ("missing-include", "nginx.conf", 2),
        ("include-loop", "loop.conf", 1),
        ("include-outside", "nginx.conf", 4),
        ("syntax", "broken.conf", 2),
        ("include-outside", "nginx.conf", 6),
        ("include-outside", "nginx.conf", 7),
    ]
    assert "secret" not in " ".join(config.files)
    # the main file still parses: its own directives are all there
    assert config.directives[0].block[-1].name == "ok"


def test_include_depth_is_bounded():
    fs = {f"/r/nginx/{i}.conf": f"include {i + 1}.conf;\n" for i in range(40)}
    config = parse("include 0.conf;\n", "/r/nginx/nginx.conf", read=files(fs), root="/r")
    assert [p.kind for p in config.problems] == ["too-deep"]


def test_unreadable_include(tmp_path):
    nginx = tmp_path / "nginx"
    nginx.mkdir()
    (nginx / "bin.conf").write_bytes(b"\x00\x01binary")
    text = "include bin.conf;\n"
    config = parse_nginx(text, str(nginx / "nginx.conf"), root=str(tmp_path))
    assert [p.kind for p in config.problems] == ["unreadable"]


def test_same_file_included_twice_gets_its_own_directives():
    fs = {"/r/nginx/h.conf": "add_header X-A b;\n"}
    text = "server { location /a { include h.conf; } location /b { include h.conf; } }"
    config = parse(text, "/r/nginx/nginx.conf", read=files(fs), root="/r")
    a, b = config.directives[0].block
    assert a.block[1] is not b.block[1]
    assert a.block[1].parent is a and b.block[1].parent is b
    assert a.block[1].path == "server[0].location[/a].add_header"


# -- nginx -T dumps ---------------------------------------------------------------------------

DUMP = """\
nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
http {
    include /etc/nginx/conf.d/*.conf;
    include mime.types;
}

# configuration file /etc/nginx/conf.d/prom.conf:
server {
    location / { proxy_pass http://prometheus:9090; }
}

# configuration file /etc/nginx/mime.types:
types { text/html html; }
"""


def test_nginx_T_dump_is_one_configuration():
    config = parse(DUMP, "/scan/dump.txt", read=lambda p: pytest.fail(f"read {p}"))
    http = config.directives[0]
    assert [d.name for d in http.block] == ["include", "server", "include", "types"]
    server = http.block[1]
    assert (server.line, server.column) == (10, 1)  # positions are the dump's
    assert server.file == "/scan/dump.txt"
    assert server.block[0].block[0].args == ["http://prometheus:9090"]
    assert config.problems == []
    assert config.files == ["/scan/dump.txt"]


def test_dump_with_missing_section():
    text = "# configuration file /etc/nginx/nginx.conf:\nhttp { include x.conf; }\n"
    config = parse(text, "/scan/dump.txt")
    assert [(p.kind, p.line) for p in config.problems] == [("missing-include", 2)]


def test_dump_syntax_error_in_a_later_section_is_a_problem():
    text = (
        "# configuration file /etc/nginx/nginx.conf:\nhttp { include a.conf; }\n\n"
        "# configuration file /etc/nginx/a.conf:\nserver {\n"
    )
    config = parse(text, "/scan/dump.txt")
    assert [(p.kind, p.line) for p in config.problems] == [("syntax", 5)]


# -- robustness -------------------------------------------------------------------------------

VALID = """\
http {
    upstream prom { server prometheus:9090; }
    server {
        listen 443 ssl;
        server_name "example.com";
        auth_basic 'Restricted';
        location ~* ^/api/(v1)$ { proxy_pass http://prom; add_header X-A "a;b" always; }
        if ($http_x = '') { return 403; }
    }
}
"""

_ALPHABET = st.sampled_from(list("ab$ {};\"'\\#()\n\t\r") + ["${", "location", "http"])


def _check(text):
    try:
        config = parse(text)
    except NginxError as exc:
        assert isinstance(exc.message, str)
        assert 1 <= exc.line <= text.count("\n") + 1
        assert exc.column >= 1
        return
    lines = text.split("\n")
    for d in config.walk():
        for line, column, end_line, end_column in [span(d)] + list(d.arg_spans):
            assert 1 <= line <= end_line <= len(lines)
            assert 1 <= column <= len(lines[line - 1]) + 1
            assert 1 <= end_column <= len(lines[end_line - 1]) + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200) | st.lists(_ALPHABET, max_size=60).map("".join))
def test_random_text_parses_or_raises_nginx_error(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_config_parses_or_raises_nginx_error(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.lists(_ALPHABET, min_size=1, max_size=3).map("".join))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    _check(text)


def test_include_inside_map_is_read_as_entries():
    fs = {"/r/nginx/hosts.map": "server 1;\nlocation 2;\n"}
    text = "map $host $x {\n  default 0;\n  include hosts.map;\n}\n"
    config = parse(text, "/r/nginx/nginx.conf", read=files(fs), root="/r")
    assert [d.name for d in config.directives[0].block] == [
        "default",
        "include",
        "server",
        "location",
    ]
    fs = {"/r/nginx/bad.map": "a { }\n"}
    config = parse("map $a $b { include bad.map; }", "/r/nginx/n.conf", read=files(fs), root="/r")
    assert [p.kind for p in config.problems] == ["syntax"]


def test_modsecurity_rules_and_templates_beside_nginx_are_not_nginx(scan, tmp_path):
    folder = tmp_path / "nginx"
    folder.mkdir()
    (folder / "modsecurity.conf").write_text(
        "SecRuleEngine On\nSecRequestBodyAccess On\n"
        'SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" '
        '"id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"\n'
    )
    (folder / "nginx.conf").write_text(
        'worker_processes {{ .Env.WORKERS | default "4" }};\nevents {}\n'
    )
    result = scan(tmp_path, root=str(tmp_path))
    assert result.findings == [] and result.errors == []
    assert result.not_checked == {"template": 1}
