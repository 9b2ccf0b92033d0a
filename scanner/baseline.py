"""Baselines: today's findings recorded once (`--write-baseline FILE`) and hidden afterwards
(`--baseline FILE`), so that a team can adopt promguard and be told only about what is new.

Findings are matched by their fingerprint (rule, file and key path; not the line), so they stay
matched when lines are added above them or the file is edited elsewhere. An entry that no
finding matches any more was fixed: it is reported as stale, so the file can be pruned by writing
it again.
"""

from __future__ import annotations

import json

VERSION = 1


class BaselineError(Exception):
    pass


def write_baseline(path: str, findings: list) -> None:
    entries = [
        {
            "fingerprint": f.fingerprint,
            "rule_id": f.rule_id,
            "path": f.path,
            "line": f.line,
            "message": f.message,  # secrets are already masked in messages
        }
        for f in sorted(findings, key=lambda f: f.sort_key())
    ]
    data = {"tool": "promguard", "version": VERSION, "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise BaselineError(f"cannot write {path}: {exc.strerror or exc}") from None


def read_baseline(path: str) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if data.get("tool") != "promguard" or not isinstance(entries, list):
        raise BaselineError(f"{path} is not a promguard baseline (--write-baseline makes one)")
    if not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise BaselineError(f"baseline {path}: every entry needs a fingerprint")
    return entries


def apply_baseline(result, entries: list[dict]) -> None:
    """Moves the findings the baseline knows out of ``result.findings``; records how many
    were hidden and which entries no finding matches any more."""
    known = {(e["fingerprint"], e.get("rule_id")) for e in entries}
    kept, hidden, matched = [], 0, set()
    for finding in result.findings:
        key = (finding.fingerprint, finding.rule_id)
        if key in known:
            hidden += 1
            matched.add(key)
        else:
            kept.append(finding)
    result.findings = kept
    result.baseline_hidden = hidden
    result.baseline_stale = [
        e for e in entries if (e["fingerprint"], e.get("rule_id")) not in matched
    ]
