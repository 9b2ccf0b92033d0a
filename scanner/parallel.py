"""Scanning many files on every core, with the same output as a serial scan.

Files are scanned by forked worker processes, each with its own copy of the scan context, in
groups that keep together what is judged together: the files of one folder (a compose file with
its overrides, an nginx.conf with the files beside it) and every Terraform file (the modules of a
scan are judged as one). Each worker returns, per file, its findings and the rule errors it
caused, tagged with the file's place in the serial order; the parent puts them back in that
order and runs the cross-file rules itself, so the report is the same, byte for byte.
"""

from __future__ import annotations

import os

AUTO_MIN_FILES = 400  # below this, starting workers costs more than it saves
_CONTEXT = None  # the scan context, inherited by the forked workers


def jobs_for(requested: int | None, files: int) -> int:
    """How many processes to use: ``requested`` (0 or None: one per core for a large scan,
    one for a small one), never more than the machine has, and one where fork is missing."""
    if requested == 1 or (not requested and files < AUTO_MIN_FILES):
        return 1  # decided before importing multiprocessing: small scans must start fast
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = os.cpu_count() or 1
    if not requested:
        return cores
    return max(1, min(requested, cores * 4))


def scan_files(context, files: list[str], jobs: int, display) -> list:
    """The scanned-file records of ``files``, in their order, scanned by ``jobs`` processes."""
    import multiprocessing

    global _CONTEXT
    groups = _groups(context, files)
    bins = [sorted(f for group in b for f in group) for b in balance(groups, jobs * 4)]
    _CONTEXT = (context, display)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_scan_bin, bins, chunksize=1)
    finally:
        _CONTEXT = None
    records = [record for part in parts for record in part]
    records.sort(key=lambda record: record.index)
    return records


def _scan_bin(indexed: list[tuple[int, str]]) -> list:
    context, display = _CONTEXT
    records = []
    for index, abspath in indexed:
        before = len(context.result.errors)
        record = context.scan_file(abspath, display(abspath))
        record.index = index
        record.errors = context.result.errors[before:]
        records.append(record)
    return records


def _groups(context, files: list[str]) -> list[list[tuple[int, str]]]:
    by_key: dict[str, list[tuple[int, str]]] = {}
    for index, abspath in enumerate(files):
        name = context.kind_of(abspath)
        kind = context.kinds.get(name)
        # a kind judged as one unit stays in one worker; the others stay with their folder
        key = (
            f"kind:{name}"
            if kind is not None and kind.judged_together
            else os.path.dirname(abspath)
        )
        by_key.setdefault(key, []).append((index, abspath))
    return [by_key[key] for key in sorted(by_key)]


def balance(groups: list, count: int, size=len) -> list[list]:
    """Groups into at most ``count`` bins of about the same total ``size``, largest first."""
    bins: list[list] = [[] for _ in range(max(1, count))]
    totals = [0] * len(bins)
    for group in sorted(groups, key=size, reverse=True):
        i = totals.index(min(totals))
        bins[i].append(group)
        totals[i] += size(group)
    return [b for b in bins if b]
