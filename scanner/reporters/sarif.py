"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om.

What GitHub needs (../shared/sarif/README.md): rules with full metadata and a numeric
``security-severity`` string, one location per result with a repo-relative URI and a complete
region, a results array even when empty, and no ``primaryLocationLineHash`` of our own (the
upload action computes it from the checked-out file).

Each rule's ``properties`` name what it checks (scanner.controls): ``controls`` holds the
promguard baseline, CIS Docker, OWASP Docker and CWE IDs, and the tags repeat them as
``control:PGB-03``, ``cis-docker:5.5`` and ``owasp-docker:RULE-3`` after the rule's own tags,
as many as fit in the ten GitHub shows.

Every scanned file may come from a pull request, so the log stays inside what GitHub accepts
whatever the tree holds (limits in ../shared/sarif/README.md):

* at most ``MAX_RESULTS`` (25,000) results in the run. When there are more, the ones kept are
  chosen in this order: findings that are not suppressed before suppressed ones (a suppressed
  result is a closed alert: thousands of them must not push out one open alert), then severity,
  highest first, then the report's order (path, line, column, rule id). The kept results are
  written in the report's order, as always; ``invocations[0].toolExecutionNotifications`` gets a
  warning saying how many were left out, and ``render_counted`` tells the CLI;
* at most ``MAX_RELATED`` (1,000) related locations per result, the limit on locations;
* at most ``MAX_GZIP_BYTES`` (10 MB) once gzip-compressed: more results are left out, in the
  same order, until it fits (only a hostile tree gets near it);
* every artifact URI is an RFC 3986 reference: percent-encoded UTF-8 (the raw bytes of a name
  that is not UTF-8), forward slashes, so a space, ``#``, ``?``, ``%``, a newline or a backslash
  in a file name still points at that file.
"""

from __future__ import annotations

import gzip
import json
import os
import pathlib
from urllib.parse import quote

import attr
import sarif_om as om

from .. import __version__, controls
from ..model import RANK

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/promguard/promguard"
FINGERPRINT_KEY = "promguardFindingHash/v1"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
MAX_RESULTS = 25_000  # GitHub rejects a run with more results
MAX_RELATED = 1_000  # and a result with more locations
MAX_GZIP_BYTES = 10 * 1024 * 1024  # and a file larger than this once compressed
# Left as they are in a path: RFC 3986 allows sub-delims and "@" in a segment, and a literal
# name matches the repository's file even for a reader that does not decode. ":" is encoded: in
# a relative reference's first segment it would read as a scheme ("c:x.yml").
_PATH_SAFE = "/!$&'()*+,;=@"


_ALWAYS = frozenset(("level",))  # explicit even where it equals SARIF's default "warning"


def _to_json(obj):
    """sarif-om objects to plain JSON data, leaving out fields that keep their default."""
    if isinstance(obj, list):
        return [_to_json(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _to_json(value) for key, value in obj.items()}
    if not attr.has(type(obj)):
        return obj
    out = {}
    for field in attr.fields(type(obj)):
        value = getattr(obj, field.name)
        if value is None:
            continue
        default = field.default
        if isinstance(default, attr.Factory):
            default = default.factory()
        name = field.metadata["schema_property_name"]
        if default is not attr.NOTHING and value == default and name not in _ALWAYS:
            continue
        out[name] = _to_json(value)
    return out


_CONTROL_TAG = {"promguard": "control", "cis_docker": "cis-docker", "owasp_docker": "owasp-docker"}


def _control_tags(rule) -> list[str]:
    """control:PGB-03, cis-docker:5.5, owasp-docker:RULE-3 (a tag is one word)."""
    found = controls.mapping(rule)
    return [
        f"{prefix}:{item.replace(' #', '-')}"
        for framework, prefix in _CONTROL_TAG.items()
        for item in found[framework]
    ]


def _tags(rule) -> list[str]:
    tags = ["security", *rule.tags]
    tags += [f"external/cwe/{c.lower()}" for c in rule.cwe]
    tags += _control_tags(rule)  # after the others: all of them are in properties.controls
    return list(dict.fromkeys(tags))[:10]  # GitHub shows ten tags and rejects more than twenty


def _help_markdown(rule) -> str:
    refs = "\n".join(f"- <{ref}>" for ref in rule.references)
    return (
        f"**{rule.title}** ({rule.id}, {rule.severity})\n\n{rule.description}\n\n"
        f"**Why it matters.** {rule.rationale}\n\n**Fix.** {rule.fix}\n\n**References**\n{refs}\n"
    )


def _help_text(rule) -> str:
    refs = "\n".join(f"- {ref}" for ref in rule.references)
    return (
        f"{rule.description}\n\nWhy it matters: {rule.rationale}\n\nFix: {rule.fix}\n\n"
        f"References:\n{refs}\n"
    )


def _descriptor(rule) -> om.ReportingDescriptor:
    from ..docs import page_url

    return om.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=rule.description[:1024]),
        help=om.MultiformatMessageString(text=_help_text(rule), markdown=_help_markdown(rule)),
        help_uri=page_url(rule) or rule.references[0],  # a plugin's rule has no page of ours
        default_configuration=om.ReportingConfiguration(level=LEVEL[rule.severity]),
        properties={
            "tags": _tags(rule),
            "precision": rule.precision,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "controls": controls.mapping(rule),
        },
    )


def _uri_path(path: str) -> str:
    """The path as a URI path: "/" between folders, everything else percent-encoded UTF-8 (a
    name that is not UTF-8 comes as os.fsdecode's surrogates: its own bytes are encoded)."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    return quote(path, safe=_PATH_SAFE, errors="surrogateescape")


def _artifact(path: str) -> om.ArtifactLocation:
    if path.startswith("/"):  # outside the scan root: only an absolute URI is honest
        return om.ArtifactLocation(uri="file://" + _uri_path(path))
    return om.ArtifactLocation(uri=_uri_path(path), uri_base_id="%SRCROOT%")


def _result(finding, index: int) -> om.Result:
    region = om.Region(
        start_line=finding.line,
        start_column=finding.column,
        end_line=finding.end_line,
        end_column=finding.end_column,
    )
    location = om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=_artifact(finding.path),
            region=region,
        )
    )
    result = om.Result(
        rule_id=finding.rule_id,
        rule_index=index,
        level=LEVEL[finding.severity],
        message=om.Message(text=finding.message),
        locations=[location],
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        properties={"severity": finding.severity, "keyPath": finding.key_path},
    )
    if finding.related:
        related = finding.related[:MAX_RELATED]
        if len(finding.related) > MAX_RELATED:
            result.properties["relatedLocationsOmitted"] = len(finding.related) - MAX_RELATED
        result.related_locations = [
            om.Location(
                id=number,
                physical_location=om.PhysicalLocation(
                    artifact_location=_artifact(path),
                    region=om.Region(start_line=line, start_column=column),
                ),
                message=om.Message(text=message),
            )
            for number, (path, line, column, message) in enumerate(related, 1)
        ]
    if finding.suppression is not None:
        result.suppressions = [om.Suppression(kind="inSource", justification=finding.suppression)]
    return result


