"""Terraform modules as the rules see them: a folder of .tf files evaluated as far as the code
itself says, and no further.

A value is a Val: a Python value (str, int, float, bool, None, list of Val, dict of Val) or
UNKNOWN, with the place where it was written and the way it travelled to where it is used
(``via``: a variable default, a tfvars file, a local, a module input). Rules report at the
argument in the resource, and list ``via`` as related locations, so a finding that only holds
because of a variable default says so and points at both lines.

What the code does not say stays UNKNOWN: data sources, remote state, computed attributes (ids,
ARNs), functions not listed in _FUNCTIONS, conditions on unknown values. A list can be partly
known (``concat(var.unset, ["0.0.0.0/0"])`` certainly contains 0.0.0.0/0); rules only ever act
on known parts.
"""

from __future__ import annotations

import os
import re

MAX_EVAL_DEPTH = 60  # references followed through variables, locals, outputs and modules
# Module calls followed below a root: Terraform has no limit, real stacks go a handful deep;
# every call is evaluated once per caller, so the total is bounded too (a module calling two
# others at every level would otherwise double the work at each one).
MAX_MODULE_DEPTH = 32
MAX_MODULES = 512
MAX_INSTANCES = 64  # count / for_each / dynamic elements looked at per block
# A value bigger than this becomes UNKNOWN: locals that double a list or a string at every step
# would otherwise grow exponentially (an HCL cousin of the YAML alias bomb).
MAX_VALUE_NODES = 10_000
MAX_STRING = 256 * 1024
_META_ARGUMENTS = frozenset(("source", "version", "count", "for_each", "providers", "depends_on"))


class _Unknown:
    __slots__ = ()

    def __repr__(self):
        return "UNKNOWN"


UNKNOWN = _Unknown()
PLACEHOLDER = "__promguard_unknown__"  # stands for an unknown part of a partly known string


class Hop:
    """One step on the way from where a value is written to where it is used."""

    __slots__ = ("text", "path", "line", "column")

    def __init__(self, text: str, path: str, line: int, column: int = 1):
        self.text, self.path, self.line, self.column = text, path, line, column


class Val:
    __slots__ = ("value", "path", "line", "column", "via", "ref", "partial", "heredoc", "size")

    def __init__(self, value, path="", line=0, column=0, via=(), ref=None, partial=None):
        self.value = value
        if isinstance(value, list):
            self.size = 1 + sum(item.size for item in value)
        elif isinstance(value, dict):
            self.size = 1 + sum(item.size for item in value.values())
        else:
            self.size = 1
        self.path, self.line, self.column = path, line, column
        self.via: tuple[Hop, ...] = via
        self.ref = ref  # the Resource an unknown attribute (an id, an ARN) belongs to
        self.partial = partial  # an unknown string's text with PLACEHOLDER for unknown parts
        # written as a heredoc: None, or the columns its lines moved left (<<- removes indent);
        # its text starts on the line after ``line``
        self.heredoc: int | None = None

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def items(self) -> list[Val]:
        """The elements of a list or set (of a map: its values); [] when unknown."""
        if isinstance(self.value, list):
            return self.value
        if isinstance(self.value, dict):
            return list(self.value.values())
        return []

    def get(self, key: str) -> Val | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def plain(self):
        """The value as plain Python (UNKNOWN where unknown)."""
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        return self.value

    def text(self) -> str | None:
        """A known scalar as Terraform turns it into a string; None otherwise."""
        value = self.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (str, int, float)):
            return str(value)
        return None


def _unknown(ref=None) -> Val:
    return Val(UNKNOWN, ref=ref)


def _with_hop(val: Val, hop: Hop, depth: int = 0) -> Val:
    """The same value, seen through one more hop (nested values too: a rule may pick one
    element of a list that came from a variable default)."""
    value = val.value
    if depth < 20 and isinstance(value, list):
        value = [_with_hop(v, hop, depth + 1) for v in value]
    elif depth < 20 and isinstance(value, dict):
        value = {k: _with_hop(v, hop, depth + 1) for k, v in value.items()}
    copy = Val(value, val.path, val.line, val.column, (hop,) + val.via, val.ref, val.partial)
    copy.heredoc = val.heredoc
    return copy


class TfFile:
    __slots__ = ("path", "abspath", "body")

    def __init__(self, path: str, abspath: str, body):
        self.path = path
        self.abspath = abspath
        self.body = body


