"""promguard beside its peers: wall time of one scan of the same corpus files, tool by tool.

Run:  python benchmarks/peers.py [--corpus DIR] [--only checkov,compose-lint,gixy] [--repeat N]
                                 [--peers-dir DIR] [--no-install]

Standard library only. Each peer is a PyPI package installed, on first use, into a virtual
environment of its own under --peers-dir (python3 -m venv, then pip install PACKAGE, nothing
pinned), so no peer's dependencies touch promguard's environment or another peer's:

  peer          package        corpus part                    given as
  checkov       checkov        <corpus>/terraform             the folder (-d), terraform only
  compose-lint  compose-lint   compose files (see below)      one argument per file
  gixy          gixy-ng        nginx .conf files (see below)  one argument per file

Compose files are the files named docker-compose*.y(a)ml or compose*.y(a)ml anywhere in the
corpus plus every YAML file under <corpus>/compose (kics' test files, named positive*.yaml and
negative*.yaml). nginx files are the .conf files under a folder named nginx*, conf.d or sites-*
and any nginx*.conf. promguard (`sys.executable -m promguard scan`, JSON report to /dev/null,
--fail-on never) is given exactly the same folder or file list as the peer.

What is measured: the wall time of the whole process (start-up, imports, parsing, checks and the
report), time.perf_counter() around subprocess.run, with stdout and stderr discarded. Each
command runs once untimed as a warm-up (file cache, .pyc files), then --repeat times (default 3);
the table shows the best run. "ratio" is promguard / peer: below 1 promguard was faster. The
peers do not check the same things as promguard, so this compares cost, not coverage. "files"
is the number of files on the command line (for checkov, the .tf files in the folder); "pg
scanned" is the files_scanned of promguard's warm-up report (0 for a kind it recognises but does
not parse yet). "exit" is promguard's and the peer's exit code; a peer's code other than 0 or 1
adds a line under the table: the first stderr line of its warm-up run that mentions an error
(else its last stderr line).

A missing corpus, corpus part or peer that cannot be installed is reported in one line and that
peer is skipped; the exit code is then 1, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus"))
DEFAULT_PEERS_DIR = os.path.expanduser("~/.cache/promguard-bench/peers")
COMPOSE_NAMES = ("docker-compose", "compose")
NGINX_FOLDERS = ("nginx", "conf.d", "sites-available", "sites-enabled")


@dataclass
class Peer:
    name: str  # also the folder of its venv
    package: str
    command: str  # the script in the venv's bin/
    part: str  # what the table calls the corpus part


PEERS = {
    "checkov": Peer("checkov", "checkov", "checkov", "terraform"),
    "compose-lint": Peer("compose-lint", "compose-lint", "compose-lint", "compose"),
    "gixy": Peer("gixy", "gixy-ng", "gixy", "nginx"),
}


class Skip(Exception):
    """One peer cannot be measured; the message is the whole explanation."""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Our own venv and import path must not leak into a peer's interpreter, and the warm-up run
    # must be free to write .pyc files, as it would on a user's machine.
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONPROFILEIMPORTTIME")
    for key in (*drop, "PYTHONDONTWRITEBYTECODE"):
        env.pop(key, None)
    return env


def walk(top: str):
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield os.path.join(folder, name)


def terraform_files(corpus: str) -> list[str]:
    return [p for p in walk(os.path.join(corpus, "terraform")) if p.endswith(".tf")]


def compose_files(corpus: str) -> list[str]:
    kics = os.path.join(corpus, "compose") + os.sep
    found = []
    for path in walk(corpus):
        name = os.path.basename(path).lower()
        if not name.endswith((".yml", ".yaml")):
            continue
        if name.startswith(COMPOSE_NAMES) or path.startswith(kics):
            found.append(path)
    return found


def nginx_files(corpus: str) -> list[str]:
    found = []
    for path in walk(corpus):
        name = os.path.basename(path).lower()
        if not name.endswith(".conf"):
            continue
        folders = os.path.relpath(os.path.dirname(path), corpus).lower().split(os.sep)
        # Name the folder, not just the suffix: the corpus has .conf files that are not nginx
        # (a cloud-init YAML file called cloud.conf).
        if name.startswith("nginx") or any(
            f in NGINX_FOLDERS or f.startswith("nginx") for f in folders
        ):
            found.append(path)
    return found


def targets(peer: Peer, corpus: str) -> tuple[list[str], int]:
    """The paths given to both tools, and the number of files they stand for."""
    if peer.name == "checkov":
        folder = os.path.join(corpus, "terraform")
        if not os.path.isdir(folder):
            raise Skip(f"{peer.name}: no folder {folder}")
        return [folder], len(terraform_files(corpus))
    files = compose_files(corpus) if peer.name == "compose-lint" else nginx_files(corpus)
    if not files:
        raise Skip(f"{peer.name}: no {peer.part} files under {corpus}")
    return files, len(files)


def peer_command(peer: Peer, exe: str, paths: list[str]) -> list[str]:
    if peer.name == "checkov":
        # --skip-download: otherwise checkov first asks Prisma Cloud for its guideline list over
        # the network, which times a DNS failure here and a download elsewhere, not the scan.
        # JSON goes to stdout, which is discarded; exit 1 only means it found something.
        return [
            exe,
            "-d",
            paths[0],
            "--framework",
            "terraform",
            "--quiet",
            "--compact",
            "--skip-download",
            "-o",
            "json",
        ]
    if peer.name == "compose-lint":
        return [exe, "check", "--format", "json", *paths]
    # gixy audits every file it is given in one process and goes on past one it cannot use.
    return [exe, "-f", "json", *paths]


def ensure_peer(peer: Peer, peers_dir: str, install: bool) -> tuple[str, str]:
    """The peer's executable and installed version, installing it first if need be."""
    venv = os.path.join(peers_dir, peer.name)
    exe = os.path.join(venv, "bin", peer.command)
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(exe):
        if not install:
            raise Skip(f"{peer.name}: not installed in {venv} (run once without --no-install)")
        print(f"installing {peer.package} into {venv} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        for cmd in (
            ["python3", "-m", "venv", venv],
            [python, "-m", "pip", "install", "--quiet", peer.package],
        ):
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env())
            except OSError as exc:
                raise Skip(f"{peer.name}: {shlex.join(cmd)} could not start: {exc}") from None
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
                raise Skip(f"{peer.name}: {shlex.join(cmd)} failed: {last}")
        if not os.path.exists(exe):
            raise Skip(f"{peer.name}: {peer.package} installed no {peer.command} command")
        print(
            f"installed {peer.package} in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    probe = subprocess.run(
        [python, "-c", f"import importlib.metadata as m; print(m.version({peer.package!r}))"],
        capture_output=True,
        text=True,
        env=child_env(),
    )
    version = probe.stdout.strip() if probe.returncode == 0 else "?"
    return exe, version


