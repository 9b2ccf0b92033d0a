"""Loading and checking rules. Built-in families are entry points of promguard's own
distribution, so they load exactly like a third-party plugin does."""

from __future__ import annotations

import importlib

from . import controls
from .lazy_regex import lazy
from .model import ANY_KIND, SEVERITIES
from .plugins import entry_points, search_path
from .rule import Rule

_ID = lazy(r"^[A-Z][A-Z0-9]*[0-9]+$")
_NAME = lazy(r"^[a-z0-9][a-z0-9-]*$")
_PRECISIONS = ("very-high", "high", "medium", "low")
_REQUIRED = ("name", "title", "description", "fix")


class RuleLoadError(Exception):
    """A rule or plugin that cannot be used; the message names where it came from."""


def _rules_of(obj) -> list[type[Rule]]:
    if isinstance(obj, type) and issubclass(obj, Rule):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [r for item in obj for r in _rules_of(item)]
    rules = getattr(obj, "RULES", None)  # a module listing its rules
    if rules is not None:
        return _rules_of(rules)
    raise RuleLoadError(f"{obj!r} is not a Rule subclass, a list of them, or a module with RULES")


def _problems(rule: Rule, kinds: frozenset[str]) -> list[str]:
    problems = []
    if not isinstance(rule.id, str) or not _ID.match(rule.id):
        problems.append(f"id {rule.id!r} is not letters followed by digits (e.g. ACME001)")
    for field in _REQUIRED:
        if not isinstance(getattr(rule, field), str) or not getattr(rule, field).strip():
            problems.append(f"missing {field}")
    if rule.name and not _NAME.match(rule.name):
        problems.append(f"name {rule.name!r} is not a lower-case slug")
    if rule.severity not in SEVERITIES:
        problems.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    if not rule.kinds:
        problems.append("no file kinds")
    for kind in rule.kinds:
        if kind not in kinds:
            problems.append(f"unknown file kind {kind!r} (known: {', '.join(sorted(kinds))})")
    if not rule.references:
        problems.append("no references")
    for ref in rule.references:
        if not isinstance(ref, str) or not ref.startswith("https://"):
            problems.append(f"reference {ref!r} is not an https URL")
    if rule.precision not in _PRECISIONS:
        problems.append(f"precision {rule.precision!r} is not one of {', '.join(_PRECISIONS)}")
    # Unknown control IDs are errors for any rule; naming no baseline control is not (a plugin
    # need not map itself; promguard's own rules must: tests/test_controls.py).
    problems += [p for p in controls.problems(rule) if not p.startswith("names no control")]
    return problems


def unloaded_ids(kinds: set[str] | None) -> set[str]:
    """The IDs of the built-in rules ``load_rules(kinds=kinds)`` leaves out."""
    if kinds is None:
        return set()
    return {
        rule_id
        for family in _index().values()
        if not _wanted(family["kinds"], kinds)
        for rule_id in family["ids"]
    }


def _reads(ep, module: str, kinds: set[str]) -> bool:
    family = _index().get(module) if ep.distribution == "promguard" else None
    return family is None or _wanted(family["kinds"], kinds)


def _wanted(family_kinds: list[str], kinds: set[str]) -> bool:
    return ANY_KIND in family_kinds or bool(kinds.intersection(family_kinds))


def _index() -> dict:
    """scanner/rule_index.py, which promguard.docs writes and a test keeps current."""
    from .rule_index import FAMILIES

    return FAMILIES


def validate(rules: list[Rule], kinds: frozenset[str] | None = None) -> None:
    """``kinds``: the kinds a rule may read (by default, those installed)."""
    if kinds is None:
        from .kinds import installed

        kinds = installed().names
    kinds = kinds | {ANY_KIND}
    by_id: dict[str, Rule] = {}
    for rule in rules:
        problems = _problems(rule, kinds)
        if problems:
            raise RuleLoadError(f"rule {rule.id or '?'} from {rule.source}: {'; '.join(problems)}")
        other = by_id.get(rule.id)
        if other is not None:
            raise RuleLoadError(
                f"duplicate rule id {rule.id}: from {other.source} and from {rule.source}"
            )
        by_id[rule.id] = rule


def load_rules(exclude: tuple[str, ...] = (), kinds: set[str] | None = None) -> list[Rule]:
    """Every rule of every installed family, validated, sorted by id; with ``kinds``, of the
    built-in families only those that read one of them (plugins are always loaded)."""
    rules: list[Rule] = []
    for ep in entry_points(search_path(exclude)):
        module_name, _, attr = ep.value.partition(":")
        if kinds is not None and not _reads(ep, module_name.strip(), kinds):
            continue
        source = f"{ep.distribution} entry point {ep.name!r} ({ep.value})"
        try:
            obj = importlib.import_module(module_name.strip())
            for part in filter(None, attr.strip().split(".")):
                obj = getattr(obj, part)
        except Exception as exc:  # a broken plugin must not look like a broken scan
            raise RuleLoadError(f"cannot load {source}: {type(exc).__name__}: {exc}") from exc
        for cls in _rules_of(obj):
            rule = cls()
            rule.source = source
            rules.append(rule)
    from .kinds import installed

    validate(rules, installed(exclude).names)
    rules.sort(key=lambda r: r.id)
    return rules
