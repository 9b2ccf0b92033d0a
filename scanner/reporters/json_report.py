"""Findings as one JSON object: ``findings``, ``suppressed`` and a ``summary``. Each finding
carries ``controls``: what its rule checks in promguard's baseline, the CIS Docker Benchmark, the
OWASP Docker Security Cheat Sheet and CWE (scanner.controls)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .. import __version__, controls
from ..model import SEVERITIES


def _finding(finding, mappings: dict) -> dict:
    """The finding, with what its rule checks: promguard controls, CIS and OWASP Docker, CWE."""
    data = finding.as_dict()
    data["controls"] = mappings.get(finding.rule_id) or controls.mapping(None)
    return data


def render(result, show_passed: bool = False) -> str:
    return "".join(chunks(result, show_passed))


def chunks(result, show_passed: bool = False) -> Iterator[str]:
    """The report in pieces, a finding at a time: a scan of 50,000 files has 80,000 findings,
    and the whole document at once would cost hundreds of MB."""
    # one mapping per rule, shared by its findings: a large scan has tens of thousands
    rules = {rule.id: controls.mapping(rule) for rule in result.rules_run}
    counts = {s: 0 for s in SEVERITIES}
    for f in result.findings:
        counts[f.severity] += 1
    summary = {
        "files_scanned": result.files_scanned,
        "files_by_kind": dict(sorted(result.kinds.items())),
        "files_not_checked": dict(sorted(result.not_checked.items())),
        "findings": len(result.findings),
        "by_severity": counts,
        "suppressed": len(result.suppressed),
        "parse_errors": result.parse_errors,
        "errors": result.errors,
        "baseline": {"hidden": result.baseline_hidden, "stale": result.baseline_stale},
    }
    sections = [
        ("tool", [json.dumps({"name": "promguard", "version": __version__})]),
        ("findings", _array(_finding(f, rules) for f in result.findings)),
        ("suppressed", _array(_finding(f, rules) for f in result.suppressed)),
        ("summary", [json.dumps(summary, indent=2).replace("\n", "\n  ")]),
    ]
    if show_passed:
        sections.append(("passed", _array(c.as_dict() for c in result.checks if c.passed)))
    yield "{\n"
    for i, (name, parts) in enumerate(sections):
        yield (",\n" if i else "") + f'  "{name}": '
        yield from parts
    yield "\n}\n"


def _array(items) -> Iterator[str]:
    """One item per line: readable, and written by json's C encoder (a pretty-printed
    document of tens of thousands of findings takes seconds in pure Python)."""
    empty = True
    for item in items:
        yield ("[\n    " if empty else ",\n    ") + json.dumps(item, ensure_ascii=False)
        empty = False
    yield "[]" if empty else "\n  ]"
