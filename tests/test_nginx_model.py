import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promguard.models.nginx import Listen, build_model
from promguard.parsers.nginx import NginxError, parse_nginx


def model(text, **kw):
    return build_model(parse_nginx(text, "/virtual/nginx/nginx.conf"), **kw)


def loc(m, match, server=0):
    for location in m.servers[server].locations:
        if location.match == match:
            return location
    raise AssertionError(f"no location {match}")


def args(directives):
    return [d.args for d in directives]


GUIDE = """\
http {
    server_tokens off;
    server {
        listen 443 ssl;
        server_name monitoring.example.com;
        location / {
            auth_basic "Prometheus";
            auth_basic_user_file /etc/nginx/.htpasswd;
            proxy_pass http://localhost:9090/;
        }
        location /api/ {
            proxy_pass http://localhost:9090/api/;
        }
    }
}
"""


def test_sibling_location_does_not_inherit_auth_basic():
    m = model(GUIDE)
    root, api = loc(m, "/"), loc(m, "/api/")
    assert root.auth_basic and root.value("auth_basic").args == ["Prometheus"]
    assert api.effective("auth_basic") == [] and not api.auth_basic
    assert api.target.program == "prometheus"
    assert api.value("server_tokens").args == ["off"]  # http -> server -> location


def test_server_level_auth_basic_is_inherited_and_off_switches_it_off():
    m = model(
        "server {\n auth_basic on; auth_basic_user_file /x;\n"
        " location / { proxy_pass http://prometheus:9090; }\n"
        " location /metrics { auth_basic off; }\n"
        " location /health { location /health/deep { } }\n}\n"
    )
    assert loc(m, "/").auth_basic
    assert loc(m, "/metrics").value("auth_basic").args == ["off"]
    assert not loc(m, "/metrics").auth_basic
    assert loc(m, "/health/deep").auth_basic  # nested: server -> /health -> /health/deep
    assert loc(m, "/metrics").value("auth_basic_user_file").args == ["/x"]


def test_auth_request_and_satisfy_inherit():
    m = model(
        "server { auth_request /auth; satisfy any; allow 10.0.0.0/8; deny all;\n"
        " location / { }\n location /open { auth_request off; } }"
    )
    assert loc(m, "/").auth_request and loc(m, "/").value("satisfy").args == ["any"]
    assert not loc(m, "/open").auth_request
    assert loc(m, "/open").value("satisfy").args == ["any"]


def test_add_header_replacement():
    m = model(
        "http { add_header X-Frame-Options DENY;\n"
        " server { add_header Strict-Transport-Security max-age=63072000;\n"
        "  add_header X-Content-Type-Options nosniff;\n"
        "  location / { }\n"
        "  location /img { add_header Cache-Control public; }\n"
        "  location /n { add_header_inherit merge; add_header Cache-Control public; }\n"
        "  location /o { add_header_inherit off; }\n"
        " }\n"
        " server { location / { } }\n"
        "}"
    )
    assert [a[0] for a in args(loc(m, "/").effective("add_header"))] == [
        "Strict-Transport-Security",
        "X-Content-Type-Options",
    ]
    assert args(loc(m, "/img").effective("add_header")) == [["Cache-Control", "public"]]
    assert [a[0] for a in args(loc(m, "/n").effective("add_header"))] == [
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Cache-Control",
    ]
    assert loc(m, "/o").effective("add_header") == []
    assert args(loc(m, "/", server=1).effective("add_header")) == [["X-Frame-Options", "DENY"]]
    assert args(m.effective("add_header")) == [["X-Frame-Options", "DENY"]]


def test_add_header_inherit_merge_is_itself_inherited():
    m = model(
        "http { add_header_inherit merge; add_header A 1;\n"
        " server { add_header B 2; location / { add_header C 3; } } }"
    )
    assert [a[0] for a in args(loc(m, "/").effective("add_header"))] == ["A", "B", "C"]


