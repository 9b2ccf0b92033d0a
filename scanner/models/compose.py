"""A docker compose project as ``docker compose config`` would see it, with positions.

Every value keeps the node it was written at and the file it was written in, through
interpolation, ``extends`` and override files, so a finding about one port, volume, command
argument or environment entry points at that entry's own line.
"""

from __future__ import annotations

import os

from ..parsers.yaml_tree import Mapping, Node, Scalar, Sequence
from .interpolate import LITERAL, interpolate

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# Fields whose value is one scalar; the later file wins when files are merged.
_SCALAR_FIELDS = (
    "image",
    "user",
    "network_mode",
    "pid",
    "ipc",
    "uts",
    "userns_mode",
    "privileged",
    "read_only",
    "restart",
    "container_name",
    "hostname",
    "cgroup",
    "cgroup_parent",
    "init",
    "platform",
    "mem_limit",
    "cpus",
    "pids_limit",
    "working_dir",
    "stop_signal",
    "runtime",
)
# Fields whose value is a list of scalars; merged files add to them.
_LIST_FIELDS = (
    "cap_add",
    "cap_drop",
    "security_opt",
    "devices",
    "dns",
    "expose",
    "env_file",
    "profiles",
    "tmpfs",
    "group_add",
    "external_links",
    "links",
    "volumes_from",
    "depends_on",
)


class Item:
    """One value from a compose file: interpolated ``value``, ``raw`` text, where it is."""

    __slots__ = (
        "value",
        "raw",
        "node",
        "doc",
        "source",
        "variables",
        "line",
        "column",
        "end_line",
        "end_column",
        "path",
    )

    def __init__(self, raw: str, node: Node, doc, env: dict[str, str], span=None, path=None):
        result = interpolate(raw, env)
        self.value = result.value
        self.raw = raw
        self.source = result.source  # interpolate.LITERAL / ENV_FILE / UNSET
        self.variables = result.variables
        self.node = node
        self.doc = doc
        self.path = path if path is not None else node.path
        if span is None:
            span = (node.line, node.column, node.end_line, node.end_column)
        self.line, self.column, self.end_line, self.end_column = span

    @property
    def literal(self) -> bool:
        """Written in the compose file itself (a plain value or a ${VAR:-default} default)."""
        return self.source == LITERAL

    def __repr__(self):
        return f"Item({self.value!r}@{self.doc.path}:{self.line}:{self.column})"


class Port:
    __slots__ = ("item", "host_ip", "published", "target", "protocol")

    def __init__(self, item, host_ip, published, target, protocol):
        self.item = item
        self.host_ip = host_ip  # None when not given
        self.published = published  # "9090", "9090-9091" or None (bare container port)
        self.target = target
        self.protocol = protocol or "tcp"

    @property
    def all_interfaces(self) -> bool:
        """Published on every host interface (no host IP, 0.0.0.0 or ::)."""
        return self.host_ip in (None, "", "0.0.0.0", "::", "[::]")

    @property
    def reachable(self) -> bool:
        """Reachable from other machines: published on every interface or on a real
        non-loopback address. A host IP that is no address at all (`8080::8080`) makes docker
        refuse the port, so it publishes nothing."""
        if self.all_interfaces:
            return True
        import ipaddress

        try:
            return not ipaddress.ip_address((self.host_ip or "").strip("[]")).is_loopback
        except ValueError:
            return False

    @property
    def loopback(self) -> bool:
        from .services import is_loopback

        return bool(self.host_ip) and is_loopback(self.host_ip)

    def published_ports(self) -> list[int]:
        """Host ports; a bare container port is published on a random host port, so the
        container port is what is reachable behind it."""
        return _port_range(self.published if self.published else self.target)

    def target_ports(self) -> list[int]:
        return _port_range(self.target)

    def key(self):
        return (self.host_ip or "", self.published or "", self.target, self.protocol)

    def spec(self) -> str:
        """The port in short syntax, whichever syntax it was written in."""
        host = f"[{self.host_ip}]" if self.host_ip and ":" in self.host_ip else self.host_ip
        text = ":".join(p for p in (host, self.published) if p)
        text = f"{text}:{self.target}" if text else self.target
        return text if self.protocol == "tcp" else f"{text}/{self.protocol}"


class Volume:
    __slots__ = ("item", "type", "source", "target", "read_only", "host_path")

    def __init__(self, item, vtype, source, target, read_only, host_path):
        self.item = item
        self.type = vtype  # bind | volume | tmpfs | npipe | image
        self.source = source
        self.target = target
        self.read_only = read_only
        self.host_path = host_path  # absolute host path of a bind mount (relative ones resolved)


