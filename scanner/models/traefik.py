"""Traefik in the stack: each Traefik (a compose service running it, or a static file scanned
on its own) with its entry points and who can reach them, and every router it serves: from
which entry points, through which middlewares, to which service of the stack.

Where it comes from, as Traefik reads it:
- static configuration: the first of a configuration file (``--configFile``, or traefik.yml /
  .yaml / .toml in /etc/traefik or the working directory), the command line, the TRAEFIK_*
  environment; Traefik reads only that one and ignores the others (checked with Traefik 3.7);
- dynamic configuration: the Docker labels of the containers it sees (its own compose project,
  and the others on an external network it shares), the files of its file provider, and the
  scanned dynamic files no Traefik mounts.
Labels that no Traefik of the scan reads belong to a Traefik that is not in the scan, whose
entry points are unknown.
"""

from __future__ import annotations

import os
import posixpath

from .traefik_config import Settings, Value, from_environment, from_flags, from_labels, from_tree
from .traefik_rule import Rule

# Middlewares that ask who the client is, and those that only let some addresses in.
AUTH_MIDDLEWARES = {
    "basicauth": "basic auth",
    "digestauth": "digest auth",
    "forwardauth": "forward auth",
}
ALLOWLISTS = ("ipallowlist", "ipwhitelist")
_OPEN_RANGES = frozenset(("0.0.0.0/0", "::/0", "0.0.0.0", "::"))
# Plugin names that say what they do: an authenticating plugin is authentication.
_AUTH_WORDS = ("auth", "oidc", "oauth", "sso", "jwt", "keycloak", "login", "ldap", "saml")
# Names of middlewares that do something else (a reference to an undefined one is no guess
# at authentication).
_OTHER_WORDS = (
    "header",
    "compress",
    "redirect",
    "https",
    "ratelimit",
    "rate-limit",
    "retry",
    "strip",
    "prefix",
    "gzip",
    "cors",
    "secure",
    "error",
    "buffer",
    "inflight",
    "crowdsec",
    "cache",
    "hsts",
)
STATIC_FILES = tuple(
    f"{folder}/traefik.{suffix}"
    for folder in ("/etc/traefik", "")
    for suffix in ("toml", "yml", "yaml")
)
MAX_CHAIN = 10  # chain middlewares nested deeper are not followed
MAX_NAMES = 100  # middlewares one list may name; real ones name a handful


class EntryPoint:
    __slots__ = ("name", "display", "address", "host", "port", "value", "settings", "instance")

    def __init__(self, instance, name: str, value: Value | None, address: str, display=""):
        self.instance = instance
        self.name = name  # lower-cased, as references match it
        self.display = display or name
        self.value = value  # where the address is written (None: Traefik's default)
        self.address = address
        host, _, port = address.rpartition(":")
        self.host = host.strip("[]")
        self.port = int(port) if port.isdigit() and len(port) <= 5 else None
        self.settings = instance.static

    def option(self, *path: str) -> Value | None:
        return self.settings.get("entrypoints", self.name, *path)

    @property
    def redirects(self) -> Value | None:
        """The redirection of every request (to another entry point or to https)."""
        for path in (
            ("http", "redirections", "entrypoint", "to"),
            ("http", "redirections", "entrypoint", "scheme"),
        ):
            value = self.option(*path)
            if value is not None and value.text.strip():
                return value
        return self.instance.v1_redirects.get(self.name)

    @property
    def tls(self) -> bool:
        switch = self.option("http", "tls")
        if switch is not None and switch.off:
            return False
        return (
            self.settings.has("entrypoints", self.name, "http", "tls")
            or self.name in self.instance.v1_tls
        )

    @property
    def middlewares(self) -> list[str]:
        value = self.option("http", "middlewares")
        return value.items if value is not None else []

    @property
    def trusted_ips(self) -> Value | None:
        value = self.option("forwardedheaders", "trustedips")
        return value if value is not None and value.items else None

    @property
    def forwarded_insecure(self) -> Value | None:
        value = self.option("forwardedheaders", "insecure")
        return value if value is not None and value.on else None

    @property
    def passes_client_headers(self) -> Value | None:
        """Where the entry point is told to keep the X-Forwarded-* headers of any client
        (`forwardedHeaders.insecure`, or trustedIPs that cover every address); by default it
        replaces them with its own for clients it does not trust."""
        if self.forwarded_insecure is not None:
            return self.forwarded_insecure
        trusted = self.trusted_ips
        if trusted is not None and any(r.strip() in _OPEN_RANGES for r in trusted.items):
            return trusted
        return None

    @property
    def as_default(self) -> bool:
        value = self.option("asdefault")
        return value is not None and value.on

    def exposure(self) -> tuple[str, object]:
        """("published", the compose port or network_mode item), ("loopback", None),
        ("internal", None: only containers on its networks) or ("unknown", None: a Traefik
        that is not a compose service of the scan)."""
        if self.host and _loopback(self.host):
            return "loopback", None
        service = self.instance.service
        if service is None:
            return "unknown", None
        if self.port is None:
            return "unknown", None
        network = service.host_network
        if network is not None:
            return "published", network
        for port in service.service.ports:
            if self.port in port.target_ports() and port.protocol == "tcp":
                if port.reachable:
                    return "published", port
        if any(self.port in p.target_ports() for p in service.service.ports):
            return "loopback", None
        return "internal", None


