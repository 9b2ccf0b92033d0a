"""What promguard knows about the programs of a monitoring stack.

Image references (which program an image runs, its version, the user it runs as), the ports the
programs listen on, and how each program reads its command line and environment. Every table
names the source it was read from, so a reviewer can check it against a newer release.

Standard library only, nothing heavy at import time: this module is imported on every scan.
"""

from __future__ import annotations

import functools

from ..lazy_regex import lazy

__all__ = [
    "DEFAULT_PORTS",
    "KNOWN_PORTS",
    "UNAUTHENTICATED",
    "is_loopback",
    "PORT_PROTOCOLS",
    "Flag",
    "Flags",
    "Image",
    "canonical_program",
    "env_flags",
    "grafana_setting",
    "parse_flags",
    "parse_image",
    "split_command",
]

# ---------------------------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------------------------

# Programs that serve metrics or monitoring APIs without authentication by default (Grafana has
# a login of its own, so it is not one of them).
UNAUTHENTICATED = frozenset(
    (
        "prometheus",
        "alertmanager",
        "pushgateway",
        "node_exporter",
        "blackbox_exporter",
        "snmp_exporter",
        "cadvisor",
    )
)

# Monitoring ports and what listens there. 9094 is Alertmanager's gossip (cluster) port, not its
# web port, so it gets a name of its own; it speaks both TCP and UDP (PORT_PROTOCOLS).
KNOWN_PORTS: dict[int, str] = {
    9090: "prometheus",
    9093: "alertmanager",
    9094: "alertmanager-cluster",
    9091: "pushgateway",
    9100: "node_exporter",
    9115: "blackbox_exporter",
    9116: "snmp_exporter",
    8080: "cadvisor",
    3000: "grafana",
    4180: "oauth2-proxy",
}

PORT_PROTOCOLS: dict[int, tuple[str, ...]] = {9094: ("tcp", "udp")}

# How messages name the monitoring programs.
PROGRAM_LABELS = {
    "prometheus": "Prometheus",
    "alertmanager": "Alertmanager",
    "pushgateway": "Pushgateway",
    "node_exporter": "node_exporter",
    "blackbox_exporter": "blackbox_exporter",
    "snmp_exporter": "snmp_exporter",
    "cadvisor": "cAdvisor",
}

# Default listen port of each program (its flag defaults; nginx/caddy/traefik: plain HTTP).
DEFAULT_PORTS: dict[str, int] = {
    "prometheus": 9090,
    "alertmanager": 9093,
    "pushgateway": 9091,
    "node_exporter": 9100,
    "blackbox_exporter": 9115,
    "snmp_exporter": 9116,
    "mysqld_exporter": 9104,
    "postgres_exporter": 9187,
    "cadvisor": 8080,
    "grafana": 3000,
    "oauth2-proxy": 4180,
    "loki": 3100,
    "promtail": 9080,
    "nginx": 80,
    "caddy": 80,
    "traefik": 80,
}

# ---------------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------------

# Image or binary name (lower case, "_" written "-") -> canonical program name.
_NAMES: dict[str, str] = {
    "prometheus": "prometheus",
    "alertmanager": "alertmanager",
    "prometheus-alertmanager": "alertmanager",
    "pushgateway": "pushgateway",
    "prometheus-pushgateway": "pushgateway",
    "node-exporter": "node_exporter",
    "prometheus-node-exporter": "node_exporter",
    "blackbox-exporter": "blackbox_exporter",
    "prometheus-blackbox-exporter": "blackbox_exporter",
    "snmp-exporter": "snmp_exporter",
    "prometheus-snmp-exporter": "snmp_exporter",
    "mysqld-exporter": "mysqld_exporter",
    "postgres-exporter": "postgres_exporter",
    "cadvisor": "cadvisor",
    "grafana": "grafana",
    "grafana-oss": "grafana",
    "grafana-enterprise": "grafana",
    "grafana-server": "grafana",
    "oauth2-proxy": "oauth2-proxy",
    "nginx": "nginx",
    "nginx-unprivileged": "nginx",
    "caddy": "caddy",
    "traefik": "traefik",
    "promtail": "promtail",
    "loki": "loki",
}


def canonical_program(name: str | None) -> str | None:
    """The canonical program for an image/binary name or program alias, or None."""
    if not name:
        return None
    key = name.strip().lower().replace("_", "-")
    return _NAMES.get(key)


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
# Registries that serve Docker Hub's own repositories under the same paths.
_HUB_MIRRORS = {"mirror.gcr.io"}

# Official Docker Hub images that set a USER of their own (or whose user we could not verify):
# their default user is left unknown rather than claimed to be root.
_OFFICIAL_NOT_ROOT = frozenset(
    {"elasticsearch", "kibana", "logstash", "sonarqube", "solr", "neo4j", "jenkins", "zookeeper"}
)

