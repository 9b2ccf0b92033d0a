"""A parallel scan reports exactly what a serial scan reports, byte for byte, in the same order."""

import shutil
from pathlib import Path

HERE = Path(__file__).parent


def test_parallel_and_serial_reports_are_identical(cli, tmp_path):
    # Every fixture (stacks, Terraform modules, nginx includes, broken files) and the example
    # stack: every kind, cross-file rules and parse errors, in many folders.
    shutil.copytree(HERE / "fixtures", tmp_path / "fixtures")
    shutil.copytree(HERE.parent / "examples", tmp_path / "examples")
    reports = {}
    for jobs in ("1", "2", "3"):
        run = cli("scan", ".", "--format", "sarif", "--fail-on", "never", "-j", jobs, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        reports[jobs] = run.stdout
    assert reports["1"] == reports["2"] == reports["3"]
    assert '"ruleId": "XF06"' in reports["1"] and '"ruleId": "PG001"' in reports["1"]


def test_jobs_must_be_a_number(cli, tmp_path):
    run = cli("scan", ".", "-j", "many", cwd=tmp_path)
    assert run.returncode == 2
    assert "not a number of processes" in run.stderr


def test_small_scans_stay_in_one_process():
    from promguard.parallel import jobs_for

    assert jobs_for(0, 10) == 1
    assert jobs_for(1, 100_000) == 1
    assert jobs_for(2, 10) == 2  # asked for: honoured even for a small scan
