"""Rules for nginx in front of a monitoring stack: who can reach Prometheus and friends through
it, over what TLS, and the classic nginx mistakes (gixy's) that open a hole in the middle."""

from __future__ import annotations

import re

from promguard.document import at
from promguard.lazy_regex import lazy
from promguard.models.nginx_access import (
    access_rules,
    arg_of,
    last_of,
    protected,
    serving,
)
from promguard.models.services import UNAUTHENTICATED as MONITORING
from promguard.models.services import is_loopback
from promguard.rule import Rule

NGX_AUTH = "https://nginx.org/en/docs/http/ngx_http_auth_basic_module.html"
NGX_ACCESS = "https://nginx.org/en/docs/http/ngx_http_access_module.html"
NGX_CORE = "https://nginx.org/en/docs/http/ngx_http_core_module.html"
NGX_SSL = "https://nginx.org/en/docs/http/ngx_http_ssl_module.html"
NGX_HEADERS = "https://nginx.org/en/docs/http/ngx_http_headers_module.html"
NGX_PROXY = "https://nginx.org/en/docs/http/ngx_http_proxy_module.html"
NGX_LIMIT = "https://nginx.org/en/docs/http/ngx_http_limit_req_module.html"
NGX_STATUS = "https://nginx.org/en/docs/http/ngx_http_stub_status_module.html"
NGX_REWRITE = "https://nginx.org/en/docs/http/ngx_http_rewrite_module.html"
GIXY = "https://github.com/dvershinin/gixy"
PSEC = "https://prometheus.io/docs/operating/security/"
PAPI = "https://prometheus.io/docs/prometheus/latest/querying/api/#tsdb-admin-apis"
OWASP_HEADERS = "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html"
KINDS = ("nginx",)

SECURITY_HEADERS = frozenset(
    (
        "strict-transport-security",
        "x-frame-options",
        "x-content-type-options",
        "content-security-policy",
        "referrer-policy",
        "permissions-policy",
        "x-xss-protection",
    )
)
# Endpoints that change state: TSDB admin, lifecycle, Alertmanager silences, Pushgateway wipe.
MUTATING = {
    "prometheus": ("/api/v1/admin/tsdb/delete_series", "/-/quit", "/-/reload"),
    "pushgateway": ("/api/v1/admin/wipe", "/-/quit", "/-/reload"),
}
_WEAK_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
_WEAK_CIPHER = lazy(r"RC4|(^|-)3?DES(-|$)|MD5|NULL|EXPORT|(^|-)EXP(-|$)|^ADH|^AECDH", re.I)


def model(doc):
    """The effective-settings model of an nginx document (built once per document)."""
    cached = doc.cache.get("nginx")
    if cached is None:
        from promguard.models.nginx import build_model

        cached = doc.cache["nginx"] = build_model(doc.roots[0])
    return cached


def _where(target) -> str:
    if target.host and target.port:
        return f"{target.host}:{target.port}"
    return target.host or (target.upstream and arg_of(target.upstream)) or "its upstream"


# The health and readiness endpoints of the Prometheus programs: public by design, they say
# "ok" and nothing else.
_HEALTH_PATHS = frozenset(("/-/healthy", "/-/ready"))


def _health_check_only(location) -> bool:
    """An exact-match location for a health endpoint, forwarded as it is (a proxy_pass URI, if
    any, is a health endpoint too): it can serve nothing else."""
    if location.modifier != "=" or location.match not in _HEALTH_PATHS:
        return False
    from urllib.parse import urlsplit

    args = location.target.directive.args
    try:
        path = urlsplit(args[0]).path if args else ""
    except ValueError:
        return False
    return path in ("", location.match) or path in _HEALTH_PATHS


