"""Cross-file rules: what only shows when the compose service, the files it mounts, the flags
it runs with and the nginx or Caddy in front of it are read together (promguard.models.stack
builds that view). Each finding sits where the fix goes and names the other files' lines as related
locations."""

from __future__ import annotations

import posixpath
import re

from promguard.lazy_regex import lazy
from promguard.models.services import PROGRAM_LABELS as _LABELS
from promguard.models.stack import ALWAYS_ON_BEFORE_2, IMAGE_FILES, stack_model
from promguard.rule import Rule

SEC = "https://prometheus.io/docs/operating/security/"
WEB = "https://prometheus.io/docs/prometheus/latest/configuration/https/"
TOOLKIT = "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md"
AMHA = "https://prometheus.io/docs/alerting/latest/https/#gossip-traffic"
COMPOSE_PORTS = "https://docs.docker.com/reference/compose-file/services/#ports"
PCLI = "https://prometheus.io/docs/prometheus/latest/command-line/prometheus/"


def place(item) -> tuple[str, int, int]:
    """(path, line, column) of a compose item, a located node with its document, or a Proxy."""
    doc = getattr(item, "doc", None)
    path = doc.path if doc is not None and hasattr(doc, "path") else ""
    return path, item.line, item.column


def relate(finding, *places):
    """Add related locations: (item_or_(path, line, column), message) pairs; repeated or
    empty places are left out."""
    for where, message in places:
        if where is None:
            continue
        path, line, column = where if isinstance(where, tuple) else place(where)
        entry = (path, line, column, message)
        if path and entry not in finding.related and (path, line) != (finding.path, finding.line):
            finding.related.append(entry)
    return finding


def _setting_place(setting):
    return setting.item if setting is not None else None


def _risky_text(setting) -> str:
    if setting.value == ALWAYS_ON_BEFORE_2:
        return "Prometheus 1.x serves /-/reload and /-/quit to anyone, with no flag"
    return f"--{setting.name} is on here"


def _how(service, exposure) -> str:
    if hasattr(exposure, "spec"):
        return f"publishes {exposure.spec()}"
    _, port = service.listen
    return f"listens on port {port} of every host interface (network_mode: host)"


def _fix(exposure) -> str:
    """The fix for this port: bound to loopback as written, or, on the host's network, the
    listen address."""
    if not hasattr(exposure, "spec"):
        return (
            "Drop `network_mode: host`, or make the program listen on loopback only (for the "
            "Prometheus programs --web.listen-address=127.0.0.1:PORT) and reach it through an "
            "authenticating proxy, or give it a --web.config.file with basic_auth_users or "
            "client certificates."
        )
    published = exposure.published or exposure.target
    return (
        f"Publish the port on 127.0.0.1 only (`127.0.0.1:{published}:{exposure.target}`) or "
        "not at all (`expose:`) and reach it through an authenticating proxy, or give the "
        "program a --web.config.file with basic_auth_users or client certificates (and TLS)."
    )


class ExposedWithoutAuth(Rule):
    """One rule per program family; the subclasses set the programs and the severities."""

    programs: tuple[str, ...] = ()
    kinds = ("stack",)
    precision = "high"
    references = (SEC, TOOLKIT, COMPOSE_PORTS)
    tags = ("authentication", "exposure")
    cwe = ("CWE-306",)
    fix = (
        "Publish the port on 127.0.0.1 only (`127.0.0.1:9090:9090`) or not at all (`expose:`) "
        "and reach it through an authenticating proxy, or give the program a --web.config.file "
        "with basic_auth_users or client certificates (and TLS)."
    )

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            if service.program not in self.programs:
                continue
            auth = service.authentication()
            if auth is not None:
                continue
            proxies = [p for p in model.proxies_to(service) if p.protected]
            if proxies:
                continue  # reachable around the proxy: ProxyBypass says so
            for exposure in service.exposures():
                yield self._finding(doc, service, exposure)

    def _finding(self, doc, service, exposure):
        label = _LABELS.get(service.program, service.program)
        risky = service.risky_flags()
        how = _how(service, exposure)
        item = exposure.item if hasattr(exposure, "item") else exposure
        message = (
            f"service `{service.name}` ({label}) {how} and nothing asks for credentials: no "
            "web config with basic_auth_users or client certificates, no authenticating proxy"
        )
        severity = None
        # the admin API and the write receivers change data: critical; the lifecycle endpoints
        # stop the server or make it re-read its files: the rule's own severity
        changes = [s for s in risky if s.name != "web.enable-lifecycle"]
        if changes:
            names = ", ".join(f"--{s.name}" for s in changes)
            message += f"; with {names} anyone who reaches it can delete or write its data"
            severity = "critical"
        elif risky:
            names = ", ".join(
                "Prometheus 1.x's lifecycle endpoints"
                if s.value == ALWAYS_ON_BEFORE_2
                else f"--{s.name}"
                for s in risky
            )
            message += f"; with {names} anyone who reaches it can shut it down"
        finding = self.report(item.doc, item, message, severity=severity, fix=_fix(exposure))
        return relate(
            finding,
            *((_setting_place(s), _risky_text(s)) for s in risky),
        )


