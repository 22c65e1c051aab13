"""Which way the code depends: checked on the import statements, so a new import that breaks
a rule fails here rather than in review."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path):
    """What a file imports, as `module` or `module.name`, relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            module = node.module or ""
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def sources(folder):
    return [path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts]


def test_scorecards_use_hiring_only_through_its_models_rules_and_one_seam():
    """scorecards reads hiring's models, access rules, cache and shared form widgets; the one
    behaviour it calls is
    hiring.debrief.decisions.maybe_open_debrief (a submission may open the debrief), from the
    module imported whole: decisions reaches scorecards again through the scheduling of
    interviews, so either module may be imported first."""
    allowed = {
        "hiring.models",
        "hiring.access",
        "hiring.freshness",
        "hiring.admin",
        "hiring.widgets",
    }
    seam_module, seam = "hiring.debrief.decisions", "maybe_open_debrief"
    for path in sources("scorecards"):
        for module in imports_of(path):
            if module == seam_module:
                tree = ast.parse(path.read_text())
                called = {
                    node.attr
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "decisions"
                }
                assert called == {seam}, (path, called)
            elif module.startswith("hiring"):
                assert module in allowed or module.rsplit(".", 1)[0] in allowed, (path, module)


def test_only_url_modules_import_views():
    """Tasks, domain code and other views never import a view module."""
    for path in sources("hiring") + sources("scorecards"):
        if path.name == "urls.py":
            continue
        imported = {module for module in imports_of(path) if module.split(".")[-1] == "views"}
        assert imported == set(), path
