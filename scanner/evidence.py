"""Passed checks, as evidence for an audit: which rule was evaluated on which object (a compose
service, an nginx location, a scrape job, a Terraform resource, a unit ...) and found nothing.

The objects of a file are found from its parsed form, each with its span of lines; a rule that
reads that kind of file was evaluated on each of them, and passed on those where none of its
findings falls. Computed only when asked for (`--show-passed`, `promguard report`): a normal
scan does none of this.
"""

from __future__ import annotations


class Check:
    """One rule evaluated on one object, and whether it passed."""

    __slots__ = ("rule_id", "object", "path", "line", "end_line", "passed")

    def __init__(self, rule_id, obj, path, line, end_line, passed):
        self.rule_id = rule_id
        self.object = obj  # what was checked: "service `prometheus`", "location /api/"
        self.path = path
        self.line = line
        self.end_line = end_line
        self.passed = passed

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "object": self.object,
            "path": self.path,
            "line": self.line,
            "passed": self.passed,
        }


def objects(doc, kind=None) -> list[tuple[str, int, int]]:
    """(label, first line, last line) of what a document holds (``kind.objects``); the file
    as a whole when its kind has no smaller objects."""
    found = kind.objects(doc) if kind is not None else []
    if not found:
        found = [(f"file {doc.path}", 1, max(1, doc.text.count("\n") + 1))]
    return found


def checks_for(doc, rules, findings, kind=None) -> list[Check]:
    spans = objects(doc, kind)
    checks = []
    for rule in rules:
        # a finding counts against an object when it, or a line it depends on, is inside it
        lines = [
            line
            for f in findings
            if f.rule_id == rule.id
            for path, line in [(f.path, f.line)] + [(p, n) for p, n, _, _ in f.related]
            if path == doc.path
        ]
        for label, start, end in spans:
            failed = any(start <= line <= end for line in lines)
            checks.append(Check(rule.id, label, doc.path, start, end, not failed))
    return checks
