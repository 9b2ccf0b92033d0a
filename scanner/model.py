"""The data that flows from rules to reporters: severities, findings, scanned files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")
RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # critical = 4 ... low = 1

# What a rule that reads any file lists in ``kinds`` (parse errors, suppressions). The file
# kinds are plugins of their own (scanner/kinds/, ``promguard.kinds.installed()``).
ANY_KIND = "any"
# The built-in kinds of promguard 0.1, kept for plugins that import the name; what a scan knows
# is the installed kinds.
KINDS = (
    "prometheus",
    "alertmanager",
    "webconfig",
    "compose",
    "nginx",
    "caddy",
    "terraform",
    "dockerfile",
    "systemd",
    ANY_KIND,
    "stack",
)


class Finding:
    __slots__ = (
        "rule_id",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "key_path",
        "fix",
        "fingerprint",
        "suppression",
        "related",
    )

    def __init__(
        self,
        rule_id: str,
        severity: str,
        message: str,
        path: str,
        line: int,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        key_path: str = "",
        fix: str = "",
    ):
        self.rule_id = rule_id
        self.severity = severity
        self.message = message
        self.path = path
        self.line = max(1, line)
        self.column = max(1, column)
        self.end_line = end_line if end_line and end_line >= self.line else self.line
        if end_column is None or (self.end_line == self.line and end_column <= self.column):
            end_column = self.column + 1
        self.end_column = end_column
        self.key_path = key_path
        self.fix = fix
        self.fingerprint = ""
        self.suppression: str | None = None  # the reason given in a suppression comment
        # other places the finding depends on: (path, line, column, what is there)
        self.related: list[tuple[str, int, int, str]] = []

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.path, self.line, self.column, self.rule_id, self.key_path, self.message)

    def as_dict(self) -> dict:
        data = {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "key_path": self.key_path,
            "fingerprint": self.fingerprint,
            "fix": self.fix,
        }
        if self.suppression is not None:
            data["suppression"] = self.suppression
        if self.related:
            data["related"] = [
                {"path": p, "line": line, "column": column, "message": message}
                for p, line, column, message in self.related
            ]
        return data


def assign_fingerprints(findings: list[Finding]) -> None:
    """A fingerprint that survives edits above the finding: rule, file and key path, not the line.
    Findings that share all three (two ${VAR} in one value) are told apart by their order."""
    if not findings:
        return
    sha256 = _sha256()

    counts: dict[tuple[str, str, str], int] = {}
    for finding in findings:
        base = (finding.rule_id, finding.path, finding.key_path or finding.message)
        n = counts.get(base, 0)
        counts[base] = n + 1
        text = "\x1f".join(base + (str(n),))
        finding.fingerprint = sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


MASK = "********"  # the same for every value: a prefix or a length would leak part of a secret


def _sha256() -> Callable[[bytes], Any]:
    """SHA-256 from CPython's own module when there is one: hashlib loads OpenSSL, which costs
    a pre-commit run more (about 4 ms) than the rest of its fingerprints; the digest is the
    same."""
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # CPython 3.12 and later
        except ImportError:
            from hashlib import sha256
    return sha256
