"""Rules for alertmanager.yml, the file given to ``alertmanager --config.file``."""

from __future__ import annotations

from promguard.lazy_regex import lazy
from promguard.models.services import is_loopback
from promguard.parsers.yaml_tree import Mapping, Scalar, Sequence
from promguard.rule import Rule

from .common import (
    secret_findings,
    unexpanded_findings,
    unknown_key_findings,
    url_carries_secret,
    url_host,
)

AM_DOCS = "https://prometheus.io/docs/alerting/latest/configuration/"
AM_CHANGELOG = "https://github.com/prometheus/alertmanager/blob/main/CHANGELOG.md"
# Fields whose value is where notifications (and so alert contents) are sent; other URLs (Slack
# action buttons, Pushover's supplementary link) are only links shown in the message.
_DESTINATION = lazy(
    r"^global\.\w+_url$"
    r"|^receivers\[\d+\]\.\w+_configs\[\d+\]\.(api_url|webhook_url)$"
    r"|^receivers\[\d+\]\.(webhook|pagerduty|incidentio)_configs\[\d+\]\.url$"
)
_SMTP_AUTH = (
    "auth_password",
    "auth_password_file",
    "auth_secret",
    "auth_secret_file",
    "auth_username",
)
_NO_TWIN_FIX = (
    "Prefer the platform's credential chain (an IAM role for SNS) over a literal key; otherwise "
    "keep the file readable only by Alertmanager."
)
_GLOBAL_SMTP_AUTH = (
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_secret",
    "smtp_auth_secret_file",
    "smtp_auth_username",
)


def _schema():
    from promguard.models.alertmanager_schema import ALERTMANAGER

    return ALERTMANAGER


def _email_configs(root: Mapping):
    receivers = root.get("receivers")
    if not isinstance(receivers, Sequence):
        return
    for receiver in receivers:
        configs = receiver.get("email_configs") if isinstance(receiver, Mapping) else None
        if isinstance(configs, Sequence):
            for config in configs:
                if isinstance(config, Mapping):
                    yield config


def _smtp_host(smarthost: str | None) -> tuple[str, str]:
    host, _, port = (smarthost or "").strip().rpartition(":")
    return host.strip("[]"), port


def _implicit_tls(smarthost: str | None, force) -> bool:
    """SMTP over TLS from the first byte, where require_tls (STARTTLS) does not matter:
    force_implicit_tls when set, else port 465 (notify/email in Alertmanager)."""
    if isinstance(force, Scalar) and force.as_bool() is not None:
        return force.as_bool()
    return _smtp_host(smarthost)[1] == "465"


def _local_relay(smarthost: str | None) -> bool:
    """A mail relay on the same host: the password never crosses a network."""
    host = _smtp_host(smarthost)[0]
    return bool(host) and is_loopback(host)


class InlineSecret(Rule):
    id = "AM01"
    name = "inline-secret"
    title = "Plaintext secret in alertmanager.yml"
    severity = "medium"
    kinds = ("alertmanager",)
    description = (
        "An integration secret (SMTP password, Slack/Discord/Teams webhook URL, PagerDuty "
        "routing or service key, Opsgenie/VictorOps API key, Telegram bot token, Pushover "
        "keys, webhook URL, http_config credentials ...) is written in the file although "
        "Alertmanager can read it from a file. URLs count only when they carry a credential: "
        "a known webhook service, userinfo, a token-like query parameter or path segment."
    )
    rationale = (
        "Whoever holds these values can page the on-call team, post into chat channels or "
        "silence the integration. alertmanager.yml is committed, mounted and shown on the "
        "/#/status page and the /api/v2/status endpoint (only fields typed as secret are masked)."
    )
    fix = "Move the value into a file readable only by Alertmanager and use the `*_file` field."
    references = (AM_DOCS, AM_CHANGELOG)
    tags = ("secrets",)
    cwe = ("CWE-798", "CWE-256")
    controls = ("PGB-05",)

    def check(self, doc):
        return secret_findings(
            self, doc, _schema(), "Alertmanager", _NO_TWIN_FIX, skip=_plain_address
        )


def _plain_address(key, value) -> bool:
    """A receiver's URL is typed as secret, but a plain address holds no credential."""
    return key.text.endswith("url") and not url_carries_secret(value.text)


class UnexpandedVariable(Rule):
    id = "AM02"
    name = "unexpanded-env-var"
    title = "Environment variable reference that Alertmanager never expands"
    severity = "high"
    kinds = ("alertmanager",)
    description = (
        "A value contains `${VAR}` or `$VAR`. Alertmanager does not expand environment "
        "variables in its configuration file; the text is used as written."
    )
    rationale = (
        "The integration is configured with the literal text `${VAR}`: notifications fail with "
        "an authentication error, or go to a wrong address, and nobody is paged."
    )
    fix = (
        "Use the integration's `*_file` field and mount the secret as a file, or render the "
        "file before Alertmanager starts (envsubst, an init container, Helm)."
    )
    references = (AM_DOCS,)
    tags = ("secrets", "misconfiguration")
    controls = ("PGB-10",)

    def check(self, doc):
        return unexpanded_findings(self, doc, "Alertmanager")