class Resource:
    """A resource or data block; ``mode`` is "resource" or "data"."""

    __slots__ = ("mode", "type", "name", "block", "file", "module")

    def __init__(self, mode, kind, name, block, file, module):
        self.mode, self.type, self.name = mode, kind, name
        self.block, self.file, self.module = block, file, module

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    def instances(self) -> list[Instance]:
        """The resource once per count index or for_each element that the code makes known;
        once with unknown bindings when the count or the set is not known."""
        scope = Scope(self.module, self.file)
        return [
            Instance(self.block, scope.bind(name, binding), self.address, self)
            for name, binding in _expansions(self.block.body, scope)
        ]


def _expansions(body, scope) -> list[tuple[str | None, Val | None]]:
    count = body.attributes.get("count")
    each = body.attributes.get("for_each")
    if count is not None:
        n = evaluate(count.expr, scope)
        if isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return [
                ("count", Val({"index": Val(i)})) for i in range(min(int(n.value), MAX_INSTANCES))
            ]
        return [("count", Val({"index": _unknown()}))]
    if each is not None:
        collection = evaluate(each.expr, scope)
        pairs = _pairs(collection)
        if pairs is None:
            return [("each", Val({"key": _unknown(), "value": _unknown()}))]
        return [("each", Val({"key": k, "value": v})) for k, v in pairs[:MAX_INSTANCES]]
    return [(None, None)]


def _pairs(collection: Val) -> list[tuple[Val, Val]] | None:
    """for_each's elements as (key, value): a map's keys, a set's values (as both)."""
    if isinstance(collection.value, dict):
        return [(Val(k), v) for k, v in collection.value.items()]
    if isinstance(collection.value, list):
        return [(v, v) for v in collection.value]
    return None


class Scope:
    """Where an expression is evaluated: its module, its file, and the names bound around it
    (count, each, a dynamic block's iterator, a for expression's variables)."""

    __slots__ = ("module", "file", "bindings")

    def __init__(self, module: Module, file: TfFile, bindings: dict | None = None):
        self.module = module
        self.file = file
        self.bindings = bindings or {}

    def bind(self, name: str | None, value: Val | None) -> Scope:
        if name is None:
            return self
        return Scope(self.module, self.file, {**self.bindings, name: value})


class Instance:
    """A block in its scope: a resource instance, or a nested block (dynamic ones expanded)."""

    __slots__ = ("block", "scope", "address", "resource")

    def __init__(self, block, scope: Scope, address: str, resource: Resource):
        self.block = block
        self.scope = scope
        self.address = address  # for key paths: aws_security_group.prom.ingress[1]
        self.resource = resource

    @property
    def path(self) -> str:
        return self.scope.file.path

    def attribute(self, name: str):
        return self.block.body.attributes.get(name)

    def get(self, name: str) -> Val | None:
        """The argument's value; None when the argument is not written."""
        attribute = self.block.body.attributes.get(name)
        return evaluate(attribute.expr, self.scope) if attribute is not None else None

    def blocks(self, kind: str) -> list[Instance]:
        """Nested blocks of that type, written out or made by `dynamic "kind"`, in order."""
        found = []
        for block in self.block.body.blocks:
            if block.type == kind and not block.labels:
                found.append(Instance(block, self.scope, "", self.resource))
            elif block.type == "dynamic" and block.labels == [kind]:
                found.extend(self._dynamic(block))
        for i, instance in enumerate(found):
            instance.address = f"{self.address}.{kind}[{i}]"
        return found

    def _dynamic(self, block) -> list[Instance]:
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if content is None:
            return []
        iterator = block.labels[0]
        named = block.body.attributes.get("iterator")
        if named is not None and _root_name(named.expr):
            iterator = _root_name(named.expr)
        each = block.body.attributes.get("for_each")
        collection = evaluate(each.expr, self.scope) if each is not None else _unknown()
        pairs = _pairs(collection)
        if isinstance(collection.value, list):  # over a list, the key is the index
            pairs = [(Val(i), v) for i, (_, v) in enumerate(pairs)]
        if pairs is None:
            pairs = [(_unknown(), _unknown())]
        return [
            Instance(content, self.scope.bind(iterator, Val({"key": k, "value": v})), "", None)
            for k, v in pairs[:MAX_INSTANCES]
        ] or []


def _root_name(expr) -> str | None:
    from ..parsers.hcl import Variable

    return expr.name if isinstance(expr, Variable) else None


