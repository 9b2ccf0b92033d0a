"""Findings for people: ``path:line:col: SEVERITY RULE-ID message`` and a fix hint below."""

from __future__ import annotations

from ..model import SEVERITIES
from ..safe_text import escape

_COLOURS = {"critical": "\033[1;35m", "high": "\033[1;31m", "medium": "\033[33m", "low": "\033[36m"}
_DIM = "\033[2m"
_BOLD = "\033[1m"
_RESET = "\033[0m"


def render(result, colour: bool = False, quiet: bool = False, show_passed=False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines = []
    for f in result.findings:
        # paths, messages and fixes quote the scanned files: escaped before colour is added
        where = paint(_BOLD, escape(f"{f.path}:{f.line}:{f.column}:"))
        severity = paint(_COLOURS[f.severity], f.severity.upper())
        lines.append(f"{where} {severity} {escape(f.rule_id)} {escape(f.message)}")
        for path, line, column, message in f.related:
            lines.append(paint(_DIM, escape(f"    see {path}:{line}:{column}: {message}")))
        if f.fix and not quiet:
            lines.append(paint(_DIM, escape(f"    fix: {f.fix}")))
    if show_passed:
        passed = [c for c in result.checks if c.passed]
        if passed:
            lines.append(f"passed checks ({len(passed)}):")
        for check in passed:
            lines.append(
                escape(f"  {check.path}:{check.line}: {check.rule_id} passed on {check.object}")
            )
    if not quiet:
        for entry in result.baseline_stale:
            lines.append(
                escape(
                    f"stale baseline entry (fixed, or moved to another file): {entry.get('path')}:"
                    f"{entry.get('line')} {entry.get('rule_id')} {entry.get('message', '')}"
                )
            )
        if lines:
            lines.append("")
        lines.append(summary(result))
    for error in result.errors:
        lines.append(escape(f"error: {error}"))
    return "\n".join(lines) + ("\n" if lines else "")


def summary(result) -> str:
    counts = {s: 0 for s in SEVERITIES}
    for f in result.findings:
        counts[f.severity] += 1
    total = len(result.findings)
    noun = "finding" if total == 1 else "findings"
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts[s]]
    text = f"{total} {noun}" + (f" ({', '.join(parts)})" if parts else "")
    files = "file" if result.files_scanned == 1 else "files"
    text += f" in {result.files_scanned} {files} scanned"
    if result.suppressed:
        text += f"; {len(result.suppressed)} suppressed"
    if result.baseline_hidden:
        text += f"; {result.baseline_hidden} hidden by the baseline"
    if result.baseline_stale:
        stale = len(result.baseline_stale)
        text += (
            f"; {stale} stale baseline {'entry' if stale == 1 else 'entries'} "
            "(write the baseline again to prune)"
        )
    if result.parse_errors:
        unread = "file" if result.parse_errors == 1 else "files"
        text += f"; {result.parse_errors} {unread} could not be parsed"
    if result.not_checked:
        kinds = ", ".join(
            f"{n} {kind} file{'s' if n != 1 else ''}"
            for kind, n in sorted(result.not_checked.items())
        )
        text += f"; not checked: {kinds}"
    return text + "."
