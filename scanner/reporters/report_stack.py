"""The stack as the report shows it: which proxy routes reach which service, and the scrape
and alerting targets Prometheus names (from the stack model of scanner/models/stack.py)."""

from __future__ import annotations

import os

from promguard.models.stack import PROXY_CONFIGS


class _Route:
    """A proxy route for the page: the proxy, who forwards (a service or a file) and how."""

    def __init__(self, proxy, source, source_service, route, kind):
        self.proxy = proxy
        self.source = source  # name of the node that forwards
        self.source_service = source_service  # its compose service name, if any
        self.route = route  # "location /api/", "site :9090", "--upstream"
        self.kind = kind  # "nginx", "caddy", "traefik", "oauth2-proxy"


def stack_model_of(doc):
    if doc is None or not getattr(doc, "roots", None):
        return None
    from promguard.models.stack import stack_model

    return stack_model(doc)


def proxy_routes(model, root: str) -> list[_Route]:
    routes = []
    for proxy in model.proxies():
        if proxy.kind in PROXY_CONFIGS:
            written = getattr(proxy.node, "file", None)
            path = written or os.path.join(root, proxy.doc.path)
            owner = _proxy_service(model, path, proxy.kind)
            source = owner.name if owner is not None else proxy.doc.path
        elif proxy.kind == "traefik":  # its labels sit on the backend: the router's Traefik
            owner = proxy.via
            source = owner.name if owner is not None else "Traefik outside the scan"
        else:
            owner = _service_at(model, proxy.where)
            source = owner.name if owner is not None else proxy.where[0]
        routes.append(_Route(proxy, source, owner.name if owner else None, proxy.route, proxy.kind))
    return routes


def _proxy_service(model, path: str, program: str):
    """The compose service that mounts the proxy's config file (or its folder); the one
    service running that proxy when no mount says."""
    path = os.path.normpath(path)
    folder = PROXY_CONFIGS[program][0]
    candidates = []
    for service in model.services:
        image = service.service.image
        if service.program == program or (image is not None and program in image.value.lower()):
            candidates.append(service)
        for mount in service.mounts:
            host = mount.host
            if host and mount.target and mount.target.startswith(folder):
                if path == host or path.startswith(host.rstrip(os.sep) + os.sep):
                    return service
    return candidates[0] if len(candidates) == 1 else None


def _service_at(model, where):
    path, line, _ = where
    for service in model.services:
        node = service.service.node
        start = service.service.key.line
        end = getattr(node, "end_line", start)
        if service.service.doc.path == path and start <= line <= end:
            return service
    return None


def scrape_links(model) -> list[tuple[str, str, str]]:
    """(Prometheus service, "scrape job `x`" or "alerts", service of the stack it reaches)
    from the static targets of the prometheus.yml each Prometheus service reads."""
    found = []
    for service in model.services:
        if service.program != "prometheus":
            continue
        ref = service.files().get("config.file")
        doc = ref.doc if ref is not None else None
        if doc is None:
            continue
        for root in doc.mappings():
            jobs = root.get("scrape_configs")
            for job in _sequence(jobs):
                name = job.text("job_name") if hasattr(job, "text") else None
                label = f"scrape job `{name or '?'}`"
                for target in _static_targets(job):
                    reached = _resolve(model, service, target)
                    if reached is not None:
                        found.append((service.name, label, reached.name))
            alerting = root.get("alerting")
            managers = alerting.get("alertmanagers") if hasattr(alerting, "get") else None
            for manager in _sequence(managers):
                for target in _static_targets(manager):
                    reached = _resolve(model, service, target)
                    if reached is not None:
                        found.append((service.name, "alerts", reached.name))
    return list(dict.fromkeys(found))


def _sequence(node):
    if node is None or hasattr(node, "entries") or not hasattr(node, "__iter__"):
        return []
    return list(node)


def _static_targets(block) -> list[str]:
    targets = []
    statics = block.get("static_configs") if hasattr(block, "get") else None
    for static in _sequence(statics):
        items = static.get("targets") if hasattr(static, "get") else None
        for item in _sequence(items):
            text = getattr(item, "text", None)
            if isinstance(text, str):
                targets.append(text)
    return targets


def _resolve(model, service, target: str):
    host = target.rsplit("@", 1)[-1]
    host = host.split("://", 1)[-1].split("/", 1)[0]
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    reached = model.resolve(host, None, service.project) if host else None
    return reached if reached is not service else None
