"""Prometheus as it is started: the admin and lifecycle APIs, the remote-write and OTLP receivers
and CORS, from its flags wherever they are set (compose command and entrypoint, Dockerfile
ENTRYPOINT and CMD, a systemd unit)."""

from __future__ import annotations

from promguard.rule import Rule

from .common import PROGRAM_KINDS as KINDS
from .common import FlagRule, invocations_of

PCLI = "https://prometheus.io/docs/prometheus/latest/command-line/prometheus/"


PSEC = "https://prometheus.io/docs/operating/security/"


class PrometheusAdminApi(FlagRule):
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

    def in_stack(self, finding, stack):
        """Low when the stack shows the Prometheus asks every client for credentials: only
        those who have them (or a page their browser opens: no CSRF protection) can delete."""
        service = stack.service_at(finding.path, finding.line)
        if service is None or service.program != "prometheus":
            return
        auth = service.authentication()
        if auth is None:
            return
        finding.severity = "low"
        finding.message = finding.message.replace(
            "anyone who reaches the port", f"whoever passes its {auth}"
        )
        finding.message += " (the API has no CSRF protection: deny /api/v1/admin/ at the proxy)"


class PrometheusLifecycle(FlagRule):
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
        "the remote-write-receiver / otlp-write-receiver feature flags. Low when the stack shows "
        "it is not published to other machines and asks for credentials: in its web config, or "
        "in every proxy in front of it."
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
        for inv in invocations_of(doc, "prometheus"):
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

    def in_stack(self, finding, stack):
        """Low when the stack shows the receiver both authenticated and out of reach."""
        service = stack.service_at(finding.path, finding.line)
        if service is None or service.program != "prometheus":
            return
        if service.exposures():
            return
        proxies = stack.proxies_to(service)
        if any(not proxy.protected for proxy in proxies):
            return
        auth = service.authentication()
        if auth is None and not proxies:
            return  # unpublished, but any container on its network writes to it
        finding.severity = "low"
        if auth is not None:
            finding.message += (
                f"; the stack shows it asks for {auth} and is not published to other machines"
            )
        else:
            finding.message += (
                "; the stack shows it is not published, and the proxies in front of it ask "
                "for credentials"
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
        for inv in invocations_of(doc, "prometheus"):
            setting = inv.flag("web.cors.origin")
            # No quote stripping: in a YAML list the quotes reach Prometheus and match nothing.
            if setting is not None and setting.value.strip() in (".*", ".+", "^.*$", "(.*)"):
                yield self.report(
                    inv.doc_of(setting.item),
                    setting.item,
                    f"{inv.label} allows cross-origin API calls from any page",
                )


RULES = [PrometheusAdminApi, PrometheusLifecycle, WriteReceiver, CorsAnyOrigin]
