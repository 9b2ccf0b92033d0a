"""The stack as one model, for the cross-file rules: each compose service with the program it
runs, the ports it can be reached on, the host files it mounts and the config files its flags
name, parsed; and the nginx and Caddy configurations in front of them with their targets
resolved to those services.

Built once per scan from scanner/stack_files.py and kept in the stack document's cache.
"""

from __future__ import annotations

import os
import posixpath

from promguard.models.services import DEFAULT_PORTS, is_loopback

# Flags that name a file the program reads, with the kind promguard parses it as.
FILE_FLAGS = {
    "prometheus": (("config.file", "prometheus"), ("web.config.file", "webconfig")),
    "alertmanager": (
        ("config.file", "alertmanager"),
        ("web.config.file", "webconfig"),
        ("cluster.tls-config", None),
    ),
    "pushgateway": (("web.config.file", "webconfig"),),
    "node_exporter": (("web.config.file", "webconfig"),),
    "blackbox_exporter": (("config.file", None), ("web.config.file", "webconfig")),
}
# What each program reads when the flag is not given, and whether its image ships the file.
DEFAULT_FILES = {
    ("prometheus", "config.file"): "/etc/prometheus/prometheus.yml",
    ("alertmanager", "config.file"): "/etc/alertmanager/alertmanager.yml",
    ("blackbox_exporter", "config.file"): "/etc/blackbox_exporter/config.yml",
}
# Files the official images contain, so a flag naming them needs no mount.
IMAGE_FILES = frozenset(
    (
        "/etc/prometheus/prometheus.yml",
        "/etc/alertmanager/alertmanager.yml",
        "/etc/blackbox_exporter/config.yml",
    )
)
_LISTEN_FLAGS = {"oauth2-proxy": "http-address"}
# The value of the lifecycle "setting" of a Prometheus 1.x, which has no flag for it.
ALWAYS_ON_BEFORE_2 = "always on before 2.0"
# The flags that let a client change or stop the program, or write data.
RISKY_FLAGS = {
    "prometheus": (
        "web.enable-admin-api",
        "web.enable-lifecycle",
        "web.enable-remote-write-receiver",
        "web.enable-otlp-receiver",
    ),
    "pushgateway": ("web.enable-admin-api", "web.enable-lifecycle"),
}
# The working directory of the official images: relative flag values are read from there.
_WORKDIRS = {"prometheus": "/prometheus", "alertmanager": "/alertmanager"}


def stack_model(doc) -> Model:
    model = doc.cache.get("stack")
    if model is None:
        model = doc.cache["stack"] = Model(doc.roots[0])
    return model


class Mount:
    """Something that puts a file or folder at ``target`` in the container."""

    __slots__ = ("target", "host", "item", "kind")

    def __init__(self, target: str, host: str | None, item, kind: str):
        self.target = posixpath.normpath(target) if target else target
        self.host = host  # absolute host path, when it is a host file or folder
        self.item = item  # where it is written in the compose file
        self.kind = kind  # bind | volume | secret | config | tmpfs


class FileRef:
    """A file a program reads: the flag or key naming it, the path in the container, the host
    file behind it (when a mount provides it) and the parsed document."""

    __slots__ = ("setting", "path", "mount", "host", "doc", "kind")

    def __init__(self, setting, path, mount, host, doc, kind):
        self.setting, self.path, self.mount = setting, path, mount
        self.host, self.doc, self.kind = host, doc, kind


