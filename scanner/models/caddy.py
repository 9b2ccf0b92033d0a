"""What a Caddy site does with a request: which handler answers a path, and whether basic_auth,
forward_auth or an access rule stands in front of it.

Caddy sorts the directives of a site (and of each handle block) into a fixed order before it
runs them (https://caddyserver.com/docs/caddyfile/directives#directive-order): basic_auth runs
before handle and respond, respond before reverse_proxy, whatever order the file lists them in;
same-named directives go most specific path first, then other matchers in file order, then the
ones with no matcher. ``route`` keeps its order. Of the handle blocks at one level only the first
that matches runs. A matcher that depends on more than the path (remote_ip, header, method ...)
is "maybe": a handler behind it is taken as reachable by some clients and not others, which is
what an access rule is.
"""

from __future__ import annotations

import fnmatch

from ..parsers.caddyfile import Directive, Site, Token
from ..prefix_table import PrefixTable
from .nginx import PORT_PROGRAMS, program_by_name

_ORDER = (
    "tracing map vars fs root log_append log_skip skip_log log_name header copy_response_headers "
    "request_body redir method rewrite uri try_files basic_auth forward_auth request_header "
    "encode push intercept templates invoke handle handle_path route abort error copy_response "
    "respond metrics reverse_proxy php_fastcgi file_server acme_server"
).split()
_RANK = {name: i for i, name in enumerate(_ORDER)}
_ALIASES = {"basicauth": "basic_auth"}
_GROUPED = ("handle", "handle_path")  # mutually exclusive at one level
_AUTH = ("basic_auth", "forward_auth")
_ANSWERS = ("abort", "error", "respond", "redir", "file_server", "php_fastcgi", "acme_server")
_ANSWERS += ("metrics", "copy_response")

# Paths a caller of a monitoring backend uses: the UI, the query API, the admin and lifecycle
# endpoints, Alertmanager's API, Pushgateway's push path.
PROBES = (
    "/",
    "/api/v1/query",
    "/api/v1/admin/tsdb/delete_series",
    "/-/quit",
    "/-/reload",
    "/api/v2/silences",
    "/metrics/job/x",
    "/api/v1/admin/wipe",
)

MAYBE = "maybe"


def name_of(directive: Directive) -> str:
    return _ALIASES.get(directive.name, directive.name)


def matcher_token(directive: Directive) -> Token | None:
    """The matcher a directive starts with: ``*``, a path, or ``@name``."""
    if len(directive.tokens) < 2:
        return None
    token = directive.tokens[1]
    if token.quoted:
        return None
    text = token.text
    return token if text == "*" or text.startswith(("/", "@")) else None


class Address:
    __slots__ = ("token", "scheme", "host", "port")

    def __init__(self, token: Token):
        self.token = token
        text = token.text
        self.scheme = None
        if "://" in text:
            self.scheme, _, text = text.partition("://")
            self.scheme = self.scheme.lower()
        text = text.split("/", 1)[0]
        host, port = text, None
        if text.startswith("["):
            close = text.find("]")
            host, rest = text[: close + 1], text[close + 1 :]
            port = rest[1:] if rest.startswith(":") else None
        elif ":" in text:
            host, _, port = text.rpartition(":")
        self.host = host or None
        self.port = int(port) if port and port.isdigit() else None

    def plain_http(self, tls_directive: bool) -> bool:
        """Served without TLS: http://, the HTTP port, or no host name or IP to get a
        certificate for (https://caddyserver.com/docs/automatic-https#activation), unless the
        site loads certificates itself with ``tls``."""
        if self.scheme == "http":
            return True
        if self.scheme == "https" or tls_directive:
            return False
        return self.port == 80 or self.host is None

    def why_plain(self) -> str:
        if self.scheme == "http":
            return "an http:// address"
        if self.port == 80:
            return "port 80"
        return "no host name or IP, so no automatic HTTPS"

    def listen_port(self, tls_directive: bool) -> int:
        if self.port is not None:
            return self.port
        return 80 if self.plain_http(tls_directive) else 443


class Upstream:
    __slots__ = ("directive", "token", "host", "port", "program", "service")

    def __init__(self, directive: Directive, token: Token):
        self.directive = directive
        self.token = token
        text = token.text
        scheme = None
        if "://" in text:
            scheme, _, text = text.partition("://")
        host, _, port = text.split("/", 1)[0].rpartition(":")
        if not host:
            host, port = port, ""
        self.host = None if token.unknown or "{" in host else (host or "localhost")
        default = 443 if scheme == "https" else 80
        self.port = int(port) if port.isdigit() else default
        self.program = program_by_name(self.host) or PORT_PROGRAMS.get(self.port)
        self.service = None  # the stack model's service, when it resolves


class Outcome:
    """How a request ends: ``kind`` is proxy, refused (4xx, abort, error) or answered."""

    __slots__ = ("kind", "directive", "auth", "restricted")

    def __init__(self, kind, directive, auth, restricted):
        self.kind = kind
        self.directive = directive
        self.auth = auth  # the basic_auth / forward_auth in force, or None
        self.restricted = restricted  # some clients are turned away by a matcher

    @property
    def protected(self) -> bool:
        return self.auth is not None or self.restricted