class PrometheusExposed(ExposedWithoutAuth):
    id = "XF01"
    name = "prometheus-reachable-without-auth"
    title = "Prometheus reachable with no authentication anywhere on the path"
    severity = "high"
    programs = ("prometheus",)
    description = (
        "A Prometheus service publishes its port on a non-loopback address (or runs on the "
        "host's network), its --web.config.file asks for no credentials, and no nginx "
        "location, Caddy site or Traefik router with authentication fronts it. Critical when "
        "--web.enable-admin-api or a write receiver is on (anyone then deletes or writes "
        "data); the lifecycle endpoints alone (shut down, reload) leave it high."
    )
    rationale = (
        "Anyone who reaches the port reads every series and label (internal host names, "
        "versions, business numbers), and with the admin API or lifecycle endpoints deletes "
        "data or shuts the server down."
    )
    controls = ("PGB-03", "PGB-07")


class AlertmanagerExposed(ExposedWithoutAuth):
    id = "XF02"
    name = "alertmanager-reachable-without-auth"
    title = "Alertmanager reachable with no authentication anywhere on the path"
    severity = "high"
    programs = ("alertmanager",)
    description = (
        "An Alertmanager service publishes its port on a non-loopback address (or runs on the "
        "host's network) with no web-config authentication and no authenticating proxy."
    )
    rationale = (
        "Anyone who reaches the API can create silences that mute every alert, or post fake "
        "alerts, without leaving a trace of who did it."
    )
    controls = ("PGB-03", "PGB-07")


class PushgatewayExposed(ExposedWithoutAuth):
    id = "XF03"
    name = "pushgateway-reachable-without-auth"
    title = "Pushgateway reachable with no authentication anywhere on the path"
    severity = "high"
    programs = ("pushgateway",)
    description = (
        "A Pushgateway service publishes its port on a non-loopback address with no web-config "
        "authentication and no authenticating proxy; critical with --web.enable-admin-api."
    )
    rationale = (
        "Anyone who reaches it pushes or overwrites the metrics that alerts are computed from, "
        "and with the admin API wipes them."
    )
    controls = ("PGB-03", "PGB-07")


class ExporterExposed(ExposedWithoutAuth):
    id = "XF04"
    name = "exporter-reachable-from-outside"
    title = "Exporter reachable from other machines"
    severity = "medium"
    programs = ("node_exporter", "cadvisor", "blackbox_exporter", "snmp_exporter")
    description = (
        "An exporter publishes its port on a non-loopback address, or runs on the host's network "
        "without a loopback --web.listen-address, with no web-config authentication: medium for "
        "node_exporter and cAdvisor, high for blackbox and snmp exporters, which probe any "
        "target a request names."
    )
    rationale = (
        "Host metrics describe the machine to an attacker; the blackbox and snmp exporters make "
        "requests to whatever a caller asks for (server-side request forgery)."
    )
    controls = ("PGB-03", "PGB-07")

    def _finding(self, doc, service, exposure):
        finding = super()._finding(doc, service, exposure)
        if service.program in ("blackbox_exporter", "snmp_exporter"):
            finding.severity = "high"
            finding.message += "; it probes any target a request names"
        return finding


