"""Rules for docker compose services: what a container is allowed to do, what it publishes, and
what it carries in clear. Each rule reads the merged project (base, overrides, extends) and points
at the entry (one port, one volume, one environment variable) in the file that wrote it."""

from __future__ import annotations

import re

from promguard.lazy_regex import lazy
from promguard.model import MASK, Finding
from promguard.models.compose_services import (
    SOCKETS,
    host_path_risk,
    host_source,
    image_of,
    is_exporter,
    program_of,
    writable_config,
)
from promguard.models.secrets import OWN_RULES_PREFIXES, looks_secret, placeholder
from promguard.models.services import UNAUTHENTICATED as MONITORING
from promguard.rule import Rule

from .common import PLACEHOLDER_NOTE, has_userinfo_password, masked_url

CMP_SERVICES = "https://docs.docker.com/reference/compose-file/services/"
CMP_PORTS = CMP_SERVICES + "#ports"
DOCKER_FW = "https://docs.docker.com/engine/network/packet-filtering-firewalls/"
OWASP_DOCKER = "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html"
RUN_PRIVILEGES = (
    "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities"
)
CIS = "https://www.cisecurity.org/benchmark/docker"

# Programs whose job is to face users; publishing them is the point (auth is judged elsewhere).
FRONT_DOORS = frozenset(("nginx", "caddy", "traefik", "oauth2-proxy", "grafana", "haproxy"))
# Ports that only monitoring programs use by convention (8080 and 3000 are anybody's).
DISTINCT_PORTS = frozenset((9090, 9091, 9093, 9094, 9100, 9115, 9116))
# Exporters whose documentation asks for host namespaces and read-only host mounts.
HOST_AGENTS = frozenset(("node_exporter", "cadvisor"))
DANGEROUS_CAPS = {
    "ALL": "high",
    "SYS_ADMIN": "high",
    "SYS_MODULE": "high",
    "NET_ADMIN": "medium",
    "SYS_PTRACE": "medium",
    "DAC_READ_SEARCH": "medium",
    "SYS_RAWIO": "medium",
    "DAC_OVERRIDE": "medium",
}
# `key: value` or `key=value` in a config file written inline (YAML, INI, env style).
_INLINE_SECRET = lazy(r"^\s*(?P<key>[A-Za-z0-9_.-]+)\s*[:=]\s*[\"']?(?P<value>[^\s\"'#]+)")


def services(doc):
    project = doc.compose
    return list(project.services.values()) if project is not None else []


class PortOnAllInterfaces(Rule):
    id = "DC01"
    name = "port-on-all-interfaces"
    title = "Port published on all interfaces"
    severity = "medium"
    kinds = ("compose",)
    description = (
        "A service publishes a port without a host IP (or on 0.0.0.0 / ::); a bare container "
        'port (`- "9090"`) is published on every interface too. Medium for Prometheus, '
        "Alertmanager, Pushgateway, exporters, cAdvisor and the ports only they use; low for "
        "other services. Proxies and Grafana are meant to face users and are not reported."
    )
    rationale = (
        "Docker writes its own iptables rules for published ports, ahead of ufw and firewalld, so "
        "the port is reachable from every network the host is on. These services have no "
        "authentication by default: anyone who reaches the port can read all metrics and, with "
        "admin or lifecycle endpoints on, delete data or shut the service down."
    )
    fix = (
        "Bind the port to loopback (`127.0.0.1:9090:9090`) and put an authenticating proxy in "
        "front, or use `expose:` so only other containers on the network reach it."
    )
    references = (CMP_PORTS, DOCKER_FW, "https://prometheus.io/docs/operating/security/")
    tags = ("network", "exposure")
    cwe = ("CWE-668",)
    controls = ("PGB-07",)
    cis_docker = ("5.14",)
    owasp_docker = ("RULE #5a",)

    def check(self, doc):
        from promguard.models.services import KNOWN_PORTS

        for service in services(doc):
            program = program_of(service)
            if program in FRONT_DOORS:
                continue
            for port in service.ports:
                if not port.all_interfaces:
                    continue
                # The container port says what listens: a known monitoring program's, or for an
                # image promguard does not know, one of the ports only monitoring uses.
                monitored = [p for p in port.target_ports() if p in DISTINCT_PORTS]
                known = program in MONITORING or is_exporter(service)
                where = "every interface" if port.published else "a random port on every interface"
                severity = None
                if known or monitored:
                    # the image says what runs; a port alone only says what usually listens
                    # there, and counts for medium only when the image or the service's name
                    # says it is about monitoring (a chain node's gRPC on 9093 is not)
                    what = (
                        (program or "an exporter")
                        if known
                        else f"port {monitored[0]}, {KNOWN_PORTS[monitored[0]]}'s default"
                    )
                    message = (
                        f"service `{service.name}` ({what}) publishes {port.spec()} on {where}"
                    )
                    if not known and not _MONITORING_NAME.search(_identity(service)):
                        severity = "low"
                else:
                    message = f"service `{service.name}` publishes {port.spec()} on {where}"
                    severity = "low"
                yield self.report(
                    port.item.doc, port.item, message, severity=severity, fix=_loopback_fix(port)
                )


