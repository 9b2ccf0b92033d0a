"""Rules for prometheus.yml, the file given to ``prometheus --config.file``."""

from __future__ import annotations

import re

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.models.services import is_loopback
from promguard.parsers.yaml_tree import Mapping, Scalar, Sequence, scalars
from promguard.rule import Rule

from .common import (
    OLD_TLS,
    has_userinfo_password,
    masked_url,
    secret_findings,
    unexpanded_findings,
    unknown_key_findings,
    url_host,
)

CONFIG_DOCS = "https://prometheus.io/docs/prometheus/latest/configuration/configuration/"
SECURITY_DOCS = "https://prometheus.io/docs/operating/security/"
HTTPS_DOCS = "https://prometheus.io/docs/prometheus/latest/configuration/https/"
WEB_CONFIG_DOCS = (
    "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md"
)

# Keys of the web config file (--web.config.file) that people put into prometheus.yml.
SERVER_KEYS = ("web", "tls_server_config", "basic_auth_users", "http_server_config")
CREDENTIAL_KEYS = ("basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file")
# Fields of type config.URL, whose password Prometheus redacts when it shows the configuration.
_REDACTED_URL = lazy(r"^(remote_write|remote_read)\[\d+\]\.url$|(^|\.)proxy_url$")
_NO_TWIN_FIX = (
    "Prefer workload identity or the provider's default credential chain where the service "
    "discovery supports it; otherwise keep this file out of version control and readable only "
    "by Prometheus."
)
_SECRETISH_HEADER = lazy(r"authorization|token|secret|api[-_]?key|password|cookie", re.I)


def _schema():
    from promguard.models.prometheus_schema import (
        PROMETHEUS,  # large; loaded only when a file needs it
    )

    return PROMETHEUS


def _present(mapping: Mapping, key: str) -> bool:
    value = mapping.get(key)
    return value is not None and not (isinstance(value, Scalar) and value.is_null)


def _jobs(root: Mapping):
    jobs = root.get("scrape_configs")
    if isinstance(jobs, Sequence):
        for job in jobs:
            if isinstance(job, Mapping):
                yield job


def _static_hosts(client: Mapping) -> list[str]:
    """The targets of a client's static_configs; empty when it also discovers others."""
    if any(k.endswith("_sd_configs") for k in client.keys()):
        return []
    hosts: list[str] = []
    static = client.get("static_configs")
    for group in static if isinstance(static, Sequence) else ():
        targets = group.get("targets") if isinstance(group, Mapping) else None
        if isinstance(targets, Sequence):
            hosts += [t.text for t in targets if isinstance(t, Scalar)]
    return hosts


def _job_of(root: Mapping, path: str):
    match = re.match(r"scrape_configs\[(\d+)\]", path)
    jobs = root.get("scrape_configs")
    if match and isinstance(jobs, Sequence) and int(match.group(1)) < len(jobs):
        job = jobs.items[int(match.group(1))]
        return job if isinstance(job, Mapping) else None
    return None


class ServerSettingsInPrometheusYml(Rule):
    id = "PROM01"
    name = "server-tls-auth-in-prometheus-yml"
    title = "Server TLS or authentication settings in prometheus.yml"
    severity = "high"
    kinds = ("prometheus",)
    description = (
        "prometheus.yml has a top-level `web`, `tls_server_config`, `basic_auth_users` or "
        "`http_server_config` key. These belong in the web configuration file given with "
        "`--web.config.file`, not in the scrape configuration."
    )
    rationale = (
        "Prometheus parses prometheus.yml strictly and refuses to start (or to reload) with a key "
        "it does not know. Worse, whoever wrote the block believes the server has TLS or basic "
        "authentication, while none of it is applied: the HTTP API stays open to anyone who can "
        "reach the port."
    )
    fix = (
        "Move the block into its own file (for example web-config.yml), start Prometheus with "
        "`--web.config.file=web-config.yml`, and check it with `promtool check web-config`."
    )
    references = (HTTPS_DOCS, WEB_CONFIG_DOCS, CONFIG_DOCS)
    tags = ("tls", "authentication", "misconfiguration")
    cwe = ("CWE-306",)
    controls = ("PGB-03", "PGB-02")

    def check(self, doc):
        for root in doc.mappings():
            for key in SERVER_KEYS:
                node = root.key_node(key)
                if node is not None:
                    yield self.report(
                        doc,
                        node,
                        f"`{key}` is a web config (--web.config.file) setting, not a "
                        "prometheus.yml key: Prometheus rejects this file and no TLS or "
                        "authentication is applied",
                    )


