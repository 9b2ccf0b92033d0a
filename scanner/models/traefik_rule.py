"""A Traefik router's rule (`Host(`a`) && PathPrefix(`/api`)`): which request paths it
matches, and what else it asks of a request.

Only what the client cannot choose narrows a rule down for a security question: the path
(Path, PathPrefix, PathRegexp) and the client address (ClientIP). Host, Header, Method and
Query are the client's to send, so they match. An answer that cannot be given is None, and a
rule that cannot be read matches nothing for sure.
"""

from __future__ import annotations

MAX_RULE = 4096  # characters of a rule read
MAX_NESTING = 32

_PATH_MATCHERS = {"path", "pathprefix", "pathregexp"}


class Matcher:
    __slots__ = ("name", "args")

    def __init__(self, name: str, args: list[str]):
        self.name = name.lower()
        self.args = args


class Rule:
    """The parsed rule: a tree of ("and" | "or", [children]), ("not", child) and Matcher."""

    def __init__(self, text: str):
        self.text = text
        self.tree = _Parser(text[:MAX_RULE]).parse() if len(text) <= MAX_RULE else None

    @property
    def readable(self) -> bool:
        return self.tree is not None

    def matchers(self) -> list[Matcher]:
        found: list[Matcher] = []
        _collect(self.tree, found)
        return found

    def hosts(self) -> frozenset[str]:
        return frozenset(
            a.lower() for m in self.matchers() if m.name in ("host", "hostsni") for a in m.args
        )

    def has_path(self) -> bool:
        return any(m.name in _PATH_MATCHERS for m in self.matchers())

    def has_client_ip(self) -> bool:
        return any(m.name == "clientip" for m in self.matchers())

    def matches(self, uri: str) -> bool | None:
        """Whether a request for ``uri`` (a path) that the client shapes as it likes is
        matched: True, False, or None when it depends on something not known here."""
        if self.tree is None:
            return None
        return _evaluate(self.tree, uri)


def _collect(node, found: list) -> None:
    if isinstance(node, Matcher):
        found.append(node)
    elif isinstance(node, tuple):
        for child in node[1] if node[0] in ("and", "or") else [node[1]]:
            _collect(child, found)


def _evaluate(node, uri: str) -> bool | None:
    if isinstance(node, Matcher):
        return _match(node, uri)
    op, value = node
    if op == "not":
        inner = _evaluate(value, uri)
        return None if inner is None else not inner
    results = [_evaluate(child, uri) for child in value]
    if op == "and":
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


def _match(matcher: Matcher, uri: str) -> bool | None:
    name, args = matcher.name, matcher.args
    if name == "path":
        return any(uri == a for a in args) if all("{" not in a for a in args) else None
    if name == "pathprefix":
        if any("{" in a for a in args):
            return None  # v2 path templates with regular expressions
        return any(uri.startswith(a) for a in args)
    if name == "pathregexp":
        from promguard.patterns import search

        results = [search(a, uri) for a in args]
        if True in results:
            return True
        return None if None in results else False
    if name == "clientip":
        return None  # who sends it decides: an allowlist, not a path
    return True  # Host, HostRegexp, Header, Method, Query...: the client's choice


class _Parser:
    """Recursive descent over `a && b || !(c)`; matcher arguments in backticks or quotes."""

    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def parse(self):
        try:
            node = self._or(0)
            self._space()
            return node if self.i >= len(self.text) else None
        except ValueError:
            return None

    def _space(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n":
            self.i += 1

    def _or(self, depth: int):
        children = [self._and(depth)]
        while self._take("||"):
            children.append(self._and(depth))
        return children[0] if len(children) == 1 else ("or", children)

    def _and(self, depth: int):
        children = [self._unary(depth)]
        while self._take("&&"):
            children.append(self._unary(depth))
        return children[0] if len(children) == 1 else ("and", children)

    def _unary(self, depth: int):
        if depth > MAX_NESTING:
            raise ValueError("nested too deep")
        if self._take("!"):
            return ("not", self._unary(depth + 1))
        if self._take("("):
            node = self._or(depth + 1)
            if not self._take(")"):
                raise ValueError("unclosed parenthesis")
            return node
        return self._matcher()

    def _take(self, token: str) -> bool:
        self._space()
        if self.text.startswith(token, self.i):
            self.i += len(token)
            return True
        return False

    def _matcher(self) -> Matcher:
        self._space()
        start = self.i
        while self.i < len(self.text) and (self.text[self.i].isalnum() or self.text[self.i] == "_"):
            self.i += 1
        name = self.text[start : self.i]
        if not name or not self._take("("):
            raise ValueError("a matcher name and ( expected")
        args: list[str] = []
        while True:
            self._space()
            if self._take(")"):
                return Matcher(name, args)
            quote = self.text[self.i : self.i + 1]
            if quote not in ("`", '"', "'"):
                raise ValueError("a quoted argument expected")
            close = self.text.find(quote, self.i + 1)
            if close < 0:
                raise ValueError("unclosed argument")
            args.append(self.text[self.i + 1 : close])
            self.i = close + 1
            if not self._take(",") and not self.text.startswith(")", self._peek()):
                raise ValueError("`,` or `)` expected")

    def _peek(self) -> int:
        self._space()
        return self.i
