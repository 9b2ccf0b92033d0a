"""Generated monorepos of monitoring stacks, for the scale benchmark (bench.py --scale).

Each stack is a folder as a platform team would keep it: a compose project (Prometheus,
Alertmanager, Grafana, node-exporter and an nginx or Caddy proxy in front of them, every third
with an override file), its prometheus.yml, web config and alertmanager.yml, the proxy's config
(nginx.conf with an included conf.d file, or a Caddyfile), an exporter Dockerfile, and on every
other stack a Terraform root module with a local security-group module. Stacks sit several to a
team folder, teams several to a repository, three folders deep, and use the same service names
(prometheus, grafana ...), so that a proxy_pass to prometheus:9090 has to be resolved within its
own project among thousands of services of that name. Standard library only; the same seed gives
the same tree.
"""

from __future__ import annotations

import os
import random

STACKS_PER_TEAM = 4
TEAMS_PER_REPO = 5

_COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:{prom_version}
    command:
      - --config.file=/etc/prometheus/prometheus.yml
{web_config}{admin_api}    volumes:
      - ./prometheus:/etc/prometheus:ro
    ports:
      - "{prom_bind}9090:9090"
  alertmanager:
    image: prom/alertmanager:v0.27.0
    command:
      - --config.file=/etc/alertmanager/alertmanager.yml
    volumes:
      - ./alertmanager:/etc/alertmanager:ro
  grafana:
    image: grafana/grafana:{grafana_version}
    environment:
      GF_SECURITY_ADMIN_PASSWORD: {grafana_password}
  node-exporter:
    image: prom/node-exporter:v1.8.1
  {proxy}:
    image: {proxy_image}
    ports:
      - "80:80"
    volumes:
{proxy_volumes}"""

_OVERRIDE = """\
services:
  prometheus:
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --web.enable-lifecycle
"""

_PROMETHEUS = """\
global:
  scrape_interval: 15s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager:9093"]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: node
    static_configs:
      - targets: ["node-exporter:9100"]
  - job_name: app-{n}
    scheme: {scheme}
    basic_auth:
      username: scraper
      password: {password}
    static_configs:
      - targets: ["app-{n}.internal:8443"]
"""

_WEB_CONFIG = """\
basic_auth_users:
  admin: {hash}
"""

_ALERTMANAGER = """\
route:
  receiver: team
receivers:
  - name: team
    webhook_configs:
      - url: {webhook}