class UnprotectedMonitoringUpstream(Rule):
    id = "NGX01"
    name = "monitoring-upstream-without-auth"
    title = "Monitoring backend reachable through nginx without authentication"
    severity = "high"
    kinds = KINDS
    description = (
        "A location proxies to Prometheus, Alertmanager, Pushgateway, an exporter or cAdvisor "
        "with no effective auth_basic, auth_request or `allow ...; deny all;`. Evaluated per "
        "location with nginx's inheritance: auth_basic in `location /` does not protect a "
        "sibling `location /api/`."
    )
    rationale = (
        "These backends have no authentication by default; the proxy is the only door. One "
        "location without it (often /api/ or /federate, added later) exposes every metric, the "
        "query API and, with admin or lifecycle enabled, deletion and shutdown."
    )
    fix = (
        "Put auth_basic (with auth_basic_user_file) or auth_request at the server level, so "
        "every location inherits it, or add it to this location; `auth_basic off` only where "
        "a path must be public (e.g. /-/healthy)."
    )
    references = (NGX_AUTH, NGX_ACCESS, PSEC)
    tags = ("authentication", "exposure")
    cwe = ("CWE-306",)
    controls = ("PGB-03",)

    def check(self, doc):
        for server in model(doc).servers:
            for location in server.locations:
                target = location.target
                if location.in_if or target is None or target.program not in MONITORING:
                    continue
                if _health_check_only(location):
                    continue  # serves the health endpoint and nothing else, as the fix advises
                if not protected(location):
                    yield self.report(
                        at(doc, location.directive),
                        location.directive,
                        f"location {' '.join(location.directive.args)} proxies to "
                        f"{target.program} ({_where(target)}) with no authentication or access "
                        "rule",
                        key_path=location.directive.path,
                    )


class SatisfyAnyBroadAllow(Rule):
    id = "NGX02"
    name = "satisfy-any-broad-allow"
    title = "satisfy any with an allow that lets everyone in"
    severity = "high"
    kinds = KINDS
    description = "`satisfy any` is in force together with `allow all` (or 0.0.0.0/0, ::/0)."
    rationale = (
        "With satisfy any, passing the access rules is enough: a broad allow skips the password "
        "prompt for everyone, so auth_basic protects nothing."
    )
    fix = "Allow only the trusted networks, or use `satisfy all`."
    references = (NGX_CORE + "#satisfy", NGX_ACCESS)
    tags = ("authentication",)
    cwe = ("CWE-284",)
    controls = ("PGB-03",)

    def check(self, doc):
        seen = set()
        for server in model(doc).servers:
            for location in server.locations:
                if arg_of(last_of(location.effective("satisfy"))) != "any":
                    continue
                for rule in location.effective("allow"):
                    if arg_of(rule) in ("all", "0.0.0.0/0", "::/0") and id(rule) not in seen:
                        seen.add(id(rule))
                        yield self.report(
                            at(doc, rule),
                            rule,
                            "`allow " + arg_of(rule) + "` with `satisfy "
                            "any` lets everyone in without a password",
                            key_path=rule.path,
                        )


def _public_listen(server) -> bool:
    if server.directive is None:
        return False  # a fragment outside any server block: where it listens is unknown
    return any(
        not (listen.address or "").lower().startswith("unix:")
        and not is_loopback(listen.address or "")
        for listen in server.listens
    )


class BasicAuthWithoutTls(Rule):
    id = "NGX03"
    name = "basic-auth-without-tls"
    title = "Basic authentication on a listener without TLS"
    severity = "high"
    kinds = KINDS
    description = (
        "auth_basic is in force in a server that listens without `ssl` on a non-loopback address."
    )
    rationale = (
        "Basic authentication sends the password, base64-encoded, with every request; over "
        "plain HTTP anyone on the network path reads it."
    )
    fix = "Listen with `ssl` (443) and redirect port 80 to https."
    references = (NGX_AUTH, NGX_SSL)
    tags = ("tls", "authentication")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for server in model(doc).servers:
            if server.tls or not _public_listen(server):
                continue
            reported = set()
            for location in server.locations:
                directive = last_of(location.effective("auth_basic"))
                if (
                    directive is not None
                    and arg_of(directive) != "off"
                    and id(directive) not in reported
                ):
                    reported.add(id(directive))
                    yield self.report(
                        at(doc, directive),
                        directive,
                        "auth_basic on a server without TLS: passwords travel in clear",
                        key_path=directive.path,
                    )


def _redirects_to_https(server) -> bool:
    """The server sends every plain request to https: a `return`/`rewrite` to https:// at the
    server level, or one inside `if ($scheme = http)` (`!= https`, `$https = ""`), which nginx
    runs before it picks a location (included files count: they are spliced in)."""
    for directive in server.directive.block or ():
        if _to_https(directive):
            return True
        if directive.name == "if" and _plain_scheme_test(directive.args):
            if any(_to_https(inner) for inner in directive.block or ()):
                return True
    return False


def _to_https(directive) -> bool:
    return directive.name in ("return", "rewrite") and any(
        a.startswith("https://") for a in directive.args
    )


def _plain_scheme_test(args) -> bool:
    test = " ".join(args).replace(" ", "").strip("()").lower()
    return test in ("$scheme=http", "$scheme!=https", '$scheme="http"', '$https=""', "!$https")