class Middleware:
    __slots__ = ("name", "provider", "type", "settings", "path", "written")

    def __init__(self, name, provider, settings: Settings, path: tuple, written: Value | None):
        self.name = name
        self.provider = provider
        self.settings = settings  # the provider's table; ``path`` is this middleware's place
        self.path = path
        children = settings.children(*path)
        self.type = children[0] if children else ""
        self.written = written

    def option(self, *path: str) -> Value | None:
        return self.settings.get(*self.path, self.type, *path)

    def loopback_only(self) -> bool:
        """An allowlist that lets in this host's own addresses only."""
        ranges = self.option("sourcerange") if self.type in ALLOWLISTS else None
        items = ranges.items if ranges is not None else []
        return bool(items) and all(_loopback(r.split("/")[0]) for r in items)

    def protection(self) -> str | None:
        """What the middleware asks of a client before it lets the request on."""
        if self.type in AUTH_MIDDLEWARES:
            return AUTH_MIDDLEWARES[self.type]
        if self.type in ALLOWLISTS:
            ranges = self.option("sourcerange")
            items = ranges.items if ranges is not None else []
            if items and not any(r.strip() in _OPEN_RANGES for r in items):
                return "an IP allowlist"
            return None
        if self.type == "plugin":
            names = self.settings.children(*self.path, "plugin")
            if any(word in name for name in names for word in _AUTH_WORDS):
                return "an authentication plugin"
        return None


class Door:
    """One way into a router: an entry point, who reaches it, and what stands between."""

    __slots__ = ("entrypoint", "exposure", "where", "middlewares", "unknown", "redirected", "tls")

    def __init__(self, entrypoint, middlewares, unknown, redirected, tls):
        self.entrypoint = entrypoint
        self.exposure, self.where = (
            entrypoint.exposure() if entrypoint is not None else ("unknown", None)
        )
        self.middlewares = middlewares  # the Middleware objects, entry point's first
        self.unknown = unknown  # middleware names that are not defined where promguard looked
        self.redirected = redirected  # the Value that redirects every request (never served)
        self.tls = tls

    def protection(self) -> str | None:
        for middleware in self.middlewares:
            found = middleware.protection()
            if found:
                return found
        if any(_may_protect(name) for name in self.unknown):
            return "a middleware promguard cannot see"
        return None

    @property
    def reachable(self) -> bool:
        return self.exposure == "published"


