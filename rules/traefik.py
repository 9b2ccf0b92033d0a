"""Rules for Traefik in front of a monitoring stack, judged on the whole stack: its routers
(Docker labels, file provider) to the monitoring backends, its API and dashboard, what the
Docker provider routes by itself, and how its middlewares authenticate.

promguard.models.traefik builds the Traefiks: entry points and who reaches them (the Traefik
service's published ports), the middlewares on each router's path, the service of the stack
behind it.
"""

from __future__ import annotations

from promguard.models.services import PROGRAM_LABELS as _LABELS
from promguard.models.services import UNAUTHENTICATED
from promguard.models.stack import stack_model
from promguard.rule import Rule

KINDS = ("stack",)
ROUTERS = "https://doc.traefik.io/traefik/routing/routers/"
DOCKER = "https://doc.traefik.io/traefik/providers/docker/"
DOCKER_ROUTING = "https://doc.traefik.io/traefik/routing/providers/docker/"
API = "https://doc.traefik.io/traefik/operations/api/"
BASIC_AUTH = "https://doc.traefik.io/traefik/middlewares/http/basicauth/"
FORWARD_AUTH = "https://doc.traefik.io/traefik/middlewares/http/forwardauth/"
IP_ALLOWLIST = "https://doc.traefik.io/traefik/middlewares/http/ipallowlist/"
ENTRYPOINTS = "https://doc.traefik.io/traefik/routing/entrypoints/"
SERVERS_TRANSPORT = "https://doc.traefik.io/traefik/routing/services/#serverstransport_1"
PSEC = "https://prometheus.io/docs/operating/security/"

_EXPORTERS = ("node_exporter", "cadvisor", "mysqld_exporter", "postgres_exporter")
_SEVERITY_BY_EXPOSURE = {
    "published": None,
    "unknown": "medium",
    "internal": "low",
    "loopback": "low",
}


def instances(doc):
    return stack_model(doc).traefiks()


def _open_doors(router):
    """The entry points a router serves on (redirected ones never reach it) where nothing
    asks for credentials or limits who connects."""
    if router.rule.has_client_ip():
        return []
    return [d for d in router.doors() if d.redirected is None and not d.protection()]


def _worst(doors):
    order = ("published", "unknown", "internal", "loopback")
    return min(doors, key=lambda d: order.index(d.exposure))


def _how(door) -> str:
    entrypoint = door.entrypoint
    if entrypoint is None:
        return "an entry point of a Traefik outside the scan"
    name = f"entry point `{entrypoint.display}` ({entrypoint.address or 'default address'})"
    return {
        "published": f"{name}, published to other machines",
        "unknown": name,
        "internal": f"{name}, not published: only containers on its networks reach it",
        "loopback": f"{name}, reachable from this host only",
    }[door.exposure]


def _relate(finding, door):
    """The entry point's published port and its address, as related locations."""
    where = door.where
    if where is not None and hasattr(where, "item"):
        where = where.item
    if where is not None:
        _add_related(finding, where, "the Traefik entry point is published here")
    if door.entrypoint is not None and door.entrypoint.value is not None:
        _add_related(finding, door.entrypoint.value, f"entry point `{door.entrypoint.display}`")
    return finding


def _add_related(finding, place, message):
    """``place``: a Value or a compose item (each knows its file and node)."""
    node = getattr(place, "node", place)
    doc = getattr(place, "doc", None)
    path = doc.path if doc is not None else ""
    entry = (path, node.line, node.column, message)
    if path and entry not in finding.related and (path, node.line) != (finding.path, finding.line):
        finding.related.append(entry)


def _rule_text(router) -> str:
    written = router.written
    if router.default or written is None or router.option("rule") is None:
        return router.rule.text or "no rule"
    return written.raw or router.rule.text


def _router_fix(router, port) -> str:
    name = router.display
    if router.provider in ("docker", "swarm"):
        return (
            f"Add an authenticating middleware to the router: "
            f"`traefik.http.routers.{name}.middlewares=auth` with "
            "`traefik.http.middlewares.auth.basicauth.users=user:<hash>` (`htpasswd -nB user`, "
            "every `$` written `$$` in compose), or a forwardauth middleware to oauth2-proxy, or "
            "an ipallowlist of your networks. Keep the backend's own port "
            f"({port}) unpublished."
        )
    return (
        f"Add an authenticating middleware to router `{name}` (`middlewares: [auth]` with an "
        "`auth: basicAuth: users:` entry from `htpasswd -nB user`, or forwardAuth to "
        f"oauth2-proxy), or an ipAllowList of your networks. Keep port {port} unpublished."
    )