class Module:
    """One folder of .tf files, evaluated either as a root module (variables from tfvars and
    defaults) or as a child (variables from the calling module block, then defaults)."""

    def __init__(self, folder: str, files: list[TfFile], tfvars: list[TfFile], loader, caller=None):
        self.folder = folder
        self.files = files
        self.tfvars = tfvars if caller is None else []  # terraform reads tfvars for the root only
        self.loader = loader
        self.caller = caller  # (calling Instance, module name) for a child module
        self.depth = 0 if caller is None else caller[0].scope.module.depth + 1
        self.variables: dict[str, tuple] = {}
        self.locals: dict[str, tuple] = {}
        self.outputs: dict[str, tuple] = {}
        self.resources: list[Resource] = []
        self.by_address: dict[tuple[str, str, str], Resource] = {}
        self.calls: dict[str, tuple] = {}  # module blocks: name -> (Block, TfFile)
        self.outside: dict[
            str, tuple
        ] = {}  # local modules outside the scan: (Block, TfFile, source)
        self._values: dict[str, Val] = {}
        self._children: dict[str, Module | None] = {}
        self.evaluating: set = set()
        for file in files:
            self._index(file)

    def _index(self, file: TfFile) -> None:
        for block in file.body.blocks:
            labels = block.labels
            if block.type in ("resource", "data") and len(labels) == 2:
                resource = Resource(block.type, labels[0], labels[1], block, file, self)
                self.resources.append(resource)
                self.by_address[(block.type, labels[0], labels[1])] = resource
            elif block.type == "variable" and len(labels) == 1:
                self.variables[labels[0]] = (block, file)
            elif block.type == "locals":
                for name, attribute in block.body.attributes.items():
                    self.locals[name] = (attribute, file)
            elif block.type == "output" and len(labels) == 1:
                self.outputs[labels[0]] = (block, file)
            elif block.type == "module" and len(labels) == 1:
                self.calls[labels[0]] = (block, file)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.mode == "resource" and r.type in types]

    def variable(self, name: str) -> Val:
        key = "var." + name
        if key in self._values:
            return self._values[key]
        self._values[key] = _unknown()  # a variable whose default refers to itself
        value = self._variable(name)
        self._values[key] = value
        return value

    def _variable(self, name: str) -> Val:
        if self.caller is not None:
            instance, call_name = self.caller
            attribute = instance.attribute(name)
            if attribute is not None:
                hop = Hop(
                    f"input `{name}` of module `{call_name}`",
                    instance.path,
                    attribute.line,
                    attribute.column,
                )
                return _with_hop(evaluate(attribute.expr, instance.scope), hop)
        for file in reversed(self.tfvars):  # *.auto.tfvars after terraform.tfvars: last wins
            attribute = file.body.attributes.get(name)
            if attribute is not None:
                value = evaluate(attribute.expr, Scope(self, file))
                name_of = os.path.basename(file.path)
                hop = Hop(f"`{name}` in {name_of}", file.path, attribute.line, attribute.column)
                return _with_hop(value, hop)
        declared = self.variables.get(name)
        if declared is None:
            return _unknown()
        block, file = declared
        default = block.body.attributes.get("default")
        if default is None:
            return _unknown()
        value = evaluate(default.expr, Scope(self, file))
        hop = Hop(f"the default of variable `{name}`", file.path, default.line, default.column)
        return _with_hop(value, hop)

    def local(self, name: str) -> Val:
        key = "local." + name
        if key in self._values:
            return self._values[key]
        self._values[key] = _unknown()
        found = self.locals.get(name)
        value = _unknown()
        if found is not None:
            attribute, file = found
            value = evaluate(attribute.expr, Scope(self, file))
            hop = Hop(f"local `{name}`", file.path, attribute.line, attribute.column)
            value = _with_hop(value, hop)
        self._values[key] = value
        return value

    def child(self, name: str) -> Module | None:
        """The module a `module "name"` block calls, when its source is a local folder that
        the scan may read; None otherwise (registry and git modules are not fetched)."""
        if name in self._children:
            return self._children[name]
        self._children[name] = None
        found = self.calls.get(name)
        if found is None or self.depth >= MAX_MODULE_DEPTH:
            return None
        block, file = found
        source = block.body.attributes.get("source")
        text = evaluate(source.expr, Scope(self, file)).text() if source is not None else None
        if not text or not text.startswith(("./", "../")):
            return None
        caller_scope = Scope(self, file)
        instances = [
            Instance(block, caller_scope.bind(n, b), f"module.{name}", None)
            for n, b in _expansions(block.body, caller_scope)
        ]
        if not instances:
            return None  # count = 0: the module is not used
        folder = os.path.normpath(os.path.join(self.folder, text))
        if not self.loader.allowed(folder):
            self.outside[name] = (block, file, text)  # reported by TF10, not read
            return None
        child = self.loader.module(folder, (instances[0], name))
        self._children[name] = child
        return child

    def output(self, name: str) -> Val:
        found = self.outputs.get(name)
        if found is None:
            return _unknown()
        block, file = found
        value = block.body.attributes.get("value")
        if value is None:
            return _unknown()
        return evaluate(value.expr, Scope(self, file))