"""

_NGINX = """\
events {}
http {
  include conf.d/*.conf;
}
"""

_NGINX_SITE = """\
server {{
  listen 80;
  location / {{
    proxy_pass http://grafana:3000;
  }}
  location /prometheus/ {{
{auth}    proxy_pass http://prometheus:9090/;
  }}
  location /alertmanager/ {{
    proxy_pass http://alertmanager:9093/;
  }}
}}
"""

_CADDY = """\
:80 {{
  handle /prometheus/* {{
{auth}    reverse_proxy prometheus:9090
  }}
  handle /alertmanager/* {{
    reverse_proxy alertmanager:9093
  }}
  reverse_proxy grafana:3000
}}
"""

_DOCKERFILE = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /exporter ./cmd/exporter
FROM gcr.io/distroless/base-debian12
COPY --from=build /exporter /exporter
{user}EXPOSE 9{port:03d}
ENTRYPOINT ["/exporter"]
"""

_TF_MAIN = """\
module "monitoring_sg" {{
  source        = "./modules/sg"
  allowed_cidrs = var.allowed_cidrs
  name          = "stack-{n}"
}}
"""

_TF_VARIABLES = """\
variable "allowed_cidrs" {{
  type    = list(string)
  default = ["{cidr}"]
}}
"""

_TF_MODULE = """\
variable "allowed_cidrs" {
  type = list(string)
}
variable "name" {
  type = string
}
resource "aws_security_group" "prometheus" {
  name = "${var.name}-prometheus"
  ingress {
    from_port   = 9090
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }
}
"""


def _write(path: str, text: str, counts: dict[str, int], kind: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    counts[kind] = counts.get(kind, 0) + 1


def _stack(folder: str, n: int, rng: random.Random, counts: dict[str, int]) -> None:
    caddy = n % 2 == 1
    proxy, image = ("caddy", "caddy:2.8") if caddy else ("nginx", "nginx:1.27")
    volumes = (
        "      - ./caddy/Caddyfile:/etc/caddy/Caddyfile:ro\n"
        if caddy
        else "      - ./nginx:/etc/nginx:ro\n"
    )
    web = n % 3 == 0
    compose = _COMPOSE.format(
        prom_version=rng.choice(("v2.45.0", "v2.53.0", "v3.1.0")),
        web_config="      - --web.config.file=/etc/prometheus/web-config.yml\n" if web else "",
        admin_api="      - --web.enable-admin-api\n" if n % 4 == 0 else "",
        prom_bind=rng.choice(("", "127.0.0.1:")),
        grafana_version=rng.choice(("10.4.2", "11.1.0")),
        grafana_password=rng.choice(("admin", "${GRAFANA_PASSWORD}")),
        proxy=proxy,
        proxy_image=image,
        proxy_volumes=volumes,
    )
    _write(os.path.join(folder, "docker-compose.yml"), compose, counts, "compose")
    if n % 3 == 1:
        _write(os.path.join(folder, "docker-compose.override.yml"), _OVERRIDE, counts, "compose")
    prometheus = _PROMETHEUS.format(
        n=n,
        scheme=rng.choice(("http", "https")),
        password=f"pw{rng.randrange(10**8):08d}",
    )
    _write(os.path.join(folder, "prometheus", "prometheus.yml"), prometheus, counts, "prometheus")
    if web:
        hash_ = "$2y$10$" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(53))
        _write(
            os.path.join(folder, "prometheus", "web-config.yml"),
            _WEB_CONFIG.format(hash=hash_),
            counts,
            "webconfig",
        )
    webhook = rng.choice(("http://hooks.internal/alert", "https://hooks.example.com/alert"))
    _write(
        os.path.join(folder, "alertmanager", "alertmanager.yml"),
        _ALERTMANAGER.format(webhook=webhook),
        counts,
        "alertmanager",
    )
    if caddy:
        auth = "    basic_auth {\n      admin $2a$14$hash\n    }\n" if n % 4 == 1 else ""
        _write(
            os.path.join(folder, "caddy", "Caddyfile"), _CADDY.format(auth=auth), counts, "caddy"
        )
    else:
        auth = '    auth_basic "monitoring";\n    auth_basic_user_file /etc/nginx/htpasswd;\n'
        _write(os.path.join(folder, "nginx", "nginx.conf"), _NGINX, counts, "nginx")
        _write(
            os.path.join(folder, "nginx", "conf.d", "monitoring.conf"),
            _NGINX_SITE.format(auth=auth if n % 4 == 0 else ""),
            counts,
            "nginx",
        )
    _write(
        os.path.join(folder, "exporter", "Dockerfile"),
        _DOCKERFILE.format(user="USER 65534\n" if n % 2 else "", port=n % 1000),
        counts,
        "dockerfile",
    )
    if n % 2 == 0:
        tf = os.path.join(folder, "terraform")
        _write(os.path.join(tf, "main.tf"), _TF_MAIN.format(n=n), counts, "terraform")
        cidr = rng.choice(("10.0.0.0/8", "0.0.0.0/0"))
        _write(
            os.path.join(tf, "variables.tf"), _TF_VARIABLES.format(cidr=cidr), counts, "terraform"
        )
        _write(os.path.join(tf, "modules", "sg", "main.tf"), _TF_MODULE, counts, "terraform")
    _write(os.path.join(folder, "README.md"), f"# stack {n}\n", counts, "other")


def generate(root: str, files: int, seed: int = 1234) -> dict[str, int]:
    """Stacks under ``root`` until about ``files`` files are written; returns files by kind."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    n = 0
    while sum(counts.values()) < files:
        repo, rest = divmod(n, STACKS_PER_TEAM * TEAMS_PER_REPO)
        team, stack = divmod(rest, STACKS_PER_TEAM)
        env = ("prod", "staging")[stack % 2]
        folder = os.path.join(root, f"repo{repo:04d}", f"team{team}", env, f"stack{n}")
        _stack(folder, n, rng, counts)
        n += 1
    return counts
