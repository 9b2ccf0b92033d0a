"""The pre-commit hook, end to end, with the real pre-commit framework.

`pre-commit try-repo <this repository> promguard --files FILE` is run in a throw-away git
repository. try-repo clones this repository at HEAD plus the uncommitted changes of tracked files
(it makes a shadow commit; new untracked files are NOT included), builds a virtual environment
for the hook and pip-installs the package into it, as a user's `pre-commit install` would.

This is the one test that needs the package index (pip downloads setuptools for the build and
promguard's dependencies); it takes a minute or two. Everything it writes (pre-commit's store,
the hook's virtualenv, pip's temporary files) goes below pytest's tmp_path.

pre-commit is part of the `test` extra, so a missing pre-commit is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 600  # seconds for the whole test: two virtualenv builds and pip installs

# A literal SMTP password and a literal Slack webhook URL, both AM01 findings. The test asserts
# only on the SMTP one: which URLs count as secrets is the rule's business, not the hook's.
INSECURE_ALERTMANAGER = """\
global:
  smtp_smarthost: smtp.example.com:587
  smtp_from: alertmanager@example.com
  smtp_auth_username: alertmanager@example.com
  smtp_auth_password: Sup3rS3cretSmtpPassw0rd
route:
  receiver: team-slack
receivers:
  - name: team-slack
    slack_configs:
      - api_url: https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx
        channel: "#alerts"
"""

# No finding of any rule: TLS 1.2 or later with a certificate and key from files, and a bcrypt
# hash of cost 12 (made with Python's bcrypt.hashpw and the prefix written as htpasswd does).
HARDENED_WEB_CONFIG = """\
tls_server_config:
  cert_file: /etc/prometheus/tls/server.crt
  key_file: /etc/prometheus/tls/server.key
  min_version: TLS12
basic_auth_users:
  admin: $2y$12$RsQVaghR4pS8kDMESlTd9.6gsMOM6G9ddAxkQtPKecv5kooS.ysTK
"""


pytestmark = pytest.mark.network  # the only test that uses the package index


def _require_pre_commit() -> None:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.fail(
            f"pre-commit is not installed for {sys.executable}; it is part of the test extra: "
            "pip install -e '.[test]'",
            pytrace=False,
        )


def _env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # A test run from inside a git hook inherits GIT_DIR and friends; SKIP would skip the
        # hook; PYTHONPATH could let the hook import this checkout instead of what pip installed.
        if not key.startswith(("GIT_", "PRE_COMMIT"))
        and key not in ("SKIP", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NO_COLOR")
    }
    home = tmp_path / "pre-commit-home"
    tmp = tmp_path / "tmp"  # try-repo builds its store in a TemporaryDirectory: keep it here
    home.mkdir()
    tmp.mkdir()
    env.update(
        PRE_COMMIT_HOME=str(home),
        TMPDIR=str(tmp),
        TEMP=str(tmp),
        TMP=str(tmp),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def _git(*args: str, cwd, env) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    env = _env(tmp_path)
    _git("init", "-q", cwd=repo, env=env)
    _git("config", "user.name", "promguard test", cwd=repo, env=env)
    _git("config", "user.email", "test@example.invalid", cwd=repo, env=env)
    _git("config", "commit.gpgsign", "false", cwd=repo, env=env)
    (repo / "alertmanager.yml").write_text(INSECURE_ALERTMANAGER, encoding="utf-8")
    (repo / "web-config.yml").write_text(HARDENED_WEB_CONFIG, encoding="utf-8")
    _git("add", "alertmanager.yml", "web-config.yml", cwd=repo, env=env)
    return repo, env


def _try_repo(repo, env, filename: str, deadline: float) -> subprocess.CompletedProcess:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        pytest.fail(f"no time left of the {TIMEOUT} s budget before checking {filename}")
    cmd = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        ROOT,
        "promguard",
        "--color",
        "never",
        "--verbose",
        "--files",
        filename,
    ]
    try:
        return subprocess.run(
            cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=remaining
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"`{' '.join(cmd)}` took more than {TIMEOUT} s in all:\n"
            f"{exc.stdout or ''}{exc.stderr or ''}"
        )


def _describe(proc: subprocess.CompletedProcess) -> str:
    return f"exit code {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def test_hook_fails_on_insecure_alertmanager_and_passes_hardened_web_config(user_repo):
    _require_pre_commit()
    if not os.path.isdir(os.path.join(ROOT, ".git")):
        pytest.fail(f"{ROOT} is not a git repository; try-repo needs one", pytrace=False)
    repo, env = user_repo
    deadline = time.monotonic() + TIMEOUT

    bad = _try_repo(repo, env, "alertmanager.yml", deadline)
    assert bad.returncode == 1, _describe(bad)
    out = bad.stdout + bad.stderr
    # pre-commit's own status line, then promguard's findings in the hook output.
    assert "promguard" in out and "Failed" in out, _describe(bad)
    assert "AM01" in out, _describe(bad)
    assert "smtp_auth_password" in out, _describe(bad)
    assert "Sup3rS3cretSmtpPassw0rd" not in out, "the secret itself must be masked\n" + out

    good = _try_repo(repo, env, "web-config.yml", deadline)
    assert good.returncode == 0, _describe(good)
    assert "Passed" in good.stdout, _describe(good)
