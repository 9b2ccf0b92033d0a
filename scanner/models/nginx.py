"""The settings in force in each nginx server and location, with nginx's own inheritance.

nginx merges configuration levels (main -> http -> server -> location -> nested location or
``if``) in each module's ``merge_loc_conf``/``merge_srv_conf`` function; the rules below follow
those functions and the reference at https://nginx.org/en/docs/:

* a directive set at a level is in force in the inner levels that do not set it
  (``ngx_conf_merge_*_value``: child value if set, else parent value);
* "array" directives are inherited as a whole, only when the inner level has none of them
  (``if (conf->x == NULL) conf->x = prev->x``): add_header/add_trailer ("inherited from the
  previous configuration level if and only if there are no add_header directives defined on the
  current level", ngx_http_headers_module), proxy_set_header and the other *_set_header/*_param
  directives (ngx_http_proxy_module: "inherited ... if and only if there are no
  proxy_set_header directives defined on the current level"), error_page, limit_req,
  limit_conn, index, access_log, ssl_certificate, proxy_hide_header, sub_filter ...;
* allow and deny are one list (ngx_http_access_module merge: the rules are inherited only when
  the level has no allow and no deny at all): the rules of the innermost level that has any of
  them apply;
* root and alias are one setting (ngx_http_core_module merge);
* ``add_header_inherit on | off | merge`` (nginx 1.29.3, ngx_http_headers_module) changes the
  add_header rule: ``merge`` appends the inner level's headers to the inherited ones, ``off``
  inherits none; the mode itself inherits normally (same for add_trailer_inherit);
* auth_basic, auth_basic_user_file (ngx_http_auth_basic_module: "auth_basic off" cancels the
  inherited one), auth_request (ngx_http_auth_request_module: "auth_request off"), satisfy,
  server_tokens, ssl_protocols, ssl_ciphers, ssl and proxy_* settings inherit normally (ssl_*
  are server-level settings: a location sees its server's);
* the rewrite module's directives (return, rewrite, set, break, if) run at the level they are
  written at and are not inherited; neither are the content handlers (proxy_pass, fastcgi_pass,
  uwsgi_pass, scgi_pass, grpc_pass, memcached_pass, stub_status): "handler directives don't
  inherit". An ``if`` inside a location and a ``limit_except`` block keep the location's
  handler when they set none (ngx_http_update_location_config only replaces the content handler
  when the block has one; ngx_http_proxy_merge_loc_conf copies the upstream into ``if`` and
  ``limit_except`` configurations), so their target is the location's.
"""

from __future__ import annotations

import re

from .. import patterns
from ..parsers.nginx import Directive, NginxConfig
from ..prefix_table import PrefixTable

# Directives that are not inherited: only the level's own count.
NOT_INHERITED = frozenset(
    (
        "proxy_pass",
        "fastcgi_pass",
        "uwsgi_pass",
        "scgi_pass",
        "grpc_pass",
        "memcached_pass",
        "return",
        "rewrite",
        "set",
        "break",
        "if",
        "location",
        "limit_except",
        "stub_status",
        "server",
        "include",
        "internal",
    )
)
# Directives that are inherited as one setting: the innermost level with any of them decides.
GROUPS = {
    "allow": ("allow", "deny"),
    "deny": ("allow", "deny"),
    "root": ("root", "alias"),
    "alias": ("root", "alias"),
}
_HEADER_LISTS = ("add_header", "add_trailer")
PASS_DIRECTIVES = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass")
_DEFAULT_SCHEME = {
    "proxy_pass": "http",
    "fastcgi_pass": "fastcgi",
    "uwsgi_pass": "uwsgi",
    "scgi_pass": "scgi",
    "grpc_pass": "grpc",
}
_DEFAULT_PORT = {"http": 80, "https": 443, "grpc": 80, "grpcs": 443}
# Substrings of host and upstream names, most specific first ("prometheus-pushgateway").
NAME_HINTS = (
    ("pushgateway", "pushgateway"),
    ("alertmanager", "alertmanager"),
    ("node-exporter", "node_exporter"),
    ("node_exporter", "node_exporter"),
    ("nodeexporter", "node_exporter"),
    ("blackbox", "blackbox_exporter"),
    ("snmp-exporter", "snmp_exporter"),
    ("snmp_exporter", "snmp_exporter"),
    ("cadvisor", "cadvisor"),
    ("grafana", "grafana"),
    ("prometheus", "prometheus"),
)
# Default ports (https://github.com/prometheus/prometheus/wiki/Default-port-allocations).
PORT_PROGRAMS = {
    9090: "prometheus",
    9093: "alertmanager",
    9091: "pushgateway",
    9100: "node_exporter",
    9115: "blackbox_exporter",
    9116: "snmp_exporter",
    3000: "grafana",
}  # 8080 is cAdvisor's only with a cadvisor name, which NAME_HINTS already covers
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