def run(cmd: list[str], cwd: str, stderr=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL, stderr=stderr, text=True
    )
    return time.perf_counter() - start, proc


def best_of(cmd: list[str], cwd: str, repeat: int) -> tuple[float, int | str]:
    codes = set()
    times = []
    for _ in range(repeat):
        elapsed, proc = run(cmd, cwd)
        times.append(elapsed)
        codes.add(proc.returncode)
    # A tool whose exit code changes between identical runs is worth a look; show them all.
    return min(times), proc.returncode if len(codes) == 1 else "/".join(map(str, sorted(codes)))


def measure(peer: Peer, exe: str, corpus: str, repeat: int) -> dict:
    paths, files = targets(peer, corpus)
    pg = [sys.executable, "-m", "promguard", "scan", *paths, "--format", "json"]
    pg += ["--fail-on", "never", "-q"]
    theirs = peer_command(peer, exe, paths)
    with tempfile.TemporaryDirectory(prefix="promguard-peers-") as tmp:
        # The warm-up keeps promguard's report (to count what it scanned) and the peer's stderr
        # (to explain an unusual exit code); the timed runs write nothing anywhere.
        report = os.path.join(tmp, "report.json")
        _, pg_proc = run([*pg, "-o", report], corpus, stderr=subprocess.PIPE)
        _, peer_proc = run(theirs, corpus, stderr=subprocess.PIPE)
        try:
            with open(report, encoding="utf-8") as fh:
                scanned = json.load(fh)["summary"]["files_scanned"]
        except (OSError, ValueError, KeyError):
            last = (pg_proc.stderr.strip().splitlines() or ["no report"])[-1]
            raise Skip(f"{peer.name}: promguard failed on the {peer.part} files: {last}") from None
    pg_time, pg_code = best_of([*pg, "-o", os.devnull], corpus, repeat)
    peer_time, peer_code = best_of(theirs, corpus, repeat)
    note = None
    if peer_proc.returncode not in (0, 1):
        # The last line is often a harmless notice; the first line that names an error says why.
        lines = peer_proc.stderr.strip().splitlines() or ["(nothing on stderr)"]
        errors = [line for line in lines if "error" in line.lower()]
        why = f"{errors[0]} ({len(errors)} such lines)" if errors else lines[-1]
        note = f"{peer.name} exited {peer_proc.returncode}: {why}"
    return {
        "part": peer.part,
        "files": files,
        "scanned": scanned,
        "pg_s": pg_time,
        "peer_s": peer_time,
        "ratio": pg_time / peer_time,
        "codes": f"{pg_code}/{peer_code}",
        "note": note,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"default {DEFAULT_CORPUS}")
    ap.add_argument("--peers-dir", default=DEFAULT_PEERS_DIR, help=f"default {DEFAULT_PEERS_DIR}")
    ap.add_argument("--only", default=",".join(PEERS), help="comma-separated peer names")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up")
    ap.add_argument("--no-install", action="store_true", help="skip a peer not installed yet")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown or not names or args.repeat < 1:
        ap.error(f"--only takes names from {', '.join(PEERS)}; --repeat at least 1")
    corpus = os.path.abspath(args.corpus)
    peers_dir = os.path.abspath(os.path.expanduser(args.peers_dir))
    if not os.path.isdir(corpus):
        print(f"peers: no corpus at {corpus} (give --corpus DIR)", file=sys.stderr)
        return 1

    rows, skipped = [], 0
    for name in names:
        peer = PEERS[name]
        try:
            exe, version = ensure_peer(peer, peers_dir, not args.no_install)
            print(f"timing {name} ...", file=sys.stderr, flush=True)
            rows.append(
                {"peer": name, "version": version, **measure(peer, exe, corpus, args.repeat)}
            )
        except Skip as exc:
            print(f"peers: skipped {exc}", file=sys.stderr)
            skipped += 1

    if not rows:
        return 1
    print(f"\ncorpus {corpus}, best of {args.repeat} after 1 warm-up, wall seconds\n")
    print("| peer | version | part | files | pg scanned | promguard s | peer s | ratio | exit |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['peer']} | {r['version']} | {r['part']} | {r['files']} | {r['scanned']} "
            f"| {r['pg_s']:.3f} | {r['peer_s']:.3f} | {r['ratio']:.2f} | {r['codes']} |"
        )
    for r in rows:
        if r["note"]:
            print(f"\n{r['note']}")
    repro = [sys.executable, os.path.abspath(__file__), "--corpus", corpus]
    repro += ["--peers-dir", peers_dir, "--only", ",".join(names), "--repeat", str(args.repeat)]
    if args.no_install:
        repro.append("--no-install")
    print(f"\nreproduce: {shlex.join(repro)}")
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
