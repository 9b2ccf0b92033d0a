"""Replays tests/regressions/: inputs that once broke promguard. Each is scanned alone and with
the others; no rule may fail and nothing may raise."""

from pathlib import Path

import pytest

REGRESSIONS = Path(__file__).parent / "regressions"
CASES = sorted(p for p in REGRESSIONS.rglob("*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(REGRESSIONS)) for p in CASES])
def test_each_input_scans_without_an_error(scan, path):
    result = scan(path, root=REGRESSIONS)
    assert result.errors == []


def test_the_folder_scans_without_an_error_in_parallel_too(cli):
    serial = cli("scan", ".", "--format", "json", "--fail-on", "never", "-j", "1", cwd=REGRESSIONS)
    parallel = cli(
        "scan", ".", "--format", "json", "--fail-on", "never", "-j", "2", cwd=REGRESSIONS
    )
    assert serial.returncode == 0 and "Traceback" not in serial.stderr
    assert serial.stdout == parallel.stdout


def findings(scan, name):
    result = scan(REGRESSIONS / name, root=REGRESSIONS)
    return sorted((f.line, f.rule_id) for f in result.findings)


def test_what_the_regressions_must_still_say(scan):
    assert ("hcl-unclosed-heredoc.tf", "PG001") in {
        (f.path, f.rule_id) for f in scan(REGRESSIONS, root=REGRESSIONS).findings
    }
    assert findings(scan, "cluster-tls.yml") == []  # not a web config
    assert not [r for _, r in findings(scan, "compose-bad-host-ip") if r.startswith(("XF", "DC01"))]
    assert (5, "DC01") in findings(scan, "crlf-compose.yml")  # CRLF keeps the lines right
    assert findings(scan, "hcl-minus-number.tf") == []