class _Level:
    """One configuration level (a block's directives) with an index by name, built on first
    use: a level (http) is shared by every server and location below it."""

    __slots__ = ("directives", "_index")

    def __init__(self, directives):
        self.directives = directives
        self._index = None

    def get(self, name: str) -> list:
        if self._index is None:
            index: dict[str, list] = {}
            for d in self.directives:
                index.setdefault(d.name, []).append(d)
            self._index = index
        return self._index.get(name, _NONE)


_NONE: list = []


def _effective(levels, name: str) -> list[Directive]:
    """The directives named ``name`` in force at the innermost of ``levels`` (outermost
    first)."""
    if not levels:
        return []
    if name in NOT_INHERITED:
        return list(levels[-1].get(name))
    if name in _HEADER_LISTS:
        return _headers(levels, name)
    group = GROUPS.get(name)
    for level in reversed(levels):
        if group is None:
            found = level.get(name)
            if found:
                return list(found)
        elif any(level.get(n) for n in group):
            return list(level.get(name))
    return []


def _headers(levels, name: str) -> list[Directive]:
    """add_header / add_trailer with add_header_inherit (ngx_http_headers_module, 1.29.3)."""
    mode_name = name + "_inherit"
    result: list[Directive] = []
    mode = "on"
    for level in levels:
        own = level.get(name)
        modes = [d for d in level.get(mode_name) if d.args]
        if modes:
            mode = modes[-1].args[0].lower()
        if mode == "off":
            result = list(own)
        elif own:
            result = result + own if mode == "merge" else list(own)
    return result


def _value(levels, name: str):
    found = _effective(levels, name)
    return found[-1] if found else None


class Listen:
    __slots__ = ("directive", "address", "port", "ssl", "default_server", "http2")

    def __init__(self, directive, address, port, ssl=False, default_server=False, http2=False):
        self.directive = directive  # None for the implicit "listen 80"
        self.address = address  # "*", "127.0.0.1", "[::]", "unix:/path"
        self.port = port  # None for a unix socket
        self.ssl = ssl
        self.default_server = default_server
        self.http2 = http2

    @classmethod
    def parse(cls, directive: Directive) -> Listen:
        """ngx_http_core_listen: "443", "[::]:443", "127.0.0.1", "host:8080", "unix:/path"."""
        arg = directive.args[0] if directive.args else ""
        params = {a.lower() for a in directive.args[1:]}
        address, port = "*", 80
        if arg.lower().startswith("unix:"):
            address, port = arg, None
        elif arg.startswith("["):
            close = arg.find("]")
            address = arg[: close + 1] if close >= 0 else arg
            rest = arg[close + 1 :] if close >= 0 else ""
            port = _port(rest[1:]) if rest.startswith(":") else 80
        elif arg.isdigit():
            port = int(arg)
        elif ":" in arg:
            address, _, text = arg.rpartition(":")
            port = _port(text)
        elif arg:
            address = arg
        return cls(
            directive,
            address,
            port,
            ssl="ssl" in params or "quic" in params,
            default_server="default_server" in params or "default" in params,
            http2="http2" in params,
        )

    def __repr__(self):
        return f"Listen({self.address}:{self.port}{' ssl' if self.ssl else ''})"


