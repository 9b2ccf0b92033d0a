"""Rules about how Prometheus, Alertmanager, Pushgateway, oauth2-proxy and Grafana are started:
their command-line flags and environment, wherever they are set (compose command, entrypoint and
environment, Dockerfile ENTRYPOINT, CMD and ENV)."""

from __future__ import annotations

from promguard import patterns
from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.models.invocation import invocations, reads_own_grafana_config
from promguard.rule import Rule

PCLI = "https://prometheus.io/docs/prometheus/latest/command-line/prometheus/"
PSEC = "https://prometheus.io/docs/operating/security/"
AMHA = "https://prometheus.io/docs/alerting/latest/https/#gossip-traffic"
AMREADME = "https://github.com/prometheus/alertmanager#high-availability"
PGW = "https://github.com/prometheus/pushgateway#command-line-flags"
O2P = "https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview"
GRF = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/"
GRFD = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/"
GRF_SEC = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/"
KINDS = ("compose", "dockerfile", "systemd")


def _of(doc, program: str):
    return [inv for inv in invocations(doc) if inv.program == program]


class _FlagRule(Rule):
    """A boolean flag of one program that should stay off."""

    program = ""
    flag = ""
    what = ""

    def check(self, doc):
        for inv in _of(doc, self.program):
            if inv.is_on(self.flag):
                setting = inv.flag(self.flag)
                item = setting.item if setting is not None else inv.anchor
                yield self.report(
                    inv.doc_of(item),
                    item,
                    f"{inv.label} runs {self.program} with --{self.flag}: {self.what}",
                )


class PrometheusAdminApi(_FlagRule):
    id = "PF01"
    name = "prometheus-admin-api"
    title = "Prometheus admin API enabled"
    severity = "medium"
    kinds = KINDS
    program, flag = "prometheus", "web.enable-admin-api"
    what = "anyone who reaches the port can delete series and snapshot the TSDB"
    description = "Prometheus runs with --web.enable-admin-api."
    rationale = (
        "The admin API (/api/v1/admin/tsdb/delete_series, clean_tombstones, snapshot) has no "
        "authentication of its own and no CSRF protection: whoever reaches the port, or tricks a "
        "browser that can, deletes monitoring data or fills the disk with snapshots."
    )
    fix = (
        "Remove --web.enable-admin-api, or require authentication (--web.config.file) and block "
        "/api/v1/admin/ at the proxy."
    )
    references = (PCLI, PSEC)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


class PrometheusLifecycle(_FlagRule):
    id = "PF02"
    name = "prometheus-lifecycle-api"
    title = "Prometheus lifecycle API enabled"
    severity = "low"
    kinds = KINDS
    program, flag = "prometheus", "web.enable-lifecycle"
    what = "anyone who reaches the port can reload or shut it down"
    description = "Prometheus runs with --web.enable-lifecycle (/-/reload and /-/quit over HTTP)."
    rationale = (
        "Without authentication, a POST to /-/quit stops monitoring. Reload sidecars often need "
        "the endpoint, so this is low; keep it behind authentication or on loopback."
    )
    fix = (
        "Reload with SIGHUP instead, or protect the endpoint with --web.config.file and the proxy."
    )
    references = (PCLI, PSEC)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


class WriteReceiver(Rule):
    id = "PF03"
    name = "prometheus-write-receiver"
    title = "Prometheus accepts remote write or OTLP pushes"
    severity = "medium"
    kinds = KINDS
    description = (
        "Prometheus runs with --web.enable-remote-write-receiver, --web.enable-otlp-receiver, or "
        "the remote-write-receiver / otlp-write-receiver feature flags."
    )
    rationale = (
        "Anyone who reaches the port can then write arbitrary series: forge the metrics alerts "
        "are based on, or exhaust memory with high-cardinality data."
    )
    fix = (
        "Enable the receiver only with authentication (--web.config.file) or on a private network."
    )
    references = (PCLI, "https://prometheus.io/docs/prometheus/latest/feature_flags/")
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)

    _FLAGS = ("web.enable-remote-write-receiver", "web.enable-otlp-receiver")
    _FEATURES = ("remote-write-receiver", "otlp-write-receiver")

    def check(self, doc):
        for inv in _of(doc, "prometheus"):
            for flag in self._FLAGS:
                if inv.flags.is_true(flag):
                    item = inv.flag(flag).item
                    yield self.report(
                        inv.doc_of(item), item, f"{inv.label} accepts pushed samples (--{flag})"
                    )
            for setting in inv.all("enable-feature"):
                features = {f.strip() for f in setting.value.split(",")}
                for feature in self._FEATURES:
                    if feature in features:
                        yield self.report(
                            inv.doc_of(setting.item),
                            setting.item,
                            f"{inv.label} accepts pushed samples (--enable-feature={feature})",
                        )