class ProxyBypass(Rule):
    id = "XF05"
    name = "authenticating-proxy-bypassed"
    title = "Authenticating proxy bypassed by a published port"
    severity = "high"
    kinds = ("stack",)
    description = (
        "An nginx location, Caddy site or Traefik router in front of a service asks for "
        "authentication (or "
        "lets only some networks in), but the service "
        "also publishes its own port on a non-loopback address (or uses the host's network) "
        "and asks for no credentials itself."
    )
    rationale = (
        "The proxy only protects requests that go through it; the published port lets anyone "
        "talk to the service directly, so the authentication is decoration."
    )
    fix = (
        "Drop the service's `ports:` (use `expose:`) or bind it to 127.0.0.1, so that the "
        "proxy is the only way in."
    )
    references = (SEC, COMPOSE_PORTS)
    tags = ("authentication", "exposure")
    cwe = ("CWE-288",)
    controls = ("PGB-07", "PGB-03")
    cis_docker = ("5.14",)
    owasp_docker = ("RULE #5a",)

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            proxies = [p for p in model.proxies_to(service) if p.protected]
            if not proxies or service.authentication() is not None:
                continue
            for exposure in service.exposures():
                item = exposure.item if hasattr(exposure, "item") else exposure
                proxy = proxies[0]
                how = _how(service, exposure)
                finding = self.report(
                    item.doc,
                    item,
                    f"service `{service.name}` sits behind an authenticating proxy "
                    f"but {how}: the proxy can be walked around",
                )
                yield relate(
                    finding,
                    (proxy.where, "the authenticating proxy that is bypassed"),
                )


class ForwardsMutatingEndpoints(Rule):
    id = "XF06"
    name = "proxy-forwards-admin-endpoints"
    title = "Proxy forwards admin or lifecycle endpoints"
    severity = "high"
    kinds = ("stack",)
    description = (
        "nginx, Caddy or a Traefik router forwards /api/v1/admin/ or /-/quit and /-/reload to "
        "a Prometheus or Pushgateway that runs with --web.enable-admin-api or "
        "--web.enable-lifecycle, and nothing refuses those paths first (an nginx location with "
        "`deny all` or a 4xx `return`, a Caddy `respond` with a 4xx status, `abort` or "
        "`error`, a Traefik router of higher priority for those paths). Medium when the proxy "
        "asks for credentials (or lets only some networks in) on that path: only those it lets "
        "in can use the endpoints."
    )
    rationale = (
        "Every user the proxy lets in (often every employee, sometimes everyone) can delete "
        "series or shut the server down through it."
    )
    fix = (
        "Add `location ~ ^/(api/v1/admin|-/(quit|reload)) { deny all; }` (or return 403) in "
        "front of the proxying location, or switch the flags off."
    )
    references = (SEC, PCLI)
    tags = ("admin-api",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)

    # the paths each flag opens, per program
    _PATHS = {
        ("prometheus", "web.enable-admin-api"): ("/api/v1/admin/tsdb/delete_series",),
        ("pushgateway", "web.enable-admin-api"): ("/api/v1/admin/wipe",),
        ("prometheus", "web.enable-lifecycle"): ("/-/quit", "/-/reload"),
        ("pushgateway", "web.enable-lifecycle"): ("/-/quit", "/-/reload"),
    }

    _FIXES = {  # the rule's fix is nginx's; other proxies refuse paths their own way
        "caddy": "Add `respond /api/v1/admin/* 403` and `respond /-/* 403` to the site (Caddy "
        "runs respond before reverse_proxy), or switch the flags off.",
        "traefik": "Switch the flags off, or add a router for the same host with the rule "
        "`PathPrefix(`/api/v1/admin`) || PathPrefix(`/-/`)`, a higher priority and an "
        "ipallowlist middleware of 127.0.0.1/32, so that Traefik refuses those paths.",
    }

    def check(self, doc):
        model = stack_model(doc)
        for proxy in model.proxies():
            service = proxy.service
            if proxy.forwards is None:
                continue  # oauth2-proxy forwards every path; its users are the ones let in
            for setting in service.risky_flags():
                paths = self._PATHS.get((service.program, setting.name), ())
                open_paths = [uri for uri in paths if proxy.forwards(uri)]
                if not open_paths:
                    continue
                node = proxy.node
                route = f"Traefik {proxy.route}" if proxy.kind == "traefik" else proxy.route
                message = (
                    f"{route} forwards {', '.join(open_paths)} to service "
                    f"`{service.name}`, which runs with --{setting.name}"
                )
                if proxy.protected:
                    message += "; only those the proxy lets in can use them"
                finding = self.report(
                    _Doc(proxy.doc.path),
                    node,
                    message,
                    key_path=getattr(node, "path", ""),
                    fix=self._FIXES.get(proxy.kind),
                    severity="medium" if proxy.protected else None,
                )
                yield relate(finding, (setting.item, f"--{setting.name} is on here"))


