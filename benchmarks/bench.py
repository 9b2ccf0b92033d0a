"""promguard benchmarks: start-up as pre-commit pays it, and throughput on a large tree.

Run:  python benchmarks/bench.py [--python PATH] [--files N] [--runs R] [--json]

Standard library only, no network. What it measures:

(a) Start-up. pre-commit starts one `promguard scan FILE...` process per batch of files, so for
    the usual commit of one or two files the cost is almost all interpreter start-up and imports.
    The script times the whole process `promguard scan prometheus.yml` (one small file) with the
    console script next to the interpreter (what pre-commit runs; `python -m promguard` when there
    is none): 3 warm-up runs, then --runs (default 20) timed runs, median and min of wall time.
    The same is done for `python -c "import yaml"` with the same interpreter: the floor any
    YAML-reading hook in Python pays. "ratio" is median(promguard) / median(bare); the goal is
    <= 2.5. Min is the least noisy figure on a busy machine; compare medians only between runs on
    the same machine. Then `python -X importtime` of the one-file scan (median of 5 runs per
    module) lists the 10 imports with the largest cumulative time; nested lines are indented as
    Python prints them, so a parent's time includes the children listed under it. When the ratio
    regresses, the module that moved up this list is the place to look.

(b) Throughput. --files (default 2000) files of mixed kinds are generated in nested folders of a
    temporary directory that is not a git repository (so promguard walks it itself):
    prometheus.yml with several scrape jobs and secrets, alertmanager.yml with receivers,
    web-config.yml, docker-compose.yml, unrelated YAML (GitHub workflows, Kubernetes manifests),
    and .tf files and Dockerfiles, which promguard recognises but does not parse yet. The tree is
    scanned once by one process with --format json --fail-on never. "files/s" is the number of
    files on disk divided by the wall time of that process (start-up included, the JSON report
    written to a file); "scanned" is the report's summary.files_scanned (files of a parsed kind).
    "peak RSS" is ru_maxrss of that child (os.wait4 gives the rusage of exactly that child, the
    same figure resource.getrusage(RUSAGE_CHILDREN) reports; kilobytes on Linux, bytes on macOS;
    printed in MiB).

(c) Optional. If ../shared/corpus beside the repository (or --corpus PATH) exists, the same
    scan is timed on it once.

(d) Scale. Monorepos of monitoring stacks (benchmarks/stack_tree.py: compose projects behind
    nginx and Caddy with their configs, Dockerfiles and Terraform modules, many stacks per
    repository, folders three deep) of --scale-sizes files (default 2000,10000,50000), each
    scanned with --jobs 1 and --jobs 2: seconds, files/s, peak RSS, whether the two reports
    are the same, and the log-log slope of time against files (1.0 is linear, 2.0 quadratic)
    between each size and the next and from the first to the last. With --baseline PYTHON the
    same trees are scanned by that interpreter's promguard in the same run, row by row.

Exit code 0 whatever the numbers are; 2 when a scan could not run (e.g. promguard not installed
for --python) or promguard reported internal errors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_RATIO = 1.8  # a one-file scan of a YAML kind, against `python -c "import yaml"`
GOAL_RATIO_OTHER = 1.6  # of a kind that is not YAML (nginx here)
SMALL_NGINX = """\
events {}
http {
  server {
    listen 80;
    location / {
      proxy_pass http://127.0.0.1:9090;
    }
  }
}
"""
# The shared corpus of real configs sits beside the repository on the development machines.
DEFAULT_CORPUS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "corpus"
)
SKIP_DIRS = {".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__", ".venv", "venv"}

SMALL_PROMETHEUS = """\
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: node
    static_configs:
      - targets: ["node-exporter:9100"]