class PlainHttpProxy(Rule):
    id = "NGX04"
    name = "plain-http-proxy"
    title = "Port-80 server proxies instead of redirecting to HTTPS"
    severity = "medium"
    kinds = KINDS
    description = (
        "A server without TLS, listening on a non-loopback address, proxies requests instead of "
        "redirecting them to https: on port 80, or to a monitoring backend or Grafana on any "
        "port. Plain internal gateways for other services are left alone. Low when the nginx "
        "service that reads the file publishes no port (only other containers reach it)."
    )
    rationale = (
        "Every request and response, credentials and query results included, crosses the "
        "network in clear."
    )
    fix = (
        "Make the plain-HTTP server `return 301 https://$host$request_uri;` and proxy only from "
        "the TLS server."
    )
    references = (NGX_REWRITE + "#return", NGX_SSL)
    tags = ("tls",)
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for server in model(doc).servers:
            if server.tls or not _public_listen(server) or _redirects_to_https(server):
                continue
            proxied = [loc for loc in server.locations if loc.target is not None]
            port_80 = any(listen.port == 80 for listen in server.listens)
            monitoring = any(loc.target.program for loc in proxied)
            if proxied and (port_80 or monitoring):
                yield self.report(
                    at(doc, server.directive),
                    server.directive,
                    f"server without TLS proxies {len(proxied)} location(s) instead of "
                    "redirecting to https",
                    key_path=server.directive.path,
                )

    def in_stack(self, finding, stack):
        """Low when the nginx that reads this file publishes no port: only other containers
        reach it (a TLS-terminating proxy in front is where HTTPS belongs)."""
        services = stack.services_mounting(finding.path)
        if not services:
            return
        for service in services:
            if service.host_network is not None or any(p.reachable for p in service.service.ports):
                return
        finding.severity = "low"
        finding.message += (
            f"; service `{services[0].name}` publishes no port: only other containers reach it"
        )


class WeakTlsProtocols(Rule):
    id = "NGX05"
    name = "weak-ssl-protocols"
    title = "SSLv3, TLS 1.0 or TLS 1.1 enabled"
    severity = "medium"
    kinds = KINDS
    description = "ssl_protocols lists SSLv2, SSLv3, TLSv1 or TLSv1.1."
    rationale = (
        "These protocols are deprecated (RFC 8996) and open to downgrade and padding-oracle "
        "attacks."
    )
    fix = "ssl_protocols TLSv1.2 TLSv1.3;"
    references = (NGX_SSL + "#ssl_protocols", "https://www.rfc-editor.org/rfc/rfc8996")
    tags = ("tls",)
    cwe = ("CWE-327",)
    controls = ("PGB-02",)

    def check(self, doc):
        for directive in _all_directives(doc, "ssl_protocols"):
            weak = [a for a in directive.args if a in _WEAK_PROTOCOLS]
            if weak:
                yield self.report(
                    at(doc, directive),
                    directive,
                    f"ssl_protocols enables {', '.join(weak)}",
                    key_path=directive.path,
                )


class WeakTlsCiphers(Rule):
    id = "NGX06"
    name = "weak-ssl-ciphers"
    title = "Weak TLS ciphers enabled"
    severity = "medium"
    kinds = KINDS
    description = "ssl_ciphers enables RC4, DES/3DES, MD5, NULL, EXPORT or anonymous suites."
    rationale = (
        "These ciphers are broken or offer no authentication; a network attacker can decrypt or "
        "impersonate."
    )
    fix = "Use a modern list, e.g. Mozilla's intermediate profile, and keep `!aNULL:!MD5`."
    references = (NGX_SSL + "#ssl_ciphers", "https://ssl-config.mozilla.org/")
    tags = ("tls",)
    cwe = ("CWE-327",)
    controls = ("PGB-02",)

    def check(self, doc):
        for directive in _all_directives(doc, "ssl_ciphers"):
            weak = [
                t
                for t in ":".join(directive.args).split(":")
                if t and t[0] not in "!-" and _WEAK_CIPHER.search(t.lstrip("+"))
            ]
            if weak:
                yield self.report(
                    at(doc, directive),
                    directive,
                    f"ssl_ciphers enables {', '.join(weak[:4])}",
                    key_path=directive.path,
                )


def _all_directives(doc, name):
    return [d for d in doc.roots[0].walk() if d.name == name]


def _header_names(directives) -> list[str]:
    return [arg_of(d).lower() for d in directives]


