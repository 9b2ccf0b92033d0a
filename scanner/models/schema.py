"""A small language for the shape of a config file, and a check for keys the program rejects.

Prometheus, Alertmanager and the exporter-toolkit web config are read with Go's strict YAML
decoding: a key the program does not know stops it from starting. A schema here is plain data:

- a ``dict`` is a mapping with exactly these keys (values are schemas);
- ``[schema]`` (a one-item list) is a sequence of items of that schema;
- ``MapOf(schema)`` is a mapping with free keys (labels, params) whose values have that schema;
- ``ANY`` accepts anything and looks no deeper; ``SCALAR`` is a single value;
- ``Secret(twin, since)`` is a value the program treats as secret; ``twin`` names the sibling key
  that reads it from a file instead, ``since`` the program version that added that key.
"""

from __future__ import annotations

from ..parsers.yaml_tree import Mapping, Node, Scalar, Sequence

ANY = "any"
SCALAR = "scalar"


class MapOf:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Secret:
    __slots__ = ("twin", "since")

    def __init__(self, twin: str | None = None, since: str | None = None):
        self.twin = twin
        self.since = since


class UnknownKey:
    __slots__ = ("key", "parent_path", "suggestion")

    def __init__(self, key: Scalar, parent_path: str, suggestion: str | None):
        self.key = key
        self.parent_path = parent_path
        self.suggestion = suggestion


def unknown_keys(node: Node, schema, skip=frozenset()):
    """Yield an UnknownKey for every key ``schema`` does not allow; ``skip`` names top keys
    another rule reports on its own."""
    seen: set[tuple[int, int]] = set()
    stack = [(node, schema, True)]
    while stack:
        current, spec, top = stack.pop()
        marker = (id(current), id(spec))
        if marker in seen:  # aliases share subtrees, and may even loop
            continue
        seen.add(marker)
        if spec is ANY or spec is SCALAR or isinstance(spec, Secret):
            continue
        if isinstance(spec, MapOf):
            if isinstance(current, Mapping):
                stack.extend((value, spec.value, False) for _, value in current.entries)
        elif isinstance(spec, list):
            if isinstance(current, Sequence):
                stack.extend((item, spec[0], False) for item in current.items)
        elif isinstance(spec, dict) and isinstance(current, Mapping):
            for key, value in current.entries:
                child = spec.get(key.text)
                if child is None:
                    if top and key.text in skip:
                        continue
                    from difflib import get_close_matches  # only when there is a typo to explain

                    close = get_close_matches(key.text, list(spec), n=1, cutoff=0.8)
                    yield UnknownKey(key, current.path, close[0] if close else None)
                else:
                    stack.append((value, child, False))


def matches(node: Node, schema):
    """Every (key, value, spec) pair below ``node`` whose key the schema knows, depth first in file
    order; aliased subtrees are visited once."""
    seen: set[tuple[int, int]] = set()
    stack = [(node, schema)]
    while stack:
        current, spec = stack.pop()
        marker = (id(current), id(spec))
        if marker in seen:
            continue
        seen.add(marker)
        if isinstance(spec, MapOf):
            if isinstance(current, Mapping):
                stack.extend((value, spec.value) for _, value in reversed(current.entries))
        elif isinstance(spec, list):
            if isinstance(current, Sequence):
                stack.extend((item, spec[0]) for item in reversed(current.items))
        elif isinstance(spec, dict) and isinstance(current, Mapping):
            for key, value in reversed(current.entries):
                child = spec.get(key.text)
                if child is not None:
                    stack.append((value, child))
            for key, value in current.entries:
                child = spec.get(key.text)
                if child is not None:
                    yield key, value, child


def secrets(node: Node, schema):
    """Every secret that holds a literal value, as (key, value, Secret); a secret list or map
    (http_headers secrets) yields each of its values with the key that holds it."""
    for key, value, spec in matches(node, schema):
        yield from _literal_secrets(key, value, spec)


def _literal_secrets(key: Scalar, value: Node, spec):
    if isinstance(spec, Secret):
        if isinstance(value, Scalar) and not value.is_null and value.text.strip():
            yield key, value, spec
    elif isinstance(spec, list) and isinstance(value, Sequence):
        for item in value.items:
            yield from _literal_secrets(key, item, spec[0])
    elif isinstance(spec, MapOf) and isinstance(value, Mapping):
        for child_key, child in value.entries:
            yield from _literal_secrets(child_key, child, spec.value)


def schema_for(kind: str):
    """The schema of a Prometheus or an Alertmanager config (loaded when first asked for)."""
    if kind == "prometheus":
        from .prometheus_schema import PROMETHEUS

        return PROMETHEUS
    from .alertmanager_schema import ALERTMANAGER

    return ALERTMANAGER