def _port(text: str):
    return int(text) if text.isdigit() and len(text) <= 5 else None


class Target:
    __slots__ = (
        "directive",
        "scheme",
        "host",
        "port",
        "upstream",
        "servers",
        "program",
        "variable",
        "service",
    )

    def __init__(self, directive):
        self.directive = directive  # the proxy_pass (fastcgi_pass, grpc_pass ...)
        self.scheme = None  # http, https, grpc, grpcs, fastcgi, uwsgi, scgi
        self.host = None  # None when it is a variable
        self.port = None
        self.upstream = None  # the `upstream NAME {}` Directive proxy_pass names
        self.servers: list[str] = []  # "host:port" of that upstream
        self.program = None
        self.variable = False
        self.service = None  # what the resolve hook returned (the stack model's service)

    def __repr__(self):
        return f"Target({self.scheme}://{self.host}:{self.port} -> {self.program})"


def make_target(directive: Directive, upstreams: dict, resolve=None) -> Target:
    """What ``proxy_pass`` (or another *_pass) sends to. ``resolve(host, port)`` is the seam
    for the stack model: it may return a program name, or an object (a compose service) with a
    ``program`` attribute; None leaves the recognition by names and ports."""
    target = Target(directive)
    url = directive.args[0] if directive.args else ""
    target.variable = "$" in url
    m = _SCHEME.match(url)
    if m:
        target.scheme = m.group(1).lower()
        rest = url[m.end() :]
    else:
        target.scheme = _DEFAULT_SCHEME.get(directive.name)
        rest = url
    if rest.lower().startswith("unix:"):
        # http://unix:/run/prometheus.sock:/uri
        path = rest[5:]
        colon = path.find(":")
        target.host = "unix:" + (path[:colon] if colon >= 0 else path)
    else:
        authority = rest.split("/", 1)[0].split("?", 1)[0]
        host, port = authority, None
        if authority.startswith("["):
            close = authority.find("]")
            host = authority[: close + 1]
            tail = authority[close + 1 :]
            port = _port(tail[1:]) if tail.startswith(":") else None
        elif ":" in authority:
            host, _, text = authority.rpartition(":")
            digits = re.match(r"\d*", text).group()  # "9090$request_uri"
            port = _port(digits)
        if "$" in host or not host:
            host = None
        target.host = host
        target.port = port
        if host is not None and port is None:
            # proxy_pass http://NAME uses `upstream NAME {}` when there is one (nginx refuses a
            # port on a name that is an upstream: "upstream may not have port")
            upstream = upstreams.get(host.lower())
            if upstream is not None:
                target.upstream = upstream
                target.servers = _upstream_servers(upstream)
            else:
                target.port = _DEFAULT_PORT.get(target.scheme or "")
    target.program = _recognise(target)
    if resolve is not None and target.host is not None:
        found = resolve(target.host, target.port)
        if found is not None:
            target.service = found
            program = found if isinstance(found, str) else getattr(found, "program", None)
            if program:
                target.program = program
    return target


def _upstream_servers(upstream: Directive) -> list[str]:
    out = []
    for d in upstream.block or ():
        if d.name != "server" or not d.args or d.block is not None:
            continue
        address = d.args[0]
        if not address.lower().startswith("unix:") and not re.search(r":\d+$", address):
            address += ":80"
        out.append(address)
    return out


def program_by_name(name: str | None):
    """The monitoring program a host or upstream name suggests (prometheus-0, am.internal)."""
    if not name:
        return None
    lowered = name.lower()
    for hint, program in NAME_HINTS:
        if hint in lowered:
            return program
    return None


def _recognise(target: Target):
    names = []
    if target.upstream is not None and target.upstream.args:
        names.append(target.upstream.args[0])
    names.append(target.host)
    hosts = []
    for server in target.servers:
        host, _, port = server.rpartition(":")
        hosts.append((host, _port(port)))
    names.extend(h for h, _ in hosts)
    for name in names:
        program = program_by_name(name)
        if program:
            return program
    for port in [target.port] + [p for _, p in hosts]:
        if port in PORT_PROGRAMS:
            return PORT_PROGRAMS[port]
    return None