class UnknownPrometheusKey(Rule):
    id = "PROM10"
    name = "unknown-key"
    title = "Unknown key in prometheus.yml"
    severity = "medium"
    kinds = ("prometheus",)
    description = "prometheus.yml has a key that Prometheus does not know at that place."
    rationale = (
        "Prometheus decodes its configuration strictly: an unknown or misspelt key makes it refuse "
        "to start, or to reload and keep running the old configuration. A misspelt security "
        "setting (tls_config, basic_auth) is silently never applied by tools that ignore it."
    )
    fix = (
        "Correct the spelling or the indentation, or remove the key; `promtool check config` "
        "agrees."
    )
    references = (
        CONFIG_DOCS,
        "https://prometheus.io/docs/prometheus/latest/command-line/promtool/",
    )
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        return unknown_key_findings(
            self,
            doc,
            _schema(),
            "Prometheus refuses to load this file",
            skip=frozenset(SERVER_KEYS),
        )


class InlineSecret(Rule):
    id = "PROM02"
    name = "inline-secret"
    title = "Plaintext secret in prometheus.yml"
    severity = "medium"
    kinds = ("prometheus",)
    description = (
        "A field Prometheus treats as secret (basic_auth password, authorization credentials, "
        "bearer_token, oauth2 client_secret, a TLS key, service-discovery secrets ...) holds "
        "the secret itself instead of naming a file that holds it."
    )
    rationale = (
        "prometheus.yml is committed, copied into images, mounted world-readable and shown to "
        "anyone with access to the repository. Every one of these fields has a `*_file` twin "
        "that keeps the secret in a separate file with its own permissions, rotated without "
        "editing the configuration."
    )
    fix = (
        "Put the secret in a file readable only by Prometheus and name it with the `*_file` field."
    )
    references = (CONFIG_DOCS, SECURITY_DOCS)
    tags = ("secrets",)
    cwe = ("CWE-798", "CWE-256")
    controls = ("PGB-05",)

    def check(self, doc):
        return secret_findings(self, doc, _schema(), "Prometheus", _NO_TWIN_FIX)


class UnexpandedVariable(Rule):
    id = "PROM03"
    name = "unexpanded-env-var"
    title = "Environment variable reference that Prometheus never expands"
    severity = "high"
    kinds = ("prometheus",)
    description = (
        "A value contains `${VAR}` or `$VAR`. Prometheus expands environment variables only in "
        "`global.external_labels` (always since 3.0; with --enable-feature=expand-external-labels "
        "before). Everywhere else the text is used as written. High where that sends a wrong "
        "credential or loses data (remote write and read, alerting); medium for a scrape job's "
        "credential (the target refuses it); low for a target or label (the target shows down)."
    )
    rationale = (
        "The configuration looks as if a secret or URL comes from the environment, but Prometheus "
        "sends the literal text `${VAR}`: authentication fails, or a password that was meant to "
        "be injected is never set and the request goes out unauthenticated."
    )
    fix = (
        "Use the `*_file` field of the setting and mount the file, or render prometheus.yml "
        "before Prometheus starts (envsubst, a config reloader, Helm)."
    )
    references = (CONFIG_DOCS, "https://prometheus.io/docs/prometheus/latest/migration/")
    tags = ("secrets", "misconfiguration")
    controls = ("PGB-10",)

    def check(self, doc):
        return unexpanded_findings(
            self, doc, "Prometheus", skip=_expanded_or_regex, severity_of=_unexpanded_cost
        )


_SCRAPE_TARGETS = re.compile(r"^scrape_configs\[\d+\]\.(static_configs|file_sd_configs)\b")
_SCRAPE_JOB = re.compile(r"^scrape_configs\[\d+\]\.")


def _unexpanded_cost(path: str) -> str | None:
    """A target or label of a scrape job fails visibly (the target is down, up == 0): low; a
    scrape job's credential fails closed (the target answers 401): medium; remote write,
    remote read and alerting keep high (alerts or data go missing, or a request goes out
    with the wrong credential)."""
    if _SCRAPE_TARGETS.match(path):
        return "low"
    if _SCRAPE_JOB.match(path):
        return "medium"
    return None


def _expanded_or_regex(path: str) -> bool:
    """external_labels are expanded by Prometheus; in relabel configs $1 and ${name} are regex
    capture groups."""
    return path.startswith("global.external_labels") or "relabel_configs[" in path


