"""The layers keep to what they may import (ARCHITECTURE.md): the engine, models, reporters and
fixer never import the built-in rules, so those load like any plugin and can be left out; a
rule family imports models and rules/common.py, never another family; and no module reaches
for another module's private names."""

import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _modules():
    """(module name, path, is package) of every promguard module in the source tree."""
    for top, package in (("scanner", "promguard"), ("rules", "promguard.rules")):
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            if "__pycache__" in folder:
                continue
            rel = os.path.relpath(folder, os.path.join(ROOT, top))
            parts = [package] + ([] if rel == "." else rel.split(os.sep))
            for name in sorted(files):
                if name.endswith(".py"):
                    module = parts + ([] if name == "__init__.py" else [name[:-3]])
                    yield ".".join(module), os.path.join(folder, name), name == "__init__.py"


def _imports(module, path, is_package):
    """(line, imported module, names) of every import in the file, relative ones resolved."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            yield node.lineno, target, names
            for name in names:  # `from promguard import rules` imports a module too
                if f"{target}.{name}" in NAMES:
                    yield node.lineno, f"{target}.{name}", []


MODULES = list(_modules())
NAMES = {name for name, _, _ in MODULES}


def _is_rules(target: str) -> bool:
    return target == "promguard.rules" or target.startswith("promguard.rules.")


def test_nothing_outside_rules_imports_the_built_in_rules():
    found = [
        f"{module} line {line} imports {target}"
        for module, path, pkg in MODULES
        if not _is_rules(module)
        for line, target, _ in _imports(module, path, pkg)
        if _is_rules(target)
    ]
    assert found == []


def test_a_rule_family_imports_no_other_family():
    found = []
    for module, path, pkg in MODULES:
        if not module.startswith("promguard.rules."):
            continue
        for line, target, _ in _imports(module, path, pkg):
            if _is_rules(target) and target not in (
                module,
                "promguard.rules",
                "promguard.rules.common",
            ):
                found.append(f"{module} line {line} imports {target}")
    assert found == []


def test_no_module_imports_the_private_names_of_another():
    found = []
    for module, path, pkg in MODULES:
        for line, target, names in _imports(module, path, pkg):
            if target == module or target not in NAMES:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                found.append(f"{module} line {line}: {', '.join(private)} from {target}")
    assert found == []


def test_the_checks_see_the_tree():
    # the walk and the resolution of relative imports work: these imports exist
    imports = {
        (module, target)
        for module, path, pkg in MODULES
        for _, target, _ in _imports(module, path, pkg)
    }
    assert ("promguard.rules.crossfile", "promguard.models.stack") in imports
    assert ("promguard.engine", "promguard.kinds") in imports
    assert ("promguard.models.caddy", "promguard.parsers.caddyfile") in imports


def test_each_rule_module_holds_one_prefix(rules):
    from promguard.docs import family

    prefixes: dict[str, set[str]] = {}
    for rule in rules:
        if rule.source.startswith("promguard "):
            prefixes.setdefault(type(rule).__module__, set()).add(family(rule.id))
    several = {module: sorted(p) for module, p in prefixes.items() if len(p) > 1}
    assert several == {}
    owners: dict[str, list[str]] = {}
    for module, found in prefixes.items():
        for prefix in found:
            owners.setdefault(prefix, []).append(module)
    assert {p: m for p, m in owners.items() if len(m) > 1} == {}  # and one module a prefix


def test_explain_says_where_a_rule_is_defined(cli):
    run = cli("explain", "O2P04")
    assert run.returncode == 0
    assert "**Defined in:** `promguard.rules.oauth2_proxy` (rules/oauth2_proxy.py)" in run.stdout


# The modules that run every kind: none may name one (a kind's knowledge is in its module).
# document.py is not among them: its typed accessors (doc.compose, doc.nginx) are per kind.
_KIND_BLIND = ("engine.py", "parallel.py", "files.py", "kinds/__init__.py")


def test_the_engine_names_no_kind():
    from promguard.kinds import installed

    kinds = installed().names
    assert {"compose", "nginx", "stack", "systemd"} <= kinds  # the check looks for real names
    found = []
    for name in _KIND_BLIND:
        path = os.path.join(ROOT, "scanner", name)
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            named = isinstance(node, ast.Constant) and node.value in kinds
            if named and id(node) not in docstrings:
                found.append(f"{name} line {node.lineno}: {node.value!r}")
    assert found == []
