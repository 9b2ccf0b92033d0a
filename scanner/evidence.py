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


def objects(doc) -> list[tuple[str, int, int]]:
    """(label, first line, last line) of what a document holds; the file as a whole when
    its kind has no smaller objects."""
    finder = _FINDERS.get(doc.kind)
    found = finder(doc) if finder is not None else []
    if not found:
        found = [(f"file {doc.path}", 1, max(1, doc.text.count("\n") + 1))]
    return found


def checks_for(doc, rules, findings) -> list[Check]:
    spans = objects(doc)
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


def _mapping_entries(doc, key):
    for root in doc.mappings():
        value = root.get(key)
        if hasattr(value, "entries"):
            yield from value.entries


def _compose(doc):
    return [
        (f"service `{key.text}`", key.line, value.end_line)
        for key, value in _mapping_entries(doc, "services")
    ]


def _prometheus(doc):
    found = []
    for root in doc.mappings():
        jobs = root.get("scrape_configs")
        for job in jobs if hasattr(jobs, "items") and not hasattr(jobs, "entries") else ():
            name = job.text("job_name") if hasattr(job, "text") else None
            found.append((f"scrape job `{name or '?'}`", job.line, job.end_line))
        alerting = root.get("alerting")
        if alerting is not None:
            found.append(("alerting", alerting.line, alerting.end_line))
    return found


def _alertmanager(doc):
    found = []
    for root in doc.mappings():
        receivers = root.get("receivers")
        for receiver in (
            receivers if hasattr(receivers, "items") and not hasattr(receivers, "entries") else ()
        ):
            name = receiver.text("name") if hasattr(receiver, "text") else None
            found.append((f"receiver `{name or '?'}`", receiver.line, receiver.end_line))
    return found


def _nginx(doc):
    config = doc.roots[0] if doc.roots else None
    found = []
    for directive in config.walk() if config is not None else ():
        if directive.name in ("server", "location") and directive.block is not None:
            if getattr(directive, "file", None) not in (None, doc.abspath):
                continue
            label = " ".join([directive.name, *directive.args])
            end = max([directive.line] + [d.line for d in _walk(directive)])
            found.append((label, directive.line, end))
    return found


def _caddy(doc):
    parsed = doc.roots[0] if doc.roots else None
    found = []
    for site in parsed.sites if parsed is not None else ():
        if site.file in (None, "", doc.abspath):
            label = "site " + ", ".join(a.text for a in site.addresses)
            found.append((label, site.line, site.end_line))
    return found


def _walk(directive, depth=0):
    for child in directive.block or ():
        yield child
        if depth < 50:
            yield from _walk(child, depth + 1)


def _terraform(doc):
    parsed = doc.roots[0] if doc.roots else None
    body = getattr(parsed, "body", None)
    found = []
    for block in body.blocks if body is not None else ():
        if block.type in ("resource", "module", "variable") and block.labels:
            found.append((f"{block.type} {'.'.join(block.labels)}", block.line, block.end_line))
    return found


def _dockerfile(doc):
    parsed = doc.roots[0] if doc.roots else None
    stages = getattr(parsed, "stages", None) or []
    found = []
    for i, stage in enumerate(stages):
        lines = [x.end_line for x in stage.instructions] or [stage.line]
        found.append((f"stage {i + 1} (FROM {stage.base or '?'})", stage.line, max(lines)))
    return found


_FINDERS = {
    "compose": _compose,
    "prometheus": _prometheus,
    "alertmanager": _alertmanager,
    "nginx": _nginx,
    "caddy": _caddy,
    "terraform": _terraform,
    "dockerfile": _dockerfile,
}