class _Doc:
    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path


class BasicAuthCleartext(Rule):
    id = "XF07"
    name = "basic-auth-over-cleartext"
    title = "Basic auth over clear text"
    severity = "high"
    kinds = ("stack",)
    description = (
        "A service's web config sets basic_auth_users but no tls_server_config, and the service "
        "publishes its port to other machines: passwords cross the network in clear text."
    )
    rationale = (
        "Basic auth sends the password with every request, base64-encoded, not encrypted: "
        "anyone on the path reads it and replays it."
    )
    fix = "Add tls_server_config (cert_file, key_file) to the web config, or terminate TLS in "
    fix += "a proxy and stop publishing the port."
    references = (TOOLKIT, WEB)
    tags = ("tls", "authentication")
    cwe = ("CWE-319", "CWE-523")
    controls = ("PGB-02",)

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            ref = service.web_config()
            if ref is None or ref.doc is None or service.authentication() != "basic auth":
                continue
            if service.tls():
                continue
            exposures = service.exposures()
            if not exposures:
                continue
            root = ref.doc.mappings()[0]
            key = root.key_node("basic_auth_users")
            finding = self.report(
                ref.doc,
                key,
                f"`basic_auth_users` without `tls_server_config`, and service `{service.name}` "
                "is reachable from other machines: passwords travel in clear text",
            )
            exposure = exposures[0]
            yield relate(
                finding,
                (
                    exposure.item if hasattr(exposure, "item") else exposure,
                    "reachable from other machines through this",
                ),
                (_setting_place(ref.setting), "the web config is given here"),
            )


class GossipExposed(Rule):
    id = "XF08"
    name = "gossip-exposed-without-tls"
    title = "Alertmanager gossip published without TLS"
    severity = "high"
    kinds = ("stack",)
    description = (
        "An Alertmanager publishes its cluster port (9094, TCP or UDP) on a non-loopback "
        "address, or runs on the host's network, with cluster gossip on and no "
        "--cluster.tls-config."
    )
    rationale = (
        "Anyone who reaches the gossip port can join the cluster and replicate silences into "
        "it, muting every alert, without any credential."
    )
    fix = (
        "Do not publish 9094 (peers reach each other on the compose network), or give "
        "--cluster.tls-config a mutual-TLS file; set --cluster.listen-address= for a single "
        "instance."
    )
    references = (AMHA,)
    tags = ("tls", "exposure")
    cwe = ("CWE-306", "CWE-319")
    controls = ("PGB-02", "PGB-07")

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            if service.program != "alertmanager" or service.invocation is None:
                continue
            listen = service.invocation.setting("cluster.listen-address")
            if listen is not None and not listen.value.strip():
                continue  # gossip switched off
            tls = service.invocation.setting("cluster.tls-config")
            if tls is not None and tls.value.strip():
                continue
            port = 9094
            if listen is not None:
                port = (
                    int(listen.value.rpartition(":")[2] or 9094)
                    if listen.value.rpartition(":")[2].isdigit()
                    else 9094
                )
            seen = set()
            for protocol in ("tcp", "udp"):
                for exposure in service.exposures(port, protocol):
                    item = exposure.item if hasattr(exposure, "item") else exposure
                    if id(item) in seen:
                        continue
                    seen.add(id(item))
                    yield self.report(
                        item.doc,
                        item,
                        f"service `{service.name}` makes Alertmanager's gossip port {port} "
                        "reachable from other machines without --cluster.tls-config",
                    )


