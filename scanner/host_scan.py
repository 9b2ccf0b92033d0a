"""`promguard scan --host [ROOT]`: the services systemd runs under ROOT, judged with the flag
rules and the host rules, and the configuration files they read, judged with their own rules.
Reports name files as the host sees them (/etc/default/prometheus)."""

from __future__ import annotations

import os

from .document import Document
from .engine import PARSE_ERROR, ScannedFile, ScanResult, apply_suppressions, finish, new_context
from .model import Finding


def scan_host(root: str, rules: list, selection, max_file_bytes: int | None = None) -> ScanResult:
    from . import host

    root = os.path.abspath(root)
    context = new_context(root, rules, selection)
    result, rules_by_kind = context.result, context.rules_by_kind
    context.set_roots([root])
    if max_file_bytes is not None:
        context.max_file_bytes = max_file_bytes
    context.set_boundaries([root])  # a drop-in or environment file linked out of ROOT is not read

    def display(abspath: str) -> str:
        return host.host_path(root, abspath)

    texts: dict[str, str | None] = {}

    def read(abspath: str) -> str | None:
        if abspath not in texts:
            doc = context.read_text(abspath)
            texts[abspath] = doc.text if doc is not None else None
        return texts[abspath]

    accounts = host.Account(root)
    every: list[Finding] = []
    configs: set[str] = set()
    for service in host.discover(root, read):
        docs = {
            path: Document(display(path), path, "text", read(path) or "", [])
            for path in service.files
        }
        unit_doc = Document(
            display(service.unit), service.unit, "systemd", read(service.unit) or "", [service]
        )
        docs[service.unit] = unit_doc
        _place(service, docs)
        service.accounts = accounts
        service.display = display
        service.map = lambda path, root=root: host.inside(root, path)
        service.open = lambda abspath, kind: context.context_document(abspath, kind)
        out = ScannedFile(unit_doc.path, service.unit)
        for path, problem in service.problems:
            out.findings.append(
                Finding(PARSE_ERROR, "high", problem.message, display(path), problem.line)
            )
        for rule in rules_by_kind.get("systemd", ()):
            out.findings.extend(context.run(rule, unit_doc, unit_doc.path))
        result.files_scanned += 1
        result.kinds["systemd"] = result.kinds.get("systemd", 0) + 1
        every.extend(_suppressed(out, docs, selection))
        for path, _kind, _word in host.config_files(service):
            abspath = host.inside(root, path)
            if abspath is not None and os.path.isfile(abspath):
                configs.add(abspath)
    for abspath in sorted(configs):  # judged by their own rules, once each
        scanned = context.scan_file(abspath, display(abspath))
        if scanned.parsed or scanned.parse_error:
            result.files_scanned += 1
            result.kinds[scanned.kind] = result.kinds.get(scanned.kind, 0) + 1
        every.extend(scanned.findings)
    return finish(result, every)


def _place(service, docs: dict) -> None:
    """Every located value knows its document, so that reports name the right file."""
    values = [v for settings in service.settings.values() for v in settings]
    values += list(service.env.values()) + service.words
    for value in values:
        value.doc = docs.get(value.file)


def _suppressed(out: ScannedFile, docs: dict, selection) -> list[Finding]:
    """In-source suppressions apply in the file each finding is in."""
    kept = []
    by_path: dict[str, list[Finding]] = {}
    for finding in out.findings:
        by_path.setdefault(finding.path, []).append(finding)
    texts = {doc.path: doc.text for doc in docs.values()}
    for path, findings in by_path.items():
        part = ScannedFile(path)
        part.findings = findings
        apply_suppressions(part, texts.get(path, ""), selection)
        kept.extend(part.findings)
    return kept