class StackService:
    def __init__(self, model, project, service, invocation, program):
        self.model = model
        self.project = project
        self.service = service
        self.name = service.name
        self.invocation = invocation
        self.program = program
        self.mounts = _mounts(project, service)
        self._files: dict | None = None

    def __repr__(self):
        return f"StackService({self.name}, {self.program})"

    # where it listens and who can reach it

    @property
    def listen(self) -> tuple[str, int | None]:
        """(host, port) the program listens on inside the container."""
        flag_name = _LISTEN_FLAGS.get(self.program or "", "web.listen-address")
        setting = self.invocation.setting(flag_name) if self.invocation else None
        default = DEFAULT_PORTS.get(self.program or "")
        if self.program == "grafana":
            port = self.service.environment.get("GF_SERVER_HTTP_PORT")
            return "", _int(port.value) if port is not None else default
        if setting is None:
            return ("127.0.0.1" if self.program == "oauth2-proxy" else ""), default
        host, _, port = setting.value.rpartition(":")
        return host.strip("[]"), _int(port) or default

    @property
    def host_network(self):
        mode = self.service.field("network_mode")
        return mode if mode is not None and mode.value.strip() == "host" else None

    def exposures(self, port: int | None = None, protocol: str = "tcp") -> list:
        """The compose ports (or the network_mode: host item) that make the program's port
        (or ``port``) reachable from other machines."""
        host, listen = self.listen
        port = port or listen
        if port is None or (host and is_loopback(host)):
            return []
        found = [
            p
            for p in self.service.ports
            if p.reachable and port in p.target_ports() and p.protocol == protocol
        ]
        network = self.host_network
        if network is not None and not found:
            found.append(network)
        return found

    # files

    def mount_for(self, path: str) -> Mount | None:
        """The mount that provides ``path`` in the container (the deepest one)."""
        path = posixpath.normpath(path)
        best = None
        for mount in self.mounts:
            if mount.target and (path == mount.target or path.startswith(mount.target + "/")):
                if best is None or len(mount.target) > len(best.target):
                    best = mount
        return best

    def host_file(self, path: str) -> tuple[Mount | None, str | None]:
        mount = self.mount_for(path)
        if mount is None or mount.host is None:
            return mount, None
        rest = posixpath.relpath(posixpath.normpath(path), mount.target)
        if rest == ".":
            return mount, mount.host
        return mount, os.path.normpath(os.path.join(mount.host, rest))

    def container_path(self, value: str) -> str:
        if value.startswith("/"):
            return posixpath.normpath(value)
        return posixpath.normpath(posixpath.join(_WORKDIRS.get(self.program or "", "/"), value))

    def files(self) -> dict[str, FileRef]:
        """The files the program's flags name (and the config file it reads by default), by
        flag name."""
        if self._files is not None:
            return self._files
        self._files = {}
        for flag, kind in FILE_FLAGS.get(self.program or "", ()):
            setting = self.invocation.setting(flag) if self.invocation else None
            if setting is not None and not setting.value.strip():
                continue  # an empty value switches the file off
            if setting is None:
                default = DEFAULT_FILES.get((self.program, flag))
                if default is None:
                    continue
                path = default
            else:
                path = self.container_path(setting.value.strip())
            mount, host = self.host_file(path)
            doc = None
            if host is not None and os.path.isfile(host):
                doc = self.model.files.load(host, kind) if kind else None
            self._files[flag] = FileRef(setting, path, mount, host, doc, kind)
        return self._files

    def web_config(self):
        ref = self.files().get("web.config.file")
        return ref if ref is not None and ref.setting is not None else None

    def authentication(self) -> str | None:
        """What the program's own web config asks of a client: "basic auth", "client
        certificates", or None. Unknown (a web config promguard cannot read) counts as
        asking, so that a finding is never made on a guess."""
        ref = self.web_config()
        if ref is None:
            return None
        if ref.doc is None:
            return "an unread web config"
        root = _mapping(ref.doc)
        if root is None:
            return None
        users = root.get("basic_auth_users")
        if users is not None and getattr(users, "entries", None):
            return "basic auth"
        tls = root.get("tls_server_config")
        auth_type = tls.text("client_auth_type") if hasattr(tls, "text") else None
        if auth_type in ("RequireAndVerifyClientCert", "RequireAnyClientCert"):
            return "client certificates"
        return None

    def tls(self) -> bool:
        ref = self.web_config()
        if ref is None:
            return False
        if ref.doc is None:
            return True  # not read: no guess
        root = _mapping(ref.doc)
        return root is not None and root.get("tls_server_config") is not None

    def risky_flags(self) -> list:
        """The flags that let a client change or stop the program, or write data."""
        found = []
        for name in RISKY_FLAGS.get(self.program or "", ()):
            if self.invocation is not None and self.invocation.is_on(name):
                setting = self.invocation.setting(name)
                if setting is not None:
                    found.append(setting)
        image = self.invocation.image if self.invocation is not None else None
        version = image.version if image is not None else None
        if self.program == "prometheus" and version and version[0] < 2 and self.service.image:
            # Prometheus 1.x serves /-/reload and /-/quit to anyone, with no flag to turn on
            from .invocation import Setting

            found.append(Setting("web.enable-lifecycle", ALWAYS_ON_BEFORE_2, self.service.image))
        return found


