"""Grafana as it is started: the admin password, secrets in its environment, anonymous access and
open sign-up, from GF_* variables and the settings it reads."""

from __future__ import annotations

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.models.invocation import reads_own_grafana_config
from promguard.models.secrets import placeholder
from promguard.rule import Rule

from .common import PLACEHOLDER_NOTE, invocations_of
from .common import PROGRAM_KINDS as KINDS

GRF = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/"


GRFD = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/"


GRF_SEC = "https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/"


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
        for inv in invocations_of(doc, "grafana"):
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
                # the same admin/admin as leaving it unset, so the same severity; XF13 makes
                # either critical when the stack publishes Grafana
                yield self.report(
                    inv.doc_of(item),
                    item,
                    f"{inv.label} sets the Grafana admin password to admin{where}",
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
        for inv in invocations_of(doc, "grafana"):
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
                if placeholder(value):
                    yield self.report(
                        inv.doc_of(item),
                        item,
                        f"{inv.label} sets {name} to {PLACEHOLDER_NOTE}",
                        severity="low",
                    )
                    continue
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
        for inv in invocations_of(doc, "grafana"):
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
        for inv in invocations_of(doc, "grafana"):
            item = inv.env.get("GF_USERS_ALLOW_SIGN_UP")
            if _ini_true(item):
                yield self.report(inv.doc_of(item), item, f"{inv.label} allows open sign-up")


RULES = [GrafanaAdminPassword, GrafanaLiteralSecret, GrafanaAnonymous, GrafanaOpenSignUp]