"""


# --------------------------------------------------------------------------------------------
# Commands and environment


def promguard_command(python: str) -> list[str]:
    """The command pre-commit would run: the console script installed next to the interpreter,
    else ``python -m promguard``."""
    folder = os.path.dirname(python)
    for name in ("promguard", "promguard.exe", "promguard-script.py"):
        script = os.path.join(folder, name)
        if os.path.isfile(script) and os.access(script, os.X_OK):
            return [script]
    return [python, "-m", "promguard"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "NO_COLOR", "PYTHONPATH"):
        env.pop(key, None)
    return env


def run_timed(cmd: list[str], cwd: str, stdout=subprocess.DEVNULL) -> tuple[float, int, int]:
    """Wall time in seconds, exit code and peak RSS (ru_maxrss, platform units) of one child."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=child_env(),
        stdout=stdout,
        stderr=subprocess.PIPE if stdout is subprocess.DEVNULL else None,
    )
    if proc.stderr is not None:
        # Read stderr first so a chatty child cannot block on a full pipe.
        err = proc.stderr.read()
        proc.stderr.close()
    else:
        err = b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    if proc.returncode not in (0, 1) and err:
        sys.stderr.write(err.decode("utf-8", "replace"))
    return elapsed, proc.returncode, usage.ru_maxrss


def rss_mib(maxrss: int) -> float:
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


# --------------------------------------------------------------------------------------------
# (a) start-up


