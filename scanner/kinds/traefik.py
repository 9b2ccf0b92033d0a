"""Traefik's own files: the static configuration (traefik.yml or traefik.toml: entry points,
providers, the API) and the dynamic configuration the file provider reads (routers,
middlewares, services), in YAML or TOML. Traefik reads option names in any case; so does this.

The stack model (promguard.models.traefik) joins them to the Traefik service that mounts them
and to the Docker labels of the compose services, and the TRF rules judge that whole.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..lazy_regex import lazy
from . import ParsedKind, YamlKind

if TYPE_CHECKING:
    from ..document import Document

STATIC_KEYS = frozenset(
    (
        "entrypoints",
        "providers",
        "api",
        "log",
        "accesslog",
        "metrics",
        "ping",
        "tracing",
        "certificatesresolvers",
        "serverstransport",
        "tcpserverstransport",
        "global",
        "experimental",
        "hub",
        "spiffe",
        "core",
        "ocsp",
        "pilot",
    )
)
# A table header that only a Traefik TOML file has (pyproject.toml and Cargo.toml have none).
_TOML_SECTION = lazy(
    rb"^[ \t]*\[{1,2}[ \t]*(?:entryPoints|http\.(?:routers|middlewares|services)|"
    rb"providers|certificatesResolvers)\b",
    re.MULTILINE | re.IGNORECASE,
)
DYNAMIC_KEYS = frozenset(("http", "tcp", "udp", "tls"))
_DYNAMIC_SECTIONS = frozenset(
    ("routers", "middlewares", "services", "serverstransports", "certificates", "options", "stores")
)
_PROVIDERS = frozenset(
    (
        "docker",
        "swarm",
        "file",
        "http",
        "rest",
        "consul",
        "consulcatalog",
        "etcd",
        "redis",
        "zookeeper",
        "nomad",
        "ecs",
        "kubernetescrd",
        "kubernetesingress",
        "kubernetesgateway",
        "providersthrottleduration",
    )
)


def is_traefik_config(keys: set[str], root: Any) -> bool:
    """Whether a file's top-level mapping is Traefik's static or dynamic configuration: its
    keys are all Traefik's, and one of them is a section only Traefik has."""
    lower = {key.lower() for key in keys}
    if not lower or not lower <= STATIC_KEYS | DYNAMIC_KEYS:
        return False
    if lower & {"entrypoints", "certificatesresolvers"}:
        return True
    for key in keys:
        section: Any = root.get(key) if root is not None else None
        keys_of = getattr(section, "keys", None)
        sub = {k.lower() for k in keys_of()} if keys_of is not None else set()
        if key.lower() == "providers" and sub and sub <= _PROVIDERS:
            return True
        if key.lower() in DYNAMIC_KEYS and sub and sub <= _DYNAMIC_SECTIONS:
            return True
    return False


class TraefikKind(YamlKind):
    name = "traefik"
    in_stack = True
    file_names = ("traefik*.yml", "traefik*.yaml")
    name_order = 60
    content_order = 50
    markers = ("entryPoints", "entrypoints", "providers", "http", "tcp", "certificatesResolvers")
    top_keys = STATIC_KEYS | DYNAMIC_KEYS | frozenset(("entryPoints", "certificatesResolvers"))

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        return True if is_traefik_config(keys, root) else None

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        return traefik_objects(doc)


class TraefikTomlKind(ParsedKind):
    name = "traefik-toml"
    in_stack = True
    file_names = ("traefik*.toml",)
    name_order = 60
    sniffed_suffixes = (".toml",)
    parser = ("promguard.parsers.toml_tree", "parse_toml", "TomlError")
    syntax_fix = "Fix the TOML syntax at the reported line (Traefik does not start with it)."

    def sniff(self, data: bytes) -> bool:
        return _TOML_SECTION.search(data) is not None

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        return traefik_objects(doc)


def traefik_objects(doc: Document) -> list[tuple[str, int, int]]:
    """Entry points, routers and middlewares, for the audit report's passed checks."""
    found = []
    for root in doc.mappings():
        for section, label in (("entrypoints", "entry point"),):
            node = _get(root, section)
            for key, value in getattr(node, "entries", ()):
                found.append((f"{label} `{key.text}`", key.line, value.end_line))
        http = _get(root, "http")
        for section, label in (("routers", "router"), ("middlewares", "middleware")):
            node = _get(http, section)
            for key, value in getattr(node, "entries", ()):
                found.append((f"{label} `{key.text}`", key.line, value.end_line))
    return found


def _get(node: Any, name: str) -> Any:
    for key, value in getattr(node, "entries", ()):
        if key.text.lower() == name:
            return value
    return None