class MissingHsts(Rule):
    id = "NGX07"
    name = "missing-hsts"
    title = "TLS server without Strict-Transport-Security"
    severity = "low"
    kinds = KINDS
    description = "A server with TLS sends no Strict-Transport-Security header."
    rationale = (
        "Without HSTS a browser may first try plain HTTP, where an attacker on the path can "
        "strip TLS and capture the session or the basic-auth password."
    )
    fix = 'add_header Strict-Transport-Security "max-age=63072000" always;'
    references = (NGX_HEADERS + "#add_header", OWASP_HEADERS)
    tags = ("tls", "headers")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for server in model(doc).servers:
            if (
                server.directive is not None
                and server.tls
                and "strict-transport-security" not in _header_names(server.effective("add_header"))
            ):
                yield self.report(
                    at(doc, server.directive),
                    server.directive,
                    "TLS server sends no Strict-Transport-Security header",
                    key_path=server.directive.path,
                )


class ServerTokens(Rule):
    id = "NGX08"
    name = "server-tokens"
    title = "nginx version disclosed"
    severity = "low"
    kinds = KINDS
    description = (
        "`server_tokens on` (or build) sends the exact nginx version in headers and error pages."
    )
    rationale = "The version tells an attacker which known vulnerabilities to try."
    fix = "server_tokens off;"
    references = (NGX_CORE + "#server_tokens", GIXY)
    tags = ("disclosure",)
    cwe = ("CWE-200",)
    controls = ("PGB-04",)

    def check(self, doc):
        for directive in _all_directives(doc, "server_tokens"):
            if arg_of(directive) in ("on", "build"):
                yield self.report(
                    at(doc, directive),
                    directive,
                    f"server_tokens {arg_of(directive)} discloses the nginx version",
                    key_path=directive.path,
                )


class HostFromClient(Rule):
    id = "NGX09"
    name = "host-header-spoofing"
    title = "Upstream Host header taken from the client"
    severity = "medium"
    kinds = KINDS
    description = "proxy_set_header Host $http_host (or an $arg_/$http_ variable)."
    rationale = (
        "$http_host is whatever the client sends; the upstream then builds links, redirects and "
        "password-reset URLs with an attacker's host name. $host is validated by nginx."
    )
    fix = "proxy_set_header Host $host;"
    references = (NGX_PROXY + "#proxy_set_header", GIXY)
    tags = ("headers",)
    cwe = ("CWE-644",)
    controls = ("PGB-07",)

    def check(self, doc):
        for directive in _all_directives(doc, "proxy_set_header"):
            if arg_of(directive).lower() == "host" and re.search(
                r"\$(http_host|arg_|http_)", arg_of(directive, 1)
            ):
                yield self.report(
                    at(doc, directive),
                    directive,
                    f"Host header set from {arg_of(directive, 1)}, which the client controls",
                    key_path=directive.path,
                )


class AliasTraversal(Rule):
    id = "NGX10"
    name = "alias-traversal"
    title = "alias path traversal"
    severity = "high"
    kinds = KINDS
    description = (
        "A prefix location without a trailing slash uses an alias that ends with one "
        "(`location /files { alias /data/; }`): `/files../secret` reads /data/../secret."
    )
    rationale = (
        "Files outside the aliased folder (configs with passwords, keys) become downloadable."
    )
    fix = "End both with a slash (`location /files/ { alias /data/; }`) or neither."
    references = (NGX_CORE + "#alias", GIXY)
    tags = ("traversal",)
    cwe = ("CWE-22",)
    controls = ("PGB-05",)

    def check(self, doc):
        for server in model(doc).servers:
            for location in server.locations:
                if location.in_if:
                    continue
                for alias in location.directive.find("alias"):
                    problem = _alias_escape(location, arg_of(alias))
                    if problem is not None:
                        message, severity = problem
                        yield self.report(
                            at(doc, alias), alias, message, severity=severity, key_path=alias.path
                        )


def _alias_escape(location, alias: str):
    """How a request can leave the aliased folder, or None. nginx resolves `..` segments
    before matching, so the danger is a `..` glued to a name: /files.. or /images..
    (gixy's alias_traversal)."""
    match = location.match or ""
    if (location.modifier or "") in ("", "^~"):
        if match.endswith("/"):
            return None
        if alias.endswith("/"):
            return (
                f"location {match} with alias {alias} lets {match}../ climb out of {alias}",
                None,
            )
        return (
            f"location {match} with alias {alias} also serves {alias}* (its sibling folders)",
            "medium",
        )
    return _regex_alias_escape(match, alias)


