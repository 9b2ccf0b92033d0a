"""Rules for the exporter-toolkit web configuration file (``--web.config.file``), shared by
Prometheus, Alertmanager, Pushgateway and the official exporters."""

from __future__ import annotations

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.parsers.yaml_tree import Mapping, Scalar
from promguard.rule import Rule

from .common import OLD_TLS, unknown_key_findings

WEB_DOCS = "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md"
HTTPS_DOCS = "https://prometheus.io/docs/prometheus/latest/configuration/https/"
BCRYPT_DOCS = "https://prometheus.io/docs/guides/basic-auth/"

# golang.org/x/crypto/bcrypt accepts the 2, 2a, 2b and 2y prefixes.
_BCRYPT = lazy(r"^\$2[aby]?\$(?P<cost>\d\d)\$[./A-Za-z0-9]{53}$")
# Client certificate modes that accept a client without a certificate, or with any certificate.
_WEAK_CLIENT_AUTH = {
    "RequestClientCert": "asks for a client certificate but does not require or verify it",
    "RequireAnyClientCert": "requires a client certificate but does not verify it: any "
    "self-signed certificate is accepted",
    "VerifyClientCertIfGiven": "lets clients without a certificate in",
}


def _schema():
    from promguard.models.webconfig_schema import WEB_CONFIG

    return WEB_CONFIG


def _users(root: Mapping):
    users = root.get("basic_auth_users")
    if isinstance(users, Mapping):
        return users
    return None


def _passwords(doc):
    """(user, value) for every entry of basic_auth_users, in every document."""
    for root in doc.mappings():
        users = _users(root)
        if users is not None:
            for user, value in users.entries:
                if isinstance(value, Scalar):
                    yield user, value


def _tls(root: Mapping):
    tls = root.get("tls_server_config")
    return tls if isinstance(tls, Mapping) else None


class PlaintextPassword(Rule):
    id = "WEB01"
    name = "password-not-bcrypt"
    title = "basic_auth_users password is not a bcrypt hash"
    severity = "high"
    kinds = ("webconfig",)
    description = "A value under `basic_auth_users` is not a bcrypt hash ($2a$, $2b$ or $2y$)."
    rationale = (
        "The web config expects bcrypt hashes. A plaintext password there is readable by anyone "
        "who can read the file or the repository, and the server refuses to start or rejects "
        "every login, which invites someone to switch authentication off."
    )
    fix = (
        "Replace the value with a bcrypt hash, e.g. `htpasswd -nBC 12 '' | tr -d ':\\n'` or "
        "Python's bcrypt.hashpw, and keep the password itself in a password manager."
    )
    references = (WEB_DOCS, BCRYPT_DOCS)
    tags = ("authentication", "secrets")
    cwe = ("CWE-256",)
    controls = ("PGB-03", "PGB-05")

    def check(self, doc):
        for user, value in _passwords(doc):
            if value.is_null or not value.text.strip():
                yield self.report(
                    doc,
                    user,
                    f"user `{user.text}` has no password hash: every login as it fails (a file "
                    "a script fills in later, or a mistake)",
                    severity="low",
                )
                continue
            if not _BCRYPT.match(value.text):
                yield self.report(
                    doc,
                    value,
                    f"password of user `{user.text}` is not a bcrypt hash (`{user.text}: {MASK}`)",
                )


class LowBcryptCost(Rule):
    id = "WEB05"
    name = "low-bcrypt-cost"
    title = "bcrypt cost below 10"
    severity = "low"
    kinds = ("webconfig",)
    description = "A basic_auth_users hash uses a bcrypt cost below 10."
    rationale = (
        "A low cost makes offline guessing of the password cheap for anyone who obtains the "
        "hash, which sits in a file that is often committed to a repository."
    )
    fix = "Hash the password again with a cost of 10 to 12 (`htpasswd -nBC 12`)."
    references = (
        BCRYPT_DOCS,
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
    )
    tags = ("authentication",)
    cwe = ("CWE-916",)
    controls = ("PGB-03",)

    def check(self, doc):
        for user, value in _passwords(doc):
            match = _BCRYPT.match(value.text)
            if match and int(match.group("cost")) < 10:
                yield self.report(
                    doc,
                    value,
                    f"bcrypt cost {int(match.group('cost'))} for user `{user.text}` is below 10",
                )


class BasicAuthWithoutTls(Rule):
    id = "WEB02"
    name = "basic-auth-without-tls"
    title = "Basic authentication without TLS"
    severity = "medium"
    kinds = ("webconfig",)
    description = (
        "`basic_auth_users` is set but `tls_server_config` has no certificate. Low when every "
        "service of the stack that reads the file is published on loopback only or not at all."
    )
    rationale = (
        "Basic authentication sends the password with every request, only base64-encoded. "
        "Without TLS anyone on the network path reads it. It is safe only when a TLS-terminating "
        "proxy on the same host is the sole way in."
    )
    fix = (
        "Add `tls_server_config` with `cert_file` and `key_file`, or bind the service to "
        "loopback behind a proxy that terminates TLS."
    )
    references = (WEB_DOCS, HTTPS_DOCS)
    tags = ("tls", "authentication")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for root in doc.mappings():
            users = _users(root)
            if users is None or not users.entries:
                continue
            tls = _tls(root)
            if tls is not None and (tls.text("cert_file") or tls.text("cert")):
                continue
            yield self.report(
                doc,
                root.key_node("basic_auth_users"),
                "basic_auth_users is set without a TLS certificate: passwords travel in clear",
            )

    def in_stack(self, finding, stack):
        """Low when every service reading this web config is published on loopback only or
        not at all: the password crosses the container network, not the wire."""
        services = stack.services_reading(finding.path, "web.config.file")
        if not services or any(service.exposures() for service in services):
            return
        names = ", ".join(f"`{s.name}`" for s in services)
        finding.severity = "low"
        finding.message += (
            f"; service {names} is reached only from this host or its containers (a proxy in "
            "front is where TLS belongs)"
        )