class Service:
    __slots__ = (
        "name",
        "key",
        "node",
        "doc",
        "fields",
        "lists",
        "environment",
        "labels",
        "deploy_labels",
        "command",
        "entrypoint",
        "ports",
        "volumes",
        "networks",
        "raw",
        "env_complete",
    )

    def __init__(self, name: str, key: Scalar, node: Mapping, doc):
        self.name = name
        self.key = key  # the service's name node: where service-wide findings point
        self.node = node
        self.doc = doc
        self.fields: dict[str, Item] = {}
        self.lists: dict[str, list[Item]] = {}
        self.environment: dict[str, Item] = {}
        self.labels: dict[str, Item] = {}  # Docker labels (Traefik reads its routes from them)
        self.deploy_labels: dict[str, Item] = {}  # the Swarm service's (deploy.labels)
        self.command: list[Item] | None = None
        self.entrypoint: list[Item] | None = None
        self.ports: list[Port] = []
        self.volumes: list[Volume] = []
        self.networks: dict[str, Item] = {}
        self.raw: dict[str, tuple[Node, object]] = {}  # other fields: (node, doc) as written
        self.env_complete = True  # False when an env_file could not be read: values unknown

    def field(self, name: str) -> Item | None:
        return self.fields.get(name)

    def items(self, name: str) -> list[Item]:
        return self.lists.get(name, [])

    def is_true(self, name: str) -> bool:
        item = self.fields.get(name)
        return item is not None and item.value.strip().lower() == "true"

    @property
    def image(self) -> Item | None:
        return self.fields.get("image")

    def merge(self, other: Service, take_identity: bool) -> None:
        """Apply ``other`` on top: a later (override) file, or the service that extends this
        one. With ``take_identity`` (extends) findings about the service as a whole point at
        ``other``'s name; an override keeps pointing at the base file's definition."""
        if take_identity:
            self.key, self.node, self.doc = other.key, other.node, other.doc
        self.fields.update(other.fields)
        for name, items in other.lists.items():
            seen = {i.value for i in self.lists.get(name, [])}
            self.lists.setdefault(name, []).extend(i for i in items if i.value not in seen)
        self.environment.update(other.environment)
        self.labels.update(other.labels)
        self.deploy_labels.update(other.deploy_labels)
        if other.command is not None:
            self.command = other.command
        if other.entrypoint is not None:
            self.entrypoint = other.entrypoint
        ports = {p.key(): p for p in self.ports}
        ports.update((p.key(), p) for p in other.ports)
        self.ports = list(ports.values())
        volumes = {v.target: v for v in self.volumes}
        volumes.update((v.target, v) for v in other.volumes)
        self.volumes = list(volumes.values())
        self.networks.update(other.networks)
        self.raw.update(other.raw)
        self.env_complete = self.env_complete and other.env_complete


class TopLevel:
    """A top-level networks/volumes/secrets/configs entry."""

    __slots__ = ("name", "key", "node", "doc")

    def __init__(self, name, key, node, doc):
        self.name, self.key, self.node, self.doc = name, key, node, doc


class ComposeProject:
    __slots__ = (
        "folder",
        "docs",
        "services",
        "networks",
        "volumes",
        "secrets",
        "configs",
        "env",
        "problems",
    )

    def __init__(self, folder: str):
        self.folder = folder
        self.docs: list = []  # the files merged, base first
        self.services: dict[str, Service] = {}
        self.networks: dict[str, TopLevel] = {}
        self.volumes: dict[str, TopLevel] = {}
        self.secrets: dict[str, TopLevel] = {}
        self.configs: dict[str, TopLevel] = {}
        self.env: dict[str, str] = {}
        self.problems: list[tuple[object, Node, str]] = []  # (doc, node, message): bad extends


def _port_range(text: str | None) -> list[int]:
    if not text:
        return []
    first, _, last = text.partition("-")
    try:
        low = int(first)
        high = int(last) if last else low
    except ValueError:
        return []
    if high < low or high - low > 65535:
        return []
    return list(range(low, high + 1))


def is_override_name(path: str) -> bool:
    name = os.path.basename(path)
    return any(
        name.startswith(b.rsplit(".", 1)[0] + ".override.") and name.endswith((".yml", ".yaml"))
        for b in BASE_NAMES
    )


def override_paths(base: str) -> list[str]:
    """The override files compose reads with ``base`` by default."""
    folder, name = os.path.split(base)
    if name not in BASE_NAMES:
        return []
    stem = name.rsplit(".", 1)[0]
    return [os.path.join(folder, f"{stem}.override.{ext}") for ext in ("yaml", "yml")]


