"""Which kind of file is this? First by name, then, for YAML, by what the file holds.

Content wins over a misleading name: a compose file called prometheus.yml is a compose file, and
a Kubernetes manifest or a Prometheus rule file is none of promguard's YAML kinds. A name alone
is trusted only when the content does not contradict it.
"""

from __future__ import annotations

import fnmatch
import os
import re

from .lazy_regex import lazy

YAML_KINDS = ("prometheus", "alertmanager", "webconfig", "compose")

# (pattern on the lower-cased file name, kind); the first match wins.
_NAME_PATTERNS = (
    ("docker-compose*.yml", "compose"),
    ("docker-compose*.yaml", "compose"),
    ("compose*.yml", "compose"),
    ("compose*.yaml", "compose"),
    ("prometheus*.yml", "prometheus"),
    ("prometheus*.yaml", "prometheus"),
    ("alertmanager*.yml", "alertmanager"),
    ("alertmanager*.yaml", "alertmanager"),
    ("web-config*.yml", "webconfig"),
    ("web-config*.yaml", "webconfig"),
    ("web_config*.yml", "webconfig"),
    ("web_config*.yaml", "webconfig"),
    ("web*.yml", "webconfig"),
    ("web*.yaml", "webconfig"),
    ("*.tf", "terraform"),
    ("terraform.tfvars", "terraform"),
    ("*.auto.tfvars", "terraform"),
    ("dockerfile", "dockerfile"),
    ("dockerfile.*", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("nginx*.conf", "nginx"),
    ("caddyfile", "caddy"),
    ("caddyfile.*", "caddy"),
    ("*.caddyfile", "caddy"),
)
# Names that only suggest a kind (webhook.yml, website.yml): the content has to agree.
_WEAK_NAMES = ("web*.yml", "web*.yaml")
_NGINX_FOLDERS = ("nginx", "conf.d", "sites-available", "sites-enabled")

# Top-level keys that only one kind has; used to find kinds in files with other names.
_MARKERS = lazy(
    rb"^(scrape_configs|rule_files|scrape_config_files|remote_write|remote_read|route|receivers"
    rb"|tls_server_config|basic_auth_users|http_server_config|services|global)[ \t]*:",
    re.MULTILINE,
)

_PROMETHEUS_TOP = frozenset(
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
_ALERTMANAGER_TOP = frozenset(
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
_WEBCONFIG_TOP = frozenset(
    ("tls_server_config", "http_server_config", "basic_auth_users", "rate_limit")
)
_TOP_KEYS = {
    "prometheus": _PROMETHEUS_TOP,
    "alertmanager": _ALERTMANAGER_TOP,
    "webconfig": _WEBCONFIG_TOP,
    "compose": frozenset(
        ("services", "version", "name", "networks", "volumes", "secrets", "configs", "include")
    ),
}


def kind_by_name(path: str) -> str | None:
    name = os.path.basename(path).lower()
    for pattern, kind in _NAME_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return kind
    parts = path.replace("\\", "/").lower().split("/")[:-1]
    if name.endswith(".conf"):
        if any(part in _NGINX_FOLDERS or part.startswith("nginx") for part in parts):
            return "nginx"
    elif parts and parts[-1] in ("sites-available", "sites-enabled") and "." not in name:
        return "nginx"  # Debian's site files have no extension (sites-available/default)
    return None


def is_weak_name(path: str) -> bool:
    name = os.path.basename(path).lower()
    if name in ("web.yml", "web.yaml") or name.startswith(("web-config", "web_config")):
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _WEAK_NAMES)


def is_yaml_name(path: str) -> bool:
    return path.lower().endswith((".yml", ".yaml"))


def may_be_yaml_kind(data: bytes) -> bool:
    """A cheap look for a top-level key that marks one of the YAML kinds, before parsing."""
    return _MARKERS.search(data) is not None


_NGINX_CONTENT = lazy(
    rb"^\s*(http|server|events|upstream\s+\S+|location\s+[^{;]+)\s*\{", re.MULTILINE
)


def may_be_nginx(data: bytes) -> bool:
    """A .conf file with http, server, events, upstream or location blocks."""
    return _NGINX_CONTENT.search(data[:65536]) is not None


def kind_by_content(top_keys: set[str], root) -> str | None:
    if {"apiVersion", "kind"} <= top_keys or "groups" in top_keys:
        return "other"  # a Kubernetes object or a Prometheus rule file: not a config we judge
    if "services" in top_keys:
        # GitLab CI also has a top-level services:, but as a list of images.
        return "compose" if hasattr(root.get("services"), "entries") else "other"
    if "route" in top_keys and "receivers" in top_keys:
        return "alertmanager"
    if top_keys & _PROMETHEUS_ONLY:
        return "prometheus"
    glob = root.get("global") if root is not None else None
    if (
        top_keys <= _PROMETHEUS_TOP
        and hasattr(glob, "keys")
        and set(glob.keys()) & _PROMETHEUS_GLOBAL
    ):
        return "prometheus"
    if "tls_client_config" in top_keys:
        # Alertmanager's --cluster.tls-config file: server and client TLS for gossip, no web
        # config (which has no client side) and not a file the web-config rules judge.
        return "other"
    if top_keys & _WEBCONFIG_TOP and "global" not in top_keys:
        return "webconfig"
    return None


def yaml_kind(
    name_kind: str | None, top_keys: set[str] | None, root=None, weak_name: bool = False
) -> str | None:
    """The kind of a parsed YAML file from its first mapping ``root`` and that mapping's keys;
    ``top_keys`` is None when the file holds no mapping. A weak name counts only when the
    content has keys of that kind."""
    if weak_name and not top_keys:
        return None
    if top_keys is None:
        # Empty, or a bare list or value: only the name can say what it was meant to be.
        return name_kind if name_kind in YAML_KINDS else None
    by_content = kind_by_content(top_keys, root)
    if by_content == "other":
        return None
    if by_content is not None:
        return by_content
    if name_kind in YAML_KINDS:
        known = _TOP_KEYS[name_kind]
        # prometheus-values.yml (a Helm values file) must not be judged as prometheus.yml.
        if not top_keys or len(top_keys & known) * 2 >= len(top_keys):
            return name_kind
    return None