def test_allow_deny_replaced_as_a_whole():
    m = model(
        "server { allow 10.0.0.0/8; deny all;\n"
        " location / { }\n"
        " location /admin { allow 127.0.0.1; }\n"
        " location /deny { deny 1.2.3.4; } }"
    )
    assert [d.name for d in loc(m, "/").access_rules()] == ["allow", "deny"]
    admin = loc(m, "/admin")
    assert args(admin.effective("allow")) == [["127.0.0.1"]]
    assert admin.effective("deny") == []  # the server's "deny all" is not in force here
    assert args(loc(m, "/deny").effective("deny")) == [["1.2.3.4"]]
    assert loc(m, "/deny").effective("allow") == []


def test_arrays_proxy_set_header_error_page_limit_req():
    m = model(
        "server { proxy_set_header Host $host; proxy_set_header X-Real-IP $remote_addr;\n"
        " error_page 404 /404.html; limit_req zone=a;\n"
        " location / { proxy_set_header Host $http_host; }\n"
        " location /b { } }"
    )
    assert args(loc(m, "/").effective("proxy_set_header")) == [["Host", "$http_host"]]
    assert len(loc(m, "/b").effective("proxy_set_header")) == 2
    assert args(loc(m, "/b").effective("error_page")) == [["404", "/404.html"]]
    assert args(loc(m, "/").effective("limit_req")) == [["zone=a"]]


def test_not_inherited_return_rewrite_proxy_pass():
    m = model(
        "server { return 301 https://$host$request_uri; rewrite ^ /x;\n"
        " location / { proxy_pass http://prometheus:9090; location /inner { } } }"
    )
    assert loc(m, "/").effective("return") == []
    assert loc(m, "/").effective("rewrite") == []
    assert args(m.servers[0].effective("return")) == [["301", "https://$host$request_uri"]]
    assert loc(m, "/inner").target is None
    assert loc(m, "/inner").effective("proxy_pass") == []


def test_if_blocks_are_locations():
    m = model(
        "server { add_header A 1;\n"
        " if ($host = bad) { return 444; }\n"
        " location / { proxy_pass http://alertmanager:9093; auth_basic x;\n"
        "  if ($request_method = POST) { add_header B 2; } } }"
    )
    locations = m.servers[0].locations
    assert [(x.in_if, x.match) for x in locations] == [
        (True, "($host = bad)"),
        (False, "/"),
        (True, "($request_method = POST)"),
    ]
    server_if, root, inner_if = locations
    assert server_if.parent is None and inner_if.parent is root
    assert root.nested == [inner_if]
    assert args(inner_if.effective("add_header")) == [["B", "2"]]
    assert inner_if.value("auth_basic").args == ["x"]
    assert inner_if.target.program == "alertmanager"  # the if keeps the location's handler
    assert args(server_if.effective("return")) == [["444"]]


def test_limit_except():
    m = model("server { location / { proxy_pass http://p:9090; limit_except GET { deny all; } } }")
    root = loc(m, "/")
    assert root.access_rules() == []
    lim = root.limit_except
    assert lim.modifier == "limit_except" and lim.match == "GET"
    assert [d.name for d in lim.access_rules()] == ["deny"]
    assert lim.target.program == "prometheus"
    assert lim not in m.servers[0].locations


@pytest.mark.parametrize(
    "arg, modifier, match",
    [
        ("= /x", "=", "/x"),
        ("=/x", "=", "/x"),
        ("~* \\.php$", "~*", "\\.php$"),
        ("~\\.php$", "~", "\\.php$"),
        ("^~ /static/", "^~", "/static/"),
        ("@fallback", "@", "@fallback"),
        ("/api/", None, "/api/"),
    ],
)
def test_location_modifiers(arg, modifier, match):
    location = model(f"server {{ location {arg} {{ }} }}").servers[0].locations[0]
    assert (location.modifier, location.match) == (modifier, match)