class ClientsWithoutCredentials(Rule):
    id = "XF09"
    name = "client-without-credentials"
    title = "Client not given the credentials its target now requires"
    severity = "high"
    kinds = ("stack",)
    description = (
        "The web config of a service requires basic auth or TLS, but a client in the stack "
        "still talks to it without: a Prometheus alerting.alertmanagers entry or scrape job "
        "that names the service without basic_auth (or authorization, oauth2) or without "
        "`scheme: https`, or a compose healthcheck that calls it over plain HTTP without "
        "credentials."
    )
    rationale = (
        "The requests fail with 401 or a TLS error: alerts are silently not delivered, the "
        "scrape shows the target down, the healthcheck keeps the container unhealthy."
    )
    fix = (
        "Give the client the same credentials (basic_auth with password_file) and "
        "`scheme: https` with the CA in tls_config."
    )
    references = (WEB, "https://prometheus.io/docs/prometheus/latest/configuration/configuration/")
    tags = ("authentication", "availability")
    cwe = ("CWE-1188",)
    controls = ("PGB-10",)

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            if service.program != "prometheus":
                continue
            ref = service.files().get("config.file")
            if ref is None or ref.doc is None:
                continue
            root = ref.doc.mappings()[0] if ref.doc.mappings() else None
            if root is None:
                continue
            yield from self._alerting(model, ref.doc, root, service.project)
            yield from self._scrapes(model, ref.doc, root, service.project)
        for service in model.services:
            yield from self._healthcheck(service)

    def _clients(self, container):
        """The mappings of a list (alertmanagers entries, scrape jobs)."""
        from promguard.parsers.yaml_tree import Mapping, Sequence

        for client in container if isinstance(container, Sequence) else ():
            if isinstance(client, Mapping):
                yield client

    def _targets(self, client):
        from promguard.parsers.yaml_tree import Mapping, Scalar, Sequence

        statics = client.get("static_configs")
        for static in statics if isinstance(statics, Sequence) else ():
            targets = static.get("targets") if isinstance(static, Mapping) else None
            for target in targets if isinstance(targets, Sequence) else ():
                if isinstance(target, Scalar):
                    yield target

    def _judge(self, model, doc, client, what, project):
        for target in self._targets(client):
            host, _, port = target.text.rpartition(":")
            service = model.resolve(host or target.text, None, project)
            if service is None:
                continue
            ref = service.web_config()
            if ref is None or ref.doc is None:
                continue
            has_creds = any(
                client.get(k) is not None for k in ("basic_auth", "authorization", "oauth2")
            )
            https = client.text("scheme") == "https"
            missing = _missing(service, has_creds, https)
            if not missing:
                continue
            finding = self.report(
                doc,
                target,
                f"{what} sends to service `{service.name}` without "
                f"{' and '.join(m for m, _ in missing)}, but its web config requires them: "
                "the requests fail",
            )
            yield _relate_requirements(finding, ref, missing)

    def _alerting(self, model, doc, root, project):
        alerting = root.get("alerting")
        alertmanagers = alerting.get("alertmanagers") if hasattr(alerting, "entries") else None
        for client in self._clients(alertmanagers):
            yield from self._judge(model, doc, client, "alerting", project)

    def _scrapes(self, model, doc, root, project):
        for client in self._clients(root.get("scrape_configs")):
            name = client.text("job_name") or "a scrape job"
            yield from self._judge(model, doc, client, f"scrape job `{name}`", project)

    def _healthcheck(self, service):
        ref = service.web_config()
        if ref is None or ref.doc is None:
            return
        raw = service.service.raw.get("healthcheck")
        node, doc = raw if raw is not None else (None, None)
        test = node.get("test") if hasattr(node, "get") else None
        words = [test] if hasattr(test, "text") else list(test or [])
        texts = [getattr(w, "text", "") or "" for w in words]
        calls = [w for w, t in zip(words, texts, strict=True) if "://" in t or "/-/" in t]
        if not calls:
            return
        command = " ".join(texts)
        has_creds = bool(_CREDENTIALS.search(command))
        https = "https://" in command
        missing = _missing(service, has_creds, https, "HTTPS")
        if not missing:
            return
        finding = self.report(
            doc,
            calls[0],
            f"the healthcheck of service `{service.name}` calls it without "
            f"{' and '.join(m for m, _ in missing)}, which its web config requires: the "
            "container never becomes healthy",
        )
        yield _relate_requirements(finding, ref, missing)