class Router:
    __slots__ = (
        "instance",
        "name",
        "provider",
        "settings",
        "rule",
        "written",
        "owner",
        "default",
        "target",
        "target_port",
        "scheme",
        "_doors",
    )

    def __init__(self, instance, name, provider, settings: Settings, owner=None):
        self.instance = instance
        self.name = name
        self.provider = provider
        self.settings = settings  # the provider's table
        rule = self.option("rule")
        self.written = rule or settings.first("http", "routers", name)
        self.rule = Rule(rule.text if rule is not None else "")
        self.owner = owner  # the compose service whose labels declare it
        self.default = False  # made by the Docker provider, not declared
        self.target = None  # StackService, or "api" for api@internal
        self.target_port = None
        self.scheme = "http"
        self._doors: list[Door] | None = None

    def option(self, *path: str) -> Value | None:
        return self.settings.get("http", "routers", self.name, *path)

    @property
    def display(self) -> str:
        return self.settings.name("http", "routers", self.name)

    @property
    def tls(self) -> bool:
        value = self.option("tls")
        return (value is not None and not value.off) or self.settings.has(
            "http", "routers", self.name, "tls"
        )

    @property
    def priority(self) -> int:
        value = self.option("priority")
        text = value.text.strip() if value is not None else ""
        return int(text) if text.isdigit() and len(text) < 12 else len(self.rule.text)

    def entrypoints(self) -> list[EntryPoint]:
        value = self.option("entrypoints")
        points = self.instance.entrypoints
        if value is not None and value.items:
            return [points[n.lower()] for n in value.items if n.lower() in points]
        # the entry points marked asDefault, else all; never the one named `traefik`, which
        # Traefik keeps for its API (checked with Traefik 3.7)
        defaults = [e for e in points.values() if e.as_default and e.name != "traefik"]
        return defaults or [e for e in points.values() if e.name != "traefik"]

    def middleware_names(self) -> list[str]:
        value = self.option("middlewares")
        return value.items if value is not None else []

    def doors(self) -> list[Door]:
        """Each entry point the router serves on, with the middlewares on that way in
        (computed once: every rule asks)."""
        if self._doors is None:
            self._doors = self._make_doors()
        return self._doors

    def _make_doors(self) -> list[Door]:
        doors = []
        entrypoints = self.entrypoints()
        if not entrypoints and self.instance.known:
            return []  # it names entry points the Traefik does not have: Traefik drops it
        for entrypoint in entrypoints or [None]:
            names = (
                entrypoint.middlewares if entrypoint is not None else []
            ) + self.middleware_names()
            middlewares, unknown = self.instance.expand(names, self.provider)
            redirected = entrypoint.redirects if entrypoint is not None else None
            tls = self.tls or (entrypoint is not None and entrypoint.tls)
            if redirected is None and not tls:
                redirected = next(
                    (m.written for m in middlewares if m.type == "redirectscheme"), None
                )
            if redirected is None and not tls and any(_redirects_by_name(n) for n in unknown):
                redirected = self.written  # `https-redirect@file`, defined where Traefik runs
            doors.append(Door(entrypoint, middlewares, unknown, redirected, tls))
        return doors

    def forwards(self, uri: str) -> bool:
        """Whether a request for ``uri`` reaches the target through this router for sure:
        its rule matches the path, some client may pass (not an allowlist of loopback
        addresses only) and no router of higher priority on the same hosts takes the path
        first."""
        if self.rule.matches(uri) is not True:
            return False
        doors = [d for d in self.doors() if d.redirected is None]
        if not doors or all(any(m.loopback_only() for m in d.middlewares) for d in doors):
            return False
        hosts = self.rule.hosts()
        for other in self.instance.routers:
            if other is self or other.priority <= self.priority or not other.rule.has_path():
                continue
            if other.rule.hosts() and other.rule.hosts() != hosts:
                continue
            if other.rule.matches(uri) is not False:
                return False  # taken (or maybe taken) by the other router
        return True


