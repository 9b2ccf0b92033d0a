"""Controls: what a secure monitoring stack must have, and the frameworks auditors ask about.

promguard's own baseline has one control per item of the checklist teams follow for a
Prometheus stack; each rule names the controls it evidences (`controls`), and, where they apply,
the CIS Docker Benchmark v1.6 items (`cis_docker`) and OWASP Docker Security Cheat Sheet rules
(`owasp_docker`) it checks, beside its CWE IDs. The registry validates the names at load time.
"""

from __future__ import annotations


class Control:
    __slots__ = ("id", "title", "description", "pitfalls", "framework")

    def __init__(self, id, title, description="", pitfalls=(), framework="promguard"):
        self.id = id
        self.title = title
        self.description = description
        self.pitfalls = pitfalls  # the mistakes it guards against
        self.framework = framework


FRAMEWORKS = {
    "promguard": "promguard baseline for monitoring stacks",
    "cis-docker": "CIS Docker Benchmark v1.6",
    "owasp-docker": "OWASP Docker Security Cheat Sheet",
}

# The rule attribute that holds each framework's IDs.
ATTRIBUTE = {"promguard": "controls", "cis-docker": "cis_docker", "owasp-docker": "owasp_docker"}

_BASELINE = (
    Control(
        "PGB-01",
        "Minimal privileges",
        "Every service runs as an unprivileged user, with no more capabilities, devices or "
        "host access than it needs.",
        ("running as root", "privileged containers", "host namespaces and the runtime socket"),
    ),
    Control(
        "PGB-02",
        "TLS for all communication",
        "Scrapes, alerts, gossip, remote write and the web UIs are encrypted, and certificates "
        "are verified.",
        ("no encryption", "TLS verification switched off", "TLS 1.0/1.1"),
    ),
    Control(
        "PGB-03",
        "Strong authentication",
        "Every endpoint that reads or changes data asks for credentials, and the credentials "
        "are strong.",
        ("open alerting endpoints", "default or weak credentials", "passwords not hashed"),
    ),
    Control(
        "PGB-04",
        "Current versions",
        "Images and packages are pinned to maintained releases.",
        ("outdated versions", "unpinned :latest images"),
    ),
    Control(
        "PGB-05",
        "Configuration protected",
        "Configuration and secrets are kept out of reach: not in images or repositories in "
        "clear text, not writable by the services, not readable by everyone.",
        ("plaintext credentials", "world-readable secrets", "writable configuration"),
    ),
    Control(
        "PGB-06",
        "Access audited",
        "Who accessed what can be told afterwards: access and error logs are kept.",
        ("no logs of access or of failed deliveries",),
    ),
    Control(
        "PGB-07",
        "Network isolation",
        "Monitoring services are reachable only from the networks that need them, behind a "
        "proxy or a firewall.",
        ("exposed to the internet", "ports published on every interface", "proxy bypassed"),
    ),
    Control(
        "PGB-08",
        "API rate limiting",
        "The query API and login endpoints are rate limited in front of the services.",
        ("expensive queries from anyone", "password guessing"),
    ),
    Control(
        "PGB-09",
        "Least privilege for APIs",
        "Admin, lifecycle and write endpoints are off unless needed, and then reachable only "
        "by those who need them.",
        ("admin API on", "lifecycle endpoints on", "write receivers open"),
    ),
    Control(
        "PGB-10",
        "The monitoring system monitors itself",
        "The stack starts, stays healthy and alerts about its own failures.",
        ("a config that stops the service from starting", "health checks that always fail"),
    ),
)
BASELINE = {c.id: c for c in _BASELINE}

