"""The map in docs/architecture.md and the rules that keep the import graph pointing down."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from .conftest import ROOT

COURSE = ROOT / "course"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# Modules that must stay free of Flask and of the database session: pure functions and content.
PURE = ("course.content", "course.assignments.images", "course.assignments.peer_allocation",
        "course.quizzes.grading", "course.quizzes.gift", "course.quizzes.moodle_xml", "course.gradebook.analysis",
        "course.teacher_track.radar", "course.teacher_track.tpack_profile", "course.oidc.providers",
        "course.oidc.claim_rules", "course.portable.cartridge", "course.portable.qti", "course.core.numbers")
# Bottom to top: a package may import its own modules and packages on a lower layer, never higher.
LAYERS = (
    ("content", "models"),
    ("core",),
    ("accounts",),
    ("privacy", "oidc"),
    ("classes",),
    ("quizzes", "live"),
    ("lessons",),
    ("lti",),
    ("assignments", "gradebook", "teacher_track", "portable"),
    ("admin", "demo", "pages"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(path): path for path in COURSE.rglob("*.py")}


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run: everything except the body of ``if TYPE_CHECKING:``."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in skipped]


@cache
def imports_of(module: str) -> frozenset[str]:
    """Absolute names of what ``module`` imports: course modules where they resolve, else top packages."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            found.add(candidate if candidate in modules() else base)
    return frozenset(found)


def course_imports(module: str) -> set[str]:
    return {name for name in imports_of(module) if name in modules() and name != module}


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def is_blueprint_module(module: str) -> bool:
    return "Blueprint(" in modules()[module].read_text(encoding="utf-8")


def test_at_most_ten_python_files_directly_in_course():
    assert len(list(COURSE.glob("*.py"))) <= 10


def test_the_map_names_every_package_and_only_packages_that_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"^### `([a-z_]+)/`", text, re.MULTILINE))
    packages = {path.parent.name for path in COURSE.glob("*/__init__.py")}
    assert named == packages
    assert {name for layer in LAYERS for name in layer} == packages


def test_every_module_in_the_map_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for name in set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", text)):
        if not name.startswith(("course/", "tests/")):
            assert (COURSE / name).is_file(), f"docs/architecture.md names course/{name}, which does not exist"
    # inside a package's section, a bare module name belongs to that package
    for package, section in re.findall(r"^### `([a-z_]+)/`\n(.*?)(?=^### |^## |\Z)", text, re.MULTILINE | re.DOTALL):
        for name in re.findall(r"`([a-z_]+\.py)`", section):
            assert (COURSE / package / name).is_file(), f"docs/architecture.md: {package}/ has no {name}"


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_point_down_the_layers(module):
    layer = {package: index for index, names in enumerate(LAYERS) for package in names}
    own = feature_of(module)
    if own is None:  # course/__init__.py composes the app from every feature
        return
    for target in course_imports(module):
        other = feature_of(target)
        if other is None or other == own:
            continue
        assert layer[other] < layer[own], f"{module} imports {target}: {other} is not below {own}"


@pytest.mark.parametrize("module", sorted(m for m in modules() if m.startswith(PURE)))
def test_pure_modules_know_no_flask_and_no_database_session(module):
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        seen.add(current)
        for name in imports_of(current):
            top = name.split(".")[0]
            assert top not in ("flask", "flask_login", "flask_wtf", "werkzeug"), f"{current} imports {name}"
            assert name != "course.core.extensions", f"{current} reaches the database session"
            if name in modules() and name not in seen:
                todo.append(name)


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_module_imports_another_features_views(module):
    for target in course_imports(module):
        if is_blueprint_module(target) and module != "course":
            assert feature_of(target) == feature_of(module), f"{module} imports the views module {target}"


def test_no_import_cycles():
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(course_imports(module)):
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target] if target in trail else [module, target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(modules()):
        if module not in state:
            visit(module, [module])


def test_module_names_are_unique_unless_they_play_the_same_role():
    # models/ names its modules after the features whose tables they hold
    shared_roles = {"__init__", "views", "forms", "cli"}
    packages = {path.parent.name: "a package" for path in COURSE.glob("*/__init__.py")}
    seen: dict[str, str] = dict(packages)
    for module, path in modules().items():
        if path.stem in shared_roles or module.startswith("course.models."):
            continue
        assert path.stem not in seen, f"{module} and {seen[path.stem]} share a name"
        seen[path.stem] = module
