"""Helpers shared by several rule families (classification of functions and targets)."""
import ast
from typing import Optional, Sequence

from chris_style.context import FileContext, decorator_names

FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
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


class FunctionInfo:
    """What the typing and naming rules need to know about one function, gathered during the walk."""

    __slots__ = ("node", "enclosing", "returns_value", "yields")

    def __init__(self, node: ast.AST, enclosing: Sequence[ast.AST]):
        self.node = node
        self.enclosing = tuple(enclosing)  # Enclosing scopes, innermost last
        self.returns_value = False
        self.yields = False

    @property
    def owner_class(self) -> Optional[ast.ClassDef]:
        if self.enclosing and isinstance(self.enclosing[-1], ast.ClassDef):
            return self.enclosing[-1]
        return None

    @property
    def nested_in_function(self) -> bool:
        return any(not isinstance(scope, ast.ClassDef) for scope in self.enclosing)

    def is_public_hook(self, file: FileContext) -> bool:
        """A public method of a class with an external base: its signature belongs to the framework."""
        owner = self.owner_class
        return owner is not None and not self.node.name.startswith("_") and file.is_external_class(owner)