def test_listen_and_tls():
    m = model(
        "http { server { listen 80; }\n"
        " server { listen [::]:443 ssl http2 default_server; listen 127.0.0.1:8443 ssl; }\n"
        " server { listen unix:/run/nginx.sock; }\n"
        " server { server_name old; ssl on; }\n"
        " server { listen 10.0.0.1; }\n}"
    )
    plain, tls, unix, old, addr = m.servers
    assert not plain.tls and [(x.port, x.ssl) for x in plain.listens] == [(80, False)]
    v6, v4 = tls.listens
    assert (v6.address, v6.port, v6.ssl, v6.http2, v6.default_server) == (
        "[::]",
        443,
        True,
        True,
        True,
    )
    assert (v4.address, v4.port) == ("127.0.0.1", 8443)
    assert tls.tls
    assert (unix.listens[0].address, unix.listens[0].port) == ("unix:/run/nginx.sock", None)
    assert old.tls and old.listens[0].directive is None and old.listens[0].port == 80
    assert (addr.listens[0].address, addr.listens[0].port) == ("10.0.0.1", 80)
    assert old.names == ["old"]


def test_ssl_settings_inherit_from_http():
    m = model("http { ssl_protocols TLSv1 TLSv1.2; server { listen 443 ssl; location / { } } }")
    assert loc(m, "/").value("ssl_protocols").args == ["TLSv1", "TLSv1.2"]
    assert m.servers[0].value("ssl_protocols").args == ["TLSv1", "TLSv1.2"]


def test_main_level_for_model_effective():
    m = model("error_log /var/log/e.log;\nuser nginx;\nhttp { server { } }")
    assert m.effective("user")[0].args == ["nginx"]
    assert m.http is not None and m.http.name == "http"


# -- targets ----------------------------------------------------------------------------------


def target_of(pass_line, extra=""):
    m = model(f"http {{ {extra}\n server {{ location / {{ {pass_line} }} }} }}")
    return m.servers[0].locations[0].target


def test_target_upstream_block():
    t = target_of(
        "proxy_pass http://backend/;",
        "upstream backend { server 10.0.0.5:9093; server mon-2; }",
    )
    assert t.upstream.args == ["backend"] and t.servers == ["10.0.0.5:9093", "mon-2:80"]
    assert (t.scheme, t.host, t.port, t.program, t.variable) == (
        "http",
        "backend",
        None,
        "alertmanager",
        False,
    )


def test_target_upstream_by_name():
    t = target_of("proxy_pass http://Prom_Servers;", "upstream prom_servers { server a:1; }")
    assert t.upstream is not None and t.program is None  # "prom" alone is not a program
    t = target_of("proxy_pass http://grafana;", "upstream grafana { server 10.0.0.1:3000; }")
    assert t.program == "grafana"


@pytest.mark.parametrize(
    "line, scheme, host, port, program, variable",
    [
        ("proxy_pass http://prometheus:9090;", "http", "prometheus", 9090, "prometheus", False),
        ("proxy_pass https://10.0.0.1:9091/;", "https", "10.0.0.1", 9091, "pushgateway", False),
        ("proxy_pass http://node-exporter;", "http", "node-exporter", 80, "node_exporter", False),
        ("proxy_pass http://[::1]:9100;", "http", "[::1]", 9100, "node_exporter", False),
        (
            "proxy_pass https://blackbox:9115;",
            "https",
            "blackbox",
            9115,
            "blackbox_exporter",
            False,
        ),
        ("proxy_pass http://monitor:9116;", "http", "monitor", 9116, "snmp_exporter", False),
        ("proxy_pass http://cadvisor:8080;", "http", "cadvisor", 8080, "cadvisor", False),
        ("proxy_pass http://app:8080;", "http", "app", 8080, None, False),
        ("proxy_pass http://grafana:3000;", "http", "grafana", 3000, "grafana", False),
        ("proxy_pass https://example.com;", "https", "example.com", 443, None, False),
        ("proxy_pass http://$upstream;", "http", None, None, None, True),
        ("proxy_pass http://$host:9090$request_uri;", "http", None, 9090, "prometheus", True),
        (
            "proxy_pass http://prometheus:9090$request_uri;",
            "http",
            "prometheus",
            9090,
            "prometheus",
            True,
        ),
        (
            "proxy_pass http://unix:/run/prometheus.sock:/;",
            "http",
            "unix:/run/prometheus.sock",
            None,
            "prometheus",
            False,
        ),
        ("fastcgi_pass unix:/run/php.sock;", "fastcgi", "unix:/run/php.sock", None, None, False),
        ("grpc_pass grpc://127.0.0.1:9090;", "grpc", "127.0.0.1", 9090, "prometheus", False),
        (
            "proxy_pass http://prometheus-pushgateway:9091;",
            "http",
            "prometheus-pushgateway",
            9091,
            "pushgateway",
            False,
        ),
    ],
)
def test_target_recognition(line, scheme, host, port, program, variable):
    t = target_of(line)
    assert (t.scheme, t.host, t.port, t.program, t.variable) == (
        scheme,
        host,
        port,
        program,
        variable,
    )
    assert t.directive.name == line.split()[0]