class SiteModel:
    def __init__(self, site: Site):
        self.site = site
        self.addresses = [Address(t) for t in site.addresses]
        self.matchers: dict[str, list[Directive]] = {}
        self.tls_directive = None
        for directive in site.directives:
            for d in directive.walk():
                if d.name.startswith("@"):
                    self.matchers[d.name] = [d] if d.block is None else d.block
        for d in site.directives:
            if d.name == "tls" and d.args and d.args[0] != "off":
                self.tls_directive = d
        self._levels: dict[tuple[int, bool], tuple[list, _Level]] = {}
        self._parents: dict[int, Directive | None] | None = None

    def plain_http(self) -> list[Address]:
        return [a for a in self.addresses if a.plain_http(self.tls_directive is not None)]

    def ports(self) -> set[int]:
        return {a.listen_port(self.tls_directive is not None) for a in self.addresses}

    def proxies(self) -> list[Directive]:
        return [d for top in self.site.directives for d in top.walk() if d.name == "reverse_proxy"]

    def upstreams(self, directive: Directive) -> list[Upstream]:
        tokens = directive.tokens[2:] if matcher_token(directive) else directive.tokens[1:]
        for sub in directive.block or ():
            if sub.name == "to":
                tokens = tokens + sub.tokens[1:]
        return [Upstream(directive, t) for t in tokens]

    def route(self, path: str) -> Outcome | None:
        return self._run(self.site.directives, path.lower(), None, False, literal=False)

    def reaches(self, directive: Directive) -> list[Outcome]:
        """The outcomes of the probe paths (also under the path prefixes the directive sits
        behind) that end at ``directive``."""
        found = []
        for request in self._requests(directive):
            outcome = self.route(request)
            if outcome is not None and outcome.directive is directive:
                found.append(outcome)
        return found

    def forwards(self, directive: Directive, path: str) -> bool:
        return any(
            (o := self.route(r)) is not None and o.directive is directive and o.kind == "proxy"
            for r in self._prefixed(directive, path)
        )

    def _requests(self, directive: Directive) -> list[str]:
        prefixes = self._prefixes(directive)
        requests = [prefix.rstrip("/") + probe for probe in PROBES for prefix in prefixes]
        requests.extend(p for p in prefixes if p)
        return list(dict.fromkeys(requests))

    def _prefixed(self, directive: Directive, path: str) -> list[str]:
        return [prefix.rstrip("/") + path for prefix in self._prefixes(directive)]

    def _prefixes(self, directive: Directive) -> list[str]:
        prefixes = [""]
        for d in self._chain(directive):
            token = matcher_token(d)
            texts = []
            if token is not None and token.text.startswith("/"):
                texts = [token.text]
            elif token is not None and token.text.startswith("@"):
                for condition in self.matchers.get(token.text, ()):
                    if condition.name == "path":
                        texts.extend(condition.args)
            for text in texts:
                literal = text.split("*", 1)[0]
                if literal not in prefixes:
                    prefixes.append(literal)
        return prefixes

    def _chain(self, target) -> list[Directive]:
        """The directives from the site's top level down to ``target``, [] when it is not in
        the site. Parents are mapped once: a search per directive would be quadratic."""
        if self._parents is None:
            self._parents = {}
            pending = [(d, None) for d in self.site.directives]
            while pending:  # not recursive: the depth of the blocks is the file's to choose
                d, parent = pending.pop()
                self._parents[id(d)] = parent
                pending.extend((child, d) for child in d.block or ())
        if id(target) not in self._parents:
            return []
        chain = []
        while target is not None:
            chain.append(target)
            target = self._parents[id(target)]
        return chain[::-1]

    def _level(self, directives, literal) -> _Level:
        key = (id(directives), literal)
        cached = self._levels.get(key)
        if cached is None:
            # the list is kept beside its level so that its id cannot be reused
            cached = self._levels[key] = (directives, _Level(directives, literal, self.matchers))
        return cached[1]

    def _run(self, directives, path, auth, restricted, literal) -> Outcome | None:
        grouped_done = False
        for d in self._level(directives, literal).candidates(path):
            name = name_of(d)
            verdict = self.matches(d, path)
            if verdict is False:
                continue
            if name in _AUTH:
                auth = auth or d
            elif name in _GROUPED or name == "route":
                if name in _GROUPED:
                    if grouped_done:
                        continue
                    grouped_done = verdict is True
                inner = path
                token = matcher_token(d)
                if name == "handle_path" and token is not None and token.text.startswith("/"):
                    literal_prefix = token.text.split("*", 1)[0].rstrip("/").lower()
                    inner = path[len(literal_prefix) :] or "/"
                outcome = self._run(
                    d.block or (), inner, auth, restricted or verdict == MAYBE, name == "route"
                )
                if outcome is not None:
                    return outcome
                if verdict is True and name in _GROUPED:
                    return None  # the chosen handle answered nothing; Caddy returns an empty 200
            elif name == "reverse_proxy":
                return Outcome("proxy", d, auth, restricted or verdict == MAYBE)
            elif name in _ANSWERS:
                refuses = _refuses(d)
                if verdict == MAYBE:
                    restricted = restricted or refuses
                    continue
                return Outcome("refused" if refuses else "answered", d, auth, restricted)
        return None

    def matches(self, directive: Directive, path: str):
        """True, False, or MAYBE when the matcher looks at more than the path."""
        token = matcher_token(directive)
        if token is None or token.text == "*":
            return True
        if token.text.startswith("/"):
            return _path_matches(token.text, path)
        conditions = self.matchers.get(token.text)
        if conditions is None:
            return MAYBE  # defined in an import we could not read, or misspelt
        return self._all(conditions, path)

    def _all(self, conditions, path):
        verdicts = [self._condition(c, path) for c in conditions]
        if False in verdicts:
            return False
        return True if all(v is True for v in verdicts) else MAYBE

    def _condition(self, condition: Directive, path: str):
        # `@name path /x` and `not not path /x` on one line: counted, not recursed into, as a
        # line may hold any number of them
        tokens = condition.tokens
        start = 1 if condition.name.startswith("@") else 0
        negations = 0
        while start < len(tokens) and tokens[start].text == "not":
            negations, start = negations + 1, start + 1
        if start < len(tokens):
            if tokens[start].text != "path":
                return MAYBE
            verdict = any(_path_matches(t.text, path) is True for t in tokens[start + 1 :])
        elif negations and condition.block is not None:  # `not { ... }`
            verdict = self._all(condition.block, path)
        else:
            return MAYBE
        if verdict == MAYBE:
            return MAYBE
        return verdict if negations % 2 == 0 else not verdict


