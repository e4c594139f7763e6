"""The import graph only points down: shell -> flows -> domain -> warehouse -> extractors.

import-linter cannot see this project's layout (the design card's top-level
folders are mapped into the `stancewatch` namespace by `package-dir`, and it
walks the file system of `stancewatch/` only), so this test reads every
module's imports with `ast` instead — module-level and function-level alike,
because a lazy import inside a function is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Folder -> (dotted package, layer). Lower numbers may be imported by higher ones, never the reverse.
LAYERS: dict[str, tuple[str, int]] = {
    "stancewatch": ("stancewatch", 4),  # the shell: CLI, report, demo, replay
    "flows": ("stancewatch.flows", 3),
    "domain": ("stancewatch.domain", 2),
    "warehouse": ("stancewatch.warehouse", 1),
    "extractors": ("stancewatch.extractors", 0),
}


def layer_of(module: str) -> int | None:
    """The layer a dotted module name belongs to (the longest matching package wins)."""
    best: tuple[int, int] | None = None
    for package, layer in LAYERS.values():
        if module == package or module.startswith(package + "."):
            if best is None or len(package) > best[0]:
                best = (len(package), layer)
    return best[1] if best else None


def imports_of(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")  # the package the file belongs to
                base = base[: len(base) - (node.level - 1)]
                found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            elif node.module:
                found.append((node.lineno, node.module))
    return found


def modules() -> list[tuple[Path, str, int]]:
    """(file, the package it belongs to, its layer) for every module of every layer."""
    out = []
    for folder, (package, layer) in LAYERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parents = path.relative_to(ROOT / folder).parent.parts
            out.append((path, ".".join([package, *parents]), layer))  # the package the file belongs to
    return out


def test_layer_table_covers_every_source_folder() -> None:
    """Every folder mapped into the namespace in pyproject.toml is in the layer table."""
    text = (ROOT / "pyproject.toml").read_text()
    mapped = {
        line.split("=")[1].strip().strip('"')
        for line in text.splitlines()
        if line.startswith('"stancewatch') and "=" in line and "[" not in line
    }
    assert mapped <= set(LAYERS), mapped - set(LAYERS)


@pytest.mark.parametrize("path,package,layer", modules(), ids=lambda v: str(v) if isinstance(v, str) else None)
def test_imports_only_point_down(path: Path, package: str, layer: int) -> None:
    upward = [
        (line, mod) for line, mod in imports_of(path, package) if (other := layer_of(mod)) is not None and other > layer
    ]
    assert not upward, f"{path.relative_to(ROOT)} imports a higher layer: {upward}"


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a warehouse module importing a flow is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from stancewatch.flows.nightly import run_night\nfrom . import db\n")
    found = imports_of(bad, "stancewatch.warehouse")
    assert (1, "stancewatch.flows.nightly") in found and (2, "stancewatch.warehouse") in found
    assert layer_of("stancewatch.flows.nightly") > LAYERS["warehouse"][1]
