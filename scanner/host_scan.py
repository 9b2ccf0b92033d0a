"""`promguard scan --host [ROOT]`: the services systemd runs under ROOT, judged with the flag
rules and the host rules, and the configuration files they read, judged with their own rules.
Reports name files as the host sees them (/etc/default/prometheus)."""

from __future__ import annotations

import os

from .engine import ScanResult, finish, new_context
from .model import Finding


def scan_host(root: str, rules: list, selection, max_file_bytes: int | None = None) -> ScanResult:
    from .models.host import host_path

    root = os.path.abspath(root)
    session = new_context(root, rules, selection)
    result = session.result
    session.set_roots([root])
    if max_file_bytes is not None:
        session.max_file_bytes = max_file_bytes
    session.set_boundaries([root])  # a drop-in or environment file linked out of ROOT is not read
    services = session.kinds.get("systemd")
    every: list[Finding] = []
    configs: set[str] = set()
    for unit in services.units(session, root):
        every.extend(services.judge(session, unit))
        result.files_scanned += 1
        result.kinds[unit.kind] = result.kinds.get(unit.kind, 0) + 1
        configs.update(services.config_files(unit))
    for abspath in sorted(configs):  # judged by their own rules, once each
        scanned = session.scan_file(abspath, host_path(root, abspath))
        if scanned.parsed or scanned.parse_error:
            result.files_scanned += 1
            result.kinds[scanned.kind] = result.kinds.get(scanned.kind, 0) + 1
        every.extend(scanned.findings)
    return finish(result, every)