class SecretInPlainField(Rule):
    id = "PROM04"
    name = "secret-in-plain-field"
    title = "Credential in a field Prometheus does not treat as secret"
    severity = "medium"
    kinds = ("prometheus",)
    description = (
        "A password in a URL (`https://user:password@host`) or a credential-like HTTP header "
        "(Authorization, tokens, API keys) is set in a field that Prometheus does not mask."
    )
    rationale = (
        "Prometheus masks only `<secret>` fields (and the password of remote write/read and "
        "proxy URLs). Everything else is shown in clear on the /config page and the "
        "/api/v1/status/config endpoint, which any user who can reach the web UI can read, and "
        "lands in logs and target labels. Even where it is redacted, a password in a URL sits in "
        "clear in the file and the repository, with no file-based alternative to rotate it."
    )
    fix = (
        "Use basic_auth / authorization with a `*_file` field instead of userinfo in the URL; "
        "for custom headers use `http_headers.<name>.secrets` or `files` instead of `values`."
    )
    references = (SECURITY_DOCS, CONFIG_DOCS)
    tags = ("secrets",)
    cwe = ("CWE-522",)
    controls = ("PGB-05",)

    def check(self, doc):
        for root in doc.mappings():
            for value in scalars(root):
                if not has_userinfo_password(value.text):
                    continue
                shown = "is redacted on the /config page but sits in clear in the file"
                if not _REDACTED_URL.search(value.path):
                    shown = "is shown unmasked on the /config page"
                yield self.report(
                    doc,
                    value,
                    f"password in the URL in `{value.path}` ({masked_url(value.text)}) {shown}",
                )
            yield from self._headers(doc, root)

    def _headers(self, doc, root):
        from promguard.models.schema import MapOf, matches

        for key, value, spec in matches(root, _schema()):
            if key.text == "http_headers" and isinstance(value, Mapping):
                for name, header in value.entries:
                    values = header.get("values") if isinstance(header, Mapping) else None
                    if values is not None and _SECRETISH_HEADER.search(name.text):
                        yield self.report(
                            doc,
                            values,
                            f"header `{name.text}` sets a credential in `values`, which "
                            "Prometheus shows unmasked",
                            fix="Move the value to `secrets:` or, better, `files:`.",
                        )
            elif key.text == "headers" and isinstance(spec, MapOf) and isinstance(value, Mapping):
                for name, header in value.entries:
                    if isinstance(header, Scalar) and _SECRETISH_HEADER.search(name.text):
                        yield self.report(
                            doc,
                            header,
                            f"header `{name.text}: {MASK}` in `{value.path}` is a credential "
                            "in a field Prometheus shows unmasked",
                            fix="Use `authorization` with `credentials_file`, `basic_auth` with "
                            "`password_file`, or `http_headers` with `files`.",
                        )


class InsecureSkipVerify(Rule):
    id = "PROM05"
    name = "tls-verification-disabled"
    title = "TLS certificate verification disabled"
    severity = "medium"
    kinds = ("prometheus",)
    description = "A tls_config sets `insecure_skip_verify: true`."
    rationale = (
        "Without certificate verification anyone on the network path can impersonate the target, "
        "read scraped data and capture the credentials Prometheus sends with the request. "
        "Kubernetes jobs that scrape the kubelet with self-signed certificates are a common, "
        "lower-risk exception and are reported as low."
    )
    fix = (
        "Set `ca_file` to the CA that signed the target's certificate and remove "
        "insecure_skip_verify."
    )
    references = (CONFIG_DOCS + "#tls_config",)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        from promguard.models.schema import matches

        for root in doc.mappings():
            for key, value, _spec in matches(root, _schema()):
                if key.text != "insecure_skip_verify" or not isinstance(value, Scalar):
                    continue
                if value.as_bool() is not True:
                    continue
                job = _job_of(root, value.path)
                kube = job is not None and _present(job, "kubernetes_sd_configs")
                yield self.report(
                    doc,
                    value,
                    f"TLS certificate verification is disabled in `{value.path}`",
                    end=value,
                    severity="low" if kube else None,
                )