class RouterWithoutAuth(Rule):
    id = "TRF01"
    name = "traefik-router-without-auth"
    title = "Traefik routes to a monitoring backend with no authentication"
    severity = "high"
    kinds = KINDS
    description = (
        "A Traefik router (a Docker label or a file-provider router) sends requests to "
        "Prometheus, Alertmanager, Pushgateway or an exporter, and on an entry point it serves "
        "no middleware asks for credentials (basicAuth, digestAuth, forwardAuth, an "
        "authentication plugin) or limits who connects (ipAllowList, a ClientIP matcher), and "
        "the backend asks for none itself. High when the entry point is published to other "
        "machines (critical with the admin API or a write receiver on), medium when the "
        "Traefik is not in the scan, low when only containers on its networks reach it."
    )
    rationale = (
        "Traefik publishes the backend under a host name, often with a certificate, to anyone "
        "who can reach the entry point; these backends have no authentication of their own."
    )
    fix = (
        "Add a basicauth or forwardauth middleware (or an ipallowlist) to the router, and keep "
        "the backend's own port unpublished."
    )
    references = (ROUTERS, BASIC_AUTH, FORWARD_AUTH, IP_ALLOWLIST, PSEC)
    tags = ("authentication", "exposure")
    cwe = ("CWE-306",)
    controls = ("PGB-03", "PGB-07")

    def check(self, doc):
        for instance in instances(doc):
            for router in instance.routers:
                target = router.target
                if router.default or target is None or target == "api":
                    continue
                if target.program not in UNAUTHENTICATED or target.authentication() is not None:
                    continue
                doors = _open_doors(router)
                if doors:
                    yield self._finding(instance, router, target, _worst(doors))

    def _finding(self, instance, router, target, door):
        label = _LABELS.get(target.program, target.program)
        severity = _SEVERITY_BY_EXPOSURE[door.exposure]
        risky = target.risky_flags()
        # the admin API and the write receivers change data; the lifecycle endpoints only stop
        # the server or make it read its files again
        changes = [s for s in risky if s.name != "web.enable-lifecycle"]
        if severity is None and changes:
            severity = "critical"
        elif target.program in _EXPORTERS:
            severity = {None: "medium", "medium": "low"}.get(severity, severity)
        message = (
            f"Traefik router `{router.display}` ({_rule_text(router)}) sends requests "
            f"from {_how(door)} to service `{target.name}` ({label}), and nothing on the way "
            "asks for credentials or limits who connects"
        )
        if door.exposure == "published" and changes:
            message += "; with " + ", ".join(f"--{s.name}" for s in changes)
            message += " on, anyone can delete or write its data"
        elif door.exposure == "published" and risky:
            message += "; with --web.enable-lifecycle on, anyone can shut it down"
        written = router.written
        finding = self.report(
            written.doc,
            written.node,
            message,
            severity=severity,
            fix=_router_fix(router, router.target_port or target.listen[1]),
        )
        return _relate(finding, door)


class ApiWithoutAuth(Rule):
    id = "TRF02"
    name = "traefik-api-without-auth"
    title = "Traefik API and dashboard reachable without authentication"
    severity = "high"
    kinds = KINDS
    description = (
        "`api.insecure` (or Traefik 1's `--api`) serves the API and dashboard on the `traefik` "
        "entry point (port 8080 unless set) with no authentication, or a router to "
        "`api@internal` has no authenticating middleware. High when that entry point is "
        "published to other machines, medium when the Traefik is not in the scan, low when only "
        "containers on its networks reach it."
    )
    rationale = (
        "The API lists every router, service, middleware and backend address of the stack, "
        "which maps the internal network for an attacker."
    )
    fix = (
        "Drop `--api.insecure=true`; serve the dashboard through a router to `api@internal` "
        "with a basicauth or forwardauth middleware on the TLS entry point, and stop publishing "
        "port 8080."
    )
    references = (API, BASIC_AUTH)
    tags = ("authentication", "exposure")
    cwe = ("CWE-306", "CWE-200")
    controls = ("PGB-03", "PGB-07")

    def check(self, doc):
        for instance in instances(doc):
            insecure, written = instance.api()
            entrypoint = instance.entrypoints.get("traefik")
            if insecure and written is not None and entrypoint is not None:
                from promguard.models.traefik import Door  # the model only for a Traefik

                exposure, _ = entrypoint.exposure()
                door = Door(entrypoint, [], [], None, entrypoint.tls)
                finding = self.report(
                    written.doc,
                    written.node,
                    f"the Traefik API and dashboard are served without authentication on "
                    f"{_how(door)}",
                    severity=_SEVERITY_BY_EXPOSURE[exposure],
                )
                yield _relate(finding, door)
            for router in instance.routers:
                if router.target != "api":
                    continue
                doors = _open_doors(router)
                if not doors:
                    continue
                door = _worst(doors)
                written = router.written
                finding = self.report(
                    written.doc,
                    written.node,
                    f"Traefik router `{router.display}` serves Traefik's API and dashboard "
                    f"from {_how(door)} with no authenticating middleware",
                    severity=_SEVERITY_BY_EXPOSURE[door.exposure],
                    fix="Add a basicauth or forwardauth middleware to the router "
                    f"(`traefik.http.routers.{router.display}.middlewares=auth`), or an "
                    "ipallowlist of your networks.",
                )
                yield _relate(finding, door)