def _regex_alias_escape(pattern: str, alias: str):
    groups = _capture_groups(pattern)
    for found in re.finditer(r"\$(\d+)", alias):
        number = int(found.group(1))
        if number < 1 or number > len(groups):
            continue
        start, body = groups[number - 1]
        if body.startswith("/") or _dotless_class(body):
            continue  # starts a new segment, or cannot hold a dot
        before_group = pattern[:start].rstrip("^")
        before_alias = alias[: found.start()]
        if not before_group.endswith("/") or not before_alias.endswith("/"):
            return (
                f"alias {alias} puts capture ${number} of {pattern} where `..` or a "
                "sibling name can follow the folder",
                None,
            )
    return None


def _dotless_class(body: str) -> bool:
    """``[^...]`` with a dot among the excluded characters, maybe quantified: what the regex
    ``\\[\\^[^\\]]*\\.[^\\]]*\\][*+?]?`` fully matches, found without a regex, whose
    backtracking over the dots of a long group would be quadratic."""
    if not body.startswith("[^"):
        return False
    close = body.find("]", 2)
    return close >= 0 and "." in body[2:close] and body[close + 1 :] in ("", "*", "+", "?")


def _capture_groups(pattern: str) -> list[tuple[int, str]]:
    """(start offset, body) of each capturing group, in order of their opening parenthesis."""
    groups = []
    stack = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            capturing = (
                not pattern.startswith("(?", i)
                or pattern.startswith("(?P<", i)
                or pattern.startswith("(?<", i)
            )
            stack.append((i, capturing, len(groups)))
            if capturing:
                groups.append((i, ""))
        elif c == ")" and stack:
            start, capturing, index = stack.pop()
            if capturing:
                groups[index] = (start, pattern[start + 1 : i])
        i += 1
    return groups


class AllowWithoutDeny(Rule):
    id = "NGX11"
    name = "allow-without-deny"
    title = "allow without deny"
    severity = "medium"
    kinds = KINDS
    description = (
        "A block has allow rules but no deny: everyone else is allowed too. `allow all` alone "
        "says the path is public on purpose and is not reported."
    )
    rationale = "The default is to allow; an allow list without `deny all` restricts nothing."
    fix = "End the rules with `deny all;`."
    references = (NGX_ACCESS, GIXY)
    tags = ("access-control",)
    cwe = ("CWE-284",)
    controls = ("PGB-07",)

    def check(self, doc):
        for block in _blocks(doc):
            allows = [d for d in block if d.name == "allow"]
            if all(arg_of(d) == "all" for d in allows):
                continue  # `allow all`: the path is public on purpose (/robots.txt, /-/healthy)
            if allows and not any(d.name == "deny" for d in block):
                yield self.report(
                    at(doc, allows[0]),
                    allows[0],
                    f"allow {arg_of(allows[0])} without any deny lets everyone in",
                    key_path=allows[0].path,
                )


def _blocks(doc):
    """Every list of directives at one level: the top level and every block's body."""
    config = doc.roots[0]
    yield config.directives
    yield from (d.block for d in config.walk() if d.block is not None)


class ReturnBypassesAccess(Rule):
    id = "NGX12"
    name = "return-bypasses-allow-deny"
    title = "return runs before allow/deny"
    severity = "medium"
    kinds = KINDS
    description = (
        "A location with allow/deny rules answers with `return` (in it or in an `if` inside it)."
    )
    rationale = (
        "return belongs to the rewrite phase, which runs before the access phase: the response "
        "is sent to everyone, whatever allow/deny say."
    )
    fix = (
        "Move the allow/deny to where the response is generated, or protect the location "
        "differently."
    )
    references = (NGX_REWRITE + "#return", GIXY)
    tags = ("access-control",)
    cwe = ("CWE-284",)
    controls = ("PGB-07",)

    def check(self, doc):
        for server in model(doc).servers:
            for location in server.locations:
                rules = access_rules(location)
                if location.in_if or not rules:
                    continue
                if rules[0].name == "allow" and arg_of(rules[0]) == "all":
                    continue  # the first rule lets everyone in: the path is public on purpose
                for directive in _returns(location.directive):
                    yield self.report(
                        at(doc, directive),
                        directive,
                        "return answers before allow/deny are checked",
                        key_path=directive.path,
                    )


def _returns(directive):
    """The returns that answer with content: an error status (403, 444 ...) denies anyway."""
    for child in directive.block or ():
        if child.name == "return":
            status = arg_of(child)
            if not (status.isdigit() and int(status) >= 400):
                yield child
        elif child.name == "if":
            yield from _returns(child)


