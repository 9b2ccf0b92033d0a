"""Findings as one JSON object: ``findings``, ``suppressed`` and a ``summary``."""

from __future__ import annotations

import json

from .. import __version__
from ..model import SEVERITIES


def render(result) -> str:
    counts = {s: 0 for s in SEVERITIES}
    for f in result.findings:
        counts[f.severity] += 1
    data = {
        "tool": {"name": "promguard", "version": __version__},
        "findings": [f.as_dict() for f in result.findings],
        "suppressed": [f.as_dict() for f in result.suppressed],
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
    return json.dumps(data, indent=2) + "\n"
