"""What a compose service runs and what it mounts: its image and program, the host path behind
a mount, and which host paths are sensitive or hold configuration.

Light on purpose: the compose rules import it at start-up, the compose model only when a
compose file is scanned."""

from __future__ import annotations

import re

SENSITIVE_PATHS = (
    "/",
    "/etc",
    "/root",
    "/home",
    "/boot",
    "/dev",
    "/proc",
    "/sys",
    "/var/run",
    "/run",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/usr",
    "/lib",
)
SECRET_PATHS = (
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/ssh",
    "/root/.ssh",
    "/etc/kubernetes",
    "/var/lib/kubelet/pki",
)
SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/podman/podman.sock",
)
_CONFIG_SUFFIXES = (".yml", ".yaml", ".conf", ".json", ".toml", ".ini", ".htpasswd")


def image_of(service):
    from promguard.models.services import parse_image

    item = service.image
    return parse_image(item.value) if item is not None and item.value.strip() else None


def sensitive_source(source: str, volume) -> bool:
    """Read-only: the system folders themselves and files that hold secrets. Writable: anything
    inside them as well (a writable /etc/cron.d is a way onto the host)."""
    if source in SENSITIVE_PATHS or source in SECRET_PATHS:
        return True
    return not volume.read_only and any(
        source.startswith(p + "/") for p in SENSITIVE_PATHS if p not in ("/", "/dev", "/run")
    )


def host_source(doc, volume) -> str | None:
    """The host path behind a mount: a bind mount's source, or the device of a named volume
    declared with `driver_opts: {type: none, o: bind, device: ...}`; slashes normalised."""
    source = None
    if volume.type == "bind":
        source = volume.source
    elif volume.type == "volume" and volume.source and doc is not None and doc.compose:
        declared = doc.compose.volumes.get(volume.source)
        opts = (
            declared.node.get("driver_opts") if declared and hasattr(declared.node, "get") else None
        )
        if hasattr(opts, "text") and "bind" in (opts.text("o") or "").split(","):
            source = opts.text("device")
    if not source or not source.startswith("/"):
        return None
    return re.sub(r"/+", "/", source).rstrip("/") or "/"


def is_exporter(service) -> bool:
    """Any Prometheus exporter, known by name or not (postgres-exporter, mysqld-exporter ...)."""
    image = image_of(service)
    name = image.repository.rsplit("/", 1)[-1] if image is not None and image.repository else ""
    return "exporter" in name


def program_of(service) -> str | None:
    image = image_of(service)
    return image.program if image is not None else None


def writable_config(volume) -> bool:
    if volume.type != "bind" or volume.read_only or not volume.target:
        return False
    source = host_source(None, volume) or ""
    if source in SOCKETS or sensitive_source(source, volume):
        return False  # DC04 / DC07
    target = volume.target
    return target.startswith("/etc/") or target.endswith(_CONFIG_SUFFIXES)