# evaluation


def evaluate(expr, scope: Scope, depth: int = 0) -> Val:
    """The value of ``expr`` in ``scope``: never raises, UNKNOWN where the code does not say."""
    if depth > MAX_EVAL_DEPTH:
        return _unknown()
    method = _EVALUATORS.get(type(expr).__name__)
    if method is None:
        return _unknown()
    try:
        value = method(expr, scope, depth + 1)
    except (TypeError, ValueError, ArithmeticError, KeyError, IndexError, RecursionError):
        return _unknown()  # terraform would fail the plan here; promguard just does not know
    if value.size > MAX_VALUE_NODES or (
        isinstance(value.value, str) and len(value.value) > MAX_STRING
    ):
        return _unknown()
    if not value.path and expr is not None:
        value.path, value.line, value.column = scope.file.path, expr.line, expr.column
    indent = getattr(expr, "indent", None) if type(expr).__name__ == "Heredoc" else None
    if type(expr).__name__ == "Template":
        indent = expr.heredoc
    if indent is not None:
        value.heredoc = indent
    return value


def _here(expr, scope, value) -> Val:
    return Val(value, scope.file.path, expr.line, expr.column)


def _literal(expr, scope, depth):
    return _here(expr, scope, expr.value)


def _template(expr, scope, depth):
    pieces, partial, known = [], [], not expr.directive
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(part)
            partial.append(part)
            continue
        text = evaluate(part, scope, depth).text()
        if text is None:
            known = False
            partial.append(PLACEHOLDER)
        else:
            pieces.append(text)
            partial.append(text)
    if known:
        return _here(expr, scope, "".join(pieces))
    value = _here(expr, scope, UNKNOWN)
    value.partial = "".join(partial)
    return value


def _tuple(expr, scope, depth):
    return _here(expr, scope, [evaluate(item, scope, depth) for item in expr.items])


def _object(expr, scope, depth):
    result = {}
    for key_expr, value_expr in expr.items:
        key = evaluate(key_expr, scope, depth).text()
        if key is None:
            return _here(expr, scope, UNKNOWN)  # an unknown key could be any key
        result[key] = evaluate(value_expr, scope, depth)
    return _here(expr, scope, result)


def _variable(expr, scope, depth):
    bound = scope.bindings.get(expr.name)
    if bound is not None:
        return bound
    return _unknown()


def _traversal(expr, scope, depth):
    from ..parsers.hcl import Variable

    steps = list(expr.steps)
    source = expr.source
    module = scope.module
    if isinstance(source, Variable) and source.name not in scope.bindings:
        name = source.name
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if name == "var" and first:
            return _follow(module.variable(first), steps[1:], scope, depth)
        if name == "local" and first:
            return _follow(module.local(first), steps[1:], scope, depth)
        if name == "module" and first:
            child = module.child(first)
            if child is None or len(steps) < 2 or steps[1][0] != "attr":
                return _unknown()
            output = steps[1][1]
            value = child.output(output)
            hop = Hop(f"output `{output}` of module `{first}`", scope.file.path, expr.line)
            return _follow(_with_hop(value, hop), steps[2:], scope, depth)
        if name in ("data", "path", "terraform", "self") or first is None:
            return _unknown()
        return _resource_reference(name, steps, scope, depth)
    return _follow(evaluate(source, scope, depth), steps, scope, depth)