class Instance:
    """One Traefik: its static settings, entry points and the routers it serves."""

    def __init__(self, model, service=None, project=None):
        self.model = model
        self.service = service  # the StackService running it; None for a file on its own
        self.project = project if project is not None else (service.project if service else None)
        self.static = Settings()
        self.static_doc = None  # the static configuration file read
        self.version = None
        self.entrypoints: dict[str, EntryPoint] = {}
        self.routers: list[Router] = []
        self.middlewares: dict[tuple[str, str], Middleware] = {}
        self.services: dict[tuple[str, str], tuple] = {}  # (provider, name) -> (settings, owner)
        self.seen_fully: set[str] = {"internal"}  # providers whose every definition was read
        self.v1_redirects: dict[str, Value] = {}
        self.v1_tls: set[str] = set()
        self.known = True  # False for the Traefik that labels no scanned Traefik reads imply

    @property
    def label(self) -> str:
        if self.service is not None:
            return f"service `{self.service.name}`"
        if self.static_doc is not None:
            return self.static_doc.path
        return "a Traefik outside the scan"

    # static configuration

    @property
    def docker(self) -> tuple[str, Value | None] | None:
        """(provider name, where it is switched on) of the Docker or Swarm provider."""
        if not self.known:
            return "docker", None
        for name in ("docker", "swarm"):
            if self.static.has("providers", name):
                value = self.static.get("providers", name)
                if value is not None and value.off:
                    continue
                return name, value or self.static.first("providers", name)
        if self.version == 1 and self.static.has("docker"):
            return "docker", self.static.first("docker")
        return None

    @property
    def swarm(self) -> bool:
        docker = self.docker
        if docker is None:
            return False
        mode = self.static.get("providers", "docker", "swarmmode") or self.static.get(
            "docker", "swarmmode"
        )
        return docker[0] == "swarm" or (mode is not None and mode.on)

    def exposed_by_default(self) -> tuple[bool, Value | None]:
        docker = self.docker
        if docker is None:
            return False, None
        value = self.static.get("providers", docker[0], "exposedbydefault")
        if value is None and self.version == 1:
            value = self.static.get("docker", "exposedbydefault")
        return (value is None or not value.off), value

    def api(self) -> tuple[bool, Value | None]:
        """Whether the API and dashboard are served on the `traefik` entry point without a
        router (api.insecure, or Traefik 1's --api), and where that is written."""
        value = self.static.get("api", "insecure")
        if value is not None and value.on:
            return True, value
        if self.version == 1 and self.static.has("api"):
            return True, self.static.first("api")
        if self.version == 1 and self.static.has("web"):
            return True, self.static.first("web")
        return False, None

    def skip_verify(self) -> Value | None:
        value = self.static.get("serverstransport", "insecureskipverify")
        return value if value is not None and value.on else None

    # dynamic configuration

    def add_provider(self, provider: str, settings: Settings, owner=None) -> None:
        """Routers, middlewares and services of one provider's table (a container's labels,
        a file)."""
        for name in settings.children("http", "middlewares"):
            written = settings.first("http", "middlewares", name)
            middleware = Middleware(
                name, provider, settings, ("http", "middlewares", name), written
            )
            self.middlewares.setdefault((provider, name), middleware)
        for name in settings.children("http", "services"):
            self.services.setdefault((provider, name), (settings, owner))
        for name in settings.children("http", "routers"):
            self.routers.append(Router(self, name, provider, settings, owner))

    def expand(self, names: list[str], provider: str) -> tuple[list[Middleware], list[str]]:
        """The middlewares ``names`` stand for, chains followed (bounded), and the names
        that are defined nowhere promguard read."""
        found: list[Middleware] = []
        unknown: list[str] = []
        self._expand(names, provider, found, unknown, 0, set())
        return found, unknown

    def _expand(self, names, provider, found, unknown, depth, seen: set[int]) -> None:
        if depth > MAX_CHAIN:
            return
        for ref in names[:MAX_NAMES]:
            name, _, where = ref.partition("@")
            where = (where or provider).lower()
            middleware = self.middlewares.get((where, name.lower()))
            if middleware is None:
                if where not in self.seen_fully:
                    unknown.append(ref)
                continue  # defined nowhere Traefik reads: the router is not served at all
            if id(middleware) in seen:
                continue
            seen.add(id(middleware))
            found.append(middleware)
            if middleware.type == "chain":
                inner = middleware.option("middlewares")
                names_in = inner.items if inner else []
                self._expand(names_in, where, found, unknown, depth + 1, seen)


def _redirects_by_name(name: str) -> bool:
    lower = name.lower().partition("@")[0].replace("_", "-")
    return "redirect" in lower and ("https" in lower or "tls" in lower or "secure" in lower)


def _may_protect(name: str) -> bool:
    lower = name.lower().replace("_", "-")
    if "no-auth" in lower or "noauth" in lower or "without-auth" in lower:
        return False
    if any(word in lower for word in _AUTH_WORDS):
        return True
    return not any(word in lower for word in _OTHER_WORDS)


def _loopback(host: str) -> bool:
    from .services import is_loopback

    return is_loopback(host)


# ---------------------------------------------------------------------------------------------
# Building the Traefiks of a stack


def build_traefiks(model) -> list[Instance]:
    """Every Traefik of the stack model (promguard.models.stack.Model.traefiks keeps them)."""
    instances = []
    mounted: set[str] = set()
    for service in model.services:
        if service.program == "traefik" or _image_is_traefik(service):
            instance = Instance(model, service)
            _static_of_service(instance, mounted)
            instances.append(instance)
    for doc in _documents(model):
        if doc.abspath in mounted or not _is_static(doc):
            continue
        instance = Instance(model, project=model._project_of(doc.abspath))
        instance.static_doc = doc
        for root in doc.mappings():
            from_tree(instance.static, root, doc)
        mounted.add(doc.abspath)
        instances.append(instance)
    for instance in instances:
        _entrypoints(instance)
        _file_provider(instance, mounted)
    _docker_labels(model, instances)
    loose = [d for d in _documents(model) if d.abspath not in mounted and _is_dynamic(d)]
    for doc in loose:
        owner = _owner_of(model, instances, doc)
        for root in doc.mappings():
            owner.add_provider("file", from_tree(Settings(), root, doc))
    for instance in instances:
        for router in instance.routers:
            _resolve(instance, router)
    return [i for i in instances if i.known or i.routers]