class CorsAnyOrigin(Rule):
    id = "PF04"
    name = "prometheus-cors-any-origin"
    title = "Prometheus CORS allows any origin"
    severity = "low"
    kinds = KINDS
    description = "--web.cors.origin is set explicitly to `.*` (any web page may call the API)."
    rationale = (
        "Any web page a user with network access visits can read the API from their browser. "
        "It is the default, so only an explicit setting is reported, as a prompt to narrow it."
    )
    fix = "Set --web.cors.origin to the origins that need the API, e.g. 'https?://grafana\\.example\\.com'."
    references = (PCLI,)
    tags = ("exposure",)
    cwe = ("CWE-942",)
    controls = ("PGB-09",)

    def check(self, doc):
        for inv in _of(doc, "prometheus"):
            setting = inv.flag("web.cors.origin")
            # No quote stripping: in a YAML list the quotes reach Prometheus and match nothing.
            if setting is not None and setting.value.strip() in (".*", ".+", "^.*$", "(.*)"):
                yield self.report(
                    inv.doc_of(setting.item),
                    setting.item,
                    f"{inv.label} allows cross-origin API calls from any page",
                )


class GossipWithoutTls(Rule):
    id = "AF02"
    name = "alertmanager-gossip-without-tls"
    title = "Alertmanager cluster gossip without TLS"
    severity = "medium"
    kinds = KINDS
    description = "Alertmanager joins a cluster (--cluster.peer) without --cluster.tls-config."
    rationale = (
        "Gossip carries silences and notification state in clear and unauthenticated: anyone "
        "who reaches port 9094 can join the cluster and add silences that mute every alert."
    )
    fix = "Give --cluster.tls-config a file with mutual TLS settings for the cluster."
    references = (AMHA, AMREADME)
    tags = ("tls", "exposure")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for inv in _of(doc, "alertmanager"):
            peers = [p for p in inv.all("cluster.peer") if p.value.strip()]
            tls = inv.flag("cluster.tls-config")
            if peers and (tls is None or not tls.value.strip()):  # an empty path means no TLS
                item = peers[0].item
                yield self.report(
                    inv.doc_of(item), item, f"{inv.label} gossips with its peers without TLS"
                )


class PushgatewayAdminApi(_FlagRule):
    id = "PGW01"
    name = "pushgateway-admin-api"
    title = "Pushgateway admin API enabled"
    severity = "medium"
    kinds = KINDS
    program, flag = "pushgateway", "web.enable-admin-api"
    what = "anyone who reaches the port can wipe every pushed metric"
    description = "Pushgateway runs with --web.enable-admin-api (PUT /api/v1/admin/wipe)."
    rationale = (
        "The Pushgateway has no authentication by default; the admin API deletes all metric "
        "groups, which silently breaks every alert on batch jobs."
    )
    fix = "Remove the flag, or require authentication with --web.config.file."
    references = (PGW,)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


class PushgatewayLifecycle(_FlagRule):
    id = "PGW02"
    name = "pushgateway-lifecycle-api"
    title = "Pushgateway lifecycle API enabled"
    severity = "low"
    kinds = KINDS
    program, flag = "pushgateway", "web.enable-lifecycle"
    what = "anyone who reaches the port can shut it down"
    description = "Pushgateway runs with --web.enable-lifecycle (/-/quit over HTTP)."
    rationale = "An unauthenticated POST to /-/quit stops the Pushgateway."
    fix = "Remove the flag, or require authentication with --web.config.file."
    references = (PGW,)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


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
        for inv in _of(doc, "oauth2-proxy"):
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
        for inv in _of(doc, "oauth2-proxy"):
            for name in self._SECRETS:
                setting = inv.setting(name)
                if setting is None or not setting.value.strip():
                    continue
                if not getattr(setting.item, "literal", True):
                    continue  # ${VAR} supplied at deploy time
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
        for inv in _of(doc, "oauth2-proxy"):
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
        for inv in _of(doc, "oauth2-proxy"):
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
        for inv in _of(doc, "oauth2-proxy"):
            for name in _O2P_SKIP_VERIFY:
                if inv.is_on(name):
                    setting = inv.setting(name)
                    item = setting.item if setting is not None else inv.anchor
                    yield self.report(
                        inv.doc_of(item),
                        item,
                        f"{inv.label} skips certificate verification (--{name})",
                    )


