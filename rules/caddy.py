"""Rules for Caddy in front of a monitoring stack: the Caddyfile counterparts of the nginx rules
(who reaches Prometheus and friends through it, basic auth over plain HTTP, upstream TLS not
verified) and Caddy's own admin API."""

from __future__ import annotations

from promguard.document import at  # the file a directive is written in (an import, maybe)
from promguard.models.services import UNAUTHENTICATED as MONITORING
from promguard.models.services import is_loopback
from promguard.rule import Rule

KINDS = ("caddy",)
BASIC_AUTH = "https://caddyserver.com/docs/caddyfile/directives/basic_auth"
FORWARD_AUTH = "https://caddyserver.com/docs/caddyfile/directives/forward_auth"
ORDER = "https://caddyserver.com/docs/caddyfile/directives#directive-order"
AUTO_HTTPS = "https://caddyserver.com/docs/automatic-https#activation"
REVERSE_PROXY = "https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#the-http-transport"
OPTIONS_ADMIN = "https://caddyserver.com/docs/caddyfile/options#admin"
API = "https://caddyserver.com/docs/api"
IMPORT = "https://caddyserver.com/docs/caddyfile/directives/import"
PSEC = "https://prometheus.io/docs/operating/security/"


def loopback_only(site) -> bool:
    return bool(site.addresses) and all(loopback_only_address(a) for a in site.addresses)


class UnprotectedMonitoringUpstream(Rule):
    id = "CDY01"
    name = "caddy-monitoring-upstream-without-auth"
    title = "Monitoring backend reachable through Caddy without authentication"
    severity = "high"
    kinds = KINDS
    description = (
        "A reverse_proxy sends requests to Prometheus, Alertmanager, Pushgateway, an exporter "
        "or cAdvisor, and a request reaches it with no basic_auth or forward_auth in force and "
        "no matcher that turns some clients away. Evaluated in Caddy's directive order, per "
        "path: basic_auth on /admin/* does not protect /api/."
    )
    rationale = (
        "These backends have no authentication by default; the proxy is the only door, and "
        "Caddy publishes it on every interface."
    )
    fix = (
        "Add `basic_auth` (or `forward_auth` to an identity provider) with no matcher, or with "
        "`/*`, to the site, so that every path asks for credentials."
    )
    references = (BASIC_AUTH, FORWARD_AUTH, ORDER, PSEC)
    tags = ("authentication", "exposure")
    cwe = ("CWE-306",)
    controls = ("PGB-03",)

    def check(self, doc):
        from promguard.models.caddy import sites  # the model only when a Caddyfile is scanned

        for site in sites(doc):
            if loopback_only(site):
                continue
            for directive in site.proxies():
                programs = {u.program for u in site.upstreams(directive)} & MONITORING
                if not programs:
                    continue
                open_paths = [o for o in site.reaches(directive) if not o.protected]
                if not open_paths:
                    continue
                program = sorted(programs)[0]
                yield self.report(
                    at(doc, directive),
                    directive,
                    f"site {_addresses(site)} forwards to {program} "
                    f"({' '.join(directive.args)}) and nothing asks for credentials on the way",
                )


class BasicAuthPlainHttp(Rule):
    id = "CDY02"
    name = "caddy-basic-auth-without-tls"
    title = "Basic authentication on a Caddy site served over plain HTTP"
    severity = "high"
    kinds = KINDS
    description = (
        "A site with basic_auth is served without TLS: its address is http://, port 80, or has "
        "no host name or IP (`:9090`), for which Caddy does not turn on automatic HTTPS, and "
        "the site loads no certificate with `tls`."
    )
    rationale = (
        "Basic authentication sends the password, base64-encoded, with every request; over "
        "plain HTTP anyone on the network path reads it and replays it."
    )
    fix = (
        "Give the site a host name or IP Caddy can get a certificate for (automatic HTTPS; "
        "`tls internal` for a private CA), or load one with `tls cert.pem key.pem`."
    )
    references = (AUTO_HTTPS, BASIC_AUTH)
    tags = ("tls", "authentication")
    cwe = ("CWE-319", "CWE-523")
    controls = ("PGB-02",)

    def check(self, doc):
        from promguard.models.caddy import sites  # the model only when a Caddyfile is scanned

        for site in sites(doc):
            plain = [a for a in site.plain_http() if not loopback_only_address(a)]
            if not plain:
                continue
            for top in site.site.directives:
                for directive in top.walk():
                    if directive.name in ("basic_auth", "basicauth"):
                        yield self.report(
                            at(doc, directive),
                            directive,
                            f"`{directive.name}` on site {_addresses(site)}, which Caddy serves "
                            f"over plain HTTP ({plain[0].why_plain()}): passwords travel in "
                            "clear text",
                        )