_MONITORING_NAME = lazy(
    r"prom|alertmanager|pushgateway|exporter|grafana|agent|alloy|victoria|thanos|mimir|"
    r"cortex|loki|monitor|metrics",
    re.I,
)


def _identity(service) -> str:
    image = service.image.value if service.image is not None else ""
    return f"{service.name} {image}"


def _loopback_fix(port) -> str:
    """DC01's fix with the service's own port."""
    published = port.published or port.target
    protocol = "" if port.protocol == "tcp" else f"/{port.protocol}"
    return (
        f"Bind the port to loopback (`127.0.0.1:{published}:{port.target}{protocol}`) and put an "
        "authenticating proxy in front, or use `expose:` so only other containers on the "
        "network reach it."
    )


class HostNetwork(Rule):
    id = "DC02"
    name = "host-network"
    title = "Service uses the host's network"
    severity = "medium"
    kinds = ("compose",)
    description = "`network_mode: host`: the container shares the host's network stack."
    rationale = (
        "Every port the program listens on is open on every host interface, without Docker's "
        "port mapping or network isolation, and the container can reach services bound to the "
        "host's loopback. node_exporter documents host networking; it is reported as low."
    )
    fix = "Use a bridge network and publish only the ports needed, bound to a specific address."
    references = (CMP_SERVICES + "#network_mode", OWASP_DOCKER)
    tags = ("network", "isolation")
    cwe = ("CWE-668",)
    controls = ("PGB-07", "PGB-01")
    cis_docker = ("5.10",)

    def check(self, doc):
        for service in services(doc):
            mode = service.field("network_mode")
            if mode is not None and mode.value.strip() == "host":
                low = program_of(service) in HOST_AGENTS
                yield self.report(
                    mode.doc,
                    mode,
                    f"service `{service.name}` uses the host's network",
                    severity="low" if low else None,
                )


class Privileged(Rule):
    id = "DC03"
    name = "privileged"
    title = "Privileged container"
    severity = "high"
    kinds = ("compose",)
    description = "`privileged: true` gives the container every capability and every device."
    rationale = (
        "A privileged container can load kernel modules, mount the host's disks and escape to "
        "the host trivially; no monitoring component needs it."
    )
    fix = "Remove `privileged: true`; grant the single capability the program needs with cap_add."
    references = (RUN_PRIVILEGES, OWASP_DOCKER, CIS)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    cis_docker = ("5.5",)
    owasp_docker = ("RULE #3",)

    def check(self, doc):
        for service in services(doc):
            if service.is_true("privileged"):
                item = service.field("privileged")
                yield self.report(item.doc, item, f"service `{service.name}` runs privileged")