def _documents(model) -> list:
    return model.files.documents("traefik") + model.files.documents("traefik-toml")


def _is_static(doc) -> bool:
    from ..kinds.traefik import STATIC_KEYS

    return any({k.lower() for k in root.keys()} & STATIC_KEYS for root in doc.mappings())


def _is_dynamic(doc) -> bool:
    return any(
        any(k.lower() in ("http", "tcp", "udp", "tls") for k in r.keys()) for r in doc.mappings()
    )


def _image_is_traefik(service) -> bool:
    image = service.service.image
    return (
        image is not None
        and "traefik" in image.value.lower().rsplit("/", 1)[-1].split(":")[0]
        and (service.program in (None, "traefik"))
    )


def _static_of_service(instance: Instance, mounted: set[str]) -> None:
    service = instance.service
    image = service.invocation.image if service.invocation is not None else None
    if image is None and service.service.image is not None:
        from .services import parse_image

        image = parse_image(service.service.image.value)
    if image is not None and image.version:
        instance.version = image.version[0]
    args = list(service.invocation.args) if service.invocation is not None else []
    if service.invocation is None:
        args = [w for w in (service.service.entrypoint or []) + (service.service.command or [])]
        args = [w for w in args if w.value.startswith("-")]
    flags = from_flags(Settings(), args)
    config_flag = flags.get("configfile")
    paths = [config_flag.text.strip()] if config_flag is not None else list(STATIC_FILES)
    for path in paths:
        container_path = posixpath.normpath(path if path.startswith("/") else "/" + path)
        mount, host = service.host_file(container_path)
        doc = _load_traefik(instance.model, host) if host else None
        if doc is None and mount is not None and mount.item is not None:
            doc = _named_like(instance.model, service, mount, container_path)
        if doc is not None:
            instance.static_doc = doc
            for root in doc.mappings():
                from_tree(instance.static, root, doc)
            if instance.version is None and _looks_v1(instance.static):
                instance.version = 1
            mounted.add(doc.abspath)
            return
        if host is not None and not _in_scan(instance.model, host):
            # a file of the host it is deployed on: Traefik reads it and ignores the flags
            instance.known = False
            return
    if flags:
        instance.static = flags
        if instance.version is None and _looks_v1(flags):
            instance.version = 1  # an untagged image with Traefik 1's command line
        if instance.version == 1:
            _v1_entrypoint_flags(instance, args)
        return
    env = from_environment(Settings(), service.service.environment)
    if env:
        instance.static = env


# Static sections only Traefik 1 has (v2 moved them under providers, or dropped them).
_V1_SECTIONS = frozenset(
    ("docker", "file", "acme", "web", "defaultentrypoints", "marathon", "rancher")
)


def _looks_v1(static: Settings) -> bool:
    if set(static.children()) & _V1_SECTIONS:
        return True
    points = static.get("entrypoints")
    return points is not None and "name:" in points.text.lower()


def _in_scan(model, host: str) -> bool:
    real = os.path.realpath(host)
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in model.files.roots)


def _named_like(model, service, mount, container_path: str):
    """The scanned Traefik file a mount means when its source names an unset variable
    (`$APPDIR/traefik/traefik.toml`): the one file under the project's folder whose path
    ends with what follows the variable."""
    raw = getattr(mount.item, "raw", "") or ""
    source = raw.split(":", 1)[0] if ":" in raw else raw
    if "$" not in source:
        return None
    tail = source.rsplit("}", 1)[-1] if "}" in source else source.split("/", 1)[-1]
    tail = tail.lstrip("/")
    rest = posixpath.relpath(container_path, mount.target)
    if rest != ".":
        tail = posixpath.join(tail, rest)
    if not tail or "$" in tail:
        return None
    folder = service.project.folder.rstrip(os.sep) + os.sep
    found = [
        d
        for d in _documents(model)
        if d.abspath.startswith(folder) and d.abspath.replace(os.sep, "/").endswith("/" + tail)
    ]
    return found[0] if len(found) == 1 else None