def _resource_reference(kind, steps, scope, depth):
    name = steps[0][1]
    resource = scope.module.by_address.get(("resource", kind, name))
    if resource is None:
        return _unknown()
    rest = steps[1:]
    if rest and rest[0][0] in ("index", "splat"):
        rest = rest[1:]  # one instance stands for all: their arguments are written once
    if not rest or rest[0][0] != "attr":
        return _unknown(ref=resource)
    attribute = resource.block.body.attributes.get(rest[0][1])
    if attribute is None:
        return _unknown(ref=resource)  # computed by the provider: an id, an ARN
    key = ("resource", resource.address, rest[0][1])
    if key in scope.module.evaluating:
        return _unknown(ref=resource)
    scope.module.evaluating.add(key)
    try:
        instance = resource.instances()[0] if resource.instances() else None
        if instance is None:
            return _unknown(ref=resource)
        value = evaluate(attribute.expr, instance.scope, depth)
    finally:
        scope.module.evaluating.discard(key)
    return _follow(value, rest[1:], scope, depth)


def _follow(value: Val, steps, scope, depth) -> Val:
    for i, (kind, arg) in enumerate(steps):
        if kind == "splat":
            rest = steps[i + 1 :]
            return (
                Val([_follow(v, rest, scope, depth) for v in value.items()])
                if isinstance(value.value, list)
                else _unknown()
            )
        if kind == "attr":
            key = arg
        else:
            key_val = evaluate(arg, scope, depth)
            key = key_val.value if isinstance(value.value, list) else key_val.text()
        if isinstance(value.value, dict) and isinstance(key, str):
            value = value.value.get(key) or _unknown()
        elif isinstance(value.value, list) and isinstance(key, (int, float)):
            index = int(key)
            value = value.value[index] if 0 <= index < len(value.value) else _unknown()
        else:
            return _unknown(ref=value.ref)
    return value


def _conditional(expr, scope, depth):
    cond = evaluate(expr.cond, scope, depth).value
    if cond is True:
        return evaluate(expr.yes, scope, depth)
    if cond is False:
        return evaluate(expr.no, scope, depth)
    return _here(expr, scope, UNKNOWN)