# Monitoring programs that do have an official Docker Hub image (all without a USER).
_OFFICIAL_PROGRAM_IMAGES = frozenset({"nginx", "caddy", "traefik"})

_VERSION_RE = lazy(r"[vV]?(\d+(?:\.\d+)*)(?![\d])")


def _version(tag: str | None) -> tuple[int, ...] | None:
    if not tag:
        return None
    m = _VERSION_RE.match(tag)
    if m is None:
        return None
    rest = tag[m.end() :]
    if rest and rest[0].isalpha():
        return None  # "1abc", not a version
    try:
        return tuple(int(p) for p in m.group(1).split("."))
    except ValueError:  # pragma: no cover - the pattern only matches digits
        return None


class Image:
    """A parsed image reference. See parse_image."""

    __slots__ = (
        "ref",
        "registry",
        "repository",
        "tag",
        "digest",
        "program",
        "version",
        "default_user",
    )

    def __init__(self, ref, registry, repository, tag, digest, program, version, default_user):
        self.ref = ref
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.program = program
        self.version = version
        self.default_user = default_user

    @property
    def is_latest_or_untagged(self) -> bool:
        """True for ":latest" or no tag, unless a digest pins the exact image."""
        return self.digest is None and (self.tag is None or self.tag == "latest")

    @property
    def name(self) -> str:
        """registry/repository as Docker would pull it (docker.io images written short)."""
        if self.registry == "docker.io":
            return self.repository
        return f"{self.registry}/{self.repository}" if self.repository else self.registry

    def __repr__(self) -> str:
        return (
            f"Image({self.ref!r}, registry={self.registry!r}, repository={self.repository!r}, "
            f"tag={self.tag!r}, digest={self.digest!r}, program={self.program!r}, "
            f"version={self.version!r}, default_user={self.default_user!r})"
        )

    def __eq__(self, other):
        if not isinstance(other, Image):
            return NotImplemented
        return all(getattr(self, s) == getattr(other, s) for s in self.__slots__)

    __hash__ = None  # mutable, compared by value


def _older(version, than) -> bool:
    return version is not None and version < than


def _default_user(registry, repository, tag, version, program) -> str | None:
    """The user an image runs as when nothing overrides it; None when we do not know.

    Sources (each checked in the image's own Dockerfile):
    - prom/* and quay.io/prometheus/*: prometheus/prometheus Dockerfile `USER nobody` (since
      v2.0.0; 1.x had no USER); alertmanager `USER nobody` (since v0.16.0); node_exporter
      `USER nobody` (since v0.15.0); pushgateway `USER 65534` (since v0.8.0). blackbox_exporter
      and snmp_exporter Dockerfiles have no USER at all: they run as root (busybox default).
    - grafana/grafana(-oss,-enterprise): grafana/grafana Dockerfile `ARG GF_UID="472"`,
      `USER "$GF_UID"` (5.1 moved to uid 472; older images are left unknown).
    - quay.io/oauth2-proxy/oauth2-proxy: Dockerfile + Makefile. v7.6.0 on: runtime image
      gcr.io/distroless/static:nonroot (65532), the `-alpine` flavour has no USER (root);
      v7.3.0-v7.5.x `USER 65532:65532`; up to v7.2.x (and quay.io/pusher/oauth2_proxy)
      `USER 2000:2000`.
    - bitnami/*: bitnami/containers Dockerfiles end with `USER 1001` (bitnami/minideb is a base
      image with no USER: root).
    - nginxinc/nginx-unprivileged: `ARG UID=101` ... `USER $UID`.
    - gcr.io/cadvisor/cadvisor, google/cadvisor: google/cadvisor deploy/Dockerfile has no USER.
    - official Docker Hub images (nginx, alpine, debian, ubuntu, busybox, python ...): no USER,
      so root, except the few in _OFFICIAL_NOT_ROOT.
    """
    parts = repository.split("/") if repository else []
    hub = registry == "docker.io" or registry in _HUB_MIRRORS
    # Try the whole path, then the path without leading components (a pull-through mirror such
    # as registry.example.com/dockerhub/prom/prometheus keeps the upstream path at the end).
    for start in range(len(parts)):
        tail = parts[start:]
        key = "/".join(tail)
        owner = tail[0] if len(tail) > 1 else ""
        last = tail[-1]
        if len(tail) == 2 and owner in ("prom", "prometheus"):
            if program == "prometheus":
                return "root" if _older(version, (2, 0)) else "nobody"
            if program == "alertmanager":
                return "root" if _older(version, (0, 16)) else "nobody"
            if program == "node_exporter":
                return "root" if _older(version, (0, 15)) else "nobody"
            if program == "pushgateway":
                return "root" if _older(version, (0, 8)) else "65534"
            if program in ("blackbox_exporter", "snmp_exporter"):
                return "root"
            return None
        if key in ("grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise"):
            return None if _older(version, (5, 1)) else "472"
        if key == "oauth2-proxy/oauth2-proxy":
            if tag and "alpine" in tag.lower() and not _older(version, (7, 6)):
                return "root"
            if _older(version, (7, 3)):
                return "2000"
            return "65532"
        if key == "pusher/oauth2_proxy":
            return "2000"
        if len(tail) == 2 and owner == "bitnami":
            return "root" if last == "minideb" else "1001"
        if key in ("nginxinc/nginx-unprivileged", "nginx/nginx-unprivileged"):
            return "101"
        if key in ("cadvisor/cadvisor", "google/cadvisor"):
            return "root"
        if len(tail) == 2 and owner == "library":
            return _official_user(last)
    if hub and len(parts) == 1:
        return _official_user(parts[0])
    return None