def loopback_only_address(address) -> bool:
    host = address.host
    return host is not None and is_loopback(host)


class AdminApiExposed(Rule):
    id = "CDY03"
    name = "caddy-admin-api-exposed"
    title = "Caddy admin API listening on a non-loopback address"
    severity = "high"
    kinds = KINDS
    description = (
        "The global `admin` option binds Caddy's admin endpoint to an address other than "
        "localhost (`admin 0.0.0.0:2019`, `admin :2019`)."
    )
    rationale = (
        "The admin API replaces the running configuration on a POST, with no authentication: "
        "whoever reaches it can drop basic_auth from every site or proxy anywhere."
    )
    fix = (
        "Leave the default (localhost:2019), use a unix socket (`admin unix//run/caddy-admin."
        "sock`), or `admin off` where the config is never changed at run time."
    )
    references = (OPTIONS_ADMIN, API)
    tags = ("admin-api", "exposure")
    cwe = ("CWE-306",)
    controls = ("PGB-07", "PGB-09")

    def check(self, doc):
        directive = doc.roots[0].option("admin")
        if directive is None or not directive.args:
            return
        address = directive.args[0]
        if address == "off" or address.startswith("unix/"):
            return
        if is_loopback(address):  # localhost:2019, 127.0.0.1:2019, [::1]:2019
            return
        yield self.report(
            at(doc, directive),
            directive,
            f"`admin {address}` opens Caddy's admin API, which changes the running "
            "configuration without authentication, to other machines",
        )


class UpstreamTlsNotVerified(Rule):
    id = "CDY04"
    name = "caddy-upstream-tls-not-verified"
    title = "Upstream TLS certificate not verified by Caddy"
    severity = "medium"
    kinds = KINDS
    description = "A reverse_proxy transport sets `tls_insecure_skip_verify`."
    rationale = (
        "Caddy then accepts any certificate from the backend, so anyone on the path between "
        "Caddy and the backend reads and changes the traffic, credentials included."
    )
    fix = (
        "Remove `tls_insecure_skip_verify` and give the transport `tls_trusted_ca_certs` (or "
        "`tls_server_name`) for the backend's certificate."
    )
    references = (REVERSE_PROXY,)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        for directive in doc.roots[0].walk():
            if directive.name == "tls_insecure_skip_verify":
                yield self.report(
                    at(doc, directive),
                    directive,
                    "`tls_insecure_skip_verify` makes Caddy accept any certificate from the "
                    "backend",
                )


class ImportProblem(Rule):
    id = "CDY05"
    name = "caddy-import-not-followed"
    title = "Caddyfile import cannot be followed"
    severity = "medium"
    kinds = KINDS
    description = (
        "An `import` names a file that does not exist, cannot be read, lies outside the "
        "scanned folder, imports itself, or nests too deep; what it holds is not judged."
    )
    rationale = (
        "The sites and directives behind the import (often the auth snippet) are invisible to "
        "the scan, so a finding may be missing or a protection unseen."
    )
    fix = "Scan the folder that holds the imported files, or fix the import's path."
    references = (IMPORT,)
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        from promguard.model import Finding

        for problem in doc.roots[0].problems:
            yield Finding(
                self.id,
                self.severity,
                problem.message,
                doc.path_of(problem.file),
                problem.line,
                problem.column,
                problem.line,
                None,
                f"import:{problem.kind}",
                self.fix,
            )


def _addresses(site) -> str:
    return ", ".join(a.token.text for a in site.addresses)


RULES = [
    UnprotectedMonitoringUpstream,
    BasicAuthPlainHttp,
    AdminApiExposed,
    UpstreamTlsNotVerified,
    ImportProblem,
]
