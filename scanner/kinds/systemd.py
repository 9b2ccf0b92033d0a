"""systemd services on a host (`promguard scan --host`): a service is its unit file with its
drop-ins and environment files, judged once by the flag and host rules. Units are found by what
systemd would run (scanner/models/host.py), not by their file names."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Document
from . import Kind

if TYPE_CHECKING:
    from ..engine import Session
    from ..model import Finding
    from ..models.host import HostService


class SystemdKind(Kind):
    name = "systemd"
    from_files = False

    def units(self, scan: Session, root: str) -> Iterator[Document]:
        """A document for each service under ``root``; reports name files as the host sees
        them (/etc/default/prometheus)."""
        from ..models import host

        texts: dict[str, str | None] = {}

        def read(abspath: str) -> str | None:
            if abspath not in texts:
                doc = scan.read_text(abspath)
                texts[abspath] = doc.text if doc is not None else None
            return texts[abspath]

        def display(abspath: str) -> str:
            return host.host_path(root, abspath)

        accounts = host.Account(root)
        for service in host.discover(root, read):
            files = {
                path: Document(display(path), path, "text", read(path) or "", [])
                for path in service.files
            }
            unit = Document(
                display(service.unit), service.unit, self.name, read(service.unit) or "", [service]
            )
            files[service.unit] = unit
            _place(service, files)
            service.accounts = accounts
            service.display = display
            service.map = functools.partial(host.inside, root)
            service.open = lambda abspath, kind: scan.context_document(abspath, kind)
            unit.unit = files  # what the service is read from, for suppressions
            yield unit

    def judge(self, scan: Session, doc: Document) -> list[Finding]:
        service, files = doc.roots[0], doc.unit
        found = [
            scan.file_problem(scan.PARSE_ERROR, p.message, service.display(path), p.line)
            for path, p in service.problems
        ]
        found += scan.run_rules(self.name, doc, doc.path)
        # in-source suppressions apply in the file each finding is in
        texts = {file.path: file.text for file in files.values()}
        kept = []
        for path, findings in _by_path(found).items():
            kept += scan.apply_suppressions(findings, texts.get(path, ""), path)
        return kept

    def config_files(self, doc: Document) -> list[str]:
        """The configuration files the service reads that are on this host."""
        from ..models import host

        service = doc.roots[0]
        found = []
        for path, _kind, _word in host.config_files(service):
            abspath = service.map(path)
            if abspath is not None and os.path.isfile(abspath):
                found.append(abspath)
        return found


def _place(service: HostService, docs: dict[str, Document]) -> None:
    """Every located value knows its document, so that reports name the right file."""
    values = [v for settings in service.settings.values() for v in settings]
    values += list(service.env.values()) + service.words
    for value in values:
        value.doc = docs.get(value.file)


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    return by_path
