"""Helpers shared by several rule families: name shapes and what kind of function a definition is."""
import ast

from chris_style.context import FileContext, decorator_names

FIXTURE_DECORATORS = frozenset({"pytest.fixture", "fixture", "pytest_asyncio.fixture"})
CLICK_DECORATOR_SUFFIXES = ("command", "group")

# Passages the registry's `mirror_notes` share: where the ast-grep pack differs from the plugin.
PACK_NOTE_TEST_FILE_GLOBS = (
    "Test files: the pack's `files` globs are the default `chs-test-files` patterns (`**/test_*.py`, `**/*_test.py`, "
    "`**/conftest.py`; `**/__init__.py` ignored), but ast-grep's `*` also matches `/`, so a `.py` file below a folder "
    "whose name starts with `test_` (`test_pkg/helpers.py`) is a test file for the pack only; a configured "
    "`chs-test-files` applies to the plugin only."
)
PACK_NOTE_TEST_FUNCTIONS = (
    "Test functions and pytest fixtures: the pack cannot tell a test file, so it exempts functions named `test*` and "
    "functions decorated `@pytest.fixture`, `@fixture` or `@pytest_asyncio.fixture` in every file; the plugin checks "
    "them outside test files (`chs-test-files`)."
)
PACK_NOTE_FRAMEWORK_HOOKS = (
    "Framework hooks: the pack cannot classify imports, so it counts a base as external when its first name is bound "
    "by an absolute import statement outside function and class bodies (relative imports are first-party; marker bases "
    "as in the plugin), directly or through at most two classes defined outside function and class bodies. So the pack "
    "exempts the public methods the plugin checks when the base comes from a first-party module imported by absolute "
    "name (auto-detected or named in `chs-first-party`), and checks the ones the plugin exempts when the external base "
    "is reached only through an import inside a function or class body, through three or more classes of the file, or "
    "through a class defined inside a function or class."
)
PACK_NOTE_NFKC = (
    "Identifiers are matched as written, while Python compares them after NFKC normalization: names spelled with "
    "compatibility characters (fullwidth letters, ligatures) can be judged differently."
)


def is_snake_case(name: str) -> bool:
    """No upper-case letter anywhere (leading and trailing underscores and digits are fine)."""
    return name == name.lower()


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_test_function(node: ast.AST, file: FileContext) -> bool:
    """A test function or method (pytest collects names starting with 'test') or a fixture, in a test file."""
    if not file.is_test:
        return False
    return node.name.startswith("test") or bool(decorator_names(node) & FIXTURE_DECORATORS)  # type: ignore


def is_click_command(node: ast.AST) -> bool:
    """``@click.command``/``@click.group``, a group's ``@cli.command(...)``, or ``command``/``group`` from click."""
    for name in decorator_names(node):
        if name.rsplit(".", 1)[-1] in CLICK_DECORATOR_SUFFIXES:
            return True
    return False
