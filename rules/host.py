"""Host-mode rules (`promguard scan --host`): how systemd runs the monitoring services, and the
modes and owners of the files they read. They run only in host mode, where the modes are the
machine's own (a git checkout does not keep them)."""

from __future__ import annotations

import os
import posixpath
import stat

from promguard.rule import Rule

SYSTEMD_EXEC = "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html"
SEC = "https://prometheus.io/docs/operating/security/"
KINDS = ("systemd",)

# *_file keys whose file holds a secret (a certificate is public, its key is not).
_SECRET_FILE_KEYS = ("key_file", "password_file", "credentials_file", "bearer_token_file")
_SECRET_FILE_KEYS += ("client_secret_file", "secret_file", "api_key_file", "auth_key_file")


class Read:
    """A file a service reads: where it is on the host and in the root, what names it, and
    whether it holds a secret (and which)."""

    __slots__ = ("host", "abspath", "reference", "secret", "config", "named_in")

    def __init__(self, host, abspath, reference, secret=None, config=False, named_in=None):
        self.host = host  # as the service sees it: /etc/prometheus/web.yml
        self.abspath = abspath  # in the scanned root
        self.reference = reference  # the flag word or config key that names it (or None)
        self.named_in = named_in  # the report path of the file ``reference`` is in
        self.secret = secret  # what secret it holds, or None
        self.config = config  # configuration: must not be writable by the service


def service_of(doc):
    return doc.roots[0] if doc.roots else None


def files_read(doc) -> list[Read]:
    """The configuration files the service's flags name (or its packaged default), and the
    files those name in *_file keys; cached on the document."""
    cached = doc.cache.get("host-files")
    if cached is not None:
        return cached
    service = service_of(doc)
    found: list[Read] = []
    if service is None or service.program is None:
        doc.cache["host-files"] = found
        return found
    from promguard.models.host import config_files

    for path, kind, word in config_files(service):
        found.extend(_config_and_its_files(service, path, kind, word))
    doc.cache["host-files"] = found
    return found


def _config_and_its_files(service, path, kind, word) -> list[Read]:
    abspath = service.map(path)
    if abspath is None or not os.path.isfile(abspath):
        return []
    parsed = service.open(abspath, kind)
    secret = _inline_secret(parsed)
    named_in = word.doc.path if word is not None and word.doc is not None else None
    reads = [Read(path, abspath, word, secret, True, named_in)]
    for root in parsed.mappings() if parsed is not None else ():
        from promguard.parsers.yaml_tree import scalars

        for node in scalars(root):
            key = node.path.rsplit(".", 1)[-1]
            if not key.endswith("_file") or not node.text.strip():
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), node.text.strip()))
            target_abs = service.map(target)
            if target_abs is None or not os.path.isfile(target_abs):
                continue
            what = key if key in _SECRET_FILE_KEYS else None
            reads.append(Read(target, target_abs, node, what, False, parsed.path))
    return reads


def _inline_secret(doc) -> str | None:
    """The first secret written in a config: a basic-auth hash in a web config, a password in
    prometheus.yml or alertmanager.yml."""
    if doc is None:
        return None
    root = doc.mappings()[0] if doc.mappings() else None
    if root is None:
        return None
    if doc.kind == "webconfig":
        users = root.get("basic_auth_users")
        return "password hashes (basic_auth_users)" if getattr(users, "entries", None) else None
    if doc.kind in ("prometheus", "alertmanager"):
        from promguard.models.schema import schema_for, secrets

        for key, value, _ in secrets(root, schema_for(doc.kind)):
            if "$" not in value.text:
                return f"a plaintext `{key.text}`"
    return None


def _mode(info) -> str:
    return f"{stat.S_IMODE(info.st_mode):04o}"


def _stat(abspath):
    try:
        return os.stat(abspath)
    except OSError:
        return None


def _user_group(service):
    user = service.last("User")
    group = service.last("Group")
    return (user.value.strip() or None) if user else None, (group.value.strip() or None) if (
        group
    ) else None