def _official_user(name: str) -> str | None:
    """An official Docker Hub image's user: root (no USER), unless it is one we cannot vouch
    for, or a monitoring program with no official image of that name (`image: prometheus` is
    then a locally built image, whose Dockerfile decides)."""
    if name in _OFFICIAL_NOT_ROOT:
        return None
    program = canonical_program(name)
    if program is not None and name not in _OFFICIAL_PROGRAM_IMAGES:
        return None
    return "root"


def _program_of(repository: str) -> str | None:
    if not repository:
        return None
    return canonical_program(repository.rsplit("/", 1)[-1])


@functools.lru_cache(maxsize=4096)  # a monorepo names the same few images thousands of times
def parse_image(ref: str) -> Image:
    """Parse an image reference as Docker does. Never raises. The Image is shared: read it,
    never change it.

    ``ref`` is the text as written, already interpolated by the caller; unresolved variables
    may have left empty parts ("/prom/prometheus:", "prom/prometheus:@sha256:...").
    """
    original = ref
    try:
        text = ref if isinstance(ref, str) else str(ref or "")
    except Exception:  # noqa: BLE001 - never raise on junk
        text = ""
    text = text.strip().strip("\"'").strip()
    if text.split():
        text = text.split()[0]  # "prom/prometheus:v2 # comment" or trailing junk
    else:
        text = ""
    digest = None
    if "@" in text:
        text, _, dig = text.rpartition("@")
        dig = dig.strip().lower()
        digest = dig or None
    text = text.strip("/")
    # The tag is after the last ":" that comes after the last "/" (a registry port has a "/"
    # after it).
    tag = None
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        tag = text[colon + 1 :] or None
        text = text[:colon]
    parts = [p for p in text.split("/") if p]
    registry = "docker.io"
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0].lower() == "localhost"):
        registry = parts.pop(0).lower()
        if registry in _HUB_ALIASES:
            registry = "docker.io"
    repository = "/".join(parts).lower()
    if registry == "docker.io" and repository.startswith("library/"):
        repository = repository[len("library/") :]
    program = _program_of(repository)
    version = _version(tag)
    user = _default_user(registry, repository, tag, version, program)
    return Image(original, registry, repository, tag, digest, program, version, user)


# ---------------------------------------------------------------------------------------------
# Command-line flags
# ---------------------------------------------------------------------------------------------

# Which flag library each program uses; it decides how its command line is read.
#   kingpin (alecthomas/kingpin v2): "--name=value", "--name value", boolean "--name" and
#     "--no-name". A boolean takes no value: "--bool=false" sets the flag to TRUE and leaves
#     "false" as an unexpected argument, so the program refuses to start ("error: unexpected
#     false": prometheus/prometheus#8099, alecthomas/kingpin#322). A single dash is a cluster
#     of short flags: "-web.enable-admin-api" is "unknown short flag '-w'" (kingpin parser.go).
#     A value flag's value must not start with "-" ("expected argument for flag").
#   pflag (spf13/pflag): "--name=value", "--name value" (the next argument, whatever it looks
#     like), boolean "--name" / "--name=false" (strconv.ParseBool); a boolean never takes the
#     next argument, so "--cookie-secure false" is TRUE plus a stray positional. No "--no-name".
#     A single dash is shorthand; oauth2-proxy defines none, so "-cookie-secure" is an error.
#   goflag (Go's flag package, urfave/cli v2): "-name" and "--name" alike, "-name=value",
#     "-name value" for non-booleans, booleans only "-name" or "-name=false".
#   nginx: single letters, "-c file" or "-cfile", "-t", "-q", clusters such as "-tq".
_STYLE: dict[str, str] = {
    "prometheus": "kingpin",
    "alertmanager": "kingpin",
    "pushgateway": "kingpin",
    "node_exporter": "kingpin",
    "blackbox_exporter": "kingpin",
    "snmp_exporter": "kingpin",
    "mysqld_exporter": "kingpin",
    "postgres_exporter": "kingpin",
    "oauth2-proxy": "pflag",
    "grafana": "goflag",
    "cadvisor": "goflag",
    "loki": "goflag",
    "promtail": "goflag",
    "nginx": "nginx",
}