class SmtpAuthWithoutTls(Rule):
    id = "AM03"
    name = "smtp-auth-without-tls"
    title = "SMTP authentication with TLS switched off"
    severity = "medium"
    kinds = ("alertmanager",)
    description = (
        "`smtp_require_tls: false` (global, reported when an email receiver inherits it) or "
        "`require_tls: false` (email receiver) while SMTP authentication is configured, on a "
        "smarthost that is not on this host and does not use implicit TLS (force_implicit_tls, "
        "or port 465 when that is not set)."
    )
    rationale = (
        "Without STARTTLS the SMTP username and password, and every alert, cross the network "
        "in clear text. A network attacker can read them or strip the STARTTLS offer."
    )
    fix = (
        "Remove `require_tls: false` (the default is true), or use implicit TLS "
        "(`force_implicit_tls: true`, or a smarthost on port 465)."
    )
    references = (AM_DOCS + "#email_config",)
    tags = ("tls", "secrets")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for root in doc.mappings():
            glob = root.get("global")
            glob = glob if isinstance(glob, Mapping) else Mapping()
            global_auth = any(glob.text(k) for k in _GLOBAL_SMTP_AUTH)
            global_host = glob.text("smtp_smarthost")
            global_force = glob.get("smtp_force_implicit_tls")
            global_value = glob.get("smtp_require_tls")
            global_off = isinstance(global_value, Scalar) and global_value.as_bool() is False
            inherited_by_one = False
            for config in _email_configs(root):
                own = config.get("require_tls")
                if own is None:
                    off, anchor = global_off, None
                else:
                    off, anchor = isinstance(own, Scalar) and own.as_bool() is False, own
                if not off:
                    continue
                auth = any(config.text(k) for k in _SMTP_AUTH) or global_auth
                host = config.text("smarthost") or global_host
                force = config.get("force_implicit_tls")
                force = force if force is not None else global_force
                if not auth or _implicit_tls(host, force) or _local_relay(host):
                    continue
                if anchor is None:
                    inherited_by_one = True  # reported once, at the global setting
                else:
                    yield self.report(
                        doc,
                        anchor,
                        "require_tls is false while SMTP "
                        "authentication is configured: the password is sent in clear",
                    )
            if inherited_by_one:
                yield self.report(
                    doc,
                    global_value,
                    "smtp_require_tls is false while SMTP "
                    "authentication is configured: the password is sent in clear",
                )


class InsecureSkipVerify(Rule):
    id = "AM04"
    name = "tls-verification-disabled"
    title = "TLS certificate verification disabled for a notifier"
    severity = "medium"
    kinds = ("alertmanager",)
    description = "A tls_config (http_config or email) sets `insecure_skip_verify: true`."
    rationale = (
        "Without certificate verification anyone on the path can impersonate the chat, paging "
        "or mail service, read every alert and capture the credentials Alertmanager sends."
    )
    fix = "Give the CA in `ca_file` and remove insecure_skip_verify."
    references = (AM_DOCS + "#tls_config",)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        from promguard.models.schema import matches

        for root in doc.mappings():
            for key, value, _spec in matches(root, _schema()):
                if (
                    key.text == "insecure_skip_verify"
                    and isinstance(value, Scalar)
                    and value.as_bool() is True
                ):
                    yield self.report(
                        doc, value, f"TLS certificate verification is disabled in `{value.path}`"
                    )


class PlainHttpNotifier(Rule):
    id = "AM07"
    name = "plain-http-notifier"
    title = "Notifications sent over plain HTTP to another host"
    severity = "low"
    kinds = ("alertmanager",)
    description = (
        "A notification destination (webhook url, an integration's api_url or webhook_url, a "
        "global *_url default) uses http:// to a host that is not loopback."
    )
    rationale = (
        "Alerts carry label values, annotations and links into the monitored systems; over plain "
        "HTTP they, and any token in the URL, can be read or altered on the way."
    )
    fix = "Use an https:// URL, or keep the receiver on the same host (loopback)."
    references = (AM_DOCS + "#webhook_config",)
    tags = ("tls",)
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        from promguard.models.schema import matches

        for root in doc.mappings():
            for _key, value, _spec in matches(root, _schema()):
                if not isinstance(value, Scalar) or not _DESTINATION.match(value.path):
                    continue
                if value.text.lower().startswith("http://") and not is_loopback(
                    url_host(value.text)
                ):
                    yield self.report(
                        doc,
                        value,
                        f"`{value.path}` sends notifications over "
                        f"plain HTTP to {url_host(value.text) or 'another host'}",
                    )


class UnknownAlertmanagerKey(Rule):
    id = "AM10"
    name = "unknown-key"
    title = "Unknown key in alertmanager.yml"
    severity = "medium"
    kinds = ("alertmanager",)
    description = "alertmanager.yml has a key that Alertmanager does not know at that place."
    rationale = (
        "Alertmanager decodes its configuration strictly: an unknown or misspelt key stops it "
        "from starting or reloading, so alerts are routed by the old configuration or not at all."
    )
    fix = "Correct the spelling or indentation, or remove the key; `amtool check-config` agrees."
    references = (AM_DOCS, "https://github.com/prometheus/alertmanager#amtool")
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        return unknown_key_findings(self, doc, _schema(), "Alertmanager refuses to load this file")


RULES = [
    InlineSecret,
    UnexpandedVariable,
    SmtpAuthWithoutTls,
    InsecureSkipVerify,
    PlainHttpNotifier,
    UnknownAlertmanagerKey,
]
