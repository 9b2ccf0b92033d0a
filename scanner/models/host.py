"""Host mode: the monitoring services a machine runs under systemd, read from a root folder shaped
like a file system (`/` by default, or a mounted image, or a test's tree). Nothing outside the
root is read and nothing is changed.

For each known service: its unit file (/etc/systemd/system wins over /lib and /usr/lib) with its
drop-ins (`<unit>.d/*.conf`, in name order, from every unit folder), the environment files it
names (EnvironmentFile=, with Debian's /etc/default and RPM's /etc/sysconfig files among them)
and Environment= assignments, the command line ExecStart runs with `$ARGS` expanded, and the
user and group it runs as, resolved through the root's /etc/passwd and /etc/group.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import Any

from ..files import within
from ..parsers.systemd import (
    Located,
    SystemdError,
    command_words,
    environment_assignments,
    parse_environment_file,
    parse_unit,
)

UNIT_FOLDERS = ("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system")
# Unit names of the services promguard knows (upstream tarball installs, Debian, RPM, Grafana).
UNITS = (
    "prometheus",
    "alertmanager",
    "prometheus-alertmanager",
    "pushgateway",
    "prometheus-pushgateway",
    "node_exporter",
    "node-exporter",
    "prometheus-node-exporter",
    "blackbox_exporter",
    "prometheus-blackbox-exporter",
    "grafana-server",
    "oauth2-proxy",
)
# Programs that need root for nothing they do (node_exporter's default collectors read /proc and
# /sys, which every user can).
NO_ROOT_NEEDED = frozenset(
    ("prometheus", "alertmanager", "pushgateway", "node_exporter", "blackbox_exporter", "grafana")
)


class HostService:
    def __init__(self, name: str, unit: str):
        self.name = name  # the unit name without .service
        self.unit = unit  # abspath of the unit file
        self.files: list[str] = [unit]  # unit, drop-ins and environment files read
        self.settings: dict[str, list[Located]] = {}  # [Service] settings, drop-ins applied
        self.env: dict[str, Located] = {}
        self.words: list[Located] = []  # what ExecStart runs, the binary first
        self.program: str | None = None
        self.problems: list[tuple[str, SystemdError]] = []  # (abspath, error)
        # set by the scan that found the service (scanner/kinds/systemd.py):
        self.accounts: Account | None = None  # the host's users and groups
        self.display: Callable[[str], str] = str  # how reports name a file of the host
        self.map: Callable[[str], str | None] = lambda path: None  # a host path -> its file here
        self.open: Callable[[str, str | None], Any] = lambda abspath, kind: None  # parsed file

    def last(self, key: str) -> Located | None:
        values = self.settings.get(key)
        return values[-1] if values else None


# Where the packaged programs read their configuration when no flag says (Debian's packages
# patch these defaults in; an upstream tarball reads prometheus.yml from its working folder).
DEFAULT_CONFIGS = {
    "prometheus": "/etc/prometheus/prometheus.yml",
    "alertmanager": "/etc/prometheus/alertmanager.yml",
}


def config_files(service: HostService) -> list[tuple[str, str | None, Located | None]]:
    """(host path, kind, the flag's value word or None) of the configuration files the
    service's command line names, or its packaged default config."""
    from .services import parse_flags

    args = service.words[1:]
    flags = parse_flags(service.program, [w.value for w in args])
    found = []
    for flag, kind in (("config.file", None), ("web.config.file", "webconfig")):
        given = flags.get(flag)
        if given is not None:
            index = given.value_index if given.value_index < len(args) else given.index
            path, word = given.value.strip(), args[index]
        elif flag == "config.file" and service.program in DEFAULT_CONFIGS:
            path, word = DEFAULT_CONFIGS[service.program], None
        else:
            continue
        if not path:
            continue
        if not path.startswith("/"):
            workdir = service.last("WorkingDirectory")
            path = os.path.normpath(os.path.join(workdir.value if workdir else "/", path))
        found.append((path, kind, word))
    return found


class Account:
    """Users and groups of the root's /etc/passwd and /etc/group."""

    def __init__(self, root: str):
        self.uids: dict[str, int] = {}
        self.primary_gid: dict[str, int] = {}
        self.gids: dict[str, int] = {}
        self.members: dict[int, set[str]] = {}
        for line in _lines(inside(root, "etc/passwd")):
            parts = line.split(":")
            if len(parts) >= 4 and parts[2].isdigit() and parts[3].isdigit():
                self.uids[parts[0]] = int(parts[2])
                self.primary_gid[parts[0]] = int(parts[3])
        for line in _lines(inside(root, "etc/group")):
            parts = line.split(":")
            if len(parts) >= 3 and parts[2].isdigit():
                self.gids[parts[0]] = int(parts[2])
                members = set(filter(None, parts[3].split(","))) if len(parts) > 3 else set()
                self.members[int(parts[2])] = members

    def uid(self, user: str | None) -> int | None:
        if user is None:
            return 0
        return int(user) if user.isdigit() else self.uids.get(user)

    def gid(self, group: str | None, user: str | None) -> int | None:
        if group:
            return int(group) if group.isdigit() else self.gids.get(group)
        return self.primary_gid.get(user or "root", 0 if not user else None)

    def can_read(self, info: os.stat_result, user: str | None, group: str | None) -> bool:
        """Can the service's user read a file with this owner and mode?"""
        uid, gid = self.uid(user), self.gid(group, user)
        if uid == 0:
            return True
        if info.st_uid == uid:
            return bool(info.st_mode & stat.S_IRUSR)
        in_group = info.st_gid == gid or (user or "") in self.members.get(info.st_gid, set())
        if in_group:
            return bool(info.st_mode & stat.S_IRGRP)
        return bool(info.st_mode & stat.S_IROTH)


def _lines(path: str | None) -> list[str]:
    if path is None:
        return []  # a symlink out of the root: the host's own accounts are not the image's
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return [line.rstrip("\n") for line in fh if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def inside(root: str, path: str) -> str | None:
    """``path`` as seen on the host, mapped into ``root``; None when a symlink leads out."""
    mapped = os.path.normpath(os.path.join(root, path.lstrip("/")))
    return mapped if within(mapped, root) else None


def host_path(root: str, abspath: str) -> str:
    """How reports name a file of the root: as the host sees it (/etc/default/prometheus)."""
    return "/" + os.path.relpath(abspath, root).replace(os.sep, "/")


def discover(root: str, read) -> list[HostService]:
    """The known services of ``root``; ``read(abspath)`` gives a file's text or None (the
    engine's reader, with its limits)."""
    services = []
    for name in UNITS:
        unit = _unit_file(root, name)
        if unit is not None:
            services.append(_load(root, name, unit, read))
    return services


def _unit_file(root: str, name: str) -> str | None:
    for folder in UNIT_FOLDERS:
        path = inside(root, f"{folder}/{name}.service")
        if path is not None and os.path.isfile(path):
            return path
    return None


def _dropins(root: str, name: str) -> list[str]:
    found = {}
    for folder in reversed(UNIT_FOLDERS):  # /etc last: a drop-in there wins over one in /lib
        base = inside(root, f"{folder}/{name}.service.d")
        if base is None or not os.path.isdir(base):
            continue
        for entry in sorted(os.listdir(base)):
            if entry.endswith(".conf"):
                found[entry] = os.path.join(base, entry)
    return [found[n] for n in sorted(found)]


def _load(root: str, name: str, unit: str, read) -> HostService:
    from .services import canonical_program

    service = HostService(name, unit)
    for path in [unit, *_dropins(root, name)]:
        text = read(path)
        if text is None:
            continue
        if path != unit:
            service.files.append(path)
        try:
            sections = parse_unit(text, path)
        except SystemdError as exc:
            service.problems.append((path, exc))
            continue
        for setting in sections.get("Service", []):
            values = service.settings.setdefault(setting.key, [])
            if not setting.value and setting.key in ("ExecStart", "Environment", "EnvironmentFile"):
                values.clear()  # an empty assignment resets the list (drop-ins rely on it)
            else:
                values.append(setting)
    for setting in service.settings.get("EnvironmentFile", []):
        path = inside(root, setting.value.lstrip("-").strip())
        text = read(path) if path is not None and os.path.isfile(path) else None
        if text is not None:
            service.files.append(path)
            service.env.update(parse_environment_file(text, path))
    for setting in service.settings.get("Environment", []):
        service.env.update(environment_assignments(setting))
    start = service.last("ExecStart")
    if start is not None:
        service.words = command_words(start, service.env)
        if service.words:
            service.program = canonical_program(os.path.basename(service.words[0].value))
    return service
