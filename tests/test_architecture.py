"""The house rules that no linter checks: no module takes another module's private name.

(The import direction and "only convviz.ui imports streamlit" are import-linter contracts in
pyproject.toml, run by `make test` as `lint-imports`.)
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*ROOT.joinpath("convviz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"),
           ROOT / "app.py", *ROOT.joinpath("benchmarks").glob("*.py")]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_names_taken(source: str) -> list[str]:
    """``from convviz... import _name`` and ``module._name`` on an imported convviz module.

    >>> private_names_taken("from convviz.engine.shapes import _f\\nimport convviz.x as m\\nm._g")
    ['_f from convviz.engine.shapes', 'm._g']
    """
    tree = ast.parse(source)
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or  # relative: inside convviz
                                                  (node.module or "").startswith("convviz")):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{alias.name} from {'.' * node.level}{node.module or ''}")
                elif alias.name[:1].islower():  # maybe a module: remember its local name
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("convviz") and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_takes_another_modules_private_name():
    taken = {str(p.relative_to(ROOT)): names for p in SOURCES
             if (names := private_names_taken(p.read_text()))}
    assert not taken, f"private names taken across modules (make them public): {taken}"
