"""promguard on one large proxy file: does the cost grow with the number of blocks, or faster?

Run:  python benchmarks/scale.py [--sizes 1000,2000,4000,8000] [--kind nginx|caddy|both]

Standard library only. For each size N a temporary folder gets a docker-compose.yml (Prometheus
with the admin API and lifecycle on, an nginx or Caddy service mounting the config) and one
proxy config of N blocks:

* nginx.conf: one server with `location /` proxying to prometheus:9090 and N locations, a
  quarter each of prefix locations that proxy to
  prometheus:9090 without auth, prefix locations with auth_basic that proxy to it, regex
  locations (`~ ^/reN/(.*)$`, every tenth `~*`) to another service, and exact locations that
  return 200;
* Caddyfile: one site with N `handle /pN/*` blocks, alternately a bare reverse_proxy to
  prometheus:9090 and one behind basic_auth.

The folder is scanned by `python -m promguard scan DIR --format json -o /dev/null --fail-on
never` (start-up included); the table gives the wall time and the ratio to the previous size.
Twice the blocks should cost about twice the time: a ratio near 4 means quadratic work.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    command:
      - --web.enable-admin-api
      - --web.enable-lifecycle
  {proxy}:
    image: {proxy}:latest
    ports:
      - "80:80"
    volumes:
      - ./{config}:{target}:ro
"""


def nginx_conf(n: int) -> str:
    """One server, ``n`` locations of four kinds (see the module doc)."""
    lines = ["events {}", "http {", "  server {", "    listen 80;", "    server_name example;"]
    lines.append("    location / { proxy_pass http://prometheus:9090; }")
    for i in range(n):
        kind = i % 4
        if kind == 0:
            lines.append(f"    location /svc{i}/ {{ proxy_pass http://prometheus:9090/; }}")
        elif kind == 1:
            lines.append(
                f'    location /auth{i}/ {{ auth_basic "p"; auth_basic_user_file /etc/htpasswd; '
                "proxy_pass http://prometheus:9090/; }"
            )
        elif kind == 2:
            modifier = "~*" if i % 10 == 2 else "~"
            lines.append(
                f"    location {modifier} ^/re{i}/(.*)$ {{ proxy_pass http://app:8080/$1; }}"
            )
        else:
            lines.append(f"    location = /exact{i} {{ return 200; }}")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def caddyfile(n: int) -> str:
    """One site, ``n`` handle blocks that proxy to Prometheus, every other one behind auth."""
    lines = ["example.com {"]
    for i in range(n):
        if i % 2:
            lines.append(
                f"  handle /p{i}/* {{\n    basic_auth {{\n      bob $2a$14$hash\n    }}\n"
                "    reverse_proxy prometheus:9090\n  }"
            )
        else:
            lines.append(f"  handle /p{i}/* {{\n    reverse_proxy prometheus:9090\n  }}")
    lines += ["}", ""]
    return "\n".join(lines)


def make_tree(root: str, kind: str, n: int) -> None:
    if kind == "nginx":
        config, target, text = "nginx.conf", "/etc/nginx/nginx.conf", nginx_conf(n)
    else:
        config, target, text = "Caddyfile", "/etc/caddy/Caddyfile", caddyfile(n)
    with open(os.path.join(root, config), "w") as fh:
        fh.write(text)
    with open(os.path.join(root, "docker-compose.yml"), "w") as fh:
        fh.write(COMPOSE.format(proxy=kind, config=config, target=target))


def scan_seconds(root: str, python: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [python, "-m", "promguard", "scan", root, "--format", "json", "-o", os.devnull]
        + ["--fail-on", "never"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,4000,8000")
    parser.add_argument("--kind", choices=("nginx", "caddy", "both"), default="both")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = ("nginx", "caddy") if args.kind == "both" else (args.kind,)
    print(f"{'kind':6} {'blocks':>7} {'seconds':>8} {'ratio':>6}")
    for kind in kinds:
        previous = None
        for n in sizes:
            with tempfile.TemporaryDirectory() as root:
                make_tree(root, kind, n)
                seconds = scan_seconds(root, args.python)
            ratio = f"{seconds / previous:6.2f}" if previous else ""
            print(f"{kind:6} {n:7d} {seconds:8.2f} {ratio:>6}", flush=True)
            previous = seconds
    return 0


if __name__ == "__main__":
    sys.exit(main())