class OpenStubStatus(Rule):
    id = "NGX13"
    name = "open-stub-status"
    title = "stub_status open to everyone"
    severity = "medium"
    kinds = KINDS
    description = "A location serves stub_status without authentication or `deny all`."
    rationale = (
        "Connection counts help an attacker time and measure attacks; keep them for the "
        "exporter only."
    )
    fix = "allow 127.0.0.1; deny all; in that location (or listen on loopback only)."
    references = (NGX_STATUS, NGX_ACCESS)
    tags = ("disclosure",)
    cwe = ("CWE-200",)
    controls = ("PGB-07",)

    def check(self, doc):
        for server in model(doc).servers:
            if not _public_listen(server):
                continue
            for location in server.locations:
                status = location.directive.find("stub_status")
                if status and not protected(location):
                    yield self.report(
                        at(doc, status[0]),
                        status[0],
                        "stub_status is reachable by everyone",
                        key_path=status[0].path,
                    )


class HeaderRedefinition(Rule):
    id = "NGX14"
    name = "add-header-redefinition"
    title = "add_header in a block drops the headers set above it"
    severity = "medium"
    kinds = KINDS
    description = (
        "A block with its own add_header no longer sends any add_header of the levels above "
        "(unless add_header_inherit is on). Medium when security headers are dropped, low for "
        "other headers."
    )
    rationale = (
        "HSTS, X-Frame-Options or CSP set at the server level silently vanish from the one "
        "location that added a cache header."
    )
    fix = (
        "Repeat the security headers in the block, or use add_header_inherit merge (nginx 1.29.3+)."
    )
    references = (NGX_HEADERS + "#add_header", GIXY)
    tags = ("headers",)
    cwe = ("CWE-693",)
    controls = ("PGB-02",)

    def check(self, doc):
        for block, own, inherited in _header_levels(doc):
            names = set(_header_names(own))
            dropped = [h for h in dict.fromkeys(_header_names(inherited)) if h not in names]
            if not dropped:
                continue
            security = [h for h in dropped if h in SECURITY_HEADERS]
            constant = _answers_a_constant(block.block)
            message = f"add_header here drops {', '.join(security or dropped)} set above"
            if constant:
                message += "; the block only answers with a fixed response"
            yield self.report(
                at(doc, own[0]),
                own[0],
                message,
                severity=None if security and not constant else "low",
                key_path=own[0].path,
            )


_CONTENT = frozenset(
    ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "root", "alias")
)


def _answers_a_constant(block) -> bool:
    """A block (a list of directives) whose answer is a `return` of a status or fixed text,
    with nothing proxied or served from disk: no page of the service to protect."""
    directives = list(block or ())
    returns = [d for d in directives if d.name == "return"]
    if not returns or any(d.name in _CONTENT or d.block is not None for d in directives):
        return False
    return all(len(d.args) <= 2 and not d.args[-1].startswith(("http", "$")) for d in returns)


def _header_levels(doc):
    """(block, its own add_header directives, the ones it would otherwise inherit). A level
    keeps its parent's headers only with `add_header_inherit merge` (nginx 1.29.3); `on` is
    the default, standard replacement; the mode itself is inherited."""

    def mode_of(directives, inherited_mode):
        modes = [d for d in directives if d.name == "add_header_inherit"]
        return arg_of(modes[-1]) if modes else inherited_mode

    def walk(directives, inherited, parent_mode):
        mode = mode_of(directives, parent_mode)
        own = [d for d in directives if d.name == "add_header"]
        current = own + inherited if own and mode == "merge" else own or inherited
        for directive in directives:
            if directive.block is None or directive.name in ("upstream", "map", "types", "geo"):
                continue
            body = directive.block
            child_own = [d for d in body if d.name == "add_header"]
            if child_own and current and mode_of(body, mode) != "merge":
                yield directive, child_own, current
            yield from walk(body, current, mode)

    yield from walk(doc.roots[0].directives, [], "on")