class Location:
    """A ``location`` block, or an ``if`` block (in_if=True), or a ``limit_except`` block
    (modifier "limit_except", only reachable through ``Location.limit_except``)."""

    __slots__ = (
        "directive",
        "server",
        "modifier",
        "match",
        "parent",
        "nested",
        "in_if",
        "_levels",
        "_target",
    )

    def __init__(self, directive, server, parent, levels, in_if=False):
        self.directive = directive
        self.server = server
        self.parent = parent  # the enclosing Location, None at server level
        self.nested: list[Location] = []  # locations and ifs directly inside
        self.in_if = in_if
        self._levels = levels
        self._target = False
        self.modifier, self.match = _location_match(directive, in_if)

    def effective(self, name: str) -> list[Directive]:
        return _effective(self._levels, name)

    def value(self, name: str):
        return _value(self._levels, name)

    def access_rules(self) -> list[Directive]:
        """The allow and deny rules in force, in order (the first match decides)."""
        for level in reversed(self._levels):
            if level.get("allow") or level.get("deny"):
                return [d for d in level.directives if d.name in ("allow", "deny")]
        return []

    @property
    def auth_basic(self) -> bool:
        """Basic authentication is on: an auth_basic other than "off" and a user file."""
        realm = self.value("auth_basic")
        if realm is None or not realm.args or realm.args[0] == "off":
            return False
        return self.value("auth_basic_user_file") is not None

    @property
    def auth_request(self) -> bool:
        sub = self.value("auth_request")
        return sub is not None and bool(sub.args) and sub.args[0] not in ("off", "")

    @property
    def limit_except(self):
        for d in self.directive.block or ():
            if d.name == "limit_except" and d.block is not None:
                loc = Location(d, self.server, self, self._levels + [_Level(d.block)])
                loc._target = self.target
                return loc
        return None

    @property
    def target(self):
        """The effective proxy_pass (fastcgi_pass ...): the location's own; an ``if`` block
        without one keeps its location's."""
        if self._target is False:
            self._target = None
            for name in PASS_DIRECTIVES:
                own = [d for d in self.directive.block or () if d.name == name]
                if own:
                    model = self.server._model if self.server is not None else None
                    upstreams = model.upstreams if model is not None else {}
                    resolve = model._resolve if model is not None else None
                    self._target = make_target(own[-1], upstreams, resolve)
                    break
            if self._target is None and self.in_if and self.parent is not None:
                self._target = self.parent.target
        return self._target

    def __repr__(self):
        kind = "if" if self.in_if else "location"
        return f"Location({kind} {self.modifier or ''}{self.match!r}@{self.directive.line})"


def _location_match(directive: Directive, in_if: bool):
    """(modifier, match) as ngx_http_core_location reads them: "= /x", "=/x", "~* re", "@name"."""
    args = directive.args
    if in_if or directive.name != "location":
        return (None if in_if else directive.name), " ".join(args)
    if len(args) >= 2:
        return args[0], args[1]
    if not args:
        return None, ""
    name = args[0]
    if name.startswith("="):
        return "=", name[1:]
    if name.startswith("^~"):
        return "^~", name[2:]
    if name.startswith("~*"):
        return "~*", name[2:]
    if name.startswith("~"):
        return "~", name[1:]
    if name.startswith("@"):
        return "@", name
    return None, name


class Selection:
    """The top-level location nginx picks for a URI: ``location`` (None when none serves it),
    and ``unknown``, the regex locations tried before that pick whose pattern could not be
    evaluated (patterns.UNKNOWN): any one of them may be the pick instead."""

    __slots__ = ("location", "unknown")

    def __init__(self, location, unknown=()):
        self.location = location
        self.unknown = tuple(unknown)

    @property
    def candidates(self) -> tuple:
        """Every location that may serve the URI, the pick last."""
        return self.unknown + (self.location,)

    def __repr__(self):
        return f"Selection({self.location!r}, unknown={list(self.unknown)!r})"


# Characters that stand for themselves in PCRE and RE2 alike, outside a character class.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-~%:@,;=&!")