class Model:
    def __init__(self, files):
        from .invocation import compose_invocations

        self.files = files
        self._proxies: list[Proxy] | None = None
        self._proxies_by_service: dict[int, list[Proxy]] | None = None
        self.services: list[StackService] = []
        self._folders: dict[str, list] = {}  # a project's folder -> the projects there
        self._names: dict[tuple[int, str], StackService] | None = None
        self._traefik: list | None = None
        self._dockerfiles: list | None = None
        self._proxies_at: dict[tuple, Proxy] | None = None
        for project, doc in files.compose_projects():
            if project.services:
                self._folders.setdefault(os.path.normpath(project.folder), []).append(project)
            invocations = {inv.service.name: inv for inv in compose_invocations(doc)}
            for service in project.services.values():
                inv = invocations.get(service.name)
                program = inv.program if inv is not None else _image_program(service)
                self.services.append(StackService(self, project, service, inv, program))

    def proxies(self) -> list[Proxy]:
        """Every nginx location (in a scanned nginx file, or in one an nginx service mounts)
        whose proxy_pass reaches a service of the stack."""
        if self._proxies is not None:
            return self._proxies
        self._proxies = []
        if not self.services:
            if any(self.files.documents(program) for program in PROXY_CONFIGS):
                # in a larger scan these would be looked up in every compose project
                self.files.looked_everywhere()
            return self._proxies  # nothing for a proxy_pass to reach
        for doc, project in self.proxy_documents("nginx"):
            from promguard.models.nginx import build_model  # only when there is nginx to read

            config = doc.roots[0] if doc.roots else None
            if config is None:
                continue

            def resolve(host, port=None, project=project):
                return self.resolve(host, port, project)

            nginx = build_model(config, resolve=resolve)
            for location in nginx.locations():
                service = _nginx_service(location, resolve) if not location.in_if else None
                if service is not None:
                    self._proxies.append(_nginx_proxy(doc, location, service, resolve))
        self._proxies.extend(self._caddy_proxies())
        self._proxies.extend(self._oauth2_proxies())
        self._proxies.extend(self._traefik_proxies())
        return self._proxies

    def traefiks(self) -> list:
        """Every Traefik of the stack with its entry points and routers
        (promguard.models.traefik); the model is imported only for a stack that has one."""
        if self._traefik is None:
            if self._has_traefik():
                from .traefik import build_traefiks

                self._traefik = build_traefiks(self)
            else:
                self._traefik = []
        return self._traefik

    def _has_traefik(self) -> bool:
        if self.files.documents("traefik") or self.files.documents("traefik-toml"):
            return True
        for service in self.services:
            compose = service.service
            if service.program == "traefik" or "traefik" in _image_name(compose):
                return True
            if any(n[:8].lower() == "traefik." for n in (*compose.labels, *compose.deploy_labels)):
                return True
        return False

    def _traefik_proxies(self) -> list[Proxy]:
        """Every router a Traefik declares whose service is one of the stack's (the routers
        the Docker provider makes by itself are TRF03's)."""
        found = []
        for instance in self.traefiks():
            for router in instance.routers:
                if router.default or not isinstance(router.target, StackService):
                    continue
                if router.target is instance.service:
                    continue  # Traefik's own dashboard or metrics, not a backend behind it
                doors = [door for door in router.doors() if door.redirected is None]
                if not doors:
                    continue  # every request is redirected to another entry point
                written = router.written
                where = (written.doc.path, written.node.line, written.node.column)
                protected = all(door.protection() for door in doors) or router.rule.has_client_ip()
                proxy = Proxy(written.doc, None, router.target, protected, where)
                proxy.kind = "traefik"
                proxy.route = f"router `{router.display}`"
                proxy.node = written.node
                proxy.forwards = router.forwards
                proxy.via = instance.service
                found.append(proxy)
        return found

    def proxies_to(self, service: StackService) -> list[Proxy]:
        """The proxies that forward to ``service``, in the order of ``proxies()``."""
        if self._proxies_by_service is None:
            self._proxies_by_service = {}
            for proxy in self.proxies():
                self._proxies_by_service.setdefault(id(proxy.service), []).append(proxy)
        return self._proxies_by_service.get(id(service), [])

    def _caddy_proxies(self) -> list[Proxy]:
        """Every reverse_proxy of a Caddy site whose upstream is a service of the stack."""
        documents = self.proxy_documents("caddy")
        if not documents:
            return []
        from ..document import at
        from .caddy import sites

        found = []
        for doc, project in documents:
            for site in sites(doc):  # the site models the CDY rules built, if they ran
                for directive in site.proxies():
                    for upstream in site.upstreams(directive):
                        host = upstream.host
                        service = self.resolve(host, upstream.port, project) if host else None
                        if service is None:
                            continue
                        outcomes = site.reaches(directive)
                        protected = bool(outcomes) and all(o.protected for o in outcomes)
                        written = at(doc, directive)
                        proxy = Proxy(
                            written,
                            None,
                            service,
                            protected,
                            (written.path, directive.line, directive.column),
                        )
                        proxy.kind = "caddy"
                        proxy.route = "site " + ", ".join(a.token.text for a in site.addresses)
                        proxy.node = directive
                        proxy.forwards = _caddy_forwards(site, directive)
                        found.append(proxy)
                        break
        return found

    def _oauth2_proxies(self) -> list[Proxy]:
        """oauth2-proxy logs every request in before passing it to its --upstream."""
        from urllib.parse import urlsplit

        found = []
        for proxy in self.services:
            if proxy.program != "oauth2-proxy" or proxy.invocation is None:
                continue
            upstreams = proxy.invocation.all("upstream")
            single = proxy.invocation.setting("upstream")
            if not upstreams and single is not None:
                upstreams = [single]
            for setting in upstreams:
                for url in setting.value.split(","):
                    try:
                        host = urlsplit(url.strip()).hostname
                    except ValueError:
                        host = None
                    service = self.resolve(host, None, proxy.project) if host else None
                    if service is not None and service is not proxy:
                        item = setting.item
                        spot = (item.doc.path, item.line, item.column)
                        proxy = Proxy(item.doc, None, service, True, spot)
                        proxy.kind, proxy.route, proxy.node = "oauth2-proxy", "--upstream", item
                        found.append(proxy)
        return found

    # where a file finding sits in the stack (Rule.in_stack)

    def service_at(self, path: str, line: int) -> StackService | None:
        """The compose service whose definition holds ``line`` of the file ``path`` (as
        reports show paths)."""
        for service in self.services:
            node, doc = service.service.node, service.service.doc
            if doc.path == path and node.line - 1 <= line <= node.end_line:
                return service
        return None

    def services_reading(self, path: str, flag: str) -> list[StackService]:
        """The services whose --``flag`` names the file ``path``."""
        found = []
        for service in self.services:
            ref = service.files().get(flag)
            if ref is not None and ref.doc is not None and ref.doc.path == path:
                found.append(service)
        return found

    def proxy_at(self, path: str, line: int):
        """The proxy written at ``line`` of ``path`` (an nginx location, a Caddy
        reverse_proxy, a Traefik router), or None."""
        if self._proxies_at is None:  # asked once per finding: indexed once
            self._proxies_at = {}
            for proxy in self.proxies():
                self._proxies_at.setdefault(proxy.where[:2], proxy)
        return self._proxies_at.get((path, line))

    def services_mounting(self, path: str) -> list[StackService]:
        """The services that mount the scanned file ``path`` (as reports show it), or the
        folder it is in."""
        docs = [d for d in self.files.documents() if d.path == path]
        if not docs:
            return []
        abspath = os.path.normpath(docs[0].abspath)
        found = []
        for service in self.services:
            for mount in service.mounts:
                host = mount.host
                if host and (abspath == host or abspath.startswith(host.rstrip(os.sep) + os.sep)):
                    found.append(service)
                    break
        return found

    def reachable(self, service: StackService) -> bool:
        """Whether other machines reach the service: its own published port, or a proxy that
        forwards to it."""
        return bool(service.exposures()) or bool(self.proxies_to(service))

    def dockerfiles(self) -> list:
        """(Dockerfile document, build context folder): scanned Dockerfiles (their folder is
        the context) and those the compose services build (found once: rules ask per
        finding)."""
        if self._dockerfiles is None:
            self._dockerfiles = self._find_dockerfiles()
        return self._dockerfiles

    def _find_dockerfiles(self) -> list:
        found = {
            d.abspath: (d, os.path.dirname(d.abspath)) for d in self.files.documents("dockerfile")
        }
        for service in self.services:
            build = service.service.raw.get("build")
            if build is None:
                continue
            node, _ = build
            context = node.text if hasattr(node, "text") and isinstance(node.text, str) else None
            dockerfile = "Dockerfile"
            if hasattr(node, "get"):
                context = node.text("context") or "."
                dockerfile = node.text("dockerfile") or "Dockerfile"
            if not context or "://" in context or "$" in context:
                continue
            folder = os.path.normpath(os.path.join(service.project.folder, context))
            path = os.path.normpath(os.path.join(folder, dockerfile))
            doc = self.files.load(path, "dockerfile")
            if doc is not None:
                found[doc.abspath] = (doc, folder)
        return [found[p] for p in sorted(found)]

    def proxy_documents(self, program: str) -> list:
        """The config files of a proxy program with their compose project: those a service
        running it mounts under its config folder belong to that service's project; a
        scanned file to the one project whose folder holds it, else to none (its names are
        then looked up in every project)."""
        folder, files_of = PROXY_CONFIGS[program]
        docs: dict = {}
        for service in self.services:
            if service.program != program and program not in _image_name(service.service):
                continue
            for mount in service.mounts:
                if mount.host is None or not mount.target.startswith(folder):
                    continue
                for path in files_of(mount.host):
                    doc = self.files.load(path, program)
                    if doc is not None:
                        docs.setdefault(doc.abspath, (doc, service.project))
        for doc in self.files.documents(program):
            if doc.abspath not in docs:
                docs[doc.abspath] = (doc, self._project_of(doc.abspath))
        return [docs[p] for p in sorted(docs)]

    def _project_of(self, abspath: str):
        """The one project whose folder holds the file (None when none or several do): the
        folders above it are looked up, not every project's."""
        holders: list = []
        folder = os.path.dirname(os.path.normpath(abspath))
        while True:
            holders += self._folders.get(folder, ())
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        return holders[0] if len(holders) == 1 else None

    def resolve(self, host: str, port: int | None = None, project=None) -> StackService | None:
        """The service a host name means on the compose network: its service name,
        container_name or hostname, in ``project`` when it is known (compose projects do
        not share a network)."""
        if self._names is None:
            # the first service of each name, per project (id) and over all (0)
            self._names = {}
            for service in self.services:
                for name in _names(service):
                    self._names.setdefault((id(service.project), name), service)
                    self._names.setdefault((0, name), service)
        if project is None:
            self.files.looked_everywhere()
        key = id(project) if project is not None else 0
        return self._names.get((key, (host or "").lower()))


