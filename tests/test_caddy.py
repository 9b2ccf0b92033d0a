"""Caddy: the Caddyfile parser (tokens and positions as Caddy's lexer reads them, snippets,
imports), the site model (Caddy's directive order, handle blocks, matchers) and the stack
wiring (a caddy service's Caddyfile in front of the services it proxies to)."""

import pathlib
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promguard.models.caddy import SiteModel
from promguard.parsers.caddyfile import CaddyError, lex, parse_caddyfile

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
HASH = "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG"


def site(text, index=0):
    return SiteModel(parse_caddyfile(text, "/virtual/Caddyfile").sites[index])


def test_tokens_keep_their_positions_and_quotes():
    text = 'a.example.com {\n\trespond "two words \\"quoted\\"" 403 # gone\n\theader `raw "x"`\n}\n'
    tokens = lex(text, "f")
    assert [(t.text, t.line, t.column, t.quoted) for t in tokens] == [
        ("a.example.com", 1, 1, False),
        ("{", 1, 15, False),
        ("respond", 2, 2, False),
        ('two words "quoted"', 2, 10, True),
        ("403", 2, 33, False),
        ("header", 3, 2, False),
        ('raw "x"', 3, 9, True),
        ("}", 4, 1, False),
    ]


def test_heredoc_is_one_token_and_lines_after_it_stay_right():
    text = ":80 {\n\trespond <<HTML\n\t\t<b>hi</b>\n\t\tHTML 200\n\tredir /x /y\n}\n"
    parsed = parse_caddyfile(text, "/v/Caddyfile")
    respond, redir = parsed.sites[0].directives
    assert respond.args[0] == "\t<b>hi</b>" or respond.args[0].strip() == "<b>hi</b>"
    assert (redir.name, redir.line, redir.column) == ("redir", 5, 2)


def test_environment_defaults_are_used_and_unset_ones_stay_unknown():
    parsed = parse_caddyfile(":{$PORT:9090} {\n\treverse_proxy {$UPSTREAM}\n}\n", "/v/Caddyfile")
    (only,) = parsed.sites
    assert only.addresses[0].text == ":9090"
    upstream = SiteModel(only).upstreams(only.directives[0])[0]
    assert upstream.host is None  # never guessed


def test_single_site_without_braces_and_global_options():
    parsed = parse_caddyfile("{\n\tadmin off\n}\nlocalhost:8080\nreverse_proxy app:80\n", "/v/C")
    assert parsed.option("admin").args == ["off"]
    (only,) = parsed.sites
    assert [d.name for d in only.directives] == ["reverse_proxy"]


def test_addresses_split_on_commas_with_their_columns():
    parsed = parse_caddyfile("a.example.com,b.example.com :8443 {\n\trespond 200\n}\n", "/v/C")
    assert [(a.text, a.column) for a in parsed.sites[0].addresses] == [
        ("a.example.com", 1),
        ("b.example.com", 15),
        (":8443", 29),
    ]


def test_snippet_import_keeps_the_snippet_lines_and_arguments():
    text = f"(auth) {{\n\tbasic_auth {{\n\t\t{{args[0]}} {HASH}\n\t}}\n}}\n"
    text += "x.example.com {\n\timport auth ops\n\treverse_proxy prometheus:9090\n}\n"
    parsed = parse_caddyfile(text, "/v/Caddyfile")
    auth, proxy = parsed.sites[0].directives
    assert (auth.name, auth.line) == ("basic_auth", 2)
    assert auth.block[0].name == "ops"
    assert (proxy.name, proxy.line) == ("reverse_proxy", 8)


def test_file_imports_are_read_inside_the_root_only(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "prom.caddy").write_text("p.example.com {\n\treverse_proxy p:9090\n}\n")
    main = tmp_path / "Caddyfile"
    main.write_text("import sites/*.caddy\nimport ../outside.caddy\nimport missing.caddy\n")
    parsed = parse_caddyfile(main.read_text(), str(main), root=str(tmp_path))
    assert [s.file for s in parsed.sites] == [str(tmp_path / "sites" / "prom.caddy")]
    assert [(p.line, p.kind) for p in parsed.problems] == [(2, "outside"), (3, "missing")]


def test_an_import_name_with_a_nul_byte_is_a_problem_not_a_crash():
    # found by fuzzing: os.path.realpath raised on the NUL
    parsed = parse_caddyfile("import a\x00b.caddy\n", "/v/Caddyfile", read=lambda path: None)
    assert [(p.line, p.kind) for p in parsed.problems] == [(1, "missing")]


def test_a_snippet_bomb_stops_with_a_clear_error():
    text = "(s0) {\n\trespond 200\n}\n"
    for level in range(1, 10):  # each snippet imports the one before ten times: 10**9 tokens
        text += f"(s{level}) {{\n" + f"\timport s{level - 1}\n" * 10 + "}\n"
    text += "a.example.com {\n\timport s9\n}\n"
    with pytest.raises(CaddyError, match="too many tokens"):
        parse_caddyfile(text, "/v/Caddyfile")


@pytest.mark.parametrize(
    "text, line, column",
    [
        ('a.example.com {\n\trespond "open\n', 2, 10),
        ("a.example.com {\n\trespond 200\n", 1, 15),
        ("a.example.com {\n}\n}\n", 3, 1),
        ("a.example.com {\n\thandle { respond 200\n\t}\n}\n", 2, 9),
    ],
)
def test_syntax_errors_carry_their_position(text, line, column):
    with pytest.raises(CaddyError) as raised:
        parse_caddyfile(text, "/v/Caddyfile")
    assert (raised.value.line, raised.value.column) == (line, column)