def _at_file(rule, service, read, message, severity=None, fix=None):
    """A finding on the file itself (line 1: its mode is the problem), with the place that
    names it as a related location."""
    from promguard.model import Finding

    display = service.display(read.abspath)
    finding = Finding(
        rule.id,
        severity or rule.severity,
        message,
        display,
        1,
        1,
        1,
        2,
        read.host,
        fix or rule.fix,
    )
    reference = read.reference
    if reference is not None and read.named_in:
        where = (read.named_in, reference.line, reference.column, "the file is named here")
        finding.related.append(where)
    return finding


class RunsAsRoot(Rule):
    id = "HOST01"
    name = "service-runs-as-root"
    title = "Monitoring service runs as root"
    severity = "medium"
    kinds = KINDS
    description = (
        "The unit of Prometheus, Alertmanager, Pushgateway, node_exporter, blackbox_exporter or "
        "Grafana has no User= (systemd then runs it as root) or User=root, though none of them "
        "needs root."
    )
    rationale = (
        "A bug in a program that parses queries, scrapes and web requests all day becomes root "
        "on the machine; as its own user it can touch only its data."
    )
    fix = "Add `User=prometheus` (and `Group=`) to the unit, with a drop-in: `systemctl edit`."
    references = (SYSTEMD_EXEC + "#User=", SEC)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)

    def check(self, doc):
        from promguard.models.host import NO_ROOT_NEEDED

        service = service_of(doc)
        if service is None or service.program not in NO_ROOT_NEEDED:
            return
        user = service.last("User")
        if user is not None and user.value.strip() not in ("", "root", "0"):
            return
        anchor = user or service.last("ExecStart")
        if anchor is None:
            return
        why = "User=root" if user is not None else "no User="
        yield self.report(
            anchor.doc, anchor, f"unit `{service.name}` ({service.program}) runs as root ({why})"
        )


_HARDENING = {
    "NoNewPrivileges": ("yes", "true", "1", "on"),
    "ProtectSystem": ("yes", "true", "1", "on", "full", "strict"),
    "ProtectHome": ("yes", "true", "1", "on", "read-only", "tmpfs"),
    "PrivateTmp": ("yes", "true", "1", "on"),
}


class MissingHardening(Rule):
    id = "HOST02"
    name = "unit-without-hardening"
    title = "Service unit without systemd's basic hardening"
    severity = "low"
    kinds = KINDS
    description = (
        "The unit does not set NoNewPrivileges=, ProtectSystem=, ProtectHome= or PrivateTmp= "
        "(each missing one is named), the sandboxing that costs these services nothing."
    )
    rationale = (
        "They keep a compromised service from gaining privileges through setuid programs, "
        "writing the system's files or reading users' home folders."
    )
    fix = (
        "Add to the unit (or a drop-in): NoNewPrivileges=true, ProtectSystem=strict with "
        "ReadWritePaths= for the data folder, ProtectHome=true, PrivateTmp=true."
    )
    references = (SYSTEMD_EXEC + "#Security",)
    tags = ("hardening",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)

    def check(self, doc):
        service = service_of(doc)
        if service is None or service.program is None:
            return
        missing = []
        for key, good in _HARDENING.items():
            value = service.last(key)
            if value is None or value.value.strip().lower() not in good:
                missing.append(key)
        anchor = service.last("ExecStart")
        if missing and anchor is not None:
            yield self.report(doc, anchor, f"unit `{service.name}` sets no {', '.join(missing)}")