class ExposedByDefault(Rule):
    id = "TRF03"
    name = "traefik-exposed-by-default"
    title = "Traefik's Docker provider routes every container"
    severity = "medium"
    kinds = KINDS
    description = (
        "The Docker (or Swarm) provider runs with `exposedByDefault` left true (its default), so "
        "every container on Traefik's networks gets a router, `Host(`<service name>`)` unless "
        "`defaultRule` says otherwise, without asking. Medium when containers of the stack get "
        "such a router, high when one of them is a monitoring backend on a published entry "
        "point, low when none does yet."
    )
    rationale = (
        "The Host header is the client's to choose: `curl -H 'Host: prometheus' http://traefik/` "
        "reaches a container nobody meant to publish."
    )
    fix = (
        "Set `--providers.docker.exposedbydefault=false` (`providers.docker.exposedByDefault: "
        "false`) and `traefik.enable=true` on the services Traefik should route."
    )
    references = (DOCKER, DOCKER_ROUTING)
    tags = ("exposure",)
    cwe = ("CWE-284",)
    controls = ("PGB-07",)

    def check(self, doc):
        for instance in instances(doc):
            if not instance.known or instance.docker is None:
                continue
            by_default, written = instance.exposed_by_default()
            if not by_default:
                continue
            anchor = written or instance.docker[1]
            if anchor is None:
                continue
            defaults = [r for r in instance.routers if r.default and r.target is not None]
            yield self._finding(instance, anchor, defaults)

    def _finding(self, instance, anchor, defaults):
        severity = "low"
        message = (
            f"Traefik {instance.label} routes every container its Docker provider sees "
            "(exposedByDefault is true)"
        )
        if defaults:
            severity = "medium"
            names = ", ".join(f"`{r.target.name}`" for r in defaults[:4])
            more = f" and {len(defaults) - 4} more" if len(defaults) > 4 else ""
            verb = "gets" if len(defaults) == 1 else "get"
            message += f": {names}{more} {verb} a router nobody declared"
            exposed = [
                r
                for r in defaults
                if r.target.program in UNAUTHENTICATED
                and r.target.authentication() is None
                and any(d.reachable for d in r.doors() if d.redirected is None)
            ]
            if exposed:
                severity = "high"
                message += (
                    f", and `{exposed[0].target.name}` "
                    f"({_LABELS.get(exposed[0].target.program, exposed[0].target.program)}) "
                    "is then reachable from other machines with any Host header naming it"
                )
        else:
            message += "; no container of the stack gets one yet"
        return self.report(anchor.doc, anchor.node, message, severity=severity)


class SkipVerify(Rule):
    id = "TRF04"
    name = "traefik-servers-transport-skip-verify"
    title = "Traefik does not verify its backends' certificates"
    severity = "medium"
    kinds = KINDS
    description = (
        "`serversTransport.insecureSkipVerify` (static) or a dynamic `serversTransports` entry "
        "with `insecureSkipVerify: true`: Traefik accepts any certificate from an https "
        "backend. Low when no router of that Traefik reaches a backend over https."
    )
    rationale = (
        "Whoever sits between Traefik and the backend (another container, a host on the path) "
        "can present any certificate and read or change the traffic, credentials included."
    )
    fix = (
        "Remove insecureSkipVerify and give the transport the backend's CA (`rootCAs`) and "
        "`serverName`."
    )
    references = (SERVERS_TRANSPORT,)
    tags = ("tls",)
    cwe = ("CWE-295",)
    controls = ("PGB-02",)

    def check(self, doc):
        for instance in instances(doc):
            https = any(r.scheme == "https" for r in instance.routers)
            found = [instance.skip_verify()] if instance.skip_verify() else []
            for settings in _dynamic_tables(instance):
                for name in settings.children("http", "serverstransports"):
                    value = settings.get("http", "serverstransports", name, "insecureskipverify")
                    if value is not None and value.on:
                        found.append(value)
            for value in found:
                note = "" if https else "; no router reaches a backend over https now"
                yield self.report(
                    value.doc,
                    value.node,
                    "Traefik accepts any certificate from its backends (insecureSkipVerify)" + note,
                    severity=None if https else "low",
                )


