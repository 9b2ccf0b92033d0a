"""oauth2-proxy as it is started: who may sign in, its secrets, its cookie, the paths it lets
through without authentication and the upstream certificate check."""

from __future__ import annotations

from promguard import patterns
from promguard.model import MASK
from promguard.models.secrets import placeholder
from promguard.rule import Rule

from .common import PLACEHOLDER_NOTE, invocations_of
from .common import PROGRAM_KINDS as KINDS

O2P = "https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview"


# oauth2-proxy settings that restrict who may log in, besides --email-domain.
_O2P_RESTRICTIONS = (
    "github-org",
    "github-team",
    "github-repo",
    "github-user",
    "gitlab-group",
    "gitlab-project",
    "google-group",
    "allowed-group",
    "allowed-role",
    "authenticated-emails-file",
    "keycloak-group",
    "bitbucket-team",
    "bitbucket-repository",
)


class OAuthAnyEmail(Rule):
    id = "O2P01"
    name = "oauth2-proxy-any-email"
    title = "oauth2-proxy lets any account of the provider in"
    severity = "critical"
    kinds = KINDS
    description = (
        "oauth2-proxy runs with --email-domain=* (or OAUTH2_PROXY_EMAIL_DOMAINS=*) and no other "
        "restriction: no org, team, repo, user, group, role or authenticated-emails file."
    )
    rationale = (
        "With a public provider such as GitHub or Google, `*` means every account on the "
        "internet passes authentication: the proxy protects nothing."
    )
    fix = (
        "Restrict logins: --email-domain=example.com, --github-org / --github-team, "
        "--allowed-group, or --authenticated-emails-file."
    )
    references = (O2P, "https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/")
    tags = ("authentication",)
    cwe = ("CWE-284",)
    controls = ("PGB-03",)

    def check(self, doc):
        for inv in invocations_of(doc, "oauth2-proxy"):
            domains = inv.all("email-domain") or [s for s in [inv.setting("email-domain")] if s]
            wildcard = [s for s in domains if "*" in {d.strip() for d in s.value.split(",")}]
            if not wildcard:
                continue
            if any(inv.setting(name) is not None for name in _O2P_RESTRICTIONS):
                continue
            item = wildcard[0].item
            yield self.report(
                inv.doc_of(item),
                item,
                f"{inv.label} accepts any e-mail domain and has no other login restriction",
            )


class OAuthSecretInline(Rule):
    id = "O2P02"
    name = "oauth2-proxy-inline-secret"
    title = "oauth2-proxy secret on the command line or in the environment"
    severity = "high"
    kinds = KINDS
    description = (
        "--client-secret, --cookie-secret, --basic-auth-password, --github-token, "
        "--signature-key or a Redis password (or their OAUTH2_PROXY_* variables) is given as a "
        "literal value."
    )
    rationale = (
        "The client secret lets anyone impersonate the proxy to the identity provider; the "
        "cookie secret lets anyone forge a logged-in session. Command lines and environments "
        "are visible in `docker inspect`, /proc and process listings."
    )
    fix = "Use --client-secret-file and --cookie-secret-file with a mounted secret."
    references = (O2P,)
    tags = ("secrets",)
    cwe = ("CWE-798",)
    controls = ("PGB-05",)

    _SECRETS = (
        "client-secret",
        "cookie-secret",
        "redis-password",
        "redis-sentinel-password",
        "basic-auth-password",
        "github-token",
        "signature-key",
    )

    def check(self, doc):
        for inv in invocations_of(doc, "oauth2-proxy"):
            for name in self._SECRETS:
                setting = inv.setting(name)
                if setting is None or not setting.value.strip():
                    continue
                if not getattr(setting.item, "literal", True):
                    continue  # ${VAR} supplied at deploy time
                if placeholder(setting.value):
                    yield self.report(
                        inv.doc_of(setting.item),
                        setting.item,
                        f"{inv.label} sets {setting.name} to {PLACEHOLDER_NOTE}",
                        severity="low",
                    )
                    continue
                yield self.report(
                    inv.doc_of(setting.item),
                    setting.item,
                    f"{inv.label} sets {setting.name}={MASK} as a literal",
                )