def test_resolve_hook_maps_hosts_to_services():
    class Service:
        program = "alertmanager"

    seen = []

    def resolve(host, port):
        seen.append((host, port))
        return Service() if host == "am" else None

    m = model(
        "server { location /a { proxy_pass http://am:80; }\n"
        " location /b { proxy_pass http://x:9090; } }",
        resolve=resolve,
    )
    a, b = m.servers[0].locations
    assert a.target.program == "alertmanager" and isinstance(a.target.service, Service)
    assert b.target.program == "prometheus" and b.target.service is None
    assert seen == [("am", 80), ("x", 9090)]


# -- fragments --------------------------------------------------------------------------------


def test_server_fragment_and_location_fragment():
    m = model("server { listen 80; location / { } }\nserver { listen 81; }")
    assert m.http is None and len(m.servers) == 2
    m = model("add_header A 1;\nlocation /x { add_header B 2; }\nlocation /y { }")
    (server,) = m.servers
    assert server.directive is None
    assert args(loc(m, "/y").effective("add_header")) == [["A", "1"]]
    assert args(loc(m, "/x").effective("add_header")) == [["B", "2"]]


def test_listen_parse_defaults():
    d = parse_nginx("listen 8080;", "/v/n.conf").directives[0]
    listen = Listen.parse(d)
    assert (listen.address, listen.port, listen.ssl) == ("*", 8080, False)


# -- robustness -------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "server {",
        "location /a {",
        "location = /b {",
        "if ($x) {",
        "limit_except GET {",
        "}",
        "listen 443 ssl;",
        "listen [::]:80;",
        "listen unix:/s;",
        "listen;",
        "proxy_pass http://prometheus:9090;",
        "proxy_pass http://up;",
        "proxy_pass http://[::1;",
        "proxy_pass;",
        "proxy_pass http://$h:99999999$u;",
        "upstream up { server a; server b:9093; }",
        "add_header A b;",
        "add_header_inherit merge;",
        "add_header_inherit;",
        "allow all;",
        "deny all;",
        "auth_basic off;",
        "auth_basic;",
        "auth_basic_user_file f;",
        "ssl on;",
        "http {",
        "server_name a;",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=25))
def test_model_never_crashes(pieces):
    text = "\n".join(pieces)
    try:
        config = parse_nginx(text, "/virtual/nginx/nginx.conf")
    except NginxError:
        return
    m = build_model(config)
    m.effective("add_header")
    for server in m.servers:
        assert server.listens
        assert server.tls in (True, False)
        for location in server.locations:
            location.effective("add_header")
            location.access_rules()
            assert location.auth_basic in (True, False)
            assert location.auth_request in (True, False)
            target = location.target
            assert target is None or target.directive.name == "proxy_pass"
            lim = location.limit_except
            if lim is not None:
                assert lim.target is location.target