class MutatingEndpointsForwarded(Rule):
    id = "NGX15"
    name = "mutating-endpoints-forwarded"
    title = "Admin or lifecycle endpoints forwarded to Prometheus or Pushgateway"
    severity = "medium"
    kinds = KINDS
    description = (
        "The location nginx picks for /api/v1/admin/..., /-/quit or /-/reload proxies to "
        "Prometheus or Pushgateway, and no location blocks those paths (deny all or return 403). "
        "Low when the stack resolves the backend and it runs without --web.enable-admin-api and "
        "--web.enable-lifecycle (the paths answer 'not enabled'); XF06 reports them when on."
    )
    rationale = (
        "Prometheus has no CSRF protection: if the admin API or lifecycle is enabled, anyone "
        "who reaches the proxy (or a page a logged-in user visits) can delete data or shut the "
        "server down. The promguard stack rules raise this when the flags are on."
    )
    fix = "Add `location ~ ^/(api/v1/admin|-/(quit|reload)) { deny all; }` to the server."
    references = (PAPI, PSEC)
    tags = ("exposure",)
    cwe = ("CWE-352",)
    controls = ("PGB-09",)

    def check(self, doc):
        for server in model(doc).servers:
            reported = set()
            for program, paths in MUTATING.items():
                for uri in (base + path for base in _prefixes(server, program) for path in paths):
                    location = serving(server, uri, lambda loc, p=program: _proxies_to(loc, p))
                    if location is None or id(location) in reported:
                        continue
                    reported.add(id(location))  # one finding per location is enough to fix it
                    yield self.report(
                        at(doc, location.directive),
                        location.directive,
                        f"{uri} reaches {program} through location "
                        f"{' '.join(location.directive.args)}",
                        key_path=location.directive.path,
                    )

    def in_stack(self, finding, stack):
        """Low when the stack resolves the backend and it runs with neither the admin API nor
        the lifecycle endpoints: they answer "not enabled" (XF06 reports them when on)."""
        proxy = stack.proxy_at(finding.path, finding.line)
        if proxy is None:
            return
        flags = {s.name for s in proxy.service.risky_flags()}
        if flags & {"web.enable-admin-api", "web.enable-lifecycle"}:
            return
        finding.severity = "low"
        finding.message += (
            f"; service `{proxy.service.name}` runs without --web.enable-admin-api and "
            "--web.enable-lifecycle, so these answer 'not enabled' (deny them anyway)"
        )


def _proxies_to(location, program) -> bool:
    target = location.target
    return target is not None and target.program == program


# First path segments of the programs' own URLs: a location named after one of them is part of
# the API, not a route prefix in front of it.
_OWN_PATHS = frozenset(
    (
        "api",
        "federate",
        "-",
        "graph",
        "alerts",
        "targets",
        "metrics",
        "static",
        "rules",
        "status",
        "classic",
        "query",
        "config",
        "flags",
        "tsdb-status",
        "service-discovery",
        "consoles",
        "user",
        "probe",
    )
)


def _prefixes(server, program) -> list[str]:
    """Where ``program``'s paths start: the root, and the prefix of every location that
    proxies to it (Prometheus behind /prometheus/ with --web.route-prefix)."""
    bases = [""]
    seen = {""}  # beside the list, which keeps the order: membership in O(1)
    for location in server.locations:
        target = location.target
        if location.in_if or not (location.match or "").startswith("/"):
            continue
        if (
            target is not None
            and target.program == program
            and (location.modifier or "") in ("", "^~")
        ):
            base = location.match.rstrip("/")
            if base and base.split("/")[1] not in _OWN_PATHS and base not in seen:
                seen.add(base)
                bases.append(base)
    return bases


class UnverifiedUpstreamTls(Rule):
    id = "NGX16"
    name = "upstream-tls-not-verified"
    title = "HTTPS upstream certificate not verified"
    severity = "low"
    kinds = KINDS
    description = "proxy_pass https://... with proxy_ssl_verify off (nginx's default)."
    rationale = (
        "The hop to the backend is encrypted but not authenticated: anyone on the path can "
        "impersonate it."
    )
    fix = "proxy_ssl_verify on; proxy_ssl_trusted_certificate /path/ca.pem;"
    references = (NGX_PROXY + "#proxy_ssl_verify",)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        for server in model(doc).servers:
            for location in server.locations:
                target = location.target
                if target is None or target.scheme != "https":
                    continue
                if arg_of(last_of(location.effective("proxy_ssl_verify"))) != "on":
                    yield self.report(
                        at(doc, target.directive),
                        target.directive,
                        f"proxy_pass to {_where(target)} over https without proxy_ssl_verify on",
                        key_path=target.directive.path,
                    )