def _dynamic_tables(instance) -> list:
    tables, seen = [], set()
    for middleware in instance.middlewares.values():
        if id(middleware.settings) not in seen:
            seen.add(id(middleware.settings))
            tables.append(middleware.settings)
    for router in instance.routers:
        if id(router.settings) not in seen:
            seen.add(id(router.settings))
            tables.append(router.settings)
    for settings, _ in instance.services.values():
        if id(settings) not in seen:
            seen.add(id(settings))
            tables.append(settings)
    return tables


class ForwardAuthTrustsHeaders(Rule):
    id = "TRF05"
    name = "traefik-forwarded-headers-from-any-client"
    title = "Traefik passes on the X-Forwarded-* headers any client sends"
    severity = "medium"
    kinds = KINDS
    description = (
        "An entry point keeps the X-Forwarded-* headers of every client "
        "(`forwardedHeaders.insecure`, or `trustedIPs` that cover every address) and a "
        "forwardAuth middleware with `trustForwardHeader: true` serves on it: the "
        "X-Forwarded-Host, -Uri and -Proto the auth server decides on are the client's own "
        "(medium). The entry point alone is low. By default an entry point replaces these "
        "headers for clients it does not trust, so trustForwardHeader on its own is no finding "
        "(checked with Traefik 3.7)."
    )
    rationale = (
        "An auth server that allows paths or hosts by X-Forwarded-Uri or X-Forwarded-Host (as "
        "oauth2-proxy's skip rules and Authelia's access rules do) can be told a different "
        "path or host than the one requested, and lets the request through; backends and "
        "access logs see a forged client address."
    )
    fix = (
        "Drop `forwardedHeaders.insecure`; set `forwardedHeaders.trustedIPs` to the addresses of "
        "the load balancer in front of Traefik only, and drop trustForwardHeader unless that "
        "proxy sets the headers."
    )
    references = (ENTRYPOINTS, FORWARD_AUTH)
    tags = ("authentication",)
    cwe = ("CWE-348",)
    controls = ("PGB-03",)

    def check(self, doc):
        for instance in instances(doc):
            trusting = {}
            for router in instance.routers:
                for door in router.doors():
                    for middleware in door.middlewares:
                        trust = middleware.option("trustforwardheader")
                        if middleware.type == "forwardauth" and trust is not None and trust.on:
                            trusting.setdefault(door.entrypoint, (middleware, trust))
            for entrypoint in instance.entrypoints.values():
                value = entrypoint.passes_client_headers
                if value is None:
                    continue
                message = (
                    f"entry point `{entrypoint.display}` keeps the X-Forwarded-* headers every "
                    "client sends"
                )
                severity = "low"
                if entrypoint in trusting:
                    middleware, _ = trusting[entrypoint]
                    message += (
                        f", and forwardAuth middleware `{middleware.name}` passes them to the "
                        "auth server (trustForwardHeader): a client chooses the host and path "
                        "it is authorised for"
                    )
                    severity = None
                finding = self.report(value.doc, value.node, message, severity=severity)
                if entrypoint in trusting:
                    _, trust = trusting[entrypoint]
                    _add_related(finding, trust, "trustForwardHeader is set here")
                yield finding


