"""Large scans, one region at a time: memory that does not grow with the tree, and workers that
split all of the work, with the report of a scan of the whole tree.

A monorepo of many stacks is judged one top-level folder (a region) at a time: each region's
files are scanned and its whole-scan kinds (the stack) judged in a session of its own, whose
documents are let go when the region is done; with ``--jobs`` the regions are shared out among
worker processes. The findings are those of one scan of the whole tree as long as no region
reaches into another: a unit that reads a file outside its region (an nginx include, a compose
extends, a Terraform module, a config a service mounts) or a host name looked up in every
compose project (a proxy file that belongs to no project) marks the region as escaped. Then
the regions' work is thrown away and the tree is scanned as one (engine.py), so the report never
depends on how the tree was split.
"""

from __future__ import annotations

import os

MIN_FILES = 2000  # below this one session holds the tree easily and a region pass saves nothing
_BASE = None  # the scan's session and display, inherited by forked workers


class RegionResult:
    """What scanning one region produced, small enough to send back from a worker."""

    def __init__(self, records: list, findings: list, errors: list[str], escaped: bool):
        self.records = records  # engine.ScannedFile per file, with its index in the scan
        self.findings = findings  # every finding of its files and its stack, prepared
        self.errors = errors  # their rule errors
        self.escaped = escaped


def regions_of(session, paths: list[str]) -> list[tuple[str, list[tuple[int, str]]]] | None:
    """The files of the scan by region (the first folder below the scanned folder), or None
    when the scan is not one to split: small, of named files, or recording evidence."""
    if len(session.files) < MIN_FILES or session.evidence:
        return None
    if not paths or not all(os.path.isdir(p) for p in paths):
        return None
    roots = sorted({os.path.abspath(p) for p in paths}, key=len, reverse=True)
    by_region: dict[str, list[tuple[int, str]]] = {}
    for index, abspath in enumerate(session.files):
        root = next((r for r in roots if abspath.startswith(r.rstrip(os.sep) + os.sep)), None)
        if root is None:
            return None
        first = abspath[len(root.rstrip(os.sep)) + 1 :].split(os.sep, 1)
        # a file directly in the scanned folder is a region of its own
        region = os.path.join(root, first[0]) if len(first) == 2 else abspath
        by_region.setdefault(region, []).append((index, abspath))
    if len(by_region) < 2:
        return None
    return [(key, by_region[key]) for key in sorted(by_region)]


def scan_region(session, region: str, files: list[tuple[int, str]], display) -> RegionResult:
    scan = session.for_region(region, [abspath for _, abspath in files])
    records = []
    for index, abspath in files:
        before = len(scan.result.errors)
        record = scan.scan_file(abspath, display(abspath))
        record.index = index
        record.errors = scan.result.errors[before:]
        records.append(record)
        if scan.escaped:
            return RegionResult([], [], [], True)
    from .engine import prepare

    findings = [finding for record in records for finding in record.findings]
    before = len(scan.result.errors)
    for kind in scan.whole_scan_kinds():
        findings.extend(scan.judge_whole(kind))
    scan.reconsider_all(findings)
    for record in records:
        record.findings = []  # they travel once, prepared, in the region's findings
    # a region's findings are in its own files: masked, merged and fingerprinted here, in
    # the worker, as they would be among all the others
    prepared = prepare(findings)
    return RegionResult(records, prepared, scan.result.errors[before:], scan.escaped)


def scan_regions(session, regions: list, jobs: int, display) -> list[RegionResult] | None:
    """Every region's result, in region order, or None as soon as one escaped."""
    if jobs <= 1:
        return _scan_all(session, regions, display)
    import multiprocessing

    from .parallel import balance

    global _BASE
    bins = balance(regions, jobs * 4, size=lambda item: len(item[1]))
    _BASE = (session, display)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = []
            for part in pool.imap_unordered(_scan_bin, bins, chunksize=1):
                if part is None:
                    pool.terminate()  # a region escaped: the tree is scanned as one
                    return None
                parts.append(part)
    finally:
        _BASE = None
    return _in_scan_order([result for part in parts for result in part])


def _in_scan_order(results: list[RegionResult]) -> list[RegionResult]:
    """Regions by their first file's place in the scan: the same order whatever the jobs."""
    return sorted(results, key=lambda r: r.records[0].index if r.records else -1)


def _scan_bin(regions: list) -> list[RegionResult] | None:
    session, display = _BASE
    return _scan_all(session, regions, display)


def _scan_all(session, regions: list, display) -> list[RegionResult] | None:
    """The regions one after the other. The cyclic garbage collector is off meanwhile and
    sweeps once after each region, when what it made is garbage: run on its own schedule it
    walks the region's documents again and again while they are still in use (a fifth of the
    scan's time)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        results = []
        for region, files in regions:
            result = scan_region(session, region, files, display)
            gc.collect(0)  # what the region allocated and let go, not the older objects
            if result.escaped:
                return None
            results.append(result)
        return _in_scan_order(results)
    finally:
        if was_enabled:
            gc.enable()