class DockerSocket(Rule):
    id = "DC04"
    name = "docker-socket-mounted"
    title = "Container runtime socket mounted"
    severity = "high"
    kinds = ("compose",)
    description = (
        "The Docker (or containerd, CRI-O, Podman) socket is mounted into the container. A "
        "socket proxy (tecnativa/docker-socket-proxy, linuxserver/socket-proxy ...) holds the "
        "socket so that Traefik or another consumer does not: low while it passes on no write "
        "calls (POST=0), high when it does."
    )
    rationale = (
        "Whoever controls the socket controls the daemon: they can start a privileged container "
        "with the host's root file system mounted. Mounting it read-only changes nothing, the "
        "API still accepts requests."
    )
    fix = (
        "Do not mount the socket. For container metrics use cAdvisor without it, or a "
        "socket proxy that allows only read-only API calls."
    )
    references = (OWASP_DOCKER, CIS)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    cis_docker = ("5.32",)
    owasp_docker = ("RULE #1",)

    def check(self, doc):
        for service in services(doc):
            for volume in service.volumes:
                if host_source(doc, volume) in SOCKETS:
                    yield self._finding(service, volume)

    def _finding(self, service, volume):
        image = service.image.value.lower() if service.image is not None else ""
        name = image.split("@")[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
        item = volume.item
        if "socket-proxy" in name:
            writes = [
                v
                for k, v in service.environment.items()
                if k.upper() == "POST" and v.value.strip() == "1"
            ]
            if not writes:
                return self.report(
                    item.doc,
                    item,
                    f"service `{service.name}` is a Docker socket proxy ({name}) and mounts "
                    f"{volume.source}: the mitigation that keeps the socket away from Traefik; "
                    "it allows no write calls (POST=0), keep it on an internal network",
                    severity="low",
                    fix="Keep POST=0 and only the sections the consumer needs (CONTAINERS=1 "
                    "shows every container's environment), and never publish its port.",
                )
            return self.report(
                item.doc,
                item,
                f"service `{service.name}` is a Docker socket proxy ({name}) that passes "
                "write calls on (POST=1): whoever reaches it can start containers",
                fix="Set POST=0; Traefik's Docker provider only reads.",
            )
        note = " (read-only does not help)" if volume.read_only else ""
        if name.rsplit("/", 1)[-1] == "traefik":
            return self.report(
                item.doc,
                item,
                f"service `{service.name}` (Traefik) mounts {volume.source}{note}: a flaw in "
                "Traefik, or a request it can be made to send, controls the Docker daemon",
                fix="Put a socket proxy in between (tecnativa/docker-socket-proxy with "
                "CONTAINERS=1, POST=0, on an internal network) and point Traefik at it: "
                "`--providers.docker.endpoint=tcp://socket-proxy:2375`.",
            )
        return self.report(item.doc, item, f"service `{service.name}` mounts {volume.source}{note}")


class DangerousCapability(Rule):
    id = "DC05"
    name = "dangerous-capability"
    title = "Dangerous Linux capability added"
    severity = "medium"
    kinds = ("compose",)
    description = (
        "cap_add grants ALL, SYS_ADMIN or SYS_MODULE (high), or NET_ADMIN, SYS_PTRACE, "
        "DAC_READ_SEARCH, DAC_OVERRIDE or SYS_RAWIO (medium)."
    )
    rationale = (
        "These capabilities let a compromised process escape the container, read any file, "
        "trace other processes or reconfigure the host's network."
    )
    fix = "Remove the capability; add `cap_drop: [ALL]` and only the narrow capability needed."
    references = (RUN_PRIVILEGES, OWASP_DOCKER)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    cis_docker = ("5.4",)
    owasp_docker = ("RULE #3",)

    def check(self, doc):
        for service in services(doc):
            for cap in service.items("cap_add"):
                name = cap.value.strip().upper().removeprefix("CAP_")
                if name in DANGEROUS_CAPS:
                    yield self.report(
                        cap.doc,
                        cap,
                        f"service `{service.name}` adds capability {name}",
                        severity=DANGEROUS_CAPS[name],
                    )


class HostNamespace(Rule):
    id = "DC06"
    name = "host-namespace"
    title = "Host PID, IPC, UTS or user namespace shared"
    severity = "medium"
    kinds = ("compose",)
    description = "`pid`, `ipc`, `uts` or `userns_mode` is `host`."
    rationale = (
        "With the host's PID namespace the container sees and can signal every process on the "
        "host; with its IPC namespace it reaches shared memory of other processes. node_exporter "
        "documents `pid: host`; it is reported as low."
    )
    fix = "Remove the setting; the container gets its own namespace."
    references = (CMP_SERVICES + "#pid", OWASP_DOCKER, CIS)
    tags = ("isolation",)
    cwe = ("CWE-668",)
    controls = ("PGB-01",)
    cis_docker = ("5.16", "5.17", "5.21", "5.31")

    def check(self, doc):
        for service in services(doc):
            for field in ("pid", "ipc", "uts", "userns_mode"):
                item = service.field(field)
                if item is not None and item.value.strip() == "host":
                    low = program_of(service) in HOST_AGENTS and field == "pid"
                    yield self.report(
                        item.doc,
                        item,
                        f"service `{service.name}` shares the host's {field}",
                        severity="low" if low else None,
                    )


class SensitiveHostPath(Rule):
    id = "DC07"
    name = "sensitive-host-path"
    title = "Sensitive host path mounted"
    severity = "high"
    kinds = ("compose",)
    description = (
        "A bind mount exposes a sensitive host folder (/, /etc, /root, /proc, /sys, /var/lib/"
        "docker ...) to the container: high when writable, low when read-only. node_exporter and "
        "cAdvisor mounting them read-only, as their documentation says, are not reported. A "
        "writable folder inside them is high when the host runs code or logs users in from it "
        "(cron, systemd, ssh, sudoers, /usr/bin, a user's dotfiles), low when it is one "
        "application's own (/etc/pihole, /usr/share/appdata/...) or a file that names the host "
        "(/etc/hostname); a user's data folder under /home is not reported. A writable system "
        "folder is medium, not high, when the container runs as a user other than root."
    )
    rationale = (
        "A writable mount of a system folder lets a compromised container change the host "
        "(cron, ssh keys, binaries); a read-only one still exposes secrets such as /etc/shadow "
        "or other containers' data."
    )
    fix = "Mount only the file or folder the program needs, read-only (`:ro`)."
    references = (CMP_SERVICES + "#volumes", OWASP_DOCKER, CIS)
    tags = ("privilege", "isolation")
    cwe = ("CWE-668",)
    controls = ("PGB-01",)
    cis_docker = ("5.6",)

    def check(self, doc):
        for service in services(doc):
            agent = program_of(service) in HOST_AGENTS
            for volume in service.volumes:
                source = host_source(doc, volume)
                risk = host_path_risk(source, volume) if source not in (None, *SOCKETS) else None
                if source is None or risk is None:
                    continue
                if volume.read_only and agent:
                    continue
                mode = "read-only" if volume.read_only else "writable"
                if source in ("/var/run", "/run") and not volume.read_only:
                    mode += ", with the Docker socket in it"
                if risk == "low" and not volume.read_only:
                    mode += ": an application's own folder or a file naming the host, not one "
                    mode += "the host runs or logs in with"
                severity = "low" if volume.read_only or risk == "low" else None
                runs_as = _unprivileged_user(service)
                if severity is None and runs_as:
                    # what root could change on the host, this user mostly cannot
                    mode += f"; the container runs as {runs_as}, not root"
                    severity = "medium"
                yield self.report(
                    volume.item.doc,
                    volume.item,
                    f"service `{service.name}` mounts the host's {source} ({mode})",
                    severity=severity,
                )


def _unprivileged_user(service) -> str | None:
    """The user the container runs as when it is known not to be root: `user:` or the
    image's own USER."""
    user = service.field("user")
    if user is not None and user.literal:
        name = user.value.strip().split(":")[0]
        return None if name in ("", "root", "0") else name
    if user is not None:
        return None  # set where it is deployed: unknown
    image = image_of(service)
    default = image.default_user if image is not None else None
    return default if default not in (None, "root", "0") else None


_UNCONFINED = (
    "seccomp:unconfined",
    "apparmor:unconfined",
    "label:disable",
    "no-new-privileges:false",
)


class UnconfinedSecurityProfile(Rule):
    id = "DC08"
    name = "security-profile-disabled"
    title = "seccomp, AppArmor or SELinux confinement disabled"
    severity = "medium"
    kinds = ("compose",)
    description = (
        "security_opt has seccomp:unconfined, apparmor:unconfined, label:disable, or an "
        "explicit no-new-privileges:false."
    )
    rationale = (
        "These profiles block the system calls and file accesses most container escapes use; "
        "turning them off removes that layer for a program that does not need it."
    )
    fix = "Remove the security_opt entry, or give a custom profile that allows what is needed."
    references = ("https://docs.docker.com/engine/security/seccomp/", OWASP_DOCKER, CIS)
    tags = ("isolation",)
    cwe = ("CWE-693",)
    controls = ("PGB-01",)
    cis_docker = ("5.2", "5.3", "5.22", "5.26")
    owasp_docker = ("RULE #6", "RULE #4")

    def check(self, doc):
        for service in services(doc):
            for option in service.items("security_opt"):
                text = option.value.strip().replace("=", ":").lower()
                if text in _UNCONFINED:
                    yield self.report(
                        option.doc,
                        option,
                        f"service `{service.name}` disables confinement ({option.value.strip()})",
                    )


class RunsAsRoot(Rule):
    id = "DC09"
    name = "runs-as-root"
    title = "Service explicitly runs as root"
    severity = "medium"
    kinds = ("compose",)
    description = (
        "`user:` is root or 0. Images of Prometheus, Alertmanager, the exporters, Grafana and "
        "oauth2-proxy run as an unprivileged user by default; setting root undoes that."
    )
    rationale = (
        "A process running as root inside the container turns any code-execution bug into root "
        "on every file the container can reach, and is one step from the host."
    )
    fix = "Remove `user:` to keep the image's unprivileged user, or set a numeric non-root uid."
    references = (CMP_SERVICES + "#user", OWASP_DOCKER)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    owasp_docker = ("RULE #2",)

    def check(self, doc):
        for service in services(doc):
            user = service.field("user")
            if user is not None and user.value.strip().split(":")[0] in ("root", "0"):
                yield self.report(user.doc, user, f"service `{service.name}` runs as root")


class MissingHardening(Rule):
    id = "DC10"
    name = "missing-hardening"
    title = "Container hardening options missing"
    severity = "low"
    kinds = ("compose",)
    description = (
        "A service sets none of some cheap hardening: `no-new-privileges`, `read_only: true`, "
        "`cap_drop: [ALL]`, a memory limit. One finding per service lists what is missing."
    )
    rationale = (
        "Each limits what a compromised process can do: gain privileges through setuid "
        "binaries, persist by writing to the image, use capabilities, or exhaust the host's "
        "memory. None is an exposure by itself, so this is low."
    )
    fix = (
        "Add `security_opt: [no-new-privileges:true]`, `read_only: true` (with a volume for "
        "data), `cap_drop: [ALL]` and `mem_limit` or `deploy.resources.limits.memory`."
    )
    references = (OWASP_DOCKER, CIS)
    tags = ("hardening",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    cis_docker = ("5.4", "5.11", "5.13", "5.26")
    owasp_docker = ("RULE #3", "RULE #4", "RULE #7", "RULE #8")

    def check(self, doc):
        for service in services(doc):
            missing = []
            options = {
                o.value.strip().replace("=", ":").lower() for o in service.items("security_opt")
            }
            if not options & {
                "no-new-privileges:true",
                "no-new-privileges",
                "no-new-privileges:false",
            }:
                missing.append("no-new-privileges")  # an explicit false is DC08's
            if not service.is_true("read_only"):
                missing.append("read_only")
            if "ALL" not in {c.value.strip().upper() for c in service.items("cap_drop")}:
                missing.append("cap_drop ALL")
            if not _has_memory_limit(service):
                missing.append("memory limit")
            if missing:
                # Where the first fix goes: an existing security_opt without no-new-privileges.
                anchor = service.key
                if "no-new-privileges" in missing and service.items("security_opt"):
                    anchor = service.node.key_node("security_opt") or service.key
                yield self.report(
                    service.doc,
                    anchor,
                    f"service `{service.name}` has no {', '.join(missing)}",
                )


def _has_memory_limit(service) -> bool:
    if service.field("mem_limit") is not None:
        return True
    deploy = service.raw.get("deploy")
    node = deploy[0] if deploy else None
    resources = node.get("resources") if hasattr(node, "get") else None
    limits = resources.get("limits") if hasattr(resources, "get") else None
    return hasattr(limits, "get") and limits.get("memory") is not None


class WritableConfigMount(Rule):
    id = "DC11"
    name = "writable-config-mount"
    title = "Configuration mounted writable"
    severity = "low"
    kinds = ("compose",)
    description = (
        "A configuration file or folder (a .yml, .yaml, .conf, .json, .toml file, or a target "
        "under /etc) is bind-mounted without `:ro`. Data folders are left alone. One finding "
        "per service, at its first such mount."
    )
    rationale = (
        "A compromised container that can rewrite its own configuration can switch off "
        "authentication or TLS for the next restart, and reach the host's copy of the file."
    )
    fix = "Append `:ro` to the mount (`./prometheus.yml:/etc/prometheus/prometheus.yml:ro`)."
    references = (CMP_SERVICES + "#volumes", OWASP_DOCKER)
    tags = ("hardening",)
    cwe = ("CWE-732",)
    controls = ("PGB-05",)
    owasp_docker = ("RULE #8",)

    def check(self, doc):
        for service in services(doc):
            writable = [v for v in service.volumes if writable_config(v)]
            if writable:
                first = writable[0]
                more = f" and {len(writable) - 1} more" if len(writable) > 1 else ""
                fix = _read_only_fix(first.item.raw)
                yield self.report(
                    first.item.doc,
                    first.item,
                    f"service `{service.name}` mounts {first.target}{more} writable",
                    fix=fix,
                )


def _read_only_fix(raw) -> str:
    """DC11's fix for this mount: `./a:/b` gets `:ro`, `./a:/b:z` gets `,ro`."""
    raw = raw.strip() if isinstance(raw, str) else ""
    parts = raw.split(":")
    if len(parts) < 2 or raw.startswith("{"):
        return "Set `read_only: true` on the mount."
    if len(parts) >= 3 and "/" not in parts[-1]:  # a mode: rw, z, Z, cached ...
        modes = [m for m in parts[-1].split(",") if m and m != "rw"]
        return f"Make the mount read-only (`{':'.join(parts[:-1])}:{','.join(modes + ['ro'])}`)."
    return f"Append `:ro` to the mount (`{raw}:ro`)."


class UnpinnedImage(Rule):
    id = "DC12"
    name = "unpinned-image"
    title = "Image without a version tag, or :latest"
    severity = "medium"
    kinds = ("compose",)
    description = "`image:` has no tag (meaning latest) or the tag latest, and no digest."
    rationale = (
        "Every pull may bring a different release: an upgrade nobody reviewed, a security fix "
        "silently missing on one host, or a changed default. Version-specific rules (known "
        "vulnerabilities) cannot tell which release runs."
    )
    fix = "Pin a release tag (prom/prometheus:v3.5.0), ideally with its digest (@sha256:...)."
    references = (CMP_SERVICES + "#image", OWASP_DOCKER)
    tags = ("supply-chain",)
    cwe = ("CWE-1357",)
    controls = ("PGB-04",)

    def check(self, doc):
        for service in services(doc):
            image = image_of(service)
            if "build" in service.raw:
                continue  # the name the local build is tagged with, not an image to pull
            if image is not None and image.is_latest_or_untagged and service.image.literal:
                item = service.image
                what = "the latest tag" if image.tag == "latest" else "no tag"
                name = item.value.strip().split("@")[0]
                if image.tag:
                    name = name[: -len(image.tag) - 1]
                yield self.report(
                    item.doc,
                    item,
                    f"service `{service.name}` uses {what} ({item.value.strip()})",
                    fix=f"Pin a release tag (`{name}:<version>`, the version you run), ideally "
                    "with its digest (`@sha256:...`).",
                )


class LiteralSecret(Rule):
    id = "DC13"
    name = "literal-secret"
    title = "Secret written in the compose file"
    severity = "high"
    kinds = ("compose",)
    description = (
        "An environment variable or command-line flag whose name says it holds a credential "
        "(PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY ...) has a literal value in the compose "
        "file, or a literal default in `${VAR:-default}`; or a variable holds a URL with a "
        "password in it (an exporter's DATA_SOURCE_NAME); or a config or secret written inline "
        "with `content:` has a password line. `${VAR}` alone, *_FILE variables and "
        "paths are fine. Grafana (GF_*) and oauth2-proxy settings have their own rules."
    )
    rationale = (
        "The compose file is committed and shared; `docker inspect` and /proc show environment "
        "variables to anyone who can reach the host or the Docker API."
    )
    fix = (
        "Use a compose `secrets:` entry and the program's *_FILE / --*-file option, or "
        "`${VAR}` with the value supplied at deploy time (not committed)."
    )
    references = ("https://docs.docker.com/compose/how-tos/use-secrets/", OWASP_DOCKER)
    tags = ("secrets",)
    cwe = ("CWE-798",)
    controls = ("PGB-05",)
    owasp_docker = ("RULE #12",)

    def check(self, doc):
        for service in services(doc):
            program = program_of(service)
            for name, item in service.environment.items():
                if name.upper().startswith(OWN_RULES_PREFIXES):
                    continue  # GRF02 and O2P02 know those programs' settings
                if not item.literal:
                    continue
                if looks_secret(name, item.value):
                    how = "a literal default" if item.variables else "a literal value"
                    if placeholder(item.value):
                        yield self.report(
                            item.doc,
                            item,
                            f"service `{service.name}` sets {name} to {PLACEHOLDER_NOTE}",
                            severity="low",
                        )
                        continue
                    yield self.report(
                        item.doc,
                        item,
                        f"service `{service.name}` sets {name} to {how} ({name}={MASK})",
                    )
                elif has_userinfo_password(item.value):
                    # DATA_SOURCE_NAME=postgresql://user:password@db/... (exporters read these)
                    filler = placeholder(item.value)
                    message = (
                        f"service `{service.name}` sets {name} to a URL with {PLACEHOLDER_NOTE}"
                        if filler
                        else f"service `{service.name}` puts a password in the URL in {name} "
                        f"({masked_url(item.value)})"
                    )
                    yield self.report(item.doc, item, message, severity="low" if filler else None)
            if program == "oauth2-proxy":
                continue
            yield from self._flags(service, program)
        yield from self._inline_configs(doc)

    def _flags(self, service, program):
        from promguard.models.services import parse_flags

        words = (service.entrypoint or []) + (service.command or [])
        for flag in parse_flags(program, [w.value for w in words]):
            if flag.value_index >= len(words):
                continue
            item = words[flag.value_index]
            name = flag.name.replace("-", "_").replace(".", "_")
            if item.literal and looks_secret(name, flag.value):
                if placeholder(flag.value):
                    yield self.report(
                        item.doc,
                        item,
                        f"service `{service.name}` passes --{flag.name} {PLACEHOLDER_NOTE}",
                        severity="low",
                    )
                    continue
                yield self.report(
                    item.doc,
                    item,
                    f"service `{service.name}` passes a secret on the command line "
                    f"(--{flag.name} {MASK})",
                )

    def _inline_configs(self, doc):
        """Top-level `configs:` and `secrets:` written inline with `content:` (compose 2.23):
        the whole file sits in the compose file, so a password line in it is committed too."""
        project = doc.compose
        for section in (project.configs, project.secrets) if project is not None else ():
            for entry in section.values():
                content = entry.node.get("content") if hasattr(entry.node, "get") else None
                if content is None or not hasattr(content, "text"):
                    continue
                for offset, line in enumerate(content.text.splitlines()):
                    found = _INLINE_SECRET.match(line) if "$" not in line else None
                    value = found.group("value") if found else ""
                    if (
                        found
                        and looks_secret(found.group("key").upper(), value)
                        and not placeholder(value)
                    ):
                        # A block scalar starts on the line after `content: |`.
                        row = content.line + offset + (1 if content.style in ("|", ">") else 0)
                        source = entry.doc.lines[row - 1] if row <= len(entry.doc.lines) else ""
                        column = max(source.find(found.group("key")), 0) + 1
                        yield Finding(
                            self.id,
                            self.severity,
                            f"`{entry.name}` is written inline with {found.group('key')}: {MASK}",
                            entry.doc.path,
                            row,
                            column,
                            row,
                            None,
                            f"{content.path}.{found.group('key')}",
                            self.fix,
                        )


class BrokenExtends(Rule):
    id = "DC18"
    name = "broken-extends"
    title = "extends cannot be resolved"
    severity = "medium"
    kinds = ("compose",)
    description = (
        "`extends` names a file that cannot be read, a service that does not exist, or forms a "
        "loop. docker compose refuses the project; promguard judged the service without it."
    )
    rationale = "The settings the service was meant to inherit (and their security) are unknown."
    fix = "Point `extends` at an existing file and service."
    references = ("https://docs.docker.com/compose/how-tos/multiple-compose-files/extends/",)
    tags = ("misconfiguration",)
    controls = ("PGB-10",)

    def check(self, doc):
        project = doc.compose
        for where, node, message in project.problems if project is not None else ():
            yield self.report(where, node, message)


RULES = [
    PortOnAllInterfaces,
    HostNetwork,
    Privileged,
    DockerSocket,
    DangerousCapability,
    HostNamespace,
    SensitiveHostPath,
    UnconfinedSecurityProfile,
    RunsAsRoot,
    MissingHardening,
    WritableConfigMount,
    UnpinnedImage,
    LiteralSecret,
    BrokenExtends,
]