class SecretReadableByOthers(Rule):
    id = "HOST03"
    name = "secret-file-readable-by-others"
    title = "A file with secrets is readable by other users"
    severity = "high"
    kinds = KINDS
    description = (
        "A file the service reads holds a secret (a private key, a password file, a config "
        "with plaintext passwords or password hashes) and every user of the machine can read "
        "it (high), or a group the service is not in can (medium)."
    )
    rationale = (
        "Any account on the machine, and any process that is broken into, reads the secret: "
        "the credentials of every target, the TLS key, the hashes to crack offline."
    )
    fix = (
        "`chown root:<service group> FILE && chmod 0640 FILE` (0600 with the service user as "
        "owner would also do, but then the service could rewrite it)."
    )
    references = (SEC, "https://www.man7.org/linux/man-pages/man1/chmod.1.html")
    tags = ("secrets", "permissions")
    cwe = ("CWE-732",)
    controls = ("PGB-05",)

    def check(self, doc):
        service = service_of(doc)
        if service is None:
            return
        user, group = _user_group(service)
        gid = service.accounts.gid(group, user)
        for read in files_read(doc):
            info = _stat(read.abspath)
            if info is None or read.secret is None:
                continue
            mode = _mode(info)
            if info.st_mode & stat.S_IROTH:
                yield _at_file(
                    self,
                    service,
                    read,
                    f"{read.host} (mode {mode}) holds {read.secret} and every user can read it",
                )
            elif (
                info.st_mode & stat.S_IRGRP
                and info.st_gid not in (gid, 0)
                and service.accounts.uid(user) != 0  # as root, HOST01 says what is wrong
            ):
                yield _at_file(
                    self,
                    service,
                    read,
                    f"{read.host} (mode {mode}) holds {read.secret} and group {info.st_gid}, "
                    f"which `{service.name}` does not run as, can read it",
                    severity="medium",
                )


class ConfigWritable(Rule):
    id = "HOST04"
    name = "config-writable-by-service-or-others"
    title = "Configuration writable by the service itself or by other users"
    severity = "medium"
    kinds = KINDS
    description = (
        "A configuration file of the service (its config, its web config, the environment "
        "file its unit reads) can be written by every user (high) or by the user the service "
        "runs as (medium)."
    )
    rationale = (
        "Whoever writes the config decides what the service does: scrape credentials sent "
        "elsewhere, authentication removed, flags changed at the next restart. A service that "
        "can rewrite its own config lets one bug become a lasting change."
    )
    fix = "`chown root:<service group> FILE && chmod 0640 FILE` (0644 when it holds no secret)."
    references = (SEC,)
    tags = ("permissions",)
    cwe = ("CWE-732",)
    controls = ("PGB-05",)

    def check(self, doc):
        service = service_of(doc)
        if service is None:
            return
        user, group = _user_group(service)
        uid, gid = service.accounts.uid(user), service.accounts.gid(group, user)
        for read in files_read(doc) + _environment_files(service):
            info = _stat(read.abspath)
            if info is None or not read.config:
                continue
            mode = _mode(info)
            if info.st_mode & stat.S_IWOTH:
                yield _at_file(
                    self,
                    service,
                    read,
                    f"{read.host} (mode {mode}) can be written by every user",
                    severity="high",
                )
            elif uid not in (None, 0) and (
                (info.st_uid == uid and info.st_mode & stat.S_IWUSR)
                or (info.st_gid == gid and info.st_mode & stat.S_IWGRP)
            ):
                yield _at_file(
                    self,
                    service,
                    read,
                    f"{read.host} (mode {mode}) can be written by `{user}`, the user "
                    f"`{service.name}` runs as",
                )


def _environment_files(service) -> list[Read]:
    reads = []
    for setting in service.settings.get("EnvironmentFile", []):
        host = setting.value.lstrip("-").strip()
        abspath = service.map(host)
        if abspath is not None and os.path.isfile(abspath):
            named_in = setting.doc.path if setting.doc is not None else None
            reads.append(Read(host, abspath, setting, None, True, named_in))
    return reads