def _words(text: str) -> frozenset:
    return frozenset(text.split())


# kingpin's own flags (app.go: help, version, help-long, help-man, completion-*), all booleans.
_KINGPIN_BUILTIN = _words(
    "help version help-long help-man completion-bash completion-script-bash completion-script-zsh"
)
# prometheus/exporter-toolkit web/kingpinflag/flag.go and bootstrap/bootstrap.go.
_TOOLKIT_BOOLS = _words("web.systemd-socket web.disable-exporter-metrics")

# Boolean flags, read from each program's own source (every Bool()/BoolVar() flag clause),
# including ones older releases had, so old command lines read right too.
_BOOLEANS: dict[str, frozenset] = {
    # prometheus/prometheus cmd/prometheus/main.go (d15adb9, and the v2.x/v3.x release tags).
    "prometheus": _words(
        "web.enable-lifecycle web.enable-admin-api web.enable-remote-write-receiver "
        "web.enable-otlp-receiver config.auto-reload auto-gomaxprocs auto-gomemlimit "
        "storage.tsdb.no-lockfile storage.tsdb.allow-overlapping-blocks "
        "storage.tsdb.allow-overlapping-compaction storage.tsdb.wal-compression "
        "storage.agent.wal-compression storage.agent.checkpoint-from-in-memory-series "
        "storage.agent.no-lockfile scrape.adjust-timestamps "
        "alertmanager.drain-notification-queue-on-shutdown agent write-documentation"
    ),
    # prometheus/alertmanager cmd/alertmanager/main.go (68fb2d5).
    "alertmanager": _words(
        "cluster.allow-insecure-public-advertise-address-discovery log.silences"
    ),
    # prometheus/pushgateway main.go (412bd22).
    "pushgateway": _words(
        "web.enable-admin-api web.enable-lifecycle push.disable-consistency-check "
        "push.enable-utf8-names"
    ),
    # prometheus/node_exporter node_exporter.go and collector/*.go (a7dcc3a); every
    # "collector.<name>" registered by registerCollector() is a boolean too (see _is_bool).
    "node_exporter": _words(
        "collector.disable-defaults collector.arp.netlink collector.bcache.priorityStats "
        "collector.cpu.guest collector.cpu.info collector.interrupts.include-zeros "
        "collector.netclass.ignore-invalid-speed collector.netclass.netlink "
        "collector.netclass_rtnl.with-stats collector.netdev.address-info "
        "collector.netdev.enable-detailed-metrics collector.netdev.netlink "
        "collector.netdev.label-ifalias collector.ntp.server-is-local collector.pcidevice.names "
        "collector.perf.disable-hardware-profilers collector.perf.disable-software-profilers "
        "collector.perf.disable-cache-profilers collector.rapl.enable-zone-label "
        "collector.stat.softirq collector.systemd.private collector.systemd.enable-task-metrics "
        "collector.systemd.enable-restarts-metrics collector.systemd.enable-start-time-metrics"
    ),
    # prometheus/blackbox_exporter main.go (e39d7d4).
    "blackbox_exporter": _words("config.check config.enable-auto-reload"),
    # prometheus/snmp_exporter main.go, collector/collector.go (1d54f35).
    "snmp_exporter": _words(
        "dry-run snmp.debug-packets config.expand-environment-variables snmp.wrap-large-counters"
    ),
    # oauth2-proxy/oauth2-proxy pkg/apis/options/{app,cookie,legacy_options,logging,options}.go
    # and main.go (14af295): every flagSet.Bool.
    "oauth2-proxy": _words(
        "allow-query-semicolons auth-logging bearer-token-login-fallback cookie-csrf-per-request "
        "cookie-httponly cookie-secure disable-keep-alives display-htpasswd-form encode-state "
        "entra-id-federated-token-auth errors-to-info-log force-https force-json-errors "
        "gcp-healthchecks insecure-oidc-allow-unverified-email "
        "insecure-oidc-skip-issuer-verification insecure-oidc-skip-nonce logging-compress "
        "logging-local-time pass-access-token pass-authorization-header pass-basic-auth "
        "pass-host-header pass-user-headers prefer-email-to-user proxy-websockets "
        "redis-insecure-skip-tls-verify redis-use-cluster redis-use-sentinel "
        "relative-redirect-url request-logging reverse-proxy session-cookie-minimal "
        "set-authorization-header set-basic-auth set-xauthrequest show-debug-on-error "
        "silence-ping-logging skip-auth-preflight skip-auth-strip-headers "
        "skip-claims-from-profile-url skip-jwt-bearer-tokens skip-oidc-discovery "
        "skip-provider-button ssl-insecure-skip-verify ssl-upstream-insecure-skip-verify "
        "standard-logging use-system-trust-store convert-config-to-alpha version config-test"
    ),
    # grafana/grafana pkg/cmd/grafana-server/commands (server flags; docs "-profile").
    "grafana": _words("profile tracing version v vv"),
    # google/cadvisor: glog/klog flags used in its Dockerfile ENTRYPOINT ("-logtostderr").
    "cadvisor": _words("logtostderr alsologtostderr docker_only version"),
    # nginx -h: -?,-h help, -v/-V version, -t/-T test, -q quiet.
    "nginx": _words("? h v V t T q"),
}
# The programs built on Prometheus' kingpin flags and exporter-toolkit web server.
TOOLKIT_PROGRAMS = (
    "prometheus",
    "alertmanager",
    "pushgateway",
    "node_exporter",
    "blackbox_exporter",
    "snmp_exporter",
    "mysqld_exporter",
    "postgres_exporter",
)
for _p in TOOLKIT_PROGRAMS:
    _BOOLEANS[_p] = _BOOLEANS.get(_p, frozenset()) | _KINGPIN_BUILTIN | _TOOLKIT_BOOLS