def test_directive_order_not_file_order_decides():
    # respond runs before reverse_proxy and basic_auth before both, wherever they are written
    model = site(
        f"p.example.com {{\n\treverse_proxy prometheus:9090\n\trespond /-/* 403\n"
        f"\tbasic_auth /api/* {{\n\t\tadmin {HASH}\n\t}}\n}}\n"
    )
    assert model.route("/-/quit").kind == "refused"
    api = model.route("/api/v1/query")
    assert api.kind == "proxy" and api.auth is not None
    assert model.route("/graph").auth is None


def test_handle_blocks_are_exclusive_and_most_specific_first():
    model = site(
        "p.example.com {\n\thandle {\n\t\trespond 404\n\t}\n"
        "\thandle /api/* {\n\t\treverse_proxy prometheus:9090\n\t}\n"
        "\thandle_path /am/* {\n\t\treverse_proxy alertmanager:9093\n\t}\n}\n"
    )
    assert model.route("/api/v1/query").kind == "proxy"
    assert model.route("/graph").kind == "refused"
    am = model.route("/am/api/v2/silences")
    assert am.kind == "proxy" and am.directive.args == ["alertmanager:9093"]
    am_directive = am.directive
    assert model.forwards(am_directive, "/api/v2/silences")  # through the stripped prefix


def test_a_client_matcher_is_an_access_rule():
    model = site(
        "a.example.com {\n\t@outside not remote_ip private_ranges\n\tabort @outside\n"
        "\treverse_proxy alertmanager:9093\n}\n"
    )
    outcome = model.route("/api/v2/silences")
    assert outcome.kind == "proxy" and outcome.restricted and outcome.protected


def test_plain_http_addresses():
    assert [a.token.text for a in site(":9090 {\n}\n").plain_http()] == [":9090"]
    assert site("http://a.example.com {\n}\n").plain_http()
    assert not site("a.example.com {\n}\n").plain_http()
    assert not site(":9443 {\n\ttls /c.pem /k.pem\n}\n").plain_http()


def test_a_caddyfile_that_does_not_parse_is_a_finding_with_its_line(scan, tmp_path):
    (tmp_path / "Caddyfile").write_text("a.example.com {\n\trespond 200\n")
    result = scan(tmp_path, root=tmp_path)
    assert [(f.rule_id, f.line) for f in result.findings] == [("PG001", 1)]


def test_caddy_in_front_links_the_stack(scan, tmp_path):
    shutil.copytree(FIXTURES / "XF05" / "bad-caddy-published", tmp_path / "s")
    subprocess.run(["git", "init", "-q", str(tmp_path / "s")], check=True)
    result = scan(tmp_path / "s", root=tmp_path / "s")
    (bypass,) = [f for f in result.findings if f.rule_id == "XF05"]
    assert ("caddy/Caddyfile", 5, 2, "the authenticating proxy that is bypassed") in bypass.related
    assert not [f for f in result.findings if f.rule_id == "XF02"]  # the proxy protects it
    # pre-commit passes the Caddyfile alone: the compose file is read for context
    alone = scan(tmp_path / "s" / "caddy" / "Caddyfile", root=tmp_path / "s")
    assert [f.rule_id for f in alone.findings if f.rule_id.startswith("XF")] == ["XF05"]


def test_caddy_lifecycle_finding_gets_a_caddy_fix(scan):
    result = scan(FIXTURES / "XF06" / "bad-caddy-lifecycle", root=FIXTURES)
    (finding,) = [f for f in result.findings if f.rule_id == "XF06"]
    assert finding.message.startswith("site prometheus.example.com forwards /-/quit, /-/reload")
    assert "respond /-/* 403" in finding.fix


_FRAGMENTS = st.sampled_from(
    [
        "\n", " ", "\t", "{", "}", "{\n", "\n}\n", '"', "`", "#", "\\", ",", ":", "*", "/*",
        "@m ", "not ", "path /x*", "remote_ip 10.0.0.0/8", "import ", "(s) {\n", "<<EOF\n",
        "EOF", "{$X}", "{$X:y}", "{args[0]}", "handle ", "handle_path /a/* ", "route ",
        "basic_auth ", "forward_auth ", "reverse_proxy ", "respond 403", "abort", "tls ",
        "http://", "https://", ":80", "[::1]:9090", "prometheus:9090", "\x00", "é", "\r\n",
    ]
)  # fmt: skip
_SEEDS = sorted(FIXTURES.glob("CDY*/*.caddyfile")) + sorted(FIXTURES.rglob("Caddyfile"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_caddyfiles_parse_or_raise_and_the_rules_run(data, rules):
    from promguard.document import Document

    text = data.draw(st.sampled_from(_SEEDS)).read_text()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 6))
        text = text[:at] + data.draw(_FRAGMENTS) + text[at + cut :]
    try:
        parsed = parse_caddyfile(text, "/virtual/Caddyfile", read=lambda path: None)
    except CaddyError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    doc = Document("Caddyfile", "/virtual/Caddyfile", "caddy", text, [parsed])
    for rule in rules:
        if "caddy" in rule.kinds:
            for finding in rule.check(doc):
                assert finding.line >= 1
