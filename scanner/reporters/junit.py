"""JUnit XML for CI test-report views (GitLab ``artifacts: reports: junit``, Jenkins, Azure).

Layout: ``<testsuites>`` holding one ``<testsuite name="promguard">`` with one ``<testcase>``
per rule that ran (``classname`` is ``promguard.<family>``, ``name`` is "ID title"). A rule that
found nothing passes. A rule that found something fails with exactly one ``<failure>``: Jenkins,
Azure DevOps and the GitHub JUnit report actions show only the first ``<failure>`` of a
testcase, so the findings of a rule are listed one a line in that single element's text, and
its ``message`` names the first one ("path:line:col message", "and N more" when there are
more). ``type`` is the highest severity among them. Internal errors (a rule that crashed) are
one ``<error>`` in an extra testcase named "promguard", so a broken scan never reads as green.
Every finding is a failure whatever --fail-on says; suppressed findings are not reported.

Text from scanned files can hold characters XML 1.0 cannot carry (control characters, and
lone surrogates from file names that are not UTF-8): they are replaced, so the report always
parses. Messages are already masked: no secret value reaches this file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .. import __version__
from ..model import RANK

# Everything XML 1.0 forbids: C0 controls other than tab/LF/CR, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _classname(rule) -> str:
    """promguard.<family>: the module the rule comes from (promguard.rules.nginx -> nginx)."""
    module = type(rule).__module__ or ""
    if module.startswith("promguard.rules."):
        family = module.rsplit(".", 1)[-1]
    else:  # a plugin: its top-level package
        family = module.split(".", 1)[0]
    return f"promguard.{family}" if family else "promguard"


def _location(finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}"


def _failure_text(findings) -> str:
    lines = []
    for f in findings:
        lines.append(f"{_location(f)}: {f.severity.upper()} {f.rule_id} {f.message}")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    return "\n".join(lines) + "\n"


def _testcase(suite, classname: str, name: str, findings) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name))
    if findings:
        first = findings[0]
        message = f"{_location(first)} {first.message}"
        if len(findings) > 1:
            message += f" (and {len(findings) - 1} more)"
        worst = max(findings, key=lambda f: RANK.get(f.severity, 0)).severity
        failure = ET.SubElement(case, "failure", message=_clean(message), type=_clean(worst))
        failure.text = _clean(_failure_text(findings))
    return case


def render(result) -> str:
    by_rule: dict[str, list] = {}
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        by_rule.setdefault(finding.rule_id, []).append(finding)

    root = ET.Element("testsuites", name="promguard")
    suite = ET.SubElement(root, "testsuite", name="promguard")
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("promguard.version", __version__),
        ("files_scanned", result.files_scanned),
        ("suppressed", len(result.suppressed)),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))

    tests = failures = errors = 0
    seen = set()
    for rule in sorted(result.rules_run, key=lambda r: r.id):
        seen.add(rule.id)
        findings = by_rule.get(rule.id, [])
        _testcase(suite, _classname(rule), f"{rule.id} {rule.title}", findings)
        tests += 1
        failures += bool(findings)
    # Findings of a rule that is not in rules_run (none today): still reported, never dropped.
    for rule_id in sorted(set(by_rule) - seen):
        _testcase(suite, "promguard", rule_id, by_rule[rule_id])
        tests += 1
        failures += 1
    if result.errors:
        case = ET.SubElement(suite, "testcase", classname="promguard", name="promguard")
        message = result.errors[0]
        if len(result.errors) > 1:
            message += f" (and {len(result.errors) - 1} more)"
        error = ET.SubElement(case, "error", message=_clean(message), type="internal error")
        error.text = _clean("\n".join(result.errors) + "\n")
        tests += 1
        errors += 1

    counts = {"tests": tests, "failures": failures, "errors": errors, "skipped": 0}
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