del _p

# Flags known to take a value, where the library takes the next argument whatever it looks like
# (pflag, Go flag). oauth2-proxy: every non-Bool flagSet.* in the same files.
_VALUES: dict[str, frozenset] = {
    "oauth2-proxy": _words(
        "config alpha-config cookie-csrf-expire cookie-expire cookie-refresh flush-interval "
        "upstream-timeout cookie-csrf-per-request-limit logging-max-age logging-max-backups "
        "logging-max-size redis-connection-idle-timeout acr-values approval-prompt "
        "auth-logging-format auth-request-response-mode authenticated-emails-file "
        "azure-graph-group-field azure-tenant backend-logout-url banner basic-auth-password "
        "bitbucket-repository bitbucket-team client-id client-secret client-secret-file "
        "code-challenge-method cookie-csrf-samesite cookie-name cookie-path cookie-samesite "
        "cookie-secret cookie-secret-file custom-sign-in-logo custom-templates-dir footer "
        "force-code-challenge-method github-org github-repo github-team github-token "
        "google-admin-api-user-scope google-admin-email google-service-account-json "
        "google-target-principal google-use-application-default-credentials "
        "google-use-organization-id htpasswd-file http-address https-address jwt-key "
        "jwt-key-file logging-filename login-url metrics-address metrics-secure-address "
        "metrics-tls-cert-file metrics-tls-key-file oidc-email-claim oidc-groups-claim "
        "oidc-issuer-url oidc-jwks-url ping-path ping-user-agent profile-url prompt provider "
        "provider-display-name proxy-prefix pubjwk-url ready-path real-client-ip-header "
        "redeem-url redirect-url redis-ca-path redis-connection-url redis-password "
        "redis-sentinel-master-name redis-sentinel-password redis-username request-id-header "
        "request-logging-format resource scope session-store-type signature-key "
        "standard-logging-format tls-cert-file tls-key-file tls-min-version user-id-claim "
        "validate-url allowed-group allowed-role api-route cookie-domain email-domain "
        "entra-id-allowed-tenant exclude-logging-path extra-jwt-issuers github-user gitlab-group "
        "gitlab-project google-group htpasswd-user-group keycloak-group oidc-audience-claim "
        "oidc-enabled-signing-alg oidc-extra-audience oidc-public-key-file provider-ca-file "
        "redis-cluster-connection-urls redis-sentinel-connection-urls skip-auth-regex "
        "skip-auth-route tls-cipher-suite trusted-ip trusted-proxy-ip upstream whitelist-domain"
    ),
    "grafana": _words(
        "config homepath pidfile packaging profile-addr profile-port profile-block-rate "
        "profile-mutex-rate tracing-file"
    ),
    # nginx: -c file, -e file, -g directives, -p prefix, -s signal.
    "nginx": _words("c e g p s"),
}

# node_exporter: "collector.<name>" (no further dot) enables or disables a collector.
_COLLECTOR_RE = lazy(r"collector\.[A-Za-z0-9_]+$")

# strconv.ParseBool, which pflag, Go's flag package and kingpin use.
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def _is_bool(program: str | None, name: str) -> bool:
    if name in _BOOLEANS.get(program or "", ()):
        return True
    return program == "node_exporter" and _COLLECTOR_RE.match(name) is not None


class Flag:
    """One flag on a command line.

    ``value`` is the text of the value ("true"/"false" for a boolean written without one, ""
    when a value flag has none); ``index`` is the argument holding the flag and
    ``value_index`` the one holding its value (the same for "--flag=value" and booleans).
    """

    __slots__ = ("name", "value", "index", "value_index")

    def __init__(self, name: str, value: str, index: int, value_index: int | None = None):
        self.name = name
        self.value = value
        self.index = index
        self.value_index = index if value_index is None else value_index

    def __repr__(self) -> str:
        return f"Flag({self.name!r}, {self.value!r}, {self.index}, {self.value_index})"

    def __eq__(self, other):
        if not isinstance(other, Flag):
            return NotImplemented
        return (self.name, self.value, self.index, self.value_index) == (
            other.name,
            other.value,
            other.index,
            other.value_index,
        )

    __hash__ = None