# go-ini's parseBool, which Grafana's Must*Bool settings use.
_INI_TRUE = frozenset(
    ("1", "t", "T", "true", "TRUE", "True", "y", "Y", "yes", "YES", "Yes", "on", "ON", "On")
)
_NOT_SECRET_VALUE = frozenset(("", "true", "false", "0", "1", "yes", "no", "on", "off"))


def _ini_true(item) -> bool:
    return item is not None and item.value.strip() in _INI_TRUE


def _grafana_env(inv, name: str):
    """The environment item of GF_<NAME>, and of its __FILE twin."""
    return inv.env.get(name), inv.env.get(name + "__FILE")


class GrafanaAdminPassword(Rule):
    id = "GRF01"
    name = "grafana-default-admin-password"
    title = "Grafana admin password left at the default"
    severity = "high"
    kinds = KINDS
    description = (
        "Grafana runs with neither GF_SECURITY_ADMIN_PASSWORD nor GF_SECURITY_ADMIN_PASSWORD__FILE "
        "(the admin account keeps the password `admin`), or with the password literally `admin`. "
        "Variables from env_file count; a mounted grafana.ini is assumed to set it."
    )
    rationale = (
        "admin/admin is the first thing anyone tries. The admin can read every data source's "
        "credentials through the proxy, run queries against Prometheus, and add users."
    )
    fix = "Set GF_SECURITY_ADMIN_PASSWORD__FILE to a mounted secret (compose `secrets:`)."
    references = (GRFD, GRF + "#admin_password")
    tags = ("authentication",)
    cwe = ("CWE-1392",)
    controls = ("PGB-03",)

    def check(self, doc):
        for inv in _of(doc, "grafana"):
            value, file = _grafana_env(inv, "GF_SECURITY_ADMIN_PASSWORD")
            if file is not None:
                continue
            if value is not None and getattr(value, "source", "literal") == "unset":
                continue  # ${VAR} supplied where the stack is deployed
            text = value.value.strip() if value is not None else ""
            if text == "admin":
                # A value from an env_file is reported at the service: that file is not scanned.
                from_file = getattr(getattr(value, "doc", None), "kind", "") == "text"
                item = inv.anchor if from_file else value
                where = f" (in {value.doc.path})" if from_file else ""
                yield self.report(
                    inv.doc_of(item),
                    item,
                    f"{inv.label} sets the Grafana admin password to admin{where}",
                    severity="critical",
                )
            elif value is not None and not text:
                yield self.report(
                    inv.doc_of(value),
                    value,
                    f"{inv.label} sets an empty Grafana "
                    "admin password, which Grafana ignores: admin/admin applies",
                )
            elif value is None and inv.service is not None and not reads_own_grafana_config(inv):
                # In a Dockerfile the password is set where the image is deployed, so its
                # absence there says nothing.
                yield self.report(
                    inv.doc,
                    inv.anchor,
                    f"{inv.label} keeps Grafana's default admin password (admin)",
                )


_GRAFANA_SECRET = lazy(r"_(PASSWORD|SECRET|SECRET_KEY|TOKEN|API_KEY|PRIVATE_KEY)$")