class OAuthInsecureCookie(Rule):
    id = "O2P03"
    name = "oauth2-proxy-insecure-cookie"
    title = "oauth2-proxy session cookie without Secure"
    severity = "medium"
    kinds = KINDS
    description = "--cookie-secure=false (or OAUTH2_PROXY_COOKIE_SECURE=false)."
    rationale = (
        "The session cookie is then also sent over plain HTTP, where anyone on the path can "
        "copy it and be logged in as the user."
    )
    fix = "Remove the setting (the default is true) and serve the proxy over HTTPS."
    references = (O2P,)
    tags = ("tls", "authentication")
    cwe = ("CWE-614",)
    controls = ("PGB-02", "PGB-03")

    def check(self, doc):
        for inv in invocations_of(doc, "oauth2-proxy"):
            setting = inv.setting("cookie-secure")
            if setting is not None and setting.off:
                yield self.report(
                    inv.doc_of(setting.item),
                    setting.item,
                    f"{inv.label} sends its session cookie without Secure",
                )


# Paths that a skip-auth pattern must not match: the whole site, the query API, admin endpoints.
_PROBES = (
    "/",
    "/graph",
    "/api/v1/query?query=up",
    "/api/v1/admin/tsdb/snapshot",
    "/-/quit",
    "/api/v2/silences",
    "/metrics/job/x",
)


class OAuthBroadSkipAuth(Rule):
    id = "O2P04"
    name = "oauth2-proxy-broad-skip-auth"
    title = "oauth2-proxy skips authentication for sensitive paths"
    severity = "high"
    kinds = KINDS
    description = (
        "A --skip-auth-regex or --skip-auth-route pattern matches the site root, the query API, "
        "admin or lifecycle endpoints, silences or the push API."
    )
    rationale = (
        "Requests matching these patterns reach the upstream without logging in. A pattern like "
        "`.*`, `^/api` or an unanchored `/` opens the monitoring backend to everyone."
    )
    fix = "Anchor the pattern to the exact public path, e.g. `^/-/healthy$`."
    references = (O2P,)
    tags = ("authentication",)
    cwe = ("CWE-284",)
    controls = ("PGB-03",)

    def check(self, doc):
        for inv in invocations_of(doc, "oauth2-proxy"):
            for name in ("skip-auth-regex", "skip-auth-route"):
                settings = inv.all(name) or [s for s in [inv.setting(name)] if s]
                for setting in settings:
                    hit = _broad(setting.value)
                    if hit:
                        yield self.report(
                            inv.doc_of(setting.item),
                            setting.item,
                            f"{inv.label} skips authentication for {hit} (--{name})",
                        )


def _broad(value: str) -> str | None:
    for pattern in value.split(","):
        pattern = pattern.strip().strip("'\"")
        if "=" in pattern.split("/", 1)[0]:  # skip-auth-route: METHOD=regex
            pattern = pattern.split("=", 1)[1]
        for probe in _PROBES:
            path = probe.split("?", 1)[0]
            # oauth2-proxy compiles these with Go's regexp, which is RE2: a pattern RE2 cannot
            # evaluate is one oauth2-proxy refuses at start-up, so it opens nothing
            if patterns.search(pattern, path):
                return path
    return None


_O2P_SKIP_VERIFY = (
    "ssl-insecure-skip-verify",
    "ssl-upstream-insecure-skip-verify",
    "redis-insecure-skip-tls-verify",
    "insecure-oidc-skip-issuer-verification",
)


class OAuthSkipVerify(Rule):
    id = "O2P05"
    name = "oauth2-proxy-skip-verify"
    title = "oauth2-proxy does not verify TLS certificates"
    severity = "medium"
    kinds = KINDS
    description = (
        "--ssl-insecure-skip-verify, --ssl-upstream-insecure-skip-verify, "
        "--redis-insecure-skip-tls-verify or --insecure-oidc-skip-issuer-verification is on."
    )
    rationale = (
        "Without verification anyone on the path can impersonate the identity provider (and "
        "issue logins) or the upstream (and read every proxied response)."
    )
    fix = "Give the CA with --provider-ca-file, or fix the upstream's certificate."
    references = (O2P,)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        for inv in invocations_of(doc, "oauth2-proxy"):
            for name in _O2P_SKIP_VERIFY:
                if inv.is_on(name):
                    setting = inv.setting(name)
                    item = setting.item if setting is not None else inv.anchor
                    yield self.report(
                        inv.doc_of(item),
                        item,
                        f"{inv.label} skips certificate verification (--{name})",
                    )


RULES = [OAuthAnyEmail, OAuthSecretInline, OAuthInsecureCookie, OAuthBroadSkipAuth, OAuthSkipVerify]