class Flags:
    """The flags of one command line, in order, with the positional arguments.

    ``errors`` lists (index, message) for arguments the program itself would reject at start-up
    (kingpin "--bool=false", a single-dash long flag, a value flag with no value ...).
    """

    __slots__ = ("program", "args", "flags", "positional", "errors")

    def __init__(self, program: str | None = None, args: list[str] | None = None):
        self.program = program
        self.args = list(args or ())
        self.flags: list[Flag] = []
        self.positional: list[int] = []
        self.errors: list[tuple[int, str]] = []

    def all(self, name: str) -> list[Flag]:
        name = name.lstrip("-")
        return [f for f in self.flags if f.name == name]

    def get(self, name: str) -> Flag | None:
        """The last occurrence (a repeated single-value flag keeps the last one; repeatable
        flags such as --enable-feature keep all: use ``all``)."""
        found = self.all(name)
        return found[-1] if found else None

    def is_true(self, name: str) -> bool:
        """The boolean flag is set on: "--flag", "--flag=true"; not "--no-flag", "--flag=false"."""
        flag = self.get(name)
        return flag is not None and flag.value.strip() in _TRUE

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self):
        return iter(self.flags)

    def __len__(self) -> int:
        return len(self.flags)

    def __repr__(self) -> str:
        return f"Flags({self.program!r}, {self.flags!r}, positional={self.positional!r})"


def parse_flags(program: str | None, args: list[str]) -> Flags:
    """Read ``args`` (without the binary, or with it as a positional) the way ``program`` does.

    ``program`` is a canonical name (or an alias such as "node-exporter"); None reads a
    generic command line. Never raises.
    """
    prog = program if program in _STYLE or program in _BOOLEANS else canonical_program(program)
    prog = prog or program
    words = []
    for a in args or ():
        words.append(a if isinstance(a, str) else ("" if a is None else str(a)))
    out = Flags(prog, words)
    style = _STYLE.get(prog or "", "generic")
    if style == "nginx":
        _parse_nginx(out, words)
    else:
        _parse_long(out, prog, style, words)
    return out


_SHORT_FLAG_ERROR = {
    "kingpin": "kingpin reads {arg!r} as short flags: unknown short flag (long flags need '--')",
    "pflag": "pflag reads {arg!r} as shorthand flags; {prog} defines none (use '--')",
}


def _parse_long(out: Flags, prog, style: str, words: list[str]) -> None:
    bools = _BOOLEANS.get(prog or "", frozenset())
    values = _VALUES.get(prog or "", frozenset())
    n = len(words)
    i = 0
    while i < n:
        arg = words[i]
        if arg == "--":
            out.positional.extend(range(i + 1, n))
            return
        if prog == "grafana" and arg.startswith("cfg:"):
            name, eq, value = arg.partition("=")
            out.flags.append(Flag(name, value if eq else "", i))
            i += 1
            continue
        if not arg.startswith("-") or arg == "-":
            out.positional.append(i)
            i += 1
            continue
        if arg.startswith("--"):
            body = arg[2:]
        else:
            # A single dash: kingpin and pflag read it as short flags, which these programs
            # define none of (but -h); Go's flag package reads it as a long flag.
            if style in ("kingpin", "pflag"):
                if arg == "-h":
                    out.flags.append(Flag("help", "true", i))
                else:
                    out.errors.append((i, _SHORT_FLAG_ERROR[style].format(arg=arg, prog=prog)))
                i += 1
                continue
            body = arg[1:]  # goflag and generic: "-name" is "--name"
        name, eq, value = body.partition("=")
        if not name:
            out.positional.append(i)
            i += 1
            continue
        if eq:
            if style == "kingpin" and (name in bools or _is_bool(prog, name)):
                out.flags.append(Flag(name, value, i))
                out.errors.append(
                    (
                        i,
                        f"kingpin boolean --{name} takes no value: "
                        f"'={value}' makes the program exit (unexpected {value})",
                    )
                )
            elif style == "kingpin" and name.startswith("no-") and _is_bool(prog, name[3:]):
                out.flags.append(Flag(name[3:], "false", i))
                out.errors.append((i, f"kingpin --{name} takes no value (unexpected {value})"))
            else:
                if (name in bools or _is_bool(prog, name)) and value.strip() not in _TRUE | _FALSE:
                    out.errors.append((i, f"invalid boolean value {value!r} for --{name}"))
                out.flags.append(Flag(name, value, i))
            i += 1
            continue
        if name in bools or _is_bool(prog, name):
            out.flags.append(Flag(name, "true", i))
            i += 1
            continue
        if style == "kingpin" and name.startswith("no-"):
            # kingpin: "--no-X" negates boolean X (an unknown X is still taken as a boolean).
            out.flags.append(Flag(name[3:], "false", i))
            i += 1
            continue
        nxt = words[i + 1] if i + 1 < n else None
        if name in values and style in ("pflag", "goflag"):
            if nxt is None:
                out.flags.append(Flag(name, "", i))
                out.errors.append((i, f"flag needs an argument: --{name}"))
                i += 1
            else:
                out.flags.append(Flag(name, nxt, i, i + 1))
                i += 2
            continue
        if nxt is not None and (not nxt.startswith("-") or (style == "kingpin" and nxt == "-")):
            # kingpin reads a lone "-" as an empty argument.
            val = "" if (style == "kingpin" and nxt == "-") else nxt
            out.flags.append(Flag(name, val, i, i + 1))
            i += 2
            continue
        out.flags.append(Flag(name, "", i))
        if name in values:
            out.errors.append((i, f"expected argument for flag --{name}"))
        i += 1