class Proxy:
    """Something that forwards requests to a service of the stack: an nginx location, a Caddy
    reverse_proxy, a Traefik router, or an oauth2-proxy whose --upstream names the service."""

    __slots__ = (
        "doc",
        "location",
        "service",
        "protected",
        "where",
        "kind",
        "route",
        "node",
        "forwards",
        "via",
    )

    def __init__(self, doc, location, service, protected, where):
        self.doc = doc  # the file the proxy is written in
        self.location = location  # the nginx Location; None for the others
        self.service = service
        self.protected = protected  # authentication or an access rule in force there
        self.where = where  # (path, line, column) of the location, reverse_proxy or --upstream
        self.kind = "nginx"  # nginx, caddy, traefik, oauth2-proxy
        self.route = ""  # how the page and messages name it: "location /api/", "site :9090"
        self.node = None  # the located directive or compose item a finding points at
        # path -> whether a request for it reaches the service unrefused; None when every
        # path does (oauth2-proxy passes on whatever its users ask for)
        self.forwards = None
        self.via = None  # the service running the proxy, when the stack knows it (Traefik)


def _nginx_service(location, resolve):
    """The service of the stack a location's proxy_pass reaches (its host, or a server of its
    upstream), or None."""
    target = location.target
    if target is None:
        return None
    for host in [target.host] + [s.rpartition(":")[0] for s in target.servers]:
        service = resolve(host) if host else None
        if service is not None:
            return service
    return None