# CIS Docker Benchmark v1.6 items and OWASP Docker Security Cheat Sheet rules that rules name:
# ID -> title. Filled with the items promguard's rules check.
#
# CIS: numbers and titles as in CIS Docker Benchmark v1.6.0 (the Docker Bench for Security checks
# of that version, docker/docker-bench-security tests/4_container_images.sh and
# tests/5_container_runtime.sh; v1.6.0 added 5.1 "swarm mode", so section 5 is one higher than in
# v1.5.0 and earlier: privileged containers are 5.5, not 5.4).
CIS_DOCKER: dict[str, str] = {
    "4.1": "Ensure that a user for the container has been created",
    "4.9": "Ensure that COPY is used instead of ADD in Dockerfiles",
    "4.10": "Ensure secrets are not stored in Dockerfiles",
    "4.11": "Ensure only verified packages are installed",
    "5.2": "Ensure that, if applicable, an AppArmor Profile is enabled",
    "5.3": "Ensure that, if applicable, SELinux security options are set",
    "5.4": "Ensure that Linux kernel capabilities are restricted within containers",
    "5.5": "Ensure that privileged containers are not used",
    "5.6": "Ensure sensitive host system directories are not mounted on containers",
    "5.10": "Ensure that the host's network namespace is not shared",
    "5.11": "Ensure that the memory usage for containers is limited",
    "5.13": "Ensure that the container's root filesystem is mounted as read only",
    "5.14": "Ensure that incoming container traffic is bound to a specific host interface",
    "5.16": "Ensure that the host's process namespace is not shared",
    "5.17": "Ensure that the host's IPC namespace is not shared",
    "5.21": "Ensure that the host's UTS namespace is not shared",
    "5.22": "Ensure the default seccomp profile is not Disabled",
    "5.26": "Ensure that the container is restricted from acquiring additional privileges",
    "5.31": "Ensure that the host's user namespaces are not shared",
    "5.32": "Ensure that the Docker socket is not mounted inside any containers",
}
# OWASP: rule numbers and titles as in cheatsheets/Docker_Security_Cheat_Sheet.md of
# OWASP/CheatSheetSeries (RULE #5a was added in 2026).
OWASP_DOCKER: dict[str, str] = {
    "RULE #1": "Do not expose the Docker daemon socket (even to the containers)",
    "RULE #2": "Set a user",
    "RULE #3": "Limit capabilities (Grant only specific capabilities, needed by a container)",
    "RULE #4": "Prevent in-container privilege escalation",
    "RULE #5a": "Be careful when mapping container ports to the host with firewalls like UFW",
    "RULE #6": "Use Linux Security Module (seccomp, AppArmor, or SELinux) for Runtime Security",
    "RULE #7": "Limit resources (memory, CPU, file descriptors, processes, restarts)",
    "RULE #8": "Set filesystem and volumes to read-only",
    "RULE #9": "Integrate container scanning tools into your CI/CD pipeline",
    "RULE #12": "Utilize Docker Secrets for Sensitive Data Management",
}


def framework_controls(framework: str) -> list[Control]:
    """Every control of a framework, in order."""
    if framework == "promguard":
        return list(_BASELINE)
    table = CIS_DOCKER if framework == "cis-docker" else OWASP_DOCKER
    return [Control(i, t, framework=framework) for i, t in table.items()]


def rule_controls(rule, framework: str = "promguard") -> tuple[str, ...]:
    return tuple(getattr(rule, ATTRIBUTE[framework], ()) or ())


def mapping(rule) -> dict[str, list[str]]:
    """What a rule checks in each framework, as reports carry it: promguard baseline controls,
    CIS Docker and OWASP Docker IDs, and CWE IDs (empty lists where it names none)."""
    return {
        "promguard": list(rule_controls(rule, "promguard")),
        "cis_docker": list(rule_controls(rule, "cis-docker")),
        "owasp_docker": list(rule_controls(rule, "owasp-docker")),
        "cwe": list(getattr(rule, "cwe", ()) or ()),
    }


def problems(rule) -> list[str]:
    """What is wrong with a rule's control mappings (the registry refuses such a rule)."""
    found = []
    controls = rule_controls(rule)
    if not controls:
        found.append("names no control of the promguard baseline (`controls`)")
    for framework, known in (
        ("promguard", BASELINE),
        ("cis-docker", CIS_DOCKER),
        ("owasp-docker", OWASP_DOCKER),
    ):
        for item in rule_controls(rule, framework):
            if item not in known:
                found.append(f"names unknown {FRAMEWORKS[framework]} item {item!r}")
    return found
