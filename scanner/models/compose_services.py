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


# Writable places under /etc and /usr from which the host runs code or decides who logs in (the
# first folder or file below them).
_HOST_CONTROL = re.compile(
    r"^/etc/(cron[^/]*|anacrontab|systemd|init(\.d)?|rc[^/]*\.d|rc\.local|ssh|sudoers(\.d)?|"
    r"pam\.d|security|passwd|shadow|group|gshadow|profile(\.d)?|bash\.bashrc|environment|"
    r"ld\.so[^/]*|apt|yum[^/]*|dnf|sysctl[^/]*|modprobe\.d|modules(-load\.d)?|udev|docker|"
    r"containerd|kubernetes|update-motd\.d|logrotate[^/]*|polkit[^/]*|network|netplan|hosts|"
    r"resolv\.conf)(/|$)"
    r"|^/usr/(local/)?(bin|sbin|lib[^/]*|libexec)(/|$)"
)


def host_path_risk(source: str, volume) -> str | None:
    """How much a mount of the host's ``source`` hands the container: "high" for system
    folders and files with secrets (read-only: the folders themselves; writable: what the host
    runs or logs in with), "low" for a writable application folder under /etc or /usr (the
    app's own config) or a file that only names the host, None for an ordinary folder (a
    user's data under /home, not their dotfiles)."""
    if source in SECRET_PATHS:
        return "high"
    if source in SENSITIVE_PATHS:
        return "high"
    if volume.read_only:
        return None
    if source.startswith("/home/"):
        parts = source.split("/")[2:]
        if len(parts) <= 1 or any(p.startswith(".") for p in parts):
            return "high"  # a user's home itself, or their ssh keys, shell rc, tokens
        return None
    if source.startswith(("/etc/", "/usr/")):
        if _HOST_CONTROL.match(source):
            return "high"
        return "low"
    if any(source.startswith(p + "/") for p in SENSITIVE_PATHS if p not in ("/", "/dev", "/run")):
        return "high"
    return None


def sensitive_source(source: str, volume) -> bool:
    return host_path_risk(source, volume) is not None


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
