"""In-source suppressions.

``# promguard: ignore[RULE-ID, ...] reason`` on the line of a finding, or alone on the line
before it; ``# promguard: ignore-file[RULE-ID, ...] reason`` anywhere in the file. A rule ID
may be a prefix (``PROM`` covers every PROM rule). A suppression without a rule ID or without a
reason is reported instead of applied: silencing a security check needs a recorded why.
"""

from __future__ import annotations

from .lazy_regex import lazy

_COMMENT = lazy(r"(?:^|\s)#\s*promguard\s*:\s*(?P<kind>ignore-file|ignore)\b(?P<rest>.*)$")
_IDS = lazy(r"^\[(?P<ids>[^\]]*)\]\s*(?P<reason>.*)$")


class Suppression:
    __slots__ = ("line", "column", "whole_file", "ids", "reason", "own_line")

    def __init__(self, line, column, whole_file, ids, reason, own_line):
        self.line = line
        self.column = column
        self.whole_file = whole_file
        self.ids = ids
        self.reason = reason
        self.own_line = own_line  # nothing but the comment on its line

    def covers(self, rule_id: str) -> bool:
        return any(rule_id.startswith(i) for i in self.ids)


class Problem:
    __slots__ = ("line", "column", "end_column", "message")

    def __init__(self, line, column, end_column, message):
        self.line = line
        self.column = column
        self.end_column = end_column
        self.message = message


def parse(text: str):
    """(suppressions, problems) found in the comments of ``text``."""
    suppressions: list[Suppression] = []
    problems: list[Problem] = []
    if "promguard" not in text:
        return suppressions, problems
    for number, line in enumerate(text.splitlines(), 1):
        if "promguard" not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        column = line.index("#", match.start()) + 1
        kind = match.group("kind")
        rest = match.group("rest").strip()
        ids_match = _IDS.match(rest)
        ids = []
        reason = ""
        if ids_match:
            ids = [i.strip() for i in ids_match.group("ids").split(",") if i.strip()]
            reason = ids_match.group("reason").strip()
        end = len(line) + 1
        if not ids:
            problems.append(
                Problem(
                    number,
                    column,
                    end,
                    f"`{kind}` names no rule: write `# promguard: {kind}[RULE-ID] reason`",
                )
            )
            continue
        if not reason:
            problems.append(
                Problem(
                    number,
                    column,
                    end,
                    f"`{kind}[{', '.join(ids)}]` gives no "
                    "reason: say why the finding does not apply",
                )
            )
            continue
        own_line = not line[: column - 1].strip()
        suppressions.append(
            Suppression(number, column, kind == "ignore-file", ids, reason, own_line)
        )
    return suppressions, problems


def find(suppressions: list[Suppression], rule_id: str, line: int):
    """The suppression that covers a finding of ``rule_id`` starting on ``line``, if any."""
    for s in suppressions:
        if not s.covers(rule_id):
            continue
        if s.whole_file or s.line == line or (s.own_line and s.line == line - 1):
            return s
    return None


def mark_suppressed(findings: list, text: str, suppressions=None) -> None:
    """Each finding that a comment in ``text`` (the file it is in) silences gets the reason."""
    if suppressions is None:
        suppressions, _ = parse(text)
    for finding in findings:
        hit = find(suppressions, finding.rule_id, finding.line)
        if hit is not None:
            finding.suppression = hit.reason