# A healthcheck command that passes credentials: curl -u / --user, wget --http-user, an
# Authorization header, or user:password@ in the URL.
_CREDENTIALS = lazy(
    r"(^|\s)(-u|--user|--http-user|--http-password)(\s|=)|authorization\s*:|://[^\"'@]*@",
    re.I,
)


def _missing(service, has_creds: bool, https: bool, https_label="`scheme: https`"):
    """What a client lacks that the service's web config asks for: (what, the key asking)."""
    missing = []
    if service.authentication() == "basic auth" and not has_creds:
        missing.append(("credentials", "basic_auth_users"))
    if service.tls() and not https:
        missing.append((https_label, "tls_server_config"))
    return missing


def _relate_requirements(finding, ref, missing):
    """The web config keys that ask, and the flag that gives the service that web config (a
    pre-commit run on a compose change that adds the flag reports the broken client too)."""
    root = ref.doc.mappings()[0] if ref.doc.mappings() else None
    for _, key in missing:
        node = root.key_node(key) if root is not None else None
        if node is not None:
            relate(finding, ((ref.doc.path, node.line, node.column), f"`{key}` asks for it"))
    return relate(finding, (_setting_place(ref.setting), "the web config is given here"))


class FileNotMounted(Rule):
    id = "XF10"
    name = "referenced-file-not-mounted"
    title = "A file the program is told to read is not in the container"
    severity = "high"
    kinds = ("stack",)
    description = (
        "A flag (--config.file, --web.config.file, --cluster.tls-config), a *_file key inside "
        "the config files the service reads (cert_file, password_file ..., relative paths from "
        "the config's own folder) or a Grafana GF_*__FILE variable names a path that no "
        "volume, secret or config of the service provides and the image does not ship. A "
        "named volume that is not bound to a host folder holds data, not config files; low "
        "when another service mounts the same volume and may fill it (a git-sync sidecar)."
    )
    rationale = (
        "The program stops at start-up because the file is missing; or, when the file is "
        "mounted at another path, the TLS and authentication it holds silently never apply."
    )
    fix = (
        "Mount the file at the path the flag names (`./web-config.yml:/etc/prometheus/"
        "web-config.yml:ro`), or point the flag at where it is mounted."
    )
    references = (WEB, "https://docs.docker.com/engine/storage/bind-mounts/")
    tags = ("configuration", "availability")
    cwe = ("CWE-1188",)
    controls = ("PGB-10",)

    def check(self, doc):
        model = stack_model(doc)
        for service in model.services:
            for flag, ref in sorted(service.files().items()):
                provided = ref.mount is not None and not _data_volume(ref.mount)
                if ref.setting is not None and not provided and ref.path not in IMAGE_FILES:
                    yield self._flag(service, flag, ref)
                if ref.doc is not None:
                    yield from self._inner_files(service, ref)
            yield from self._env_files(service)

    def _flag(self, service, flag, ref):
        elsewhere = _mounted_elsewhere(service, ref.path)
        message = (
            f"--{flag}={ref.setting.value.strip()} names {ref.path}, which no volume, "
            f"secret or config of service `{service.name}` provides"
        )
        if elsewhere is not None:
            message += f"; a file of that name is mounted at {elsewhere.target}"
        filler = _volume_filler(service, ref.mount) if ref.mount is not None else None
        severity = None
        if filler is not None:
            volume, other = filler
            message += (
                f" at start; named volume `{volume}` is also mounted by service `{other}`, "
                "which may fill it at run time"
            )
            severity = "low"
        name = posixpath.basename(ref.path)
        fix = (
            f"Mount the file at {ref.path} in service `{service.name}` "
            f"(`./{name}:{ref.path}:ro`), or point --{flag} at where it is mounted."
        )
        finding = self.report(
            ref.setting.item.doc, ref.setting.item, message, severity=severity, fix=fix
        )
        if elsewhere is not None:
            relate(finding, (elsewhere.item, "mounted here instead"))
        return finding

    def _inner_files(self, service, ref):
        """*_file keys of a config the service reads: relative paths are read from the
        config file's own folder in the container."""
        from promguard.parsers.yaml_tree import scalars

        folder = posixpath.dirname(ref.path)
        for root in ref.doc.mappings():
            for node in scalars(root):
                key = node.path.rsplit(".", 1)[-1]
                value = node.text.strip()
                if not key.endswith("_file") or key in _WRITTEN_FILES or not value:
                    continue
                if "$" in value or "{{" in value:
                    continue  # filled in where it is deployed
                path = posixpath.normpath(posixpath.join(folder, value))
                if service.mount_for(path) is not None or path in IMAGE_FILES:
                    continue
                folder = posixpath.dirname(path)
                name = posixpath.basename(path)
                finding = self.report(
                    ref.doc,
                    node,
                    f"`{key}: {value}` is {path} in service `{service.name}`, which no volume, "
                    "secret or config provides",
                    fix=f"Mount the folder that holds {name} at {folder} in service "
                    f"`{service.name}` (`./{posixpath.basename(folder) or 'files'}:{folder}:ro`, "
                    f"or a compose secret), or point `{key}` at where it is mounted.",
                )
                yield relate(
                    finding,
                    (ref.mount.item if ref.mount else None, "the config file is mounted here"),
                )

    def _env_files(self, service):
        """Grafana's GF_<NAME>__FILE variables name a file to read the setting from."""
        for name, item in sorted(service.service.environment.items()):
            value = (item.value or "").strip()
            if not name.endswith("__FILE") or not value.startswith("/") or "$" in value:
                continue
            if service.mount_for(value) is None:
                yield self.report(
                    item.doc,
                    item,
                    f"{name}={value}: no volume, secret or config of service "
                    f"`{service.name}` provides that file",
                    fix=f"Give service `{service.name}` the file at {value} (a compose secret "
                    f"mounted there, or `./{posixpath.basename(value)}:{value}:ro`), or point "
                    f"{name} at where it is mounted.",
                )