class CredentialsOverHttp(Rule):
    id = "PROM06"
    name = "credentials-over-http"
    title = "Credentials sent over plain HTTP"
    severity = "medium"
    kinds = ("prometheus",)
    description = (
        "A scrape job, an Alertmanager client or a remote write/read endpoint has basic_auth, "
        "authorization, oauth2 or a bearer token, but talks plain HTTP to a host that is not "
        "loopback (scrape `scheme` defaults to http). Low when every target is a service of "
        "the Prometheus's own compose project (the credentials stay on the host's container "
        "network)."
    )
    rationale = (
        "Credentials sent over HTTP can be read by anyone on the network path and replayed "
        "against the target, which for remote write means writing arbitrary data."
    )
    fix = "Set `scheme: https` (or an https:// URL) and a tls_config that verifies the server."
    references = (CONFIG_DOCS + "#scrape_config", SECURITY_DOCS)
    tags = ("tls", "secrets")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for root in doc.mappings():
            for job in _jobs(root):
                yield from self._client(doc, job, f"job `{job.text('job_name') or '?'}`")
            alerting = root.get("alerting")
            managers = alerting.get("alertmanagers") if isinstance(alerting, Mapping) else None
            if isinstance(managers, Sequence):
                for manager in managers:
                    if isinstance(manager, Mapping):
                        yield from self._client(doc, manager, "Alertmanager client")
            for section in ("remote_write", "remote_read"):
                endpoints = root.get(section)
                if isinstance(endpoints, Sequence):
                    for endpoint in endpoints:
                        if isinstance(endpoint, Mapping):
                            yield from self._endpoint(doc, endpoint, section)

    def _credential(self, client: Mapping):
        for key in CREDENTIAL_KEYS:
            if _present(client, key):
                return key
        return None

    def _client(self, doc, client: Mapping, what: str):
        credential = self._credential(client)
        scheme = client.get("scheme")
        if credential is None or client.text("scheme") == "https":
            return
        if not self._remote_targets(client):
            return
        anchor = scheme if isinstance(scheme, Scalar) else client.key_node(credential)
        said = "scheme is http" if isinstance(scheme, Scalar) else "no scheme, so http"
        yield self.report(
            doc,
            anchor,
            f"{what} sends {credential} credentials over plain HTTP ({said})",
        )

    def in_stack(self, finding, stack):
        """Low when every target of the client is a service of the Prometheus's own compose
        project: the credentials cross the Docker network on this host, not the wire."""
        services = stack.services_reading(finding.path, "config.file")
        if len(services) != 1:
            return
        service = services[0]
        ref = service.files().get("config.file")
        for root in ref.doc.mappings() if ref is not None and ref.doc is not None else ():
            clients = list(_jobs(root))
            alerting = root.get("alerting")
            managers = alerting.get("alertmanagers") if isinstance(alerting, Mapping) else None
            if isinstance(managers, Sequence):
                clients += [m for m in managers if isinstance(m, Mapping)]
            for client in clients:
                if not client.line <= finding.line <= client.end_line:
                    continue
                hosts = _static_hosts(client)
                local = hosts and all(
                    is_loopback(h) or stack.resolve(h.rsplit(":", 1)[0], None, service.project)
                    for h in hosts
                )
                if local:
                    finding.severity = "low"
                    finding.message += (
                        "; every target is a service of the same compose project, so the "
                        "credentials stay on this host's container network"
                    )
                return

    @staticmethod
    def _remote_targets(client: Mapping) -> bool:
        """False only when every target is written out and is loopback."""
        static = client.get("static_configs")
        others = [k for k in client.keys() if k.endswith("_sd_configs")]
        if others or not isinstance(static, Sequence):
            return True
        hosts = []
        for group in static:
            targets = group.get("targets") if isinstance(group, Mapping) else None
            if isinstance(targets, Sequence):
                hosts += [t.text for t in targets if isinstance(t, Scalar)]
        return not hosts or not all(is_loopback(h) for h in hosts)

    def _endpoint(self, doc, endpoint: Mapping, section: str):
        url = endpoint.get("url")
        if not isinstance(url, Scalar) or not url.text.lower().startswith("http://"):
            return
        if is_loopback(url_host(url.text)):
            return
        keys = CREDENTIAL_KEYS + ("sigv4", "azuread", "google_iam")
        credential = next((k for k in keys if _present(endpoint, k)), None)
        if credential is not None:
            yield self.report(
                doc,
                url,
                f"{section} endpoint sends {credential} credentials over plain HTTP",
            )


class OldTlsVersion(Rule):
    id = "PROM08"
    name = "old-tls-version"
    title = "TLS 1.0 or 1.1 allowed for outgoing connections"
    severity = "low"
    kinds = ("prometheus",)
    description = "A tls_config sets `min_version` to TLS10 or TLS11."
    rationale = (
        "TLS 1.0 and 1.1 are deprecated (RFC 8996) and have known weaknesses; allowing them lets "
        "an attacker on the path downgrade the connection. Prometheus defaults to TLS 1.2."
    )
    fix = "Remove `min_version` (the default is TLS12) or set it to TLS12 or TLS13."
    references = (CONFIG_DOCS + "#tls_config", "https://www.rfc-editor.org/rfc/rfc8996")
    tags = ("tls",)
    cwe = ("CWE-327",)
    controls = ("PGB-02",)

    def check(self, doc):
        from promguard.models.schema import matches

        for root in doc.mappings():
            for key, value, _spec in matches(root, _schema()):
                if (
                    key.text == "min_version"
                    and isinstance(value, Scalar)
                    and value.text in OLD_TLS
                ):
                    yield self.report(
                        doc,
                        value,
                        f"`min_version: {value.text}` in `{value.path}` allows "
                        f"{OLD_TLS[value.text]}",
                    )


RULES = [
    ServerSettingsInPrometheusYml,
    InlineSecret,
    UnexpandedVariable,
    SecretInPlainField,
    InsecureSkipVerify,
    CredentialsOverHttp,
    OldTlsVersion,
    UnknownPrometheusKey,
]