class _Level:
    """One block's directives in the order Caddy runs them, indexed by the text their path
    matcher starts with: routing a path then looks only at the directives that may match it,
    not at every handle of a site with thousands."""

    __slots__ = ("ordered", "_starts")

    def __init__(self, directives, literal: bool, matchers: dict):
        self.ordered = list(directives) if literal else _sorted(directives)
        table: dict[str, list[int]] = {}
        for position, d in enumerate(self.ordered):
            if name_of(d).startswith("@"):
                continue  # a matcher's definition, not a step of the route
            for start in set(_path_starts(d, matchers)):
                table.setdefault(start, []).append(position)
        self._starts = PrefixTable(table)

    def candidates(self, path: str) -> list[Directive]:
        """The directives whose matcher may match ``path`` (every other one is False for it),
        in the order they run."""
        groups = self._starts.every(path)
        positions = groups[0] if len(groups) == 1 else sorted(p for g in groups for p in g)
        return [self.ordered[p] for p in positions]


def _path_starts(directive: Directive, matchers: dict) -> list[str]:
    """Texts one of which a path starts with whenever the directive's matcher matches it: the
    lower-cased text before the first ``*`` of each path it may match; [""] when the matcher
    looks at more than the path, or nothing is known."""
    token = matcher_token(directive)
    if token is None or token.text == "*":
        return [""]
    if token.text.startswith("/"):
        return [token.text.split("*", 1)[0].lower()]
    for condition in matchers.get(token.text, ()):
        args = condition.args
        if condition.name.startswith("@") and args[:1] == ["path"]:
            args = args[1:]  # `@name path /x` on one line
        elif condition.name != "path":
            continue
        if args:  # the conditions of a set must all hold: one path condition is enough
            return [arg.split("*", 1)[0].lower() for arg in args]
    return [""]


def _path_matches(pattern: str, path: str) -> bool:
    pattern = pattern.lower()
    if "*" not in pattern:
        return path == pattern
    escaped = pattern.replace("[", "[[]").replace("?", "[?]")
    return fnmatch.fnmatchcase(path, escaped)


def _refuses(directive: Directive) -> bool:
    name = name_of(directive)
    if name in ("abort", "error"):
        return True
    if name != "respond":
        return False
    args = directive.args[1:] if matcher_token(directive) else directive.args
    for arg in args[:2]:
        if arg.isdigit() and len(arg) == 3:
            return arg[0] in "45"
    return False


def _specificity(directive: Directive):
    token = matcher_token(directive)
    if token is None:
        return (2, 0)
    if token.text.startswith("/"):
        text = token.text
        return (0, -len(text.rstrip("*")), text.endswith("*"))
    return (1, 0)


def _sorted(directives) -> list[Directive]:
    unknown = len(_ORDER)

    def rank(directive):
        name = name_of(directive)
        # Caddy sorts handle_path as a handle (normalizeDirectiveName): one exclusive group
        return _RANK.get("handle" if name == "handle_path" else name, unknown)

    keyed = sorted(
        enumerate(directives),
        key=lambda item: (rank(item[1]), _specificity(item[1]), item[0]),
    )
    return [d for _, d in keyed]


def sites(doc):
    """The site models of a Caddyfile document (built once per document)."""
    cached = doc.cache.get("caddy")
    if cached is None:
        cached = doc.cache["caddy"] = [SiteModel(s) for s in doc.roots[0].sites]
    return cached