def base_path(override: str) -> str | None:
    folder, name = os.path.split(override)
    stem = name.split(".override.", 1)[0]
    for ext in ("yaml", "yml"):
        candidate = os.path.join(folder, f"{stem}.{ext}")
        if os.path.isfile(candidate):
            return candidate
    return None


# ---------------------------------------------------------------------------------------------
# Reading one file's services


def _scalar_items(node, doc, env) -> list[Item]:
    if isinstance(node, Sequence):
        return [Item(i.text, i, doc, env) for i in node.items if isinstance(i, Scalar)]
    if isinstance(node, Scalar) and not node.is_null:
        return [Item(node.text, node, doc, env)]
    if isinstance(node, Mapping):  # depends_on, tmpfs and friends in their long forms
        return [Item(k.text, k, doc, env) for k, _ in node.entries]
    return []


def _words(node, doc, env) -> list[Item] | None:
    """command / entrypoint: a list, or a string split as a shell would, each word with its
    own position, also when the string is folded over several lines."""
    if isinstance(node, Sequence):
        return [Item(i.text, i, doc, env) for i in node.items if isinstance(i, Scalar)]
    if not isinstance(node, Scalar) or node.is_null:
        return None
    from .services import split_command

    words = []
    exact = node.line == node.end_line and node.style in (None, "'", '"')
    shift = 0 if node.style is None else 1
    finder = _SourceFinder(doc.text, node) if not exact else None
    for text, start, end in split_command(node.text):
        if exact:
            span = (node.line, node.column + shift + start, node.line, node.column + shift + end)
        else:
            span = finder.find(node.text[start:end])
        words.append(Item(text, node, doc, env, span=span, path=f"{node.path}[{len(words)}]"))
    return words


class _SourceFinder:
    """Finds the words of a multi-line scalar in the file's text, in order: folding turned line
    breaks into spaces, but each word is still written as it is in the value."""

    def __init__(self, text: str, node: Scalar):
        self.lines = text.split("\n")
        self.line = node.line  # where to look next (1-based)
        self.column = node.column
        self.last = node.end_line

    def find(self, word: str):
        line, column = self.line, self.column
        while line <= min(self.last, len(self.lines)):
            found = self.lines[line - 1].find(word, column - 1)
            if found >= 0:
                self.line, self.column = line, found + len(word) + 1
                return (line, found + 1, line, found + len(word) + 1)
            line, column = line + 1, 1
        return None  # an escape changed the word: the scalar's own position is used


def _environment(node, doc, env, bare: str | None = None) -> dict[str, Item]:
    """`environment:` (or, with ``bare=""``, `labels:`, whose `- NAME` has an empty value)
    as a mapping or a list of NAME=value."""
    out: dict[str, Item] = {}
    if isinstance(node, Mapping):
        for key, value in node.entries:
            if isinstance(value, Scalar) and not value.is_null:
                out[key.text] = Item(value.text, value, doc, env, path=value.path)
            else:  # `NAME:` with no value: taken from the shell or .env, like `- NAME`
                text = "${" + key.text + "}" if bare is None else bare
                out[key.text] = Item(text, key, doc, env, path=key.path)
    elif isinstance(node, Sequence):
        for entry in node.items:
            if not isinstance(entry, Scalar):
                continue
            name, sep, text = entry.text.partition("=")
            if not sep:  # `- NAME`: the value comes from the shell or .env
                text = "${" + name.strip() + "}" if bare is None else bare
            out[name.strip()] = Item(text, entry, doc, env, path=f"{node.path}.{name.strip()}")
    return out


def _split_port(text: str):
    """host_ip, published, target, protocol of a short-syntax port."""
    spec, _, protocol = text.partition("/")
    host_ip = None
    if spec.startswith("["):  # [::1]:9090:9090
        close = spec.find("]")
        host_ip, spec = spec[1:close], spec[close + 1 :].lstrip(":")
    parts = spec.rsplit(":", 2)
    if len(parts) == 3:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
        if host_ip is not None and not published:
            published = None
    else:
        published, target = None, parts[0]
    return host_ip, published or None, target, protocol or "tcp"


