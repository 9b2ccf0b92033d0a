"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om.

What GitHub needs (../shared/sarif/README.md): rules with full metadata and a numeric
``security-severity`` string, one location per result with a repo-relative URI and a complete
region, a results array even when empty, and no ``primaryLocationLineHash`` of our own (the
upload action computes it from the checked-out file).

Each rule's ``properties`` name what it checks (scanner.controls): ``controls`` holds the
promguard baseline, CIS Docker, OWASP Docker and CWE IDs, and the tags repeat them as
``control:PGB-03``, ``cis-docker:5.5`` and ``owasp-docker:RULE-3`` after the rule's own tags,
as many as fit in the ten GitHub shows.
"""

from __future__ import annotations

import json
import os
import pathlib

import attr
import sarif_om as om

from .. import __version__, controls

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/promguard/promguard"
FINGERPRINT_KEY = "promguardFindingHash/v1"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


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


def _artifact(path: str) -> om.ArtifactLocation:
    if path.startswith("/"):  # outside the scan root: only an absolute URI is honest
        return om.ArtifactLocation(uri=pathlib.PurePosixPath(path).as_uri())
    return om.ArtifactLocation(uri=path, uri_base_id="%SRCROOT%")


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
        result.related_locations = [
            om.Location(
                id=number,
                physical_location=om.PhysicalLocation(
                    artifact_location=_artifact(path),
                    region=om.Region(start_line=line, start_column=column),
                ),
                message=om.Message(text=message),
            )
            for number, (path, line, column, message) in enumerate(finding.related, 1)
        ]
    if finding.suppression is not None:
        result.suppressions = [om.Suppression(kind="inSource", justification=finding.suppression)]
    return result


def render(result, root: str | None = None) -> str:
    root = root or os.getcwd()
    rules = sorted(result.rules_run, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    findings = sorted(result.findings + result.suppressed, key=lambda f: f.sort_key())
    notifications = [
        om.Notification(message=om.Message(text=error), level="error") for error in result.errors
    ]
    run = om.Run(
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
        results=[_result(f, index[f.rule_id]) for f in findings],
        column_kind="unicodeCodePoints",
    )
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=[run])
    return json.dumps(_to_json(log), indent=2) + "\n"
