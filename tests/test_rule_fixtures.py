"""Per-rule fixtures: tests/fixtures/<RULE-ID>/bad*.<ext> must make the rule fire, good*.<ext>
must not. Each expected finding is marked with a comment ``# expect: RULE-ID[, RULE-ID]``: at
the end of the finding's line, or alone on the line before it. The exact set of (line, rule)
pairs is compared, so a finding nobody expected fails the test too.

A fixture can be a folder (a Terraform module with its variables, tfvars and local modules; a
stack with its compose file and the files it mounts): the folder is scanned as a whole and the
pairs carry the file's path inside it. The cross-file rules (kind "stack") are checked by folder
fixtures only: a single-file fixture is about the file's own rules."""

import os
import re

import pytest

from conftest import FIXTURES

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*$")


def expected(path):
    pairs = set()
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    for number, line in enumerate(lines, 1):
        match = _EXPECT.search(line)
        if not match:
            continue
        ids = [i.strip() for i in match.group(1).split(",") if i.strip()]
        own_line = line.lstrip().startswith("#")
        target = number + 1 if own_line else number
        pairs.update((target, rule_id) for rule_id in ids)
    return pairs


def fixture_files():
    for rule_id in sorted(os.listdir(FIXTURES)):
        folder = os.path.join(FIXTURES, rule_id)
        for name in sorted(os.listdir(folder)):
            yield pytest.param(rule_id, os.path.join(folder, name), id=f"{rule_id}/{name}")


_OPTIONS = re.compile(r"#\s*fixture-max-file-bytes:\s*(\d+)")


def expected_in_folder(folder):
    pairs = set()
    for base, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            pairs.update((relative, line, rule) for line, rule in expected(path))
    return pairs


def host_root(fixture, tmp_path):
    """A copy of a host-mode fixture (a tree shaped like /) with the modes and owners its
    MODES file lists: git keeps neither."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(fixture, root)
    users, groups = _ids(root / "etc" / "passwd"), _ids(root / "etc" / "group")
    for line in (root / "MODES").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        relative, mode, owner = line.split()
        user, _, group = owner.partition(":")
        target = root / relative
        os.chmod(target, int(mode, 8))
        os.chown(target, users[user], groups[group])  # the tests run as root, like the CI
    (root / "MODES").unlink()
    return root


def _ids(path) -> dict[str, int]:
    return {
        line.split(":")[0]: int(line.split(":")[2])
        for line in path.read_text().splitlines()
        if line.count(":") >= 2
    }


@pytest.mark.parametrize("rule_id,path", list(fixture_files()))
def test_fixture(scan, rules, rule_id, path, tmp_path):
    if os.path.isdir(path) and os.path.isfile(os.path.join(path, "MODES")):
        from promguard.engine import Selection
        from promguard.host_scan import scan_host

        result = scan_host(str(host_root(path, tmp_path)), rules, Selection())
        found = {(f.path.lstrip("/"), f.line, f.rule_id) for f in result.findings}
        want = expected_in_folder(path)
    elif os.path.isdir(path):
        result = scan(path, root=path)
        found = {(f.path, f.line, f.rule_id) for f in result.findings}
        want = expected_in_folder(path)
    else:
        with open(path, encoding="utf-8") as fh:
            option = _OPTIONS.search(fh.readline())
        # an option on the first line lets the size-limit rule have a small fixture
        limit = int(option.group(1)) if option else None
        stack_rules = [r.id for r in rules if "stack" in r.kinds]
        result = scan(path, ignore=stack_rules, max_file_bytes=limit)
        found = {(f.line, f.rule_id) for f in result.findings}
        want = expected(path)
    assert result.errors == []  # a crashed rule would make every good fixture pass
    assert found == want, "\n".join(
        f"{f.path}:{f.line}:{f.column} {f.rule_id} {f.message}" for f in result.findings
    )
    fired = {pair[-1] for pair in found}
    if os.path.basename(path).startswith("bad"):
        assert rule_id in fired
    else:
        assert rule_id not in fired


def test_every_rule_has_bad_and_good_fixtures(rules):
    missing = []
    for rule in rules:
        folder = os.path.join(FIXTURES, rule.id)
        names = os.listdir(folder) if os.path.isdir(folder) else []
        for prefix in ("bad", "good"):
            if not any(n.startswith(prefix) for n in names):
                missing.append(f"{rule.id}/{prefix}")
    assert not missing


def test_fixture_folders_name_real_rules(rules):
    ids = {rule.id for rule in rules}
    assert set(os.listdir(FIXTURES)) <= ids
