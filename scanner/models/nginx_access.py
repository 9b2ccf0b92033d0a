"""Who gets through an nginx location: authentication, allow/deny and satisfy as nginx applies
them, and which location serves a URI when some regexes cannot be evaluated.

Light on purpose (functions of the locations the nginx model builds): the nginx rules import
it at start-up, the model itself only when an nginx file is scanned."""

from __future__ import annotations


def arg_of(directive, index=0, default=""):
    return (
        directive.args[index] if directive is not None and len(directive.args) > index else default
    )


def last_of(directives):
    return directives[-1] if directives else None


def authenticated(location) -> bool:
    """Basic auth or an auth subrequest in force here (`off` switches either off)."""
    for name in ("auth_basic", "auth_request", "auth_jwt"):
        last = last_of(location.effective(name))
        if last is not None and arg_of(last) != "off":
            return True
    return False


def access_denied_by_default(rules) -> bool:
    """allow/deny rules that end by refusing everyone else (`deny all` before any `allow all`)."""
    for rule in rules:
        target = arg_of(rule)
        if rule.name == "allow" and target in ("all", "0.0.0.0/0", "::/0"):
            return False
        if rule.name == "deny" and target == "all":
            return True
    return False


def access_rules(location):
    """allow/deny in force here, in the order nginx applies them (first match wins)."""
    return location.access_rules()


def protected(location) -> bool:
    """Someone who is neither authenticated nor on an allowed network is turned away. With
    `satisfy any`, passing the access rules is enough, so a broad allow opens the door."""
    rules = access_rules(location)
    restricted = access_denied_by_default(rules)
    if arg_of(last_of(location.effective("satisfy"))) == "any" and _broad_allow(rules):
        return False
    return authenticated(location) or restricted


def _broad_allow(rules) -> bool:
    for rule in rules:
        if rule.name == "deny" and arg_of(rule) == "all":
            return False
        if rule.name == "allow" and arg_of(rule) in ("all", "0.0.0.0/0", "::/0"):
            return True
    return False


def refuses(location) -> bool:
    """`deny all` in force, or a 4xx `return` in the location itself."""
    for directive in location.effective("deny"):
        if directive.args and directive.args[0] == "all":
            return True
    own = location.directive.block or ()
    return any(d.name == "return" and d.args and d.args[0].startswith("4") for d in own)


def serving(server, uri, holds):
    """The location nginx picks for ``uri`` when ``holds(location)`` is true of it, else None.

    A regex location before the pick whose pattern cannot be evaluated (syntax RE2 lacks, such
    as a backreference) may be the one that serves ``uri`` instead, so such a location is
    neither taken to serve the URI nor taken not to: the answer stands only when ``holds`` is
    also true of every one of them. A finding then never rests on a guess (the request might
    go to the other location), and one that holds wherever the request goes is not lost.
    """
    selection = server.select(uri)
    location = selection.location
    if location is None or not holds(location):
        return None
    return location if all(holds(other) for other in selection.unknown) else None