def _nginx_proxy(doc, location, service, resolve) -> Proxy:
    from ..document import at
    from .nginx_access import protected, refuses, serving

    written = at(doc, location.directive)
    directive = location.directive
    proxy = Proxy(
        written,
        location,
        service,
        protected(location),
        (written.path, directive.line, directive.column),
    )
    match = " ".join(x for x in (location.modifier, location.match) if x)
    proxy.route = f"location {match}".strip()
    proxy.node = directive

    def same_door(other):
        # a regex location that cannot be evaluated may serve the URI before this one (see
        # nginx.serving): the URI is forwarded for sure only if that one forwards it too
        if refuses(other):
            return False
        return other is location or _nginx_service(other, resolve) is service

    def forwards(uri, server=location.server):
        return serving(server, uri, same_door) is location

    proxy.forwards = forwards
    return proxy


def _caddy_forwards(site, directive):
    def forwards(uri):
        return site.forwards(directive, uri)

    return forwards


def _image_name(service) -> str:
    image = service.image
    return image.value.lower() if image is not None else ""


def _conf_files(host: str) -> list[str]:
    """A mounted nginx.conf, or the .conf files of a mounted conf.d folder (a bounded few)."""
    if os.path.isfile(host):
        return [host]
    try:
        names = sorted(os.listdir(host))
    except OSError:
        return []
    return [os.path.join(host, n) for n in names if n.endswith(".conf")][:50]


