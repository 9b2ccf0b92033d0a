import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


@pytest.fixture(scope="session")
def rules():
    from promguard.registry import load_rules

    return load_rules()


@pytest.fixture
def scan(rules):
    """Scan paths with every installed rule, as `promguard scan` would."""
    from promguard.engine import Selection
    from promguard.engine import scan as run

    def _scan(*paths, select=(), ignore=(), root=None, max_file_bytes=None):
        return run(
            [str(p) for p in paths],
            rules,
            Selection(select, ignore),
            root=root,
            max_file_bytes=max_file_bytes,
        )

    return _scan


@pytest.fixture
def cli():
    """Run the installed promguard command in a subprocess; returns CompletedProcess."""

    def _run(*args, cwd=None, env=None):
        full_env = dict(os.environ)
        full_env.pop("NO_COLOR", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "promguard", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return _run
