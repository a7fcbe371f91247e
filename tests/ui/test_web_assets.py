"""The browser components' manifest (convviz/pyproject.toml) names files that exist.

Streamlit serves a component's JavaScript and CSS from the ``asset_dir`` its manifest
declares, relative to the convviz package, in an editable install and from a wheel alike:
a wrong directory or file name only shows as a blank component in the browser.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import tomllib

PACKAGE = Path(__file__).resolve().parents[2] / "convviz"


def manifest_errors(manifest: dict, package: Path, registrations: dict[str, dict[str, str]]
                    ) -> list[str]:
    """What is wrong between a manifest, the package's files and the registrations.

    ``registrations`` maps a full component name ("convviz.grid") to the ``js`` / ``css``
    paths it is registered with.

    >>> manifest_errors({"project": {"name": "p"}, "tool": {"streamlit": {"component": {
    ...     "components": [{"name": "a", "asset_dir": "nowhere"}]}}}}, Path("."), {})
    ["component 'a': asset_dir 'nowhere' is not a directory of the package"]
    """
    project = manifest.get("project", {}).get("name")
    entries = manifest.get("tool", {}).get("streamlit", {}).get("component", {}).get(
        "components", [])
    errors = []
    dirs = {}
    for entry in entries:
        folder = package / entry.get("asset_dir", "")
        if not entry.get("asset_dir") or not folder.is_dir():
            errors.append(f"component {entry.get('name')!r}: asset_dir "
                          f"{entry.get('asset_dir')!r} is not a directory of the package")
        dirs[f"{project}.{entry.get('name')}"] = folder
    for name, files in registrations.items():
        if name not in dirs:
            errors.append(f"{name!r} is registered but not in the manifest")
            continue
        for kind, rel in files.items():
            if not (dirs[name] / rel).is_file():
                errors.append(f"{name!r}: {kind} file {rel!r} is not in {dirs[name]}")
    return errors


def registrations(sources: list[Path]) -> dict[str, dict[str, str]]:
    """``st.components.v2.component("<name>", js=..., css=...)`` calls in ``sources``."""
    found: dict[str, dict[str, str]] = {}
    for path in sources:
        tree = ast.parse(path.read_text())
        consts = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "component" and node.args):
                continue
            arg = node.args[0]
            name = arg.value if isinstance(arg, ast.Constant) else consts.get(
                getattr(arg, "id", None))
            found[name] = {k.arg: k.value.value for k in node.keywords
                           if k.arg in ("js", "css") and isinstance(k.value, ast.Constant)}
    return found


def test_every_component_registration_names_files_the_manifest_serves():
    manifest = tomllib.loads((PACKAGE / "pyproject.toml").read_text())
    found = registrations(sorted((PACKAGE / "ui").glob("*.py")))
    assert "convviz.grid" in found and found["convviz.grid"] == {"js": "grid.js",
                                                                 "css": "grid.css"}
    assert manifest_errors(manifest, PACKAGE, found) == []


@pytest.mark.parametrize(("entry", "files", "message"), [
    ({"name": "grid", "asset_dir": "ui/webs"}, {}, "asset_dir 'ui/webs' is not a directory"),
    ({"name": "grid", "asset_dir": "ui/web"}, {"js": "grids.js"}, "js file 'grids.js' is not"),
    ({"name": "grid", "asset_dir": "ui/web"}, {"css": "nope.css"}, "css file 'nope.css'"),
    ({"name": "gird", "asset_dir": "ui/web"}, {"js": "grid.js"}, "not in the manifest"),
])
def test_a_wrong_manifest_or_file_name_is_caught(entry, files, message):
    manifest = {"project": {"name": "convviz"},
                "tool": {"streamlit": {"component": {"components": [entry]}}}}
    errors = manifest_errors(manifest, PACKAGE, {"convviz.grid": files})
    assert any(message in e for e in errors), errors
