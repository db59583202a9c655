"""The floors of docs/ARCHITECTURE.md hold for every import in src/: nothing imports upward or sideways."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "fcatlas"


def documented_floors() -> dict[str, int | str]:
    """{module: floor} from the Floors table (the frame's floor is the word "frame")."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Floors", 1)[1].split("\n## ", 1)[0]
    floors = {}
    for floor, modules in re.findall(r"^\| (\d+|frame) \| (.+) \|$", section, flags=re.M):
        for module in re.findall(r"`(\w+)`", modules):
            floors[module] = int(floor) if floor.isdigit() else floor
    return floors


def imported_modules(path: Path) -> set[str]:
    """The fcatlas modules a file imports, relative imports resolved (``fcatlas.registry.models`` …)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def top_module(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if parts[0] == "fcatlas" and len(parts) > 1 else None


def test_every_module_in_src_has_a_floor():
    floors = documented_floors()
    present = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
               if (path.suffix == ".py" and path.name != "__init__.py") or (path / "__init__.py").exists()}
    assert present - set(floors) == set(), "add the module to the Floors table in docs/ARCHITECTURE.md"


def test_nothing_imports_upward_or_sideways():
    floors = documented_floors()
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for target in sorted({top_module(name) for name in imported_modules(path)} - {None, own}):
            if target not in floors or floors[target] == "frame" and floors[own] != "frame":
                wrong.append(f"{path.relative_to(ROOT)} imports the frame module {target}")
            elif floors[own] != "frame" and (floors[target] > floors[own] or floors[target] == floors[own] != 0):
                wrong.append(f"{path.relative_to(ROOT)} (floor {floors[own]}) imports {target} "
                             f"(floor {floors[target]})")
    assert not wrong, "\n".join(wrong)


def test_floor_zero_imports_no_django():
    floors = documented_floors()
    pure = [PACKAGE / name for name, floor in floors.items() if floor == 0]
    files = [file for place in pure for file in ([place.with_suffix(".py")] if place.with_suffix(".py").exists()
                                                   else place.rglob("*.py"))]
    assert len(files) > 5
    assert [str(file.relative_to(ROOT)) for file in files
            if any(name.split(".")[0] == "django" for name in imported_modules(file))] == []


def test_the_check_sees_a_relative_upward_import(tmp_path):
    """The resolver must see through ``from ..x import y``, else an upward import could hide."""
    module = PACKAGE / "reference" / "queries.py"
    assert "fcatlas.reference.models" in imported_modules(module)
    assert top_module("fcatlas.planning.services") == "planning"


def test_templates_and_scripts_name_their_links_by_url_name_not_by_path():
    """A path written out in a template breaks silently when a URL moves; ``{% url %}`` fails loudly."""
    literal = re.compile(r"""(?:href|action|src)=["']/(?!/)|["'`]/(?:api|enheter|kommun|region|planering|konto)/""")
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted(PACKAGE.rglob("*"))
             if path.suffix in (".html", ".js") and "vendor" not in path.parts
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if literal.search(line)]
    assert found == []