def time_interleaved(cmds: list[list[str]], cwd: str, runs: int, warmups: int = 3) -> list[dict]:
    """time_runs for several commands, one run of each in turn."""
    for cmd in cmds:
        for _ in range(warmups):
            run_timed(cmd, cwd)
    times: list[list[float]] = [[] for _ in cmds]
    codes: list[set[int]] = [set() for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            elapsed, code, _ = run_timed(cmd, cwd)
            times[i].append(elapsed)
            codes[i].add(code)
    return [_summary(cmd, t, c) for cmd, t, c in zip(cmds, times, codes, strict=True)]


def _summary(cmd: list[str], times: list[float], codes: set[int]) -> dict:
    return {
        "command": " ".join(cmd),
        "runs": len(times),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "exit_codes": sorted(codes),
    }


def time_runs(cmd: list[str], cwd: str, runs: int, warmups: int = 3) -> dict:
    return time_interleaved([cmd], cwd, runs, warmups)[0]


def import_times(python: str, cmd_tail: list[str], cwd: str, runs: int = 5, top: int = 10) -> dict:
    """``-X importtime`` of the one-file scan: the ``top`` imports by cumulative time (median of
    ``runs`` runs, microseconds), in the first run's order, plus the total of self times."""
    per_module: dict[str, list[int]] = {}
    self_us: dict[str, list[int]] = {}
    depth: dict[str, int] = {}
    totals = []
    for _ in range(runs):
        proc = subprocess.run(
            [python, "-X", "importtime", *cmd_tail],
            cwd=cwd,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        total = 0
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            try:
                fields = line[len("import time:") :].split("|")
                own, cumulative, raw_name = int(fields[0]), int(fields[1]), fields[2]
            except (ValueError, IndexError):
                continue
            name = raw_name.strip()
            depth.setdefault(name, (len(raw_name) - len(raw_name.lstrip()) - 1) // 2)
            per_module.setdefault(name, []).append(cumulative)
            self_us.setdefault(name, []).append(own)
            total += own
        totals.append(total)
    ranked = sorted(per_module, key=lambda n: statistics.median(per_module[n]), reverse=True)
    return {
        "total_self_ms": round(statistics.median(totals) / 1000, 1) if totals else None,
        "self_ms": {n: round(statistics.median(v) / 1000, 2) for n, v in self_us.items()},
        "top": [
            {
                "module": name,
                "depth": depth[name],
                "cumulative_ms": round(statistics.median(per_module[name]) / 1000, 2),
                "self_ms": round(statistics.median(self_us[name]) / 1000, 2),
            }
            for name in ranked[:top]
        ],
    }


def bench_startup(python: str, runs: int) -> dict:
    cmd = promguard_command(python)
    with tempfile.TemporaryDirectory(prefix="promguard-bench-startup-") as tmp:
        with open(os.path.join(tmp, "prometheus.yml"), "w", encoding="utf-8") as fh:
            fh.write(SMALL_PROMETHEUS)
        with open(os.path.join(tmp, "nginx.conf"), "w", encoding="utf-8") as fh:
            fh.write(SMALL_NGINX)
        # interleaved, so that a machine that slows down for a while slows all three alike
        scan, bare, nginx = time_interleaved(
            [
                [*cmd, "scan", "prometheus.yml"],
                [python, "-c", "import yaml"],
                [*cmd, "scan", "nginx.conf"],
            ],
            tmp,
            runs,
        )
        # The console script is a Python file; running it under -X importtime shows the same
        # imports as pre-commit's run. python -m promguard adds runpy, nothing else.
        tail = (
            [cmd[0], "scan", "prometheus.yml"]
            if len(cmd) == 1
            else ["-m", "promguard", "scan", "prometheus.yml"]
        )
        if len(cmd) == 1 and not _is_python_script(cmd[0]):
            tail = ["-m", "promguard", "scan", "prometheus.yml"]
        imports = import_times(python, tail, tmp)
        bare_imports = import_times(python, ["-c", "import yaml"], tmp, top=0)
        # As pre-commit runs it inside a stack: the file alone on the command line, its
        # neighbours (the compose file above it, what that mounts) read for the cross-file rules.
        stack = os.path.join(tmp, "stack")
        repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        shutil.copytree(os.path.join(repo, "examples"), stack)
        subprocess.run(["git", "init", "-q", stack], check=False)
        in_stack = time_runs([*cmd, "scan", "prometheus/prometheus.yml"], stack, runs)
    ratio = scan["median_ms"] / bare["median_ms"] if bare["median_ms"] else float("inf")
    # What the scan imports that the bare `import yaml` does not, by self time: the part of the
    # start-up promguard itself is responsible for.
    extra = {n: t for n, t in imports.pop("self_ms").items() if n not in bare_imports["self_ms"]}
    imports["beyond_bare"] = {
        "modules": len(extra),
        "self_ms": round(sum(extra.values()), 1),
        "top": [
            {"module": n, "self_ms": t}
            for n, t in sorted(extra.items(), key=lambda kv: kv[1], reverse=True)[:10]
        ],
    }
    ratio_other = nginx["median_ms"] / bare["median_ms"] if bare["median_ms"] else float("inf")
    return {
        "promguard_scan": scan,
        "promguard_scan_nginx": nginx,
        "ratio_nginx": round(ratio_other, 2),
        "goal_ratio_other": GOAL_RATIO_OTHER,
        "promguard_scan_in_stack": in_stack,
        "ratio_in_stack": round(in_stack["median_ms"] / bare["median_ms"], 2)
        if bare["median_ms"]
        else None,
        "bare_import_yaml": bare,
        "ratio_median": round(ratio, 2),
        "ratio_min": round(scan["min_ms"] / bare["min_ms"], 2) if bare["min_ms"] else None,
        "goal_ratio": GOAL_RATIO,
        "ok": ratio <= GOAL_RATIO and ratio_other <= GOAL_RATIO_OTHER,
        "importtime": imports,
        "importtime_bare_total_self_ms": bare_imports["total_self_ms"],
    }


def _is_python_script(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            first = fh.readline()
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


# --------------------------------------------------------------------------------------------
# (b) throughput: a generated tree


def _secret(rng: random.Random, n: int = 24) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(n))


def gen_prometheus(rng: random.Random) -> str:
    lines = [
        "global:",
        f"  scrape_interval: {rng.choice([15, 30, 60])}s",
        "  external_labels:",
        f"    cluster: c{rng.randint(1, 50)}",
        "alerting:",
        "  alertmanagers:",
        "    - static_configs:",
        "        - targets: ['alertmanager:9093']",
        "rule_files:",
        "  - rules/*.yml",
        "scrape_configs:",
    ]
    for j in range(rng.randint(3, 8)):
        lines += [f"  - job_name: job{j}", f"    scrape_interval: {rng.choice([10, 30])}s"]
        style = rng.randrange(6)
        if style == 0:  # a plaintext password
            lines += ["    basic_auth:", "      username: prom", f"      password: {_secret(rng)}"]
        elif style == 1:  # a bearer token, sometimes an env reference Prometheus never expands
            token = "${API_TOKEN}" if rng.random() < 0.3 else _secret(rng, 40)
            lines += ["    authorization:", f'      credentials: "{token}"']
        elif style == 2:  # https without verification
            lines += ["    scheme: https", "    tls_config:", "      insecure_skip_verify: true"]
        elif style == 3:  # the good way
            lines += [
                "    basic_auth:",
                "      username: prom",
                "      password_file: /etc/prometheus/secrets/pw",
            ]
        elif style == 4:
            lines += [
                "    kubernetes_sd_configs:",
                "      - role: pod",
                "    relabel_configs:",
                "      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]",
                "        action: keep",
                '        regex: "true"',
            ]
        lines += [
            "    static_configs:",
            f"      - targets: ['10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:9100',"
            f" 'host{j}.example.internal:9100']",
            "        labels:",
            f"          team: t{rng.randint(1, 9)}",
        ]
    if rng.random() < 0.5:
        lines += [
            "remote_write:",
            "  - url: http://mimir.example.com/api/v1/push",
            "    basic_auth:",
            "      username: tenant",
            f"      password: {_secret(rng)}",
        ]
    return "\n".join(lines) + "\n"


def gen_alertmanager(rng: random.Random) -> str:
    lines = [
        "global:",
        "  resolve_timeout: 5m",
        "  smtp_smarthost: smtp.example.com:587",
        "  smtp_from: alerts@example.com",
        "  smtp_auth_username: alerts@example.com",
        f"  smtp_auth_password: {_secret(rng)}"
        if rng.random() < 0.6
        else "  smtp_auth_password_file: /etc/alertmanager/smtp",
        "route:",
        "  receiver: default",
        "  group_by: [alertname, cluster]",
        "  routes:",
        "    - matchers: ['severity=\"critical\"']",
        "      receiver: pager",
        "receivers:",
        "  - name: default",
        "    email_configs:",
        "      - to: ops@example.com",
        "  - name: pager",
        "    slack_configs:",
        f"      - api_url: https://hooks.slack.com/services/T{_secret(rng, 8)}/B{_secret(rng, 8)}"
        f"/{_secret(rng, 24)}",
        "        channel: '#alerts'",
        "    webhook_configs:",
        f"      - url: http://hooks{rng.randint(1, 9)}.example.com/alert",
        "        http_config:",
        "          tls_config:",
        f"            insecure_skip_verify: {'true' if rng.random() < 0.3 else 'false'}",
        "inhibit_rules:",
        "  - source_matchers: ['severity=\"critical\"']",
        "    target_matchers: ['severity=\"warning\"']",
        "    equal: [alertname]",
    ]
    return "\n".join(lines) + "\n"


def gen_webconfig(rng: random.Random) -> str:
    good = "$2y$12$RsQVaghR4pS8kDMESlTd9.6gsMOM6G9ddAxkQtPKecv5kooS.ysTK"
    lines = []
    if rng.random() < 0.6:
        lines += [
            "tls_server_config:",
            "  cert_file: /etc/prometheus/tls.crt",
            "  key_file: /etc/prometheus/tls.key",
            f"  min_version: {rng.choice(['TLS12', 'TLS13', 'TLS10'])}",
        ]
        if rng.random() < 0.3:
            lines += ["  client_auth_type: RequestClientCert"]
    lines += [
        "basic_auth_users:",
        f"  admin: {good}",
        f"  reader: {_secret(rng, 12) if rng.random() < 0.3 else good}",
    ]
    return "\n".join(lines) + "\n"


def gen_compose(rng: random.Random) -> str:
    return f"""\
services:
  prometheus:
    image: prom/prometheus:v2.{rng.randint(40, 54)}.0
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --web.enable-admin-api
    ports:
      - "9090:9090"
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
  grafana:
    image: grafana/grafana:10.{rng.randint(0, 4)}.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD: {_secret(rng, 16)}
    ports:
      - "3000:3000"
  alertmanager:
    image: prom/alertmanager:v0.27.0
    ports:
      - "9093:9093"
"""


def gen_workflow(rng: random.Random) -> str:
    return f"""\
name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      - postgres:16
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.{rng.randint(10, 13)}"
      - run: pip install -e .[test]
      - run: pytest -q
"""


def gen_k8s(rng: random.Random) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{rng.randint(1, 999)}
  labels:
    app: web
spec:
  replicas: {rng.randint(1, 5)}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          ports:
            - containerPort: 80
          env:
            - name: PASSWORD
              value: {_secret(rng, 12)}
"""


def gen_terraform(rng: random.Random) -> str:
    return f"""\
resource "aws_security_group" "prometheus" {{
  name = "prometheus-{rng.randint(1, 999)}"
  ingress {{
    from_port   = 9090
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"""


def gen_dockerfile(rng: random.Random) -> str:
    return f"""\
FROM prom/prometheus:v2.{rng.randint(40, 54)}.0
COPY prometheus.yml /etc/prometheus/prometheus.yml
ENV ADMIN_PASSWORD={_secret(rng, 12)}
EXPOSE 9090
"""


# (relative path inside one stack folder, generator, weight)
KINDS = (
    ("prometheus.yml", gen_prometheus, 25),
    ("alertmanager/alertmanager.yml", gen_alertmanager, 15),
    ("web-config.yml", gen_webconfig, 10),
    ("docker-compose.yml", gen_compose, 10),
    (".github/workflows/ci.yml", gen_workflow, 10),
    ("k8s/deployment.yaml", gen_k8s, 15),
    ("infra/main.tf", gen_terraform, 8),
    ("Dockerfile", gen_dockerfile, 7),
)


def generate_tree(root: str, count: int, seed: int = 1234) -> dict[str, int]:
    """``count`` files under ``root`` in nested folders; returns files per kind."""
    rng = random.Random(seed)
    population = [k for k in KINDS for _ in range(k[2])]
    per_kind: dict[str, int] = {}
    for i in range(count):
        rel, gen, _ = rng.choice(population)
        region, team = f"region-{i % 7}", f"team-{(i // 7) % 23}"
        path = os.path.join(root, region, team, f"stack-{i:05d}", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(gen(rng))
        per_kind[rel] = per_kind.get(rel, 0) + 1
    return per_kind


def count_files(root: str) -> int:
    total = 0
    for _, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        total += len(names)
    return total


def in_git_work_tree(folder: str) -> bool:
    try:
        out = subprocess.run(
            ["git", "-C", folder, "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"


def scan_tree(python: str, folder: str, files_on_disk: int, jobs: int | None = None) -> dict:
    cmd = [*promguard_command(python), "scan", ".", "--format", "json", "--fail-on", "never"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        elapsed, code, maxrss = run_timed(cmd, folder, stdout=out)
        out.flush()
        digest = hashlib.sha256()
        with open(out.name, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        summary = _report_summary(out.name)
    result = {
        "report_sha256": digest.hexdigest(),
        "command": " ".join(cmd),
        "folder": folder,
        "exit_code": code,
        "seconds": round(elapsed, 3),
        "files_on_disk": files_on_disk,
        "files_per_s": round(files_on_disk / elapsed, 1) if elapsed else None,
        "peak_rss_mib": round(rss_mib(maxrss), 1),
        "git_work_tree": in_git_work_tree(folder),
    }
    result.update(summary)
    return result


_SUMMARY = """
import json, sys
try:
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    s = report["summary"]
    counts = {}
    for f in report["findings"]:
        rule = f.get("rule_id") or "?"
        counts[rule] = counts.get(rule, 0) + 1
    out = dict(files_scanned=s["files_scanned"], files_by_kind=s["files_by_kind"],
               findings=s["findings"], suppressed=s["suppressed"], by_severity=s["by_severity"],
               parse_errors=s["parse_errors"], internal_errors=len(s["errors"]),
               findings_by_rule=dict(sorted(counts.items())))
except (ValueError, KeyError, TypeError) as exc:
    out = {"report_error": f"no JSON report ({type(exc).__name__}: {exc})"}
print(json.dumps(out))
"""


def _report_summary(path: str) -> dict:
    """The report's summary, read by a short-lived process: a 50,000-file report parsed here
    would stay in this process's memory, and every scan forked after it would inherit that as
    its peak RSS (Linux counts the pages a child had before exec)."""
    proc = subprocess.run(
        [sys.executable, "-c", _SUMMARY, path], capture_output=True, text=True, check=False
    )
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return {"report_error": f"no JSON report ({proc.stderr.strip()[-200:]})"}


def bench_throughput(python: str, count: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="promguard-bench-tree-")
    try:
        start = time.perf_counter()
        per_kind = generate_tree(tmp, count)
        gen_s = time.perf_counter() - start
        files = count_files(tmp)
        result = scan_tree(python, tmp, files, jobs=1)
        parallel = scan_tree(python, tmp, files, jobs=os.cpu_count() or 1)
        result["parallel"] = {
            "jobs": os.cpu_count() or 1,
            "seconds": parallel["seconds"],
            "files_per_s": parallel["files_per_s"],
            "peak_rss_mib": parallel["peak_rss_mib"],
            "same_report": parallel["report_sha256"] == result["report_sha256"],
        }
        result["generated"] = per_kind
        result["generate_seconds"] = round(gen_s, 2)
        result["folder"] = "<temporary directory, removed>"
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_scale(pythons: list[str], sizes: list[int]) -> list[dict]:
    """(d): for each size, the tree is generated once and scanned by each interpreter's
    promguard with --jobs 1 and --jobs 2."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import stack_tree

    rows = []
    for size in sizes:
        tmp = tempfile.mkdtemp(prefix="promguard-bench-stacks-")
        try:
            stack_tree.generate(tmp, size)
            files = count_files(tmp)
            for python in pythons:
                serial = scan_tree(python, tmp, files, jobs=1)
                two = scan_tree(python, tmp, files, jobs=2)
                rows.append(
                    {
                        "python": python,
                        "files": files,
                        "serial": {k: serial.get(k) for k in _SCALE_KEYS},
                        "jobs2": {k: two.get(k) for k in _SCALE_KEYS},
                        "same_report": serial["report_sha256"] == two["report_sha256"],
                        "internal_errors": serial.get("internal_errors", 0),
                        "exit_code": serial["exit_code"],
                    }
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    for python in pythons:
        mine = [r for r in rows if r["python"] == python]
        for before, row in zip(mine, mine[1:], strict=False):
            row["slope"] = _slope(before, row)
        if len(mine) > 2:
            mine[-1]["slope_overall"] = _slope(mine[0], mine[-1])
    return rows


_SCALE_KEYS = ("seconds", "files_per_s", "peak_rss_mib", "findings")


def _slope(small: dict, large: dict) -> float | None:
    import math

    a, b = small["serial"]["seconds"], large["serial"]["seconds"]
    if not a or not b or large["files"] == small["files"]:
        return None
    return round(math.log(b / a) / math.log(large["files"] / small["files"]), 2)


# --------------------------------------------------------------------------------------------
# Output


def print_table(res: dict) -> None:
    w = sys.stdout.write
    w(f"promguard benchmark  python={res['python']}  ({res['python_version']})\n\n")
    st = res.get("startup")
    if st:
        w(
            "(a) start-up, one small prometheus.yml"
            f" ({st['promguard_scan']['runs']} runs after 3 warm-ups)\n"
        )
        w(f"  {'':34}{'median ms':>10}{'min ms':>9}{'max ms':>9}\n")
        for label, key in (
            ("promguard scan prometheus.yml", "promguard_scan"),
            ("  the same inside examples/ (stack)", "promguard_scan_in_stack"),
            ("promguard scan nginx.conf", "promguard_scan_nginx"),
            ('python -c "import yaml"', "bare_import_yaml"),
        ):
            row = st[key]
            w(f"  {label:34}{row['median_ms']:>10.1f}{row['min_ms']:>9.1f}{row['max_ms']:>9.1f}\n")
        verdict = "OK" if st["ok"] else "OVER GOAL"
        w(
            f"  ratio (median) {st['ratio_median']:.2f}   ratio (min) {st['ratio_min']:.2f}"
            f"   in a stack {st['ratio_in_stack']:.2f}   goal <= {st['goal_ratio']}\n"
            f"  nginx.conf (not YAML): ratio (median) {st['ratio_nginx']:.2f}   goal <= "
            f"{st['goal_ratio_other']}   {verdict}\n"
        )
        w(
            f"  command: {st['promguard_scan']['command']}  exit codes "
            f"{st['promguard_scan']['exit_codes']}\n\n"
        )
        imp = st["importtime"]
        w(
            f"  -X importtime, top 10 cumulative (median of 5 runs; sum of self times "
            f"{imp['total_self_ms']} ms, bare import yaml "
            f"{st['importtime_bare_total_self_ms']} ms)\n"
        )
        w(f"  {'cumul ms':>9}{'self ms':>9}  module\n")
        for row in imp["top"]:
            w(
                f"  {row['cumulative_ms']:>9.2f}{row['self_ms']:>9.2f}  "
                f"{'  ' * row['depth']}{row['module']}\n"
            )
        extra = imp["beyond_bare"]
        w(
            f"  imports beyond bare `import yaml`: {extra['modules']} modules, "
            f"{extra['self_ms']} ms self time; largest: "
            + ", ".join(f"{r['module']} {r['self_ms']:.2f}" for r in extra["top"])
            + "\n"
        )
        w("\n")
    for key, title in (("throughput", "(b) throughput, generated tree"), ("corpus", "(c) corpus")):
        tp = res.get(key)
        if not tp:
            continue
        w(f"{title}\n")
        if key == "corpus":
            w(
                f"  folder: {tp['folder']}"
                + ("  (git work tree: git ls-files lists it)" if tp["git_work_tree"] else "")
                + "\n"
            )
        if "generated" in tp:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(tp["generated"].items()))
            w(f"  generated: {kinds}\n")
        w(
            f"  files on disk {tp['files_on_disk']}   serial: wall {tp['seconds']:.2f} s   "
            f"{tp['files_per_s']:.0f} files/s   peak RSS {tp['peak_rss_mib']:.1f} MiB   "
            f"exit {tp['exit_code']}\n"
        )
        par = tp.get("parallel")
        if par:
            same = "same report as serial" if par["same_report"] else "REPORT DIFFERS"
            w(
                f"  parallel, {par['jobs']} processes: wall {par['seconds']:.2f} s   "
                f"{par['files_per_s']:.0f} files/s   peak RSS {par['peak_rss_mib']:.1f} MiB "
                f"(largest process)   {same}\n"
            )
        if "report_error" in tp:
            w(f"  {tp['report_error']}\n\n")
            continue
        w(f"  scanned (parsed kinds) {tp['files_scanned']}  {tp['files_by_kind']}\n")
        w(
            f"  findings {tp['findings']}  suppressed {tp['suppressed']}  parse errors "
            f"{tp['parse_errors']}  internal errors {tp['internal_errors']}\n"
        )
        w(f"  by rule: {', '.join(f'{k} {n}' for k, n in tp['findings_by_rule'].items())}\n\n")
    scale = res.get("scale")
    if scale:
        w("(d) scale, monorepos of stacks (benchmarks/stack_tree.py)\n")
        w(
            f"  {'promguard':10}{'files':>7}{'jobs 1 s':>10}{'files/s':>9}{'RSS MiB':>9}"
            f"{'jobs 2 s':>10}{'files/s':>9}{'RSS MiB':>9}{'speed-up':>9}{'slope':>7}  report\n"
        )
        for row in scale:
            one, two = row["serial"], row["jobs2"]
            label = "baseline" if row["python"] != res["python"] else "this"
            slope = row.get("slope")
            w(
                f"  {label:10}{row['files']:>7}{one['seconds']:>10.2f}{one['files_per_s']:>9.0f}"
                f"{one['peak_rss_mib']:>9.0f}{two['seconds']:>10.2f}{two['files_per_s']:>9.0f}"
                f"{two['peak_rss_mib']:>9.0f}{one['seconds'] / two['seconds']:>8.2f}x"
                f"{slope if slope is not None else '':>7}  "
                f"{'same' if row['same_report'] else 'DIFFERS'}\n"
            )
            if "slope_overall" in row:
                w(f"  {'':10}slope from the first size to the last: {row['slope_overall']}\n")
        w("\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter with promguard installed (default: this one)",
    )
    ap.add_argument("--files", type=int, default=10000, help="files in the generated tree")
    ap.add_argument("--runs", type=int, default=20, help="timed start-up runs")
    ap.add_argument(
        "--corpus",
        default=DEFAULT_CORPUS,
        help=f"folder for (c), skipped when missing (default {DEFAULT_CORPUS})",
    )
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("startup", "throughput", "corpus", "scale"),
    )
    ap.add_argument("--scale-sizes", default="2000,10000,50000", help="files in each tree of (d)")
    ap.add_argument(
        "--baseline",
        metavar="PYTHON",
        help="an interpreter with another promguard, scanned in (d) side by side",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object, not the table")
    args = ap.parse_args(argv)

    python = (
        os.path.abspath(args.python)
        if os.sep in args.python
        else (shutil.which(args.python) or args.python)
    )
    probe = subprocess.run(
        [
            python,
            "-c",
            "import sys, promguard; print(sys.version.split()[0], promguard.__version__)",
        ],
        capture_output=True,
        text=True,
        env=child_env(),
    )
    if probe.returncode != 0:
        sys.stderr.write(f"bench: promguard is not importable with {python}:\n{probe.stderr}")
        return 2
    version, pg_version = probe.stdout.split()
    res: dict = {"python": python, "python_version": version, "promguard_version": pg_version}
    if "startup" not in args.skip:
        res["startup"] = bench_startup(python, args.runs)
    if "throughput" not in args.skip:
        res["throughput"] = bench_throughput(python, args.files)
    if "corpus" not in args.skip and os.path.isdir(args.corpus):
        res["corpus"] = scan_tree(python, os.path.abspath(args.corpus), count_files(args.corpus))
    if "scale" not in args.skip:
        pythons = [python] + ([os.path.abspath(args.baseline)] if args.baseline else [])
        sizes = [int(n) for n in args.scale_sizes.split(",") if n.strip()]
        res["scale"] = bench_scale(pythons, sizes)
    if args.json:
        json.dump(res, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(res)
    failed = any(
        part.get("exit_code") not in (0, 1) or part.get("internal_errors") or "report_error" in part
        for part in (res.get("throughput"), res.get("corpus"), *res.get("scale", ()))
        if part
    )
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