class CredentialsOverHttp(Rule):
    id = "TRF06"
    name = "traefik-auth-over-plain-http"
    title = "Traefik asks for credentials over plain HTTP"
    severity = "high"
    kinds = KINDS
    description = (
        "A router with basicAuth, digestAuth or forwardAuth serves on an entry point with no "
        "TLS (no `tls` on the router or the entry point) and no redirection to HTTPS: "
        "passwords and session cookies cross the network in clear. High when the entry point "
        "is published, medium when the Traefik is not in the scan, low when only containers "
        "reach it or when the entry point trusts forwarded headers from a TLS-terminating "
        "proxy in front (forwardedHeaders.trustedIPs)."
    )
    rationale = (
        "Basic auth sends the password with every request, base64-encoded; a forwardAuth "
        "login sets a session cookie. On plain HTTP anyone on the path reads and replays them."
    )
    fix = (
        "Serve the router on the TLS entry point only (`tls=true`, `entrypoints=websecure`), and "
        "redirect the plain one: `--entrypoints.web.http.redirections.entrypoint.to=websecure`."
    )
    references = (ENTRYPOINTS, BASIC_AUTH)
    tags = ("tls", "authentication")
    cwe = ("CWE-319", "CWE-523")
    controls = ("PGB-02", "PGB-03")

    def check(self, doc):
        for instance in instances(doc):
            for router in instance.routers:
                clear = [
                    d
                    for d in router.doors()
                    if d.redirected is None
                    and not d.tls
                    and any(
                        m.type in ("basicauth", "digestauth", "forwardauth") for m in d.middlewares
                    )
                ]
                if not clear:
                    continue
                door = _worst(clear)
                severity = _SEVERITY_BY_EXPOSURE[door.exposure]
                behind = door.entrypoint is not None and door.entrypoint.trusted_ips
                if behind:
                    severity = "low"
                kind = next(m.type for m in door.middlewares if m.type.endswith("auth"))
                written = router.written
                finding = self.report(
                    written.doc,
                    written.node,
                    f"Traefik router `{router.display}` asks for credentials ({kind}) on "
                    f"{_how(door)} without TLS: they cross the network in clear"
                    + ("; a proxy in front may terminate TLS" if behind else ""),
                    severity=severity,
                )
                yield _relate(finding, door)


class WeakBasicAuth(Rule):
    id = "TRF07"
    name = "traefik-basicauth-weak-hash"
    title = "Traefik basicAuth user with a weak hash or a default password"
    severity = "low"
    kinds = KINDS
    description = (
        "A basicAuth user's password is hashed with MD5 (`$apr1$`) or SHA1 (`{SHA}`), fast "
        "hashes that are cracked offline in hours (low), or is a default password anyone tries "
        "first (admin, password, changeme ...: high)."
    )
    rationale = (
        "The users list sits in the repository and in `docker inspect`; a fast hash of a "
        "guessable password is as good as the password itself."
    )
    fix = (
        "Make the hash with bcrypt (`htpasswd -nB user`) from a long random password, and keep "
        "it in a usersFile mounted from a secret rather than in a label."
    )
    references = (BASIC_AUTH, "https://httpd.apache.org/docs/2.4/misc/password_encryptions.html")
    tags = ("authentication", "secrets")
    cwe = ("CWE-916", "CWE-1393")
    controls = ("PGB-03",)

    def check(self, doc):
        seen = set()
        for instance in instances(doc):
            for middleware in instance.middlewares.values():
                if middleware.type != "basicauth":
                    continue
                users = middleware.option("users")
                if users is None or id(users) in seen:
                    continue
                seen.add(id(users))
                from promguard.models.htpasswd import default_password, scheme  # hashlib

                origin = ""
                if getattr(users.node, "source", None) == "env-file":
                    names = ", ".join(getattr(users.node, "variables", ()) or ())
                    origin = f" (the value of {names} in the project's .env)" if names else ""
                for entry in users.items:
                    name, sep, hashed = entry.partition(":")
                    if not sep or "$" not in hashed and "{" not in hashed or "${" in hashed:
                        continue  # no hash here, or a variable the environment fills in
                    known = default_password(hashed)
                    kind = scheme(hashed)
                    if known is not None:
                        yield self.report(
                            users.doc,
                            users.node,
                            f"basicAuth middleware `{middleware.name}`: user `{name}` has a "
                            f"default password anyone tries first{origin}",
                            severity="high",
                        )
                    elif kind in ("md5", "sha1"):
                        yield self.report(
                            users.doc,
                            users.node,
                            f"basicAuth middleware `{middleware.name}`: user `{name}`'s password "
                            f"is hashed with {kind.upper()}, which is fast to crack{origin}",
                        )


RULES = [
    RouterWithoutAuth,
    ApiWithoutAuth,
    ExposedByDefault,
    SkipVerify,
    ForwardAuthTrustsHeaders,
    CredentialsOverHttp,
    WeakBasicAuth,
]