def _parse_nginx(out: Flags, words: list[str]) -> None:
    # nginx.c ngx_get_options(): each argument is "-" followed by option letters; a value
    # option takes the rest of the argument or the next one.
    bools = _BOOLEANS["nginx"]
    values = _VALUES["nginx"]
    n = len(words)
    i = 0
    while i < n:
        arg = words[i]
        if not arg.startswith("-") or arg == "-":
            out.positional.append(i)
            out.errors.append((i, f"nginx: invalid option: {arg!r}"))
            i += 1
            continue
        j = 1
        consumed_next = False
        while j < len(arg):
            c = arg[j]
            j += 1
            if c in bools:
                out.flags.append(Flag(c, "true", i))
            elif c in values:
                if j < len(arg):
                    out.flags.append(Flag(c, arg[j:], i))
                elif i + 1 < n:
                    out.flags.append(Flag(c, words[i + 1], i, i + 1))
                    consumed_next = True
                else:
                    out.flags.append(Flag(c, "", i))
                    out.errors.append((i, f'nginx: option "-{c}" requires a value'))
                break
            else:
                out.errors.append((i, f'nginx: invalid option: "{c}"'))
                break
        i += 2 if consumed_next else 1


# ---------------------------------------------------------------------------------------------
# Shell words
# ---------------------------------------------------------------------------------------------

_OPERATOR_CHARS = ";&|<>()"
_OPERATORS = ("&&", "||", ";;", ">>", "<<", ">&", "<&", "&>", ">|")