def _load_traefik(model, host: str):
    if not os.path.isfile(host):
        return None
    kind = "traefik-toml" if host.lower().endswith(".toml") else "traefik"
    return model.files.load(host, kind)


def _v1_entrypoint_flags(instance: Instance, args: list) -> None:
    """Traefik 1's `--entrypoints=Name:https Address::443 TLS Redirect.EntryPoint:https`."""
    for arg in args:
        name, sep, text = arg.value.strip().lstrip("-").partition("=")
        if name.lower() != "entrypoints" or not sep:
            continue
        fields = dict(
            (part.partition(":")[0].lower(), part.partition(":")[2])
            for part in text.strip("'\"").split()
        )
        entry = fields.get("name")
        if not entry:
            continue
        value = Value(fields.get("address", ""), arg, arg.doc)
        instance.static.add(["entrypoints", entry, "address"], value)
        if "redirect.entrypoint" in fields:
            instance.v1_redirects[entry.lower()] = value
        if "tls" in fields:
            instance.v1_tls.add(entry.lower())


def _entrypoints(instance: Instance) -> None:
    static = instance.static
    for name in static.children("entrypoints"):
        value = static.get("entrypoints", name, "address")
        address = value.text.strip() if value is not None else ""
        display = static.name("entrypoints", name)
        entry = EntryPoint(instance, name, value, address, display)
        instance.entrypoints[name] = entry
        if instance.version == 1 and static.has("entrypoints", name, "redirect"):
            instance.v1_redirects[name] = static.first("entrypoints", name, "redirect")
        if instance.version == 1 and static.has("entrypoints", name, "tls"):
            instance.v1_tls.add(name)
    if not instance.entrypoints and instance.known:
        instance.entrypoints["http"] = EntryPoint(instance, "http", None, ":80")
    insecure, _ = instance.api()
    if insecure and "traefik" not in instance.entrypoints:
        instance.entrypoints["traefik"] = EntryPoint(instance, "traefik", None, ":8080")


def _file_provider(instance: Instance, mounted: set[str]) -> None:
    static = instance.static
    filename = static.get("providers", "file", "filename") or static.get("file", "filename")
    directory = static.get("providers", "file", "directory") or static.get("file", "directory")
    paths: list[str] = []
    complete = True
    for value, is_folder in ((filename, False), (directory, True)):
        if value is None or not value.text.strip():
            continue
        target = value.text.strip()
        if instance.service is not None:
            _, host = instance.service.host_file(posixpath.normpath(target))
        elif instance.static_doc is not None:
            host = os.path.normpath(
                os.path.join(os.path.dirname(instance.static_doc.abspath), target)
            )
        else:
            host = None
        if host is None:
            complete = False
            continue
        if is_folder:
            listed = _folder_files(host)
            complete = complete and listed is not None
            paths.extend(listed or [])
        else:
            paths.append(host)
    if static.has("providers", "file") and not paths:
        complete = False
    for path in paths:
        doc = _load_traefik(instance.model, path)
        if doc is None:
            complete = False
            continue
        mounted.add(doc.abspath)
        for root in doc.mappings():
            instance.add_provider("file", from_tree(Settings(), root, doc))
    if complete and (filename is not None or directory is not None):
        instance.seen_fully.add("file")


def _folder_files(host: str) -> list[str] | None:
    try:
        names = sorted(os.listdir(host))
    except OSError:
        return None
    return [os.path.join(host, n) for n in names if n.lower().endswith((".yml", ".yaml", ".toml"))][
        :50
    ]


def _docker_labels(model, instances: list[Instance]) -> None:
    """Each compose service's labels go to the Traefiks whose Docker provider sees it: one in
    its own project, or one on an external network it joins; else to an unknown Traefik."""
    readers = [i for i in instances if i.service is not None and i.docker is not None]
    unknown = None
    for service in model.services:
        labels = _traefik_labels(service)
        if not labels:
            continue
        seen_by = [i for i in readers if _sees(i, service)]
        if not seen_by and _network_names(service, shared_only=True):
            model.files.looked_everywhere()  # a shared network: its Traefik may be elsewhere
        if not seen_by:
            if unknown is None:
                unknown = Instance(model)
                unknown.known = False
                instances.append(unknown)
            seen_by = [unknown]
        for instance in seen_by:
            _add_container(instance, service)
    for instance in readers:
        by_default, _ = instance.exposed_by_default()
        if not by_default:
            continue
        for service in model.services:  # unlabelled containers get a router all the same
            if (
                service is not instance.service
                and not _traefik_labels(service)
                and _sees(instance, service)
            ):
                _add_container(instance, service)


