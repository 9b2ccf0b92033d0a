"""The YAML configs judged file by file: prometheus.yml, alertmanager.yml and the web config
given to --web.config.file. What marks each of them, by name and by top-level keys."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from . import YamlKind

if TYPE_CHECKING:
    from ..document import Document

_PROMETHEUS_ONLY = frozenset(
    ("scrape_configs", "rule_files", "scrape_config_files", "remote_write", "remote_read")
)
# Keys of Prometheus' global section that Alertmanager's global section does not have.
_PROMETHEUS_GLOBAL = frozenset(
    (
        "scrape_interval",
        "scrape_timeout",
        "evaluation_interval",
        "external_labels",
        "query_log_file",
        "rule_query_offset",
        "scrape_protocols",
    )
)


_AGENT_KEYS = frozenset(("server", "positions", "clients", "limits_config", "target_config"))


class PrometheusKind(YamlKind):
    name = "prometheus"
    file_names = ("prometheus*.yml", "prometheus*.yaml")
    name_order = 20
    content_order = 30
    markers = (*_PROMETHEUS_ONLY, "global")
    top_keys = frozenset(
        (
            "global",
            "runtime",
            "rule_files",
            "scrape_config_files",
            "scrape_configs",
            "alerting",
            "remote_write",
            "remote_read",
            "storage",
            "tracing",
            "otlp",
        )
    )

    def rejects(self, keys: set[str]) -> bool:
        # a Kubernetes object (a ConfigMap or PrometheusRule holding a config), a Prometheus
        # rule file, or a Promtail / Grafana Agent config (scrape_configs beside server,
        # positions and clients, which Prometheus has none of): not a config these rules judge
        return {"apiVersion", "kind"} <= keys or "groups" in keys or bool(keys & _AGENT_KEYS)

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        if keys & _PROMETHEUS_ONLY:
            return True
        glob: Any = root.get("global") if root is not None else None
        if (
            keys <= self.top_keys
            and hasattr(glob, "keys")
            and set(glob.keys()) & _PROMETHEUS_GLOBAL
        ):
            return True
        return None

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        found = []
        for root in doc.mappings():
            for job in _items(root.get("scrape_configs")):
                name = job.text("job_name") if hasattr(job, "text") else None
                found.append((f"scrape job `{name or '?'}`", job.line, job.end_line))
            alerting = root.get("alerting")
            if alerting is not None:
                found.append(("alerting", alerting.line, alerting.end_line))
        return found


class AlertmanagerKind(YamlKind):
    name = "alertmanager"
    file_names = ("alertmanager*.yml", "alertmanager*.yaml")
    name_order = 30
    content_order = 20
    markers = ("route", "receivers", "global")
    top_keys = frozenset(
        (
            "global",
            "templates",
            "route",
            "inhibit_rules",
            "receivers",
            "mute_time_intervals",
            "time_intervals",
            "tracing",
        )
    )

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        return True if "route" in keys and "receivers" in keys else None

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        found = []
        for root in doc.mappings():
            for receiver in _items(root.get("receivers")):
                name = receiver.text("name") if hasattr(receiver, "text") else None
                found.append((f"receiver `{name or '?'}`", receiver.line, receiver.end_line))
        return found


class WebConfigKind(YamlKind):
    name = "webconfig"
    file_names = (
        "web-config*.yml",
        "web-config*.yaml",
        "web_config*.yml",
        "web_config*.yaml",
        "web*.yml",
        "web*.yaml",
    )
    name_order = 40
    content_order = 40
    markers = ("tls_server_config", "basic_auth_users", "http_server_config")
    top_keys = frozenset(
        ("tls_server_config", "http_server_config", "basic_auth_users", "rate_limit")
    )

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        if "tls_client_config" in keys:
            # Alertmanager's --cluster.tls-config file: server and client TLS for gossip, no
            # web config (which has no client side) and not a file the web-config rules judge.
            return False
        if keys & self.top_keys and "global" not in keys:
            return True
        return None

    def weak_name(self, name: str) -> bool:
        # webhook.yml and website.yml match web*.yml; web.yml and web-config.yml say it
        if name in ("web.yml", "web.yaml") or name.startswith(("web-config", "web_config")):
            return False
        return fnmatch.fnmatchcase(name, "web*.yml") or fnmatch.fnmatchcase(name, "web*.yaml")


def _items(node: Any) -> Any:
    """The items of a YAML sequence (none for a mapping or a scalar)."""
    return node if hasattr(node, "items") and not hasattr(node, "entries") else ()