def split_command(text: str) -> list[tuple[str, int, int]]:
    """Split ``text`` as a POSIX shell would, without expansion.

    Returns (word, start, end) with offsets into ``text`` (end exclusive, quotes included), so
    a caller can point at one argument. Quotes and backslashes are removed from the word;
    backslash-newline joins lines; unquoted operators (``;``, ``&&``, ``|``, ``>`` ...) are
    words of their own; a ``#`` starting a word comments out the rest of the line. An unclosed
    quote runs to the end of the text. Never raises.
    """
    if not isinstance(text, str):
        return []
    out: list[tuple[str, int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            continue
        if c in " \t\r\n":
            i += 1
            continue
        if c == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if c in _OPERATOR_CHARS:
            two = text[i : i + 2]
            if two in _OPERATORS:
                out.append((two, i, i + 2))
                i += 2
            else:
                out.append((c, i, i + 1))
                i += 1
            continue
        start = i
        buf = []
        while i < n:
            c = text[i]
            if c in " \t\r\n" or c in _OPERATOR_CHARS:
                break
            if c == "\\":
                if i + 1 < n:
                    if text[i + 1] != "\n":
                        buf.append(text[i + 1])
                    i += 2
                else:
                    i += 1  # a trailing backslash escapes nothing
                continue
            if c == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    buf.append(text[i + 1 :])
                    i = n
                else:
                    buf.append(text[i + 1 : end])
                    i = end + 1
                continue
            if c == '"':
                i += 1
                while i < n and text[i] != '"':
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
                        if text[i + 1] != "\n":
                            buf.append(text[i + 1])
                        i += 2
                        continue
                    buf.append(text[i])
                    i += 1
                i += 1  # the closing quote (or past the end)
                continue
            buf.append(c)
            i += 1
        out.append(("".join(buf), start, min(i, n)))
    return out


# ---------------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------------

# oauth2-proxy reads OAUTH2_PROXY_<cfg name upper-cased> (viper SetEnvPrefix("OAUTH2_PROXY") +
# AutomaticEnv on the `cfg` struct tags, pkg/apis/options/load.go). The cfg name is the flag
# with "-" written "_", except these, whose cfg name is plural (struct tags in
# pkg/apis/options/*.go, 14af295). OAUTH2_PROXY_EMAIL_DOMAIN (singular) is ignored by
# oauth2-proxy, so it maps to nothing here.
_O2P_PLURAL_CFG: dict[str, str] = {
    "cookie_domains": "cookie-domain",
    "upstreams": "upstream",
    "tls_cipher_suites": "tls-cipher-suite",
    "keycloak_groups": "keycloak-group",
    "entra_id_allowed_tenants": "entra-id-allowed-tenant",
    "github_users": "github-user",
    "gitlab_groups": "gitlab-group",
    "gitlab_projects": "gitlab-project",
    "google_groups": "google-group",
    "provider_ca_files": "provider-ca-file",
    "oidc_audience_claims": "oidc-audience-claim",
    "oidc_extra_audiences": "oidc-extra-audience",
    "oidc_public_key_files": "oidc-public-key-file",
    "oidc_enabled_signing_algs": "oidc-enabled-signing-alg",
    "allowed_groups": "allowed-group",
    "allowed_roles": "allowed-role",
    "exclude_logging_paths": "exclude-logging-path",
    "trusted_proxy_ips": "trusted-proxy-ip",
    "trusted_ips": "trusted-ip",
    "email_domains": "email-domain",
    "whitelist_domains": "whitelist-domain",
    "htpasswd_user_groups": "htpasswd-user-group",
    "api_routes": "api-route",
    "skip_auth_routes": "skip-auth-route",
}
_O2P_IRREGULAR_FLAGS = frozenset(_O2P_PLURAL_CFG.values())
# main.go's own flags (config, alpha-config, version, ...) are not bound to the environment.
_O2P_NOT_ENV = frozenset(
    {"config", "alpha-config", "convert-config-to-alpha", "version", "config-test"}
)


def env_flags(program: str | None, env: dict[str, str]) -> dict[str, str]:
    """The flags a program reads from its environment: flag name -> value.

    oauth2-proxy: OAUTH2_PROXY_EMAIL_DOMAINS -> email-domain, OAUTH2_PROXY_COOKIE_SECURE ->
    cookie-secure ... Empty values are skipped (viper treats an empty variable as unset).
    Other programs read no flags from the environment: {}.
    """
    prog = canonical_program(program) if program else None
    if program and prog is None:
        prog = program
    if prog not in (None, "oauth2-proxy") or not env:
        return {}
    out: dict[str, str] = {}
    try:
        items = list(env.items())
    except AttributeError:
        return {}
    for var, value in items:
        if not isinstance(var, str):
            continue
        upper = var.strip().upper()
        if not upper.startswith("OAUTH2_PROXY_"):
            continue
        value = "" if value is None else str(value)
        if value == "":
            continue
        cfg = upper[len("OAUTH2_PROXY_") :].lower()
        if not cfg:
            continue
        if cfg in _O2P_PLURAL_CFG:
            flag = _O2P_PLURAL_CFG[cfg]
        else:
            flag = cfg.replace("_", "-")
            if flag in _O2P_IRREGULAR_FLAGS or flag in _O2P_NOT_ENV:
                continue
        out[flag] = value
    return out


def grafana_env_name(section: str, key: str) -> str:
    """Grafana's env variable for an ini setting (pkg/setting EnvKey): GF_<SECTION>_<KEY>, upper
    case; "." and "-" in the section and "." in the key become "_" (a "-" in a key stays)."""
    s = (section or "").replace(".", "_").upper().replace("-", "_")
    k = (key or "").replace(".", "_").upper()
    return f"GF_{s}_{k}"


def grafana_setting(env: dict[str, str], section: str, key: str) -> tuple[str, str] | None:
    """(variable, value) setting Grafana's [section] key from the environment, or None.

    GF_<SECTION>_<KEY> wins when non-empty (Grafana ignores empty values). Otherwise a non-empty
    GF_<SECTION>_<KEY>__FILE (read by the Docker image's run.sh) is returned with its name, so
    the value is a file path. Variable names are matched case-sensitively, as the OS does.
    """
    if not env:
        return None
    name = grafana_env_name(section, key)
    try:
        value = env.get(name)
        file_value = env.get(name + "__FILE")
    except AttributeError:
        return None
    if value is not None and str(value) != "":
        return name, str(value)
    if file_value is not None and str(file_value) != "":
        return name + "__FILE", str(file_value)
    return None


def _octet(text: str) -> bool:
    return int(text) <= 255 and (text == "0" or not text.startswith("0"))


def is_loopback(host: str) -> bool:
    """``host`` may carry a port (``localhost:9090``, ``[::1]:9090``); only localhost,
    127.0.0.0/8 and ::1 count, compared exactly."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host == "localhost":
        return True
    parts = host.split(".")
    if len(parts) == 4 and all(p.isdigit() and p.isascii() and _octet(p) for p in parts):
        return parts[0] == "127"  # a plain dotted quad, as ipaddress would read it
    import ipaddress  # only for the few hosts that reach this point

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