def _traefik_labels(service) -> bool:
    compose = service.service
    return any(
        n.lower().startswith("traefik.") for n in list(compose.labels) + list(compose.deploy_labels)
    )


def _sees(instance: Instance, service) -> bool:
    """Whether Traefik reaches the container: the same project, or a network of another
    project that is the same Docker network (its `name:`, or an external one)."""
    if service.project is instance.project:
        return True
    shared = _network_names(instance.service) & _network_names(service)
    if shared:
        instance.model.files.looked_everywhere()  # a region alone would not see the other
    return bool(shared)


def _network_names(service, shared_only: bool = False) -> set[str]:
    """The Docker networks a service joins, by the names Docker gives them (only those
    another project can join too: named or external ones, with ``shared_only``)."""
    project = service.project
    folder = os.path.basename(project.folder).lower()
    names = set()
    for key in service.service.networks or {"default": None}:
        top = project.networks.get(key)
        node = top.node if top is not None else None
        mapping = node if hasattr(node, "entries") else None
        named = mapping.text("name") if mapping is not None else None
        external = mapping.get("external") if mapping is not None else None
        is_external = external is not None and (
            getattr(external, "text", "") == "true" or hasattr(external, "get")
        )
        if named:
            names.add(named.lower())
        elif is_external:
            names.add(key.lower())
        elif not shared_only:
            names.add(f"{folder}_{key}".lower())
    return names


def _add_container(instance: Instance, service) -> None:
    compose = service.service
    labels = compose.labels
    if instance.swarm or (not instance.known and not labels):
        labels = dict(compose.labels, **compose.deploy_labels)
    elif not instance.known:
        labels = dict(compose.deploy_labels, **compose.labels)
    enable = next((v for k, v in labels.items() if k.lower() == "traefik.enable"), None)
    by_default, _ = instance.exposed_by_default()
    if enable is not None and enable.value.strip().lower() == "false":
        return
    if enable is None and not by_default and instance.known:
        return
    settings = from_labels(Settings(), labels)
    provider = (
        "swarm"
        if instance.swarm and instance.docker and instance.docker[0] == "swarm"
        else "docker"
    )
    v1 = settings.has("frontend") or settings.has("port") or settings.has("backend")
    if v1 and (instance.version == 1 or not instance.known):
        _v1_labels(settings, service)  # Traefik 2 and 3 ignore them
    before = len(instance.routers)
    instance.add_provider(provider, settings, service)
    v1_swarm_without_port = instance.version == 1 and instance.swarm and not settings.has("port")
    if len(instance.routers) == before and service is not instance.service:
        if v1_swarm_without_port:
            return  # Traefik 1 in swarm mode drops a service that names no traefik.port
        # no router declared: the Docker provider makes one from its defaultRule
        router = Router(instance, service.name.lower(), provider, settings, service)
        router.default = True
        router.written = enable or Value(service.name, service.service.key, service.service.doc)
        project = os.path.basename(service.project.folder).lower() or "project"
        router.rule = Rule(f"Host(`{service.name}-{project}`)")  # defaultRule's .Name
        instance.routers.append(router)


def _v1_labels(settings: Settings, service) -> None:
    """Traefik 1's labels as the equivalent v2 router and middlewares, so the rules read them
    the same way (`traefik.frontend.rule=Host:a.example.com;PathPrefix:/x`)."""
    name = f"frontend-{service.name}".lower()
    rule = settings.get("frontend", "rule")
    base = ["http", "routers", name]
    if rule is not None:
        settings.add(base + ["rule"], Value(_v1_rule(rule.text), rule.node, rule.doc))
    else:
        anchor = settings.first("frontend") or settings.first("port") or settings.first("backend")
        settings.add(base + ["rule"], Value(f"Host(`{service.name}`)", anchor.node, anchor.doc))
    points = settings.get("frontend", "entrypoints")
    if points is not None:
        settings.add(base + ["entrypoints"], points)
    middlewares = []
    for path, kind, option in (
        (("frontend", "auth", "basic", "users"), "basicauth", "users"),
        (("frontend", "auth", "basic"), "basicauth", "users"),
        (("frontend", "auth", "forward", "address"), "forwardauth", "address"),
        (("frontend", "whitelist", "sourcerange"), "ipallowlist", "sourcerange"),
        (
            (
                "frontend",
                "whitelistsourcerange",
            ),
            "ipallowlist",
            "sourcerange",
        ),
    ):
        value = settings.get(*path)
        if value is not None and value.text.strip():
            middleware = f"{name}-{kind}"
            settings.add(["http", "middlewares", middleware, kind, option], value)
            if kind == "forwardauth":
                trust = settings.get("frontend", "auth", "forward", "trustforwardheader")
                if trust is not None:
                    settings.add(
                        ["http", "middlewares", middleware, kind, "trustforwardheader"], trust
                    )
            middlewares.append(middleware)
    if middlewares:
        first = settings.get(*base, "rule")
        settings.add(
            base + ["middlewares"], Value(",".join(middlewares), first.node, first.doc, middlewares)
        )
    port = settings.get("port")
    if port is not None:
        settings.add(["http", "services", name, "loadbalancer", "server", "port"], port)


