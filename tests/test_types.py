"""The plugin interface is typed, and a type checker holds it to its types: what a rule, a kind
and a document are (promguard.rule, promguard.kinds, promguard.document, promguard.model)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The public interface and the kinds; the rest of promguard is checked as far as they use it.
CHECKED = ["scanner/rule.py", "scanner/document.py", "scanner/model.py", "scanner/kinds"]


def test_the_plugin_interface_and_the_kinds_pass_mypy():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--disallow-untyped-defs",
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--no-incremental",
            "--cache-dir=/dev/null",  # writes nothing into the checkout
            *CHECKED,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success" in run.stdout