# Files a program writes rather than reads.
_WRITTEN_FILES = frozenset(("query_log_file", "scrape_failure_log_file"))


def _data_volume(mount) -> bool:
    """A named volume with nothing of the host behind it: the program's data folder, empty
    on first start, so it provides no config file."""
    return mount.kind == "volume" and mount.host is None


def _volume_filler(service, mount):
    """(volume, service) when another service of the project mounts the named volume that
    holds the path: a git-sync or init container that writes the config into it."""
    if mount.kind != "volume":
        return None
    source = next(
        (v.source for v in service.service.volumes if v.item is mount.item and v.source), None
    )
    if not source:
        return None
    for name, other in sorted(service.project.services.items()):
        if name != service.name and any(
            v.type == "volume" and v.source == source for v in other.volumes
        ):
            return source, name
    return None


def _mounted_elsewhere(service, path):
    name = posixpath.basename(path)
    for mount in service.mounts:
        if mount.target and posixpath.basename(mount.target) == name and mount.target != path:
            return mount
    return None


class DefaultCredentialsExposed(Rule):
    id = "XF13"
    name = "default-credentials-exposed"
    title = "Grafana with its default admin password, reachable from other machines"
    severity = "critical"
    kinds = ("stack",)
    description = (
        "A Grafana service keeps the admin password `admin` (no GF_SECURITY_ADMIN_PASSWORD or "
        "its __FILE twin, no grafana.ini of its own, or the value `admin`) and publishes its "
        "port on a non-loopback address or runs on the host's network."
    )
    rationale = (
        "admin/admin on a reachable login page is found by scanners within hours; the admin "
        "reads every data source's credentials and queries Prometheus through them."
    )
    fix = (
        "Set GF_SECURITY_ADMIN_PASSWORD__FILE to a mounted secret, and publish Grafana only "
        "behind a proxy or on 127.0.0.1."
    )
    references = (
        "https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#admin_password",
        SEC,
    )
    tags = ("authentication", "exposure")
    cwe = ("CWE-1392", "CWE-306")
    controls = ("PGB-03", "PGB-07")

    def check(self, doc):
        from promguard.models.invocation import reads_own_grafana_config

        model = stack_model(doc)
        for service in model.services:
            inv = service.invocation
            if service.program != "grafana" or inv is None:
                continue
            env = service.service.environment
            if "GF_SECURITY_ADMIN_PASSWORD__FILE" in env:
                continue
            value = env.get("GF_SECURITY_ADMIN_PASSWORD")
            if value is not None and (value.source == "unset" or value.value.strip() != "admin"):
                continue
            if value is None and reads_own_grafana_config(inv):
                continue
            for exposure in service.exposures():
                item = exposure.item if hasattr(exposure, "item") else exposure
                how = _how(service, exposure)
                finding = self.report(
                    item.doc,
                    item,
                    f"service `{service.name}` (Grafana) {how} and still has the admin "
                    "password `admin`",
                )
                if value is not None:
                    yield relate(finding, (value, "the admin password is set here"))
                    continue
                key = service.service.key
                yield relate(
                    finding,
                    (
                        (service.service.doc.path, key.line, key.column),
                        "no GF_SECURITY_ADMIN_PASSWORD for this service",
                    ),
                )


