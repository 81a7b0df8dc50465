"""Helpers shared by several rule families: name shapes and what kind of function a definition is."""
import ast

from chris_style.context import FileContext, decorator_names

FIXTURE_DECORATORS = frozenset({"pytest.fixture", "fixture", "pytest_asyncio.fixture"})
CLICK_DECORATOR_SUFFIXES = ("command", "group")


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