class WeakClientAuth(Rule):
    id = "WEB03"
    name = "weak-client-auth-type"
    title = "Client certificates requested but not enforced"
    severity = "medium"
    kinds = ("webconfig",)
    description = (
        "`client_auth_type` is RequestClientCert, RequireAnyClientCert or VerifyClientCertIfGiven "
        "and no basic_auth_users is set, so client certificates are the only access control and "
        "they are not enforced."
    )
    rationale = (
        "Only RequireAndVerifyClientCert makes mutual TLS an access control: the other modes let "
        "clients in without a certificate or with one nobody verified."
    )
    fix = (
        "Set `client_auth_type: RequireAndVerifyClientCert` with `client_ca_file`, or add "
        "basic_auth_users."
    )
    references = (WEB_DOCS, "https://pkg.go.dev/crypto/tls#ClientAuthType")
    tags = ("tls", "authentication")
    cwe = ("CWE-295",)
    controls = ("PGB-03",)

    def check(self, doc):
        for root in doc.mappings():
            tls = _tls(root)
            users = _users(root)
            if tls is None or (users is not None and users.entries):
                continue
            value = tls.get("client_auth_type")
            if isinstance(value, Scalar) and value.text in _WEAK_CLIENT_AUTH:
                yield self.report(
                    doc,
                    value,
                    f"client_auth_type {value.text} {_WEAK_CLIENT_AUTH[value.text]}, and no "
                    "basic_auth_users is set",
                )


class OldTlsVersion(Rule):
    id = "WEB04"
    name = "old-tls-version"
    title = "Server accepts TLS 1.0 or 1.1"
    severity = "medium"
    kinds = ("webconfig",)
    description = "`tls_server_config.min_version` is TLS10 or TLS11."
    rationale = (
        "TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to downgrade attacks; the "
        "exporter-toolkit default is TLS 1.2."
    )
    fix = "Remove `min_version` (default TLS12) or set it to TLS12 or TLS13."
    references = (WEB_DOCS, "https://www.rfc-editor.org/rfc/rfc8996")
    tags = ("tls",)
    cwe = ("CWE-327",)
    controls = ("PGB-02",)

    def check(self, doc):
        for root in doc.mappings():
            tls = _tls(root)
            value = tls.get("min_version") if tls is not None else None
            if isinstance(value, Scalar) and value.text in OLD_TLS:
                yield self.report(
                    doc, value, f"min_version {value.text} allows {OLD_TLS[value.text]}"
                )


class InlinePrivateKey(Rule):
    id = "WEB06"
    name = "inline-private-key"
    title = "TLS private key written inline"
    severity = "low"
    kinds = ("webconfig",)
    description = "`tls_server_config.key` holds the PEM private key itself."
    rationale = (
        "A private key inside the config file travels wherever the config goes: repositories, "
        "images, backups, support bundles. A separate key file can have its own permissions and "
        "be rotated without touching the config."
    )
    fix = "Write the key to its own file (mode 0600 or 0640) and point `key_file` at it."
    references = (WEB_DOCS,)
    tags = ("secrets", "tls")
    cwe = ("CWE-321",)
    controls = ("PGB-05",)

    def check(self, doc):
        for root in doc.mappings():
            tls = _tls(root)
            value = tls.get("key") if tls is not None else None
            if isinstance(value, Scalar) and value.text.strip():
                yield self.report(doc, value, f"private key written inline (`key: {MASK}`)")


class UnknownWebConfigKey(Rule):
    id = "WEB09"
    name = "unknown-key"
    title = "Unknown key in the web config file"
    severity = "medium"
    kinds = ("webconfig",)
    description = (
        "The web config file has a key (or an HTTP header name) that the exporter-toolkit does "
        "not know at that place."
    )
    rationale = (
        "The exporter-toolkit decodes the file strictly: an unknown key stops the server from "
        "starting. A misspelt `tls_server_config` or `basic_auth_users` would otherwise mean no "
        "TLS or no authentication."
    )
    fix = "Correct the spelling or indentation; `promtool check web-config` agrees."
    references = (WEB_DOCS,)
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        return unknown_key_findings(self, doc, _schema(), "the server refuses to start")


RULES = [
    PlaintextPassword,
    BasicAuthWithoutTls,
    WeakClientAuth,
    OldTlsVersion,
    LowBcryptCost,
    InlinePrivateKey,
    UnknownWebConfigKey,
]