def _ports(node, doc, env) -> list[Port]:
    ports: list[Port] = []
    if not isinstance(node, Sequence):
        return ports
    for entry in node.items:
        if isinstance(entry, Scalar):
            # The raw text, not YAML 1.1's integer: 9090:9090 unquoted is 545490 to PyYAML.
            item = Item(entry.text, entry, doc, env)
            ports.append(Port(item, *_split_port(item.value.strip())))
        elif isinstance(entry, Mapping):
            item = Item(entry.text("target") or "", entry, doc, env)
            host_ip, published, target, protocol = (
                _value(entry, key, env) for key in ("host_ip", "published", "target", "protocol")
            )
            ports.append(Port(item, host_ip, published or None, target or "", protocol))
    return ports


def _value(mapping: Mapping, key: str, env) -> str | None:
    text = mapping.text(key)
    return interpolate(text, env).value if text is not None else None


def _volumes(node, doc, env, folder: str) -> list[Volume]:
    volumes: list[Volume] = []
    if not isinstance(node, Sequence):
        return volumes
    for entry in node.items:
        if isinstance(entry, Scalar):
            item = Item(entry.text, entry, doc, env)
            parts = item.value.split(":")
            if len(parts) >= 2 and len(parts[0]) == 1 and parts[1].startswith("\\"):
                parts = [parts[0] + ":" + parts[1]] + parts[2:]  # a Windows drive letter
            if len(parts) == 1:
                volumes.append(Volume(item, "volume", None, parts[0], False, None))
                continue
            source, target = parts[0], parts[1]
            options = parts[2].split(",") if len(parts) > 2 else []
            read_only = "ro" in options or "readonly" in options
            bind = source.startswith((".", "/", "~")) or "/" in source or "\\" in source
            vtype = "bind" if bind else "volume"
            volumes.append(
                Volume(
                    item,
                    vtype,
                    source,
                    target,
                    read_only,
                    _host_path(source, folder) if bind else None,
                )
            )
        elif isinstance(entry, Mapping):
            item = Item(entry.text("target") or "", entry, doc, env)
            source = _value(entry, "source", env)
            vtype = entry.text("type") or ("bind" if source and "/" in source else "volume")
            read_only = (
                entry.get("read_only").as_bool() is True
                if isinstance(entry.get("read_only"), Scalar)
                else False
            )
            volumes.append(
                Volume(
                    item,
                    vtype,
                    source,
                    item.value,
                    read_only,
                    _host_path(source, folder) if vtype == "bind" and source else None,
                )
            )
    return volumes


def _host_path(source: str, folder: str) -> str:
    if source.startswith("~"):
        return source  # the deploying user's home: unknown here
    return os.path.normpath(os.path.join(folder, source))


def _networks(node, doc, env) -> dict[str, Item]:
    out: dict[str, Item] = {}
    if isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar):
                out[item.text] = Item(item.text, item, doc, env)
    elif isinstance(node, Mapping):
        for key, _ in node.entries:
            out[key.text] = Item(key.text, key, doc, env)
    return out


def read_service(name: str, key: Scalar, node: Mapping, doc, env, folder) -> Service:
    service = Service(name, key, node, doc)
    for field_key, value in node.entries:
        field = field_key.text
        if field in _SCALAR_FIELDS:
            if isinstance(value, Scalar) and not value.is_null:
                service.fields[field] = Item(value.text, value, doc, env)
        elif field in _LIST_FIELDS:
            service.lists[field] = _scalar_items(value, doc, env)
        elif field == "environment":
            service.environment = _environment(value, doc, env)
        elif field == "labels":
            service.labels = _environment(value, doc, env, bare="")
        elif field in ("command", "entrypoint"):
            setattr(service, field, _words(value, doc, env))
        elif field == "ports":
            service.ports = _ports(value, doc, env)
        elif field == "volumes":
            service.volumes = _volumes(value, doc, env, folder)
        elif field == "networks":
            service.networks = _networks(value, doc, env)
        elif field in ("secrets", "configs"):
            service.lists[field] = _references(value, doc, env)
        else:
            service.raw[field] = (value, doc)
            if field == "deploy" and isinstance(value, Mapping) and "labels" in value:
                service.deploy_labels = _environment(value.get("labels"), doc, env, bare="")
    return service


def _references(node, doc, env) -> list[Item]:
    """secrets:/configs: of a service, short (a name) or long (source, target) syntax; each
    Item's value is the source name."""
    items = []
    if isinstance(node, Sequence):
        for entry in node.items:
            if isinstance(entry, Scalar):
                items.append(Item(entry.text, entry, doc, env))
            elif isinstance(entry, Mapping) and entry.text("source"):
                items.append(Item(entry.text("source"), entry, doc, env))
    return items


# ---------------------------------------------------------------------------------------------
# A project: base, overrides, extends