class NoRateLimit(Rule):
    id = "NGX17"
    name = "no-rate-limit"
    title = "Prometheus query API without a rate limit"
    severity = "low"
    kinds = KINDS
    description = "The location serving /api/v1/query to Prometheus has no limit_req in force."
    rationale = (
        "One expensive PromQL query can use all of Prometheus's memory; a rate limit at the "
        "proxy keeps one client from starving the dashboards and alerting. Advice, hence low."
    )
    fix = (
        "limit_req_zone $binary_remote_addr zone=prom:10m rate=10r/s; and limit_req zone=prom "
        "burst=20; in the location."
    )
    references = (NGX_LIMIT,)
    tags = ("availability",)
    cwe = ("CWE-770",)
    controls = ("PGB-08",)

    def check(self, doc):
        for server in model(doc).servers:
            reported = set()
            for base in _prefixes(server, "prometheus"):
                location = serving(server, base + "/api/v1/query", _unlimited_prometheus)
                if location is None or id(location) in reported:
                    continue
                reported.add(id(location))
                yield self.report(
                    at(doc, location.directive),
                    location.directive,
                    "the Prometheus query API has no limit_req",
                    key_path=location.directive.path,
                )


def _unlimited_prometheus(location) -> bool:
    return _proxies_to(location, "prometheus") and not location.effective("limit_req")


# Files every nginx package installs beside nginx.conf: type maps and the parameters passed to
# FastCGI, uwsgi and SCGI backends, never access rules. Not having them in the repository
# leaves nothing unchecked.
_STOCK_INCLUDES = frozenset(
    (
        "mime.types",
        "fastcgi_params",
        "fastcgi.conf",
        "uwsgi_params",
        "scgi_params",
        "proxy_params",
        "koi-utf",
        "koi-win",
        "win-utf",
    )
)


def _stock_include(problem) -> bool:
    if problem.kind not in ("include-outside", "missing-include"):
        return False
    name = problem.include
    folder, _, base = name.rpartition("/")
    return base in _STOCK_INCLUDES and folder in ("", "/etc/nginx", "/usr/local/nginx/conf")


class BrokenInclude(Rule):
    id = "NGX18"
    name = "include-not-followed"
    title = "include cannot be followed"
    severity = "medium"
    kinds = KINDS
    description = (
        "An include names a file that is missing, unreadable, outside the scanned folder, part "
        "of a loop, or nested too deep. What it would add (auth, deny rules) was not checked. "
        "The files nginx packages install beside nginx.conf (mime.types, fastcgi_params, "
        "uwsgi_params ...) are not reported: they hold no access rules. A relative include "
        "that is not in the repository is low: nginx reads it under its prefix, where the "
        "image or a mount may provide it."
    )
    rationale = "nginx -t would fail, or the settings the include was meant to bring are unknown."
    fix = "Point the include at an existing file inside the repository."
    references = (NGX_CORE.replace("http/ngx_http_core_module", "ngx_core_module") + "#include",)
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        from promguard.model import Finding

        config = doc.roots[0]
        for problem in config.problems:
            if _stock_include(problem):
                continue
            relative = problem.kind == "missing-include" and not problem.include.startswith("/")
            message = problem.message
            if relative:
                # nginx resolves it under its prefix (/etc/nginx/), where the image or a mount
                # may well provide it: the settings are unknown, nothing says it is broken
                message += "; nginx reads it under its prefix (/etc/nginx/), which the repository "
                message += "may not hold"
            yield Finding(
                self.id,
                "low" if relative else self.severity,
                message,
                doc.path_of(problem.file),
                problem.line,
                problem.column,
                problem.line,
                None,
                f"include:{problem.kind}",
                self.fix,
            )
            if problem.file != doc.abspath:
                # Also where the main file led there: scanning it alone must show the problem.
                via = _include_leading_to(config, doc.abspath, problem.file)
                if via is not None:
                    yield self.report(
                        doc,
                        via,
                        f"include {arg_of(via)} leads to a problem in "
                        f"{doc.path_of(problem.file)}: {problem.message}",
                        key_path=via.path,
                    )


def _include_leading_to(config, main: str, target: str):
    """The include directive of ``main`` through which ``target`` was read."""
    import fnmatch
    import os

    for directive in config.walk():
        if directive.name == "include" and directive.file == main and directive.args:
            if fnmatch.fnmatch(os.path.basename(target), os.path.basename(directive.args[0])):
                return directive
    return None


RULES = [
    UnprotectedMonitoringUpstream,
    SatisfyAnyBroadAllow,
    BasicAuthWithoutTls,
    PlainHttpProxy,
    WeakTlsProtocols,
    WeakTlsCiphers,
    MissingHsts,
    ServerTokens,
    HostFromClient,
    AliasTraversal,
    AllowWithoutDeny,
    ReturnBypassesAccess,
    OpenStubStatus,
    HeaderRedefinition,
    MutatingEndpointsForwarded,
    UnverifiedUpstreamTls,
    NoRateLimit,
    BrokenInclude,
]