class SecretsCopiedIntoImage(Rule):
    id = "XF14"
    name = "inline-secrets-copied-into-image"
    title = "A config with plaintext secrets is copied into an image"
    severity = "high"
    kinds = ("stack",)
    description = (
        "A Dockerfile COPY or ADD puts a prometheus.yml or alertmanager.yml that holds a "
        "plaintext secret (password, token, webhook URL) into the image."
    )
    rationale = (
        "Every layer of an image is readable by anyone who can pull it (a registry, a CI cache, "
        "a laptop): the secret is published with the image and stays in its history."
    )
    fix = (
        "Use the *_file variant of the field and mount the secret at run time (compose "
        "`secrets:`), or keep the config out of the image and mount it."
    )
    references = (
        "https://docs.docker.com/build/building/secrets/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    )
    tags = ("secrets",)
    cwe = ("CWE-538", "CWE-798")
    controls = ("PGB-05",)
    owasp_docker = ("RULE #12",)

    def check(self, doc):
        import os

        model = stack_model(doc)
        for dockerfile, context in model.dockerfiles():
            parsed = dockerfile.roots[0] if dockerfile.roots else None
            for instruction in parsed.instructions if parsed is not None else ():
                if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
                    continue
                for source in instruction.args[:-1]:
                    text = source.text or ""
                    if "://" in text or any(c in text for c in "*?[$"):
                        continue
                    host = os.path.normpath(os.path.join(context, text))
                    for config, secret in _inline_secrets(model, host):
                        finding = self.report(
                            dockerfile,
                            source,
                            f"{instruction.keyword} puts {config.path} into the image, and it "
                            f"holds a plaintext secret (`{secret.path}`)",
                        )
                        yield relate(
                            finding,
                            ((config.path, secret.line, secret.column), "the secret is here"),
                        )
                        break


def _inline_secrets(model, host):
    """(document, first secret value) for a prometheus or alertmanager config at ``host``, or
    inside the folder ``host`` (a few files)."""
    import os

    paths = [host]
    if os.path.isdir(host):
        try:
            paths = [os.path.join(host, n) for n in sorted(os.listdir(host))[:50]]
        except OSError:
            paths = []
    for path in paths:
        config = model.files.load(path) if os.path.isfile(path) else None
        if config is None or config.kind not in ("prometheus", "alertmanager"):
            continue
        from promguard.models.schema import schema_for, secrets
        from promguard.models.secrets import placeholder

        from .common import env_references, url_carries_secret

        schema = schema_for(config.kind)
        for root in config.mappings():
            for key, value, _spec in secrets(root, schema):
                if env_references(value.text) or placeholder(value.text):
                    continue  # filled in at run time, or not written in yet
                if key.text.endswith("url") and not url_carries_secret(value.text):
                    continue  # a receiver's address, as AM01 reads it
                yield config, value
                break


RULES = (
    PrometheusExposed,
    AlertmanagerExposed,
    PushgatewayExposed,
    ExporterExposed,
    ProxyBypass,
    ForwardsMutatingEndpoints,
    BasicAuthCleartext,
    GossipExposed,
    ClientsWithoutCredentials,
    FileNotMounted,
    DefaultCredentialsExposed,
    SecretsCopiedIntoImage,
)