_ARITHMETIC = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _operation(expr, scope, depth):
    values = [evaluate(operand, scope, depth) for operand in expr.operands]
    plain = [v.plain() for v in values]
    op = expr.op
    if len(values) == 1:
        (value,) = plain
        if op == "!" and isinstance(value, bool):
            return _here(expr, scope, not value)
        if op == "-" and _is_number(value):
            return _here(expr, scope, -value)
        return _here(expr, scope, UNKNOWN)
    left, right = plain
    if op in ("&&", "||"):
        # false && anything is false, true || anything is true, whatever is unknown
        short = op == "||"
        if short in (left, right):
            return _here(expr, scope, short)
        if isinstance(left, bool) and isinstance(right, bool):
            return _here(expr, scope, not short)
        return _here(expr, scope, UNKNOWN)
    if _has_unknown(left) or _has_unknown(right):
        return _here(expr, scope, UNKNOWN)
    if op == "==":
        return _here(expr, scope, left == right)
    if op == "!=":
        return _here(expr, scope, left != right)
    if _is_number(left) and _is_number(right):
        return _here(expr, scope, _ARITHMETIC[op](left, right))
    return _here(expr, scope, UNKNOWN)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has_unknown(value, depth=0) -> bool:
    if value is UNKNOWN or depth > 20:
        return True
    if isinstance(value, list):
        return any(_has_unknown(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_has_unknown(v, depth + 1) for v in value.values())
    return False


def _for(expr, scope, depth):
    pairs = _pairs(evaluate(expr.collection, scope, depth))
    if pairs is None:
        return _here(expr, scope, UNKNOWN)
    collection = evaluate(expr.collection, scope, depth)
    if isinstance(collection.value, list):
        pairs = [(Val(i), v) for i, (_, v) in enumerate(pairs)]
    items: list = []
    mapping: dict = {}
    for key, value in pairs[: MAX_INSTANCES * 4]:
        inner = scope.bind(expr.value_var, value)
        if expr.key_var:
            inner = inner.bind(expr.key_var, key)
        if expr.cond is not None:
            keep = evaluate(expr.cond, inner, depth).value
            if keep is False:
                continue
            if keep is not True:
                return _here(expr, scope, UNKNOWN)
        if expr.is_object:
            name = evaluate(expr.key, inner, depth).text()
            if name is None:
                return _here(expr, scope, UNKNOWN)
            mapping[name] = evaluate(expr.value, inner, depth)
        else:
            items.append(evaluate(expr.value, inner, depth))
    return _here(expr, scope, mapping if expr.is_object else items)


def _call(expr, scope, depth):
    function = _FUNCTIONS.get(expr.name.split("::")[-1] if "::" in expr.name else expr.name)
    if function is None:
        return _here(expr, scope, UNKNOWN)
    args = [evaluate(arg, scope, depth) for arg in expr.args]
    if expr.expand and args:
        last = args.pop()
        if not isinstance(last.value, list):
            return _here(expr, scope, UNKNOWN)
        args.extend(last.value)
    result = function(*args)
    if isinstance(result, Val):
        return result
    return _here(expr, scope, result)


_EVALUATORS = {
    "Literal": _literal,
    "Heredoc": _literal,
    "Template": _template,
    "Tuple": _tuple,
    "Object": _object,
    "Variable": _variable,
    "Traversal": _traversal,
    "Conditional": _conditional,
    "Operation": _operation,
    "For": _for,
    "Call": _call,
}


# functions: each takes Vals and returns a Val or a plain value (UNKNOWN when it cannot tell)


def _fn_concat(*lists):
    items: list = []
    for value in lists:
        if isinstance(value.value, list):
            items.extend(value.value)
        else:
            items.append(_unknown())  # its elements are unknown, the others are still there
    return items


def _fn_toset(value):
    if not isinstance(value.value, list):
        return value
    seen, items = set(), []
    for item in value.value:
        key = repr(item.plain())
        if item.known and key in seen:
            continue
        seen.add(key)
        items.append(item)
    return items


def _fn_merge(*maps):
    merged: dict = {}
    for value in maps:
        if value.value is None:
            continue
        if not isinstance(value.value, dict):
            return UNKNOWN  # an unknown map could set any key
        merged.update(value.value)
    return merged


def _fn_lookup(mapping, key, default=None):
    name = key.text()
    if not isinstance(mapping.value, dict) or name is None:
        return UNKNOWN
    if name in mapping.value:
        return mapping.value[name]
    return default if default is not None else UNKNOWN


_VERB = re.compile(r"%(%|[-+# 0]*\d*(?:\.\d+)?[sdvqfbtxXoeEgG])")


def _fn_format(fmt, *args):
    text = fmt.text()
    if text is None:
        return UNKNOWN
    values = list(args)
    out: list[str] = []
    position = 0
    for match in _VERB.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        verb = match.group(1)
        if verb == "%":
            out.append("%")
            continue
        if not values:
            return UNKNOWN
        piece = values.pop(0).text()
        if piece is None or verb[-1] not in "sdv":
            return UNKNOWN
        out.append(piece)
    out.append(text[position:])
    return "".join(out)


def _fn_flatten(value, depth=0):
    if not isinstance(value.value, list) or depth > 20:
        return UNKNOWN
    items: list = []
    for item in value.value:
        if isinstance(item.value, list):
            inner = _fn_flatten(item, depth + 1)
            items.extend(inner if isinstance(inner, list) else [_unknown()])
        else:
            items.append(item)
    return items


def _fn_element(value, index):
    if isinstance(value.value, list) and value.value and _is_number(index.value):
        return value.value[int(index.value) % len(value.value)]
    return UNKNOWN


def _fn_coalesce(*values):
    for value in values:
        if not value.known:
            return UNKNOWN
        if value.value not in (None, ""):
            return value
    return UNKNOWN


def _fn_join(separator, value):
    sep = separator.text()
    texts = [v.text() for v in value.items()] if isinstance(value.value, list) else [None]
    if sep is None or None in texts:
        return UNKNOWN
    return sep.join(texts)


def _fn_split(separator, value):
    sep, text = separator.text(), value.text()
    if sep is None or text is None:
        return UNKNOWN
    return [Val(part, value.path, value.line, value.column, value.via) for part in text.split(sep)]


def _string_fn(function):
    def apply(value):
        text = value.text()
        return function(text) if text is not None else UNKNOWN

    return apply


def _fn_tonumber(value):
    text = value.text()
    if text is None:
        return UNKNOWN
    number = float(text)
    return int(number) if number.is_integer() else number


def _fn_length(value):
    if isinstance(value.value, (list, dict, str)):
        return len(value.value)
    return UNKNOWN


def _fn_keys(value):
    if isinstance(value.value, dict):
        return [Val(k) for k in sorted(value.value)]
    return UNKNOWN


def _fn_values(value):
    if isinstance(value.value, dict):
        return [value.value[k] for k in sorted(value.value)]
    return UNKNOWN


def _fn_contains(value, item):
    if isinstance(value.value, list) and item.known and not _has_unknown(value.plain()):
        return item.plain() in value.plain()
    return UNKNOWN


def _fn_encode(value):
    # jsonencode/yamlencode produce a string in Terraform; rules want the structure inside
    # (Helm values written as yamlencode({...})), so the structure is passed on as it is.
    return value


def _fn_try(*values):
    return values[0] if values and values[0].known else UNKNOWN


_FUNCTIONS = {
    "concat": _fn_concat,
    "tolist": lambda v: v,
    "toset": _fn_toset,
    "tomap": lambda v: v,
    "tostring": lambda v: v.text() if v.text() is not None else UNKNOWN,
    "tonumber": _fn_tonumber,
    "merge": _fn_merge,
    "lookup": _fn_lookup,
    "format": _fn_format,
    "flatten": _fn_flatten,
    "element": _fn_element,
    "coalesce": _fn_coalesce,
    "join": _fn_join,
    "split": _fn_split,
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "trimspace": _string_fn(str.strip),
    "length": _fn_length,
    "keys": _fn_keys,
    "values": _fn_values,
    "contains": _fn_contains,
    "distinct": _fn_toset,
    "compact": lambda v: (
        [i for i in v.items() if i.value not in ("", None)]
        if isinstance(v.value, list)
        else UNKNOWN
    ),
    "jsonencode": _fn_encode,
    "yamlencode": _fn_encode,
    "try": _fn_try,
}


# loading


_TFVARS = re.compile(r"^(terraform\.tfvars|.+\.auto\.tfvars)$")


def tfvars_name(path: str) -> bool:
    return bool(_TFVARS.match(os.path.basename(path)))


class Loader:
    """Builds modules from folders through the engine's reader (``parse(abspath)`` gives a
    TfFile or None, with the scan's limits, and refuses paths outside the scanned tree)."""

    def __init__(self, parse, listdir, allowed):
        self.parse = parse
        self.listdir = listdir
        self.allowed = allowed  # folder -> bool: may this module folder be read?
        self.chain: list[str] = []
        self.made = 0  # modules built through this loader (MAX_MODULES)

    def files(self, folder: str) -> tuple[list[TfFile], list[TfFile]]:
        names = sorted(self.listdir(folder))
        tf = [self.parse(os.path.join(folder, n)) for n in names if n.endswith(".tf")]
        tfvars = [n for n in names if tfvars_name(n)]
        # terraform.tfvars first, then *.auto.tfvars in name order: later files win
        tfvars.sort(key=lambda n: (n != "terraform.tfvars", n))
        vars_files = [self.parse(os.path.join(folder, n)) for n in tfvars]
        return [f for f in tf if f is not None], [f for f in vars_files if f is not None]

    def module(self, folder: str, caller=None) -> Module | None:
        if folder in self.chain or not self.allowed(folder) or len(self.chain) > MAX_MODULE_DEPTH:
            return None  # a module that calls itself, or one outside the scanned tree
        if self.made >= MAX_MODULES:
            return None
        self.made += 1
        files, tfvars = self.files(folder)
        if not files:
            return None
        self.chain.append(folder)
        try:
            module = Module(folder, files, tfvars, self, caller)
            module.child_modules = [module.child(name) for name in sorted(module.calls)]
        finally:
            self.chain.pop()
        return module


def walk_modules(module: Module | None, depth: int = 0):
    """The module and every local module it calls, depth first."""
    if module is None or depth > MAX_MODULE_DEPTH:
        return
    yield module
    for child in getattr(module, "child_modules", ()):
        yield from walk_modules(child, depth + 1)


def local_sources(files: list[TfFile], folder: str) -> list[str]:
    """The folders that this module's `module` blocks call with a literal local source."""
    from ..parsers.hcl import Literal

    found = []
    for file in files:
        for block in file.body.blocks_of("module"):
            source = block.body.attributes.get("source")
            if source is not None and isinstance(source.expr, Literal):
                text = source.expr.value
                if isinstance(text, str) and text.startswith(("./", "../")):
                    found.append(os.path.normpath(os.path.join(folder, text)))
    return found