def _priority(finding) -> tuple:
    """Which results a run that cannot carry them all keeps first (see the module docstring):
    sorted() is stable, so equal ones stay in the report's order."""
    return (finding.suppression is not None, -RANK.get(finding.severity, 0))


def _ranked(findings) -> list[int]:
    """Indices of ``findings`` (in the report's order) in the order they are kept."""
    return sorted(range(len(findings)), key=lambda i: _priority(findings[i]))[:MAX_RESULTS]


def _omitted_notice(omitted: int, total: int) -> dict:
    kept = total - omitted
    text = (
        f"{omitted} of {total} results were left out: GitHub code scanning accepts at most "
        f"{MAX_RESULTS:,} results in a run and {MAX_GZIP_BYTES // (1024 * 1024)} MB compressed. "
        f"The {kept} kept are the open (not suppressed) ones first, the most severe first; "
        "run `promguard scan --format json` to see every finding."
    )
    return {
        "message": {"text": text},
        "level": "warning",
        "properties": {"omittedResults": omitted, "totalResults": total},
    }


def _run(result, root: str, rules: list) -> om.Run:
    notifications = [
        om.Notification(message=om.Message(text=error), level="error") for error in result.errors
    ]
    return om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="promguard",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_descriptor(rule) for rule in rules],
            )
        ),
        original_uri_base_ids={
            "%SRCROOT%": om.ArtifactLocation(uri=pathlib.Path(root).resolve().as_uri() + "/")
        },
        invocations=[
            om.Invocation(
                execution_successful=not result.errors,
                tool_execution_notifications=notifications or None,
            )
        ],
        results=[],
        column_kind="unicodeCodePoints",
    )


def _dump(log: dict, kept: list[tuple[int, dict]], total: int) -> str:
    """The log with the ``kept`` results, written in the report's order, and a notice of
    what was left out when that is anything. ``log`` itself is left as it was."""
    run = log["runs"][0]
    invocation = dict(run["invocations"][0])
    if len(kept) < total:
        notices = invocation.get("toolExecutionNotifications", [])
        invocation["toolExecutionNotifications"] = [
            *notices,
            _omitted_notice(total - len(kept), total),
        ]
    results = [data for _, data in sorted(kept, key=lambda item: item[0])]
    run = {**run, "invocations": [invocation], "results": results}  # keys keep their place
    return json.dumps({**log, "runs": [run]}, indent=2) + "\n"


def _too_large(text: str) -> int:
    """The gzip-compressed size when it is over GitHub's limit, else 0 (compressing only a
    text that could be over it: a normal report is far below)."""
    if len(text) <= MAX_GZIP_BYTES:
        return 0
    size = len(gzip.compress(text.encode("utf-8", "surrogateescape"), compresslevel=6))
    return size if size > MAX_GZIP_BYTES else 0


def render_counted(result, root: str | None = None) -> tuple[str, int, int]:
    """The SARIF log, how many results were left out to fit GitHub's limits, and how many
    there were."""
    root = root or os.getcwd()
    rules = sorted(result.rules_run, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    findings = sorted(result.findings + result.suppressed, key=lambda f: f.sort_key())
    log = _to_json(
        om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=[_run(result, root, rules)])
    )
    kept = [
        (i, _to_json(_result(findings[i], index[findings[i].rule_id]))) for i in _ranked(findings)
    ]
    text = _dump(log, kept, len(findings))
    while kept and (size := _too_large(text)):
        # fewer results in proportion, with a margin: a few rounds at most
        kept = kept[: min(len(kept) - 1, int(len(kept) * MAX_GZIP_BYTES / size * 0.9))]
        text = _dump(log, kept, len(findings))
    return text, len(findings) - len(kept), len(findings)


def render(result, root: str | None = None) -> str:
    return render_counted(result, root)[0]