def _v1_rule(text: str) -> str:
    parts = []
    for part in text.split(";"):
        matcher, _, args = part.partition(":")
        values = ", ".join(f"`{a.strip()}`" for a in args.split(",") if a.strip())
        if matcher.strip():
            parts.append(f"{matcher.strip()}({values})")
    return " && ".join(parts)


def _owner_of(model, instances: list[Instance], doc) -> Instance:
    """The Traefik a scanned dynamic file no Traefik mounts belongs to: the only one in its
    compose project (or of the scan), else a Traefik outside the scan."""
    project = model._project_of(doc.abspath)
    candidates = [i for i in instances if i.known and (project is None or i.project is project)]
    if len(candidates) == 1:
        return candidates[0]
    unknown = next((i for i in instances if not i.known), None)
    if unknown is None:
        unknown = Instance(model, project=project)
        unknown.known = False
        instances.append(unknown)
    return unknown


def _resolve(instance: Instance, router: Router) -> None:
    """The service of the stack (or Traefik's API) a router sends its requests to."""
    ref = router.option("service")
    provider = router.provider
    if ref is None and router.owner is not None:
        own = [
            n
            for (p, n), (_, owner) in instance.services.items()
            if owner is router.owner and p == provider
        ]
        if len(own) > 1:
            return  # Traefik refuses the router: it cannot choose a service
        ref_name, where = (own[0], provider) if own else (None, provider)
    elif ref is None:
        return
    else:
        ref_name, _, where = ref.text.strip().partition("@")
        where = (where or provider).lower()
        ref_name = ref_name.lower()
    if where == "internal":
        if ref_name in ("api", "dashboard"):
            router.target = "api"
        return
    if ref_name is None:  # the container's own default service
        _target_container(router, router.owner, None)
        return
    entry = instance.services.get((where, ref_name))
    if entry is None:
        return
    settings, owner = entry
    base = ("http", "services", ref_name, "loadbalancer")
    scheme = settings.get(*base, "server", "scheme")
    if scheme is not None:
        router.scheme = scheme.text.strip().lower()
    if owner is not None:
        port = settings.get(*base, "server", "port")
        _target_container(router, owner, port)
        return
    for index in settings.children(*base, "servers"):
        url = settings.get(*base, "servers", index, "url")
        if url is None:
            continue
        scheme_of = url.text.strip().partition("://")[0].lower()
        router.scheme = scheme_of if scheme_of in ("http", "https", "h2c") else router.scheme
        _target_url(instance, router, url.text.strip())
        if router.target is not None:
            return


def _target_container(router: Router, owner, port: Value | None) -> None:
    if owner is None:
        return
    router.target = owner
    text = port.text.strip() if port is not None else ""
    router.target_port = int(text) if text.isdigit() and len(text) <= 5 else owner.listen[1]
    instance = router.instance
    api = instance.entrypoints.get("traefik")
    if owner is instance.service and instance.api()[0] and api is not None:
        if router.target_port == api.port:
            router.target = "api"  # Traefik's own container on its API port: the dashboard


def _target_url(instance: Instance, router: Router, url: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return
    if not host:
        return
    project = instance.project
    service = (
        instance.model.resolve(host, port, project)
        if project is not None or instance.known
        else None
    )
    if service is None and project is None:
        service = instance.model.resolve(host, port, None)
    if service is not None:
        router.target, router.target_port = service, port or service.listen[1]
        router.scheme = parts.scheme.lower() or "http"