class Loader:
    """Reads further files for a project. ``load(abspath)`` returns a Document whose roots are
    parsed YAML (overrides, extends), ``read(abspath)`` a Document with only the text (env_file),
    each None when the file cannot be read."""

    def __init__(self, load, read=None):
        self.load = load
        self.read = read or (lambda path: None)


class _Spot:
    """A position in a file that is not YAML (a line of an env_file)."""

    __slots__ = ("line", "column", "end_line", "end_column", "path")

    def __init__(self, line: int, length: int, path: str):
        self.line = self.end_line = line
        self.column = 1
        self.end_column = length + 1
        self.path = path


def _env_files(service: Service, loader: Loader, folder: str) -> None:
    """Variables from the service's env_file entries; `environment:` wins over them."""
    from .interpolate import ENV_FILE, parse_env_file

    values: dict[str, Item] = {}
    for entry in service.items("env_file"):
        doc = loader.read(os.path.normpath(os.path.join(folder, entry.value.strip())))
        if doc is None:
            service.env_complete = False
            continue
        lines = doc.text.splitlines()
        for name, (value, number) in parse_env_file(doc.text).items():
            spot = _Spot(number, len(lines[number - 1]), f"{name}")
            item = Item(value.replace("$", "$$"), spot, doc, {})
            item.value, item.source = value, ENV_FILE  # lives in that file, not the compose one
            values[name] = item
    values.update(service.environment)
    service.environment = values


def _root(doc) -> Mapping | None:
    for root in doc.roots:
        if isinstance(root, Mapping):
            return root
    return None


def _top_level(project: ComposeProject, root: Mapping, doc) -> None:
    for section in ("networks", "volumes", "secrets", "configs"):
        node = root.get(section)
        if isinstance(node, Mapping):
            table = getattr(project, section)
            for key, value in node.entries:
                table[key.text] = TopLevel(key.text, key, value, doc)


MAX_EXTENDS = 20  # services one `extends` chain may pass through


def build_project(docs: list, env: dict[str, str], loader: Loader) -> ComposeProject:
    """The project made of ``docs`` (base first, then overrides) with ``env`` from .env."""
    folder = os.path.dirname(docs[0].abspath)
    project = ComposeProject(folder)
    project.docs = list(docs)
    project.env = env
    for doc in docs:
        root = _root(doc)
        if root is None:
            continue
        _top_level(project, root, doc)
        services = root.get("services")
        if not isinstance(services, Mapping):
            continue
        for key, node in services.entries:
            if not isinstance(node, Mapping):
                continue
            service = _resolve(key.text, key, node, doc, env, loader, project, [])
            if key.text in project.services:
                project.services[key.text].merge(service, take_identity=False)
            else:
                project.services[key.text] = service
    return project


def _resolve(name, key, node, doc, env, loader, project, chain) -> Service:
    """A service with its ``extends`` applied (the extended service first, then this one)."""
    folder = os.path.dirname(doc.abspath)
    own = read_service(name, key, node, doc, env, folder)
    if own.items("env_file"):
        _env_files(own, loader, folder)
    extends = node.get("extends")
    if extends is None:
        return own
    if isinstance(extends, Scalar):
        target_name, target_file, anchor = extends.text, None, extends
    elif isinstance(extends, Mapping):
        target_name, target_file, anchor = extends.text("service"), extends.text("file"), extends
    else:
        return own
    if not target_name:
        return own
    target_doc = doc
    if target_file:
        path = os.path.normpath(os.path.join(folder, interpolate(target_file, env).value))
        target_doc = loader.load(path)
        if target_doc is None:
            project.problems.append((doc, anchor, f"extends file {target_file} cannot be read"))
            return own
    marker = (target_doc.abspath, target_name)
    if marker in chain:
        project.problems.append((doc, anchor, f"extends loop through service {target_name}"))
        return own
    if len(chain) >= MAX_EXTENDS:  # every service walks its own chain: bounded, not N²
        project.problems.append(
            (doc, anchor, f"extends chain longer than {MAX_EXTENDS} services; not followed")
        )
        return own
    root = _root(target_doc)
    services = root.get("services") if root is not None else None
    target = services.get(target_name) if isinstance(services, Mapping) else None
    if not isinstance(target, Mapping):
        project.problems.append(
            (
                doc,
                anchor,
                f"extends names service {target_name}, which "
                f"{'that file' if target_file else 'this file'} does not define",
            )
        )
        return own
    base = _resolve(
        target_name,
        services.key_node(target_name),
        target,
        target_doc,
        env,
        loader,
        project,
        chain + [marker],
    )
    base.name = name
    base.merge(own, take_identity=True)
    return base