class GrafanaLiteralSecret(Rule):
    id = "GRF02"
    name = "grafana-literal-secret"
    title = "Grafana secret set as a literal environment variable"
    severity = "high"
    kinds = KINDS
    description = (
        "A GF_* variable that holds a secret (admin password, secret_key, database, SMTP or "
        "OAuth client secrets) has a literal value instead of using its __FILE variant."
    )
    rationale = (
        "The value sits in the repository and in `docker inspect`; the secret_key encrypts data "
        "source passwords in Grafana's database, so leaking it exposes all of them."
    )
    fix = "Use the variable's __FILE form (GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/...)."
    references = (GRFD, GRF + "#override-configuration-with-environment-variables")
    tags = ("secrets",)
    cwe = ("CWE-798",)
    controls = ("PGB-05",)

    def check(self, doc):
        for inv in _of(doc, "grafana"):
            for name, item in inv.env.items():
                upper = name.upper()
                if not upper.startswith("GF_") or upper.endswith("__FILE"):
                    continue
                if not _GRAFANA_SECRET.search(upper) or not getattr(item, "literal", True):
                    continue
                value = item.value.strip()
                if value.lower() in _NOT_SECRET_VALUE:
                    continue  # an on/off setting such as ..._USE_REFRESH_TOKEN
                if upper == "GF_SECURITY_ADMIN_PASSWORD" and value == "admin":
                    continue  # GRF01 reports the default password
                yield self.report(
                    inv.doc_of(item), item, f"{inv.label} sets {name}={MASK} as a literal"
                )


class GrafanaAnonymous(Rule):
    id = "GRF03"
    name = "grafana-anonymous-access"
    title = "Grafana anonymous access enabled"
    severity = "medium"
    kinds = KINDS
    description = (
        "GF_AUTH_ANONYMOUS_ENABLED=true: visitors use Grafana without logging in, as the role "
        "in GF_AUTH_ANONYMOUS_ORG_ROLE (Viewer by default: medium; Editor or Admin: critical)."
    )
    rationale = (
        "An anonymous Viewer can query every data source through Grafana's proxy, which exposes "
        "the whole Prometheus API; an anonymous Editor or Admin can change dashboards, alerts "
        "and data sources."
    )
    fix = "Remove GF_AUTH_ANONYMOUS_ENABLED, or keep it only on an internal network as Viewer."
    references = (
        GRF_SEC,
        "https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/#anonymous-authentication",
    )
    tags = ("authentication",)
    cwe = ("CWE-306",)
    controls = ("PGB-03",)

    def check(self, doc):
        for inv in _of(doc, "grafana"):
            enabled = inv.env.get("GF_AUTH_ANONYMOUS_ENABLED")
            if not _ini_true(enabled):
                continue
            role = inv.env.get("GF_AUTH_ANONYMOUS_ORG_ROLE")
            name = role.value.strip() if role is not None else "Viewer"
            severe = name.lower() in ("admin", "editor")
            item = role if severe else enabled
            yield self.report(
                inv.doc_of(item),
                item,
                f"{inv.label} lets anonymous visitors in as {name}",
                severity="critical" if severe else None,
            )


class GrafanaOpenSignUp(Rule):
    id = "GRF04"
    name = "grafana-open-sign-up"
    title = "Grafana lets anyone create an account"
    severity = "medium"
    kinds = KINDS
    description = "GF_USERS_ALLOW_SIGN_UP=true."
    rationale = (
        "Anyone who reaches the login page can register and gets the default role, with access "
        "to dashboards and, through them, to the data sources."
    )
    fix = "Remove GF_USERS_ALLOW_SIGN_UP (the default is false); invite users instead."
    references = (GRF + "#allow_sign_up",)
    tags = ("authentication",)
    cwe = ("CWE-284",)
    controls = ("PGB-03",)

    def check(self, doc):
        for inv in _of(doc, "grafana"):
            item = inv.env.get("GF_USERS_ALLOW_SIGN_UP")
            if _ini_true(item):
                yield self.report(inv.doc_of(item), item, f"{inv.label} allows open sign-up")


RULES = [
    PrometheusAdminApi,
    PrometheusLifecycle,
    WriteReceiver,
    CorsAnyOrigin,
    GossipWithoutTls,
    PushgatewayAdminApi,
    PushgatewayLifecycle,
    OAuthAnyEmail,
    OAuthSecretInline,
    OAuthInsecureCookie,
    OAuthBroadSkipAuth,
    OAuthSkipVerify,
    GrafanaAdminPassword,
    GrafanaLiteralSecret,
    GrafanaAnonymous,
    GrafanaOpenSignUp,
]