def literal_prefix(pattern: str) -> str:
    """Text every string that ``pattern`` matches starts with: the plain characters after a
    leading ``^``, when no top-level ``|`` offers a way around them; "" when unsure. A regex
    location is only tried on URIs that start with it, which keeps the regexes tried per URI
    few; it has to hold for PCRE (nginx's engine) too, as unevaluable patterns are filtered
    the same way."""
    if not pattern.startswith("^") or _may_bypass_start(pattern):
        return ""
    end = 1
    while end < len(pattern) and pattern[end] in _PLAIN:
        end += 1
    if end < len(pattern) and pattern[end] in "*?+{":
        end -= 1  # the last character is quantified, maybe away
    return pattern[1:end]


def _may_bypass_start(pattern: str) -> bool:
    """Whether a ``|`` outside every group may offer an alternative to the start; True for the
    syntax this scan does not follow: \\Q...\\E quoting, and ``#``, which starts a comment
    in (?#...) and in extended mode (?x), where brackets and bars do not count."""
    if "\\Q" in pattern or "#" in pattern:
        return True
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return True
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return True
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _class_end(pattern: str, start: int) -> int:
    """The index after the ``]`` closing the class opened at ``start``, -1 when unclosed. A
    ``]`` first (after an optional ``^``) is a literal one; ``[:alpha:]`` is a POSIX class."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "]":
            return i + 1
        if c == "[" and pattern.startswith(":", i + 1):
            close = pattern.find(":]", i + 2)
            if close < 0:
                return -1
            i = close + 2
            continue
        i += 1
    return -1


class _LocationIndex:
    """A server's top-level locations indexed once, so that picking the location for a URI
    costs O(log N) plus the regex locations whose literal prefix the URI has, not a pass over
    every location."""

    __slots__ = ("exact", "prefixes", "regexes", "_sensitive", "_caseless", "_picked")

    # Picks remembered per server: the rules ask the same URIs again and again.
    CACHE = 65536

    def __init__(self, top):
        self.exact: dict[str, Location] = {}
        prefixes: dict[str, Location] = {}
        self.regexes: list[Location] = []
        sensitive: dict[str, list[int]] = {}
        caseless: dict[str, list[int]] = {}
        for location in top:
            modifier = location.modifier or ""
            if modifier == "=":
                self.exact.setdefault(location.match, location)  # the first one wins
            elif modifier in ("", "^~"):
                prefixes.setdefault(location.match, location)
            elif modifier in ("~", "~*"):
                literal = literal_prefix(location.match)
                table = caseless if modifier == "~*" else sensitive
                key = literal.lower() if modifier == "~*" else literal
                table.setdefault(key, []).append(len(self.regexes))
                self.regexes.append(location)
        self.prefixes = PrefixTable(prefixes)
        self._sensitive = PrefixTable(sensitive)
        self._caseless = PrefixTable(caseless)
        self._picked: dict[str, Selection] = {}

    def select(self, uri: str) -> Selection:
        picked = self._picked.get(uri)
        if picked is None:
            picked = self._select(uri)
            if len(self._picked) >= self.CACHE:
                self._picked.clear()
            self._picked[uri] = picked
        return picked

    def _select(self, uri: str) -> Selection:
        """An exact match, else the longest prefix (taken at once with ^~), else the first
        matching regex in file order, else that longest prefix."""
        exact = self.exact.get(uri)
        if exact is not None:
            return Selection(exact)
        best = self.prefixes.longest(uri)
        if best is not None and best.modifier == "^~":
            return Selection(best)
        unknown = []
        for i in self._regexes_for(uri):
            location = self.regexes[i]
            verdict = patterns.nginx_location(location.modifier, location.match, uri)
            if verdict:
                return Selection(location, unknown)
            if verdict is patterns.UNKNOWN:
                unknown.append(location)
        return Selection(best, unknown)

    def _regexes_for(self, uri: str) -> list[int]:
        """The regex locations that may match ``uri``, in file order."""
        if not uri.isascii():
            # Caseless matching folds some non-ASCII letters onto ASCII ones (K, the Kelvin
            # sign, is k): the literal prefixes prove nothing, try every regex.
            return list(range(len(self.regexes)))
        found = self._sensitive.every(uri) + self._caseless.every(uri.lower())
        return sorted(i for indexes in found for i in indexes)


class Server:
    __slots__ = ("directive", "listens", "names", "locations", "_levels", "_model", "_index")

    def __init__(self, directive, levels, model):
        self.directive = directive  # None for a server-level fragment (top-level locations)
        self._levels = levels
        self._model = model
        block = levels[-1].directives
        self.listens = [Listen.parse(d) for d in block if d.name == "listen"] or [
            Listen(None, "*", 80)
        ]
        self.names = [a for d in block if d.name == "server_name" for a in d.args]
        self.locations: list[Location] = []
        self._index = None
        self._collect(block, None, levels)

    def _collect(self, block, parent, levels):
        for d in block:
            if d.block is None or d.name not in ("location", "if"):
                continue
            loc = Location(d, self, parent, levels + [_Level(d.block)], in_if=d.name == "if")
            self.locations.append(loc)
            if parent is not None:
                parent.nested.append(loc)
            self._collect(d.block, loc, loc._levels)

    def effective(self, name: str) -> list[Directive]:
        return _effective(self._levels, name)

    def value(self, name: str):
        return _value(self._levels, name)

    def select(self, uri: str) -> Selection:
        """The top-level location nginx picks for ``uri`` (nested locations and ``if`` blocks
        are not followed), with the unevaluable regex locations that may take it instead."""
        if self._index is None:
            top = [loc for loc in self.locations if loc.parent is None and not loc.in_if]
            self._index = _LocationIndex(top)
        return self._index.select(uri)

    @property
    def tls(self) -> bool:
        if any(listen.ssl for listen in self.listens):
            return True
        ssl = self.value("ssl")  # the old "ssl on;" (http or server level)
        return ssl is not None and bool(ssl.args) and ssl.args[0].lower() == "on"

    def __repr__(self):
        return f"Server({self.names[:1]} {self.listens})"


class NginxModel:
    __slots__ = ("config", "http", "servers", "upstreams", "_levels", "_resolve")

    def __init__(self, config: NginxConfig, resolve=None):
        self.config = config
        self._resolve = resolve
        top = config.directives
        https = [d for d in top if d.name == "http" and d.block is not None]
        self.http = https[0] if https else None
        if https:
            main = [d for d in top if d not in https]
            http_level = [d for h in https for d in h.block]
        else:
            main, http_level = [], list(top)  # a fragment included in http {}
        self._levels = [_Level(main), _Level(http_level)]
        self.upstreams: dict[str, Directive] = {}
        for d in http_level:
            if d.name == "upstream" and d.block is not None and d.args:
                self.upstreams.setdefault(d.args[0].lower(), d)
        self.servers: list[Server] = []
        blocks = [d for d in http_level if d.name == "server" and d.block is not None]
        for d in blocks:
            self.servers.append(Server(d, self._levels + [_Level(d.block)], self))
        if (
            not blocks
            and not https
            and any(
                (d.name in ("location", "if") and d.block is not None)
                or d.name in ("listen", "server_name")
                for d in top
            )
        ):
            # a server-level fragment (included in server {}): its own pseudo server
            self._levels = [_Level([]), _Level([])]
            self.servers.append(Server(None, self._levels + [_Level(list(top))], self))

    def effective(self, name: str) -> list[Directive]:
        """At http level; main-level directives (error_log, user ...) when http has none."""
        return _effective(self._levels, name)

    def value(self, name: str):
        return _value(self._levels, name)

    def locations(self):
        for server in self.servers:
            yield from server.locations

    def __repr__(self):
        return f"NginxModel({len(self.servers)} servers, {len(self.upstreams)} upstreams)"


def build_model(config: NginxConfig, resolve=None) -> NginxModel:
    """The servers, locations and upstreams of ``config``. ``resolve(host, port)`` (default
    None) lets the stack model map proxy_pass hosts to compose services."""
    return NginxModel(config, resolve)
