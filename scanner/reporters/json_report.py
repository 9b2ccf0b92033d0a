"""Findings as one JSON object: ``findings``, ``suppressed`` and a ``summary``. Each finding
carries ``controls``: what its rule checks in promguard's baseline, the CIS Docker Benchmark, the
OWASP Docker Security Cheat Sheet and CWE (scanner.controls)."""

from __future__ import annotations

import json

from .. import __version__, controls
from ..model import SEVERITIES


def _finding(finding, rules: dict) -> dict:
    """The finding, with what its rule checks: promguard controls, CIS and OWASP Docker, CWE."""
    data = finding.as_dict()
    data["controls"] = controls.mapping(rules.get(finding.rule_id))
    return data


def render(result, show_passed: bool = False) -> str:
    rules = {rule.id: rule for rule in result.rules_run}
    counts = {s: 0 for s in SEVERITIES}
    for f in result.findings:
        counts[f.severity] += 1
    data = {
        "tool": {"name": "promguard", "version": __version__},
        "findings": [_finding(f, rules) for f in result.findings],
        "suppressed": [_finding(f, rules) for f in result.suppressed],
        "summary": {
            "files_scanned": result.files_scanned,
            "files_by_kind": dict(sorted(result.kinds.items())),
            "files_not_checked": dict(sorted(result.not_checked.items())),
            "findings": len(result.findings),
            "by_severity": counts,
            "suppressed": len(result.suppressed),
            "parse_errors": result.parse_errors,
            "errors": result.errors,
            "baseline": {"hidden": result.baseline_hidden, "stale": result.baseline_stale},
        },
    }
    if show_passed:
        data["passed"] = [c.as_dict() for c in result.checks if c.passed]
    return json.dumps(data, indent=2) + "\n"