def _caddyfiles(host: str) -> list[str]:
    """A mounted Caddyfile, or the Caddyfile in a mounted /etc/caddy folder."""
    return [os.path.join(host, "Caddyfile") if os.path.isdir(host) else host]


# Proxy programs: the folder their official image reads its config from, and the files a
# mount there gives it.
PROXY_CONFIGS = {"nginx": ("/etc/nginx", _conf_files), "caddy": ("/etc/caddy", _caddyfiles)}


def _names(stack_service) -> set[str]:
    service = stack_service.service
    names = {service.name.lower()}
    for field in ("container_name", "hostname"):
        item = service.field(field)
        if item is not None:
            names.add(item.value.lower())
    return names


def _image_program(service):
    from promguard.models.services import parse_image

    image = service.image
    return parse_image(image.value).program if image is not None else None


def _int(text) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 5 else None


def _mapping(doc):
    roots = doc.mappings() if doc is not None else []
    return roots[0] if roots else None


def _mounts(project, service) -> list[Mount]:
    from .compose_services import host_source

    class _Doc:  # host_source reads named volumes from doc.compose
        compose = project

    mounts = []
    for volume in service.volumes:
        host = host_source(_Doc, volume) if volume.type in ("bind", "volume") else None
        if volume.type == "bind" and volume.host_path:
            host = volume.host_path
        elif host is not None and not os.path.isabs(host):
            host = os.path.normpath(os.path.join(project.folder, host))
        mounts.append(Mount(volume.target, host, volume.item, volume.type))
    for kind, declared in (("secret", project.secrets), ("config", project.configs)):
        for item in service.items(kind + "s"):
            long_syntax = hasattr(item.node, "entries")  # `- source: x` rather than `- x`
            target = item.node.text("target") if long_syntax else None
            name = item.value
            if not target:
                target = f"/run/secrets/{name}" if kind == "secret" else f"/{name}"
            elif kind == "secret" and not target.startswith("/"):
                target = f"/run/secrets/{target}"
            top = declared.get(name)
            source = (
                top.node.text("file") if top is not None and hasattr(top.node, "entries") else ""
            )
            host = os.path.normpath(os.path.join(project.folder, source)) if source else None
            mounts.append(Mount(target, host, item, kind))
    return mounts
