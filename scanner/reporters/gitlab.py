"""GitLab Code Quality report: the JSON array that ``artifacts: reports: codequality`` takes.

GitLab reads a subset of the Code Climate issue format (docs.gitlab.com, "Code Quality",
"Implement a custom tool"): ``description``, ``check_name``, ``fingerprint``, ``severity``,
``location.path`` (relative to the repository) and ``location.lines.begin``. Everything else is
ignored by GitLab; ``type``, ``categories`` and ``content`` are here for other Code Climate
readers. The merge request widget shows issues with the same fingerprint as one, so each
finding keeps its own stable ``fingerprint`` (scanner/model.py: rule, file and key path, not
the line, so an edit above a finding does not make it look new). Suppressed findings are left
out: GitLab has no notion of a suppressed issue. The file must not start with a byte order
mark; ``json.dumps`` writes none, and escapes everything outside ASCII.
"""

from __future__ import annotations

import json

# GitLab's scale is info < minor < major < critical < blocker. promguard's four severities map
# onto the four lowest, keeping "critical" for promguard's critical (an exposed secret, an
# unauthenticated admin API) so the word means the same in both tools. "blocker" is left out on
# purpose: whether a finding blocks the merge is the pipeline's decision (--fail-on), not the
# rule's. "low" is hardening advice, which is what GitLab's "info" is for.
SEVERITY = {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}


def _issue(finding) -> dict:
    issue = {
        "type": "issue",
        "description": f"{finding.rule_id}: {finding.message}",
        "check_name": finding.rule_id,
        "fingerprint": finding.fingerprint,
        "severity": SEVERITY.get(finding.severity, "info"),
        "categories": ["Security"],
        "location": {
            "path": finding.path,
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }
    if finding.fix:
        issue["content"] = {"body": finding.fix}
    return issue


def render(result) -> str:
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    return json.dumps([_issue(f) for f in findings], indent=2) + "\n"
