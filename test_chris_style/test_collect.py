import ast

from chris_style.collect import FileFacts
from chris_style.context import FileContext
from chris_style.engine import Engine
from chris_style.imports import ImportKind
from chris_style.options import Options


def test_WHEN_imports_collected_THEN_bindings_name_module_and_kind():
    # Set up our test
    source = (
        "import os.path\n"
        "import unittest.mock as mock\n"
        "from mypkg.core import thing as other\n"
        "from . import sibling\n"
        "from requests import *\n"
        "import requests\n"
    )
    file = FileContext("mod.py", Options(first_party=("mypkg",)), source.splitlines(keepends=True))

    # Run our test
    Engine([FileFacts]).run(ast.parse(source), file)

    # Check our results
    expected = {
        "os": ("os", None, ImportKind.STDLIB),
        "mock": ("unittest.mock", None, ImportKind.STDLIB),
        "other": ("mypkg.core", "thing", ImportKind.FIRST_PARTY),
        "sibling": ("", "sibling", ImportKind.FIRST_PARTY),
        "requests": ("requests", None, ImportKind.THIRD_PARTY),
    }
    actual = {name: (binding.module, binding.imported, binding.kind) for name, binding in file.imports.items()}
    assert expected == actual


def test_WHEN_classes_collected_THEN_module_level_class_wins_over_nested_namesake():
    # Set up our test
    source = "def f():\n    class A: pass\nclass A(Base): pass\nclass B: pass\n"
    file = FileContext("mod.py", Options(), source.splitlines(keepends=True))

    # Run our test
    Engine([FileFacts]).run(ast.parse(source), file)

    # Check our results
    expected = {"A": 3, "B": 4}
    assert expected == {name: node.lineno for name, node in file.classes.items()}


def test_WHEN_functions_collected_THEN_returns_and_yields_belong_to_their_own_function():
    # Set up our test
    source = (
        "def returns():\n"
        "    def inner():\n"
        "        yield 1\n"
        "    return inner\n"
        "def bare():\n"
        "    return None\n"
        "async def gen():\n"
        "    yield from x\n"
        "f = lambda: (yield)\n"
    )
    file = FileContext("mod.py", Options(), source.splitlines(keepends=True))

    # Run our test
    Engine([FileFacts]).run(ast.parse(source), file)

    # Check our results
    expected = [
        ("returns", True, False, 0), ("inner", False, True, 1), ("bare", False, False, 0),
        ("gen", False, True, 0), ("<lambda>", False, True, 0),
    ]
    actual = [
        (getattr(info.node, "name", "<lambda>"), info.returns_value, info.yields, len(info.enclosing))
        for info in file.functions.values()
    ]
    assert expected == actual