class SecretUnreadableByService(Rule):
    id = "HOST05"
    name = "file-unreadable-by-service"
    title = "A file the service needs is not readable by it"
    severity = "high"
    kinds = KINDS
    description = (
        "A file the service reads (its config, web config, key or password file) is not "
        "readable by the user and group the unit runs it as: the service fails to start or "
        "to reload."
    )
    rationale = (
        "A chmod 600 by root to protect a secret locks the service out; the next restart "
        "takes monitoring down."
    )
    fix = (
        "Keep the owner root and give the service's group read access: `chown root:<service "
        "group> FILE && chmod 0640 FILE`."
    )
    references = (SYSTEMD_EXEC + "#User=",)
    tags = ("availability", "permissions")
    cwe = ("CWE-1188",)
    controls = ("PGB-10",)

    def check(self, doc):
        service = service_of(doc)
        if service is None:
            return
        user, group = _user_group(service)
        for read in files_read(doc):
            info = _stat(read.abspath)
            if info is None or service.accounts.can_read(info, user, group):
                continue
            name = group or user or "its group"
            yield _at_file(
                self,
                service,
                read,
                f"{read.host} (mode {_mode(info)}, owner {info.st_uid}:{info.st_gid}) cannot "
                f"be read by `{user or 'root'}`, the user `{service.name}` runs as",
                fix=f"`chown root:{name} {read.host} && chmod 0640 {read.host}`",
            )


class ListensWithoutAuth(Rule):
    id = "HOST06"
    name = "listens-everywhere-without-auth"
    title = "Service listens on every interface with no authentication"
    severity = "medium"
    kinds = KINDS
    description = (
        "Prometheus, Alertmanager, Pushgateway, node_exporter or blackbox_exporter listens on "
        "every interface (--web.listen-address unset, `:PORT` or 0.0.0.0) and its "
        "--web.config.file asks for no credentials (or there is none). Medium: a firewall "
        "promguard cannot see may still stand in front."
    )
    rationale = (
        "A package install answers on the machine's public address: anyone who reaches the "
        "port reads every metric, and can silence alerts (Alertmanager) or push data "
        "(Pushgateway)."
    )
    fix = (
        "Listen on 127.0.0.1 behind a proxy (--web.listen-address=127.0.0.1:9090 in ARGS), or "
        "give --web.config.file a file with basic_auth_users and tls_server_config."
    )
    references = (SEC, "https://prometheus.io/docs/prometheus/latest/configuration/https/")
    tags = ("authentication", "exposure")
    cwe = ("CWE-306",)
    controls = ("PGB-07", "PGB-03")

    def check(self, doc):
        from promguard.models.services import DEFAULT_PORTS, is_loopback

        service = service_of(doc)
        if (
            service is None
            or service.program not in DEFAULT_PORTS
            or service.program
            in (
                "grafana",
                "oauth2-proxy",
            )
        ):
            return
        from promguard.models.invocation import invocations

        inv = next(iter(invocations(doc)), None)
        if inv is None:
            return
        listen = inv.setting("web.listen-address")
        host = listen.value.rpartition(":")[0].strip("[]") if listen is not None else ""
        if host and host not in ("0.0.0.0", "::") and is_loopback(host):
            return
        if host and host not in ("0.0.0.0", "::"):
            return  # a specific address: a choice promguard cannot judge
        web = next((r for r in files_read(doc) if r.host.endswith(_web_config_of(inv))), None)
        if web is not None and web.secret is not None:
            return  # basic_auth_users: see HOST03 for its mode
        port = (
            listen.value.rpartition(":")[2]
            if listen is not None
            else DEFAULT_PORTS[service.program]
        )
        anchor = listen.item if listen is not None else service.last("ExecStart")
        yield self.report(
            anchor.doc if hasattr(anchor, "doc") and anchor.doc is not None else doc,
            anchor,
            f"unit `{service.name}` ({service.program}) listens on port {port} of every "
            "interface and asks for no credentials",
        )


def _web_config_of(inv) -> str:
    setting = inv.setting("web.config.file")
    return setting.value.strip() if setting is not None and setting.value.strip() else "\0"


RULES = (
    RunsAsRoot,
    MissingHardening,
    SecretReadableByOthers,
    ConfigWritable,
    SecretUnreadableByService,
    ListensWithoutAuth,
)
