import ast
import sys
from typing import List, Optional, Tuple

import pytest

from chris_style.context import FileContext
from chris_style.engine import Engine, Family, Walk, at_end, visits
from chris_style.options import Options
from chris_style.registry import Rule

PROBE = Rule(code="CHS190", message="probe {what}", summary="s", section="§0", what="w", why="y", bad="b",
             good="g", ruff="none")
OTHER = Rule(code="CHS191", message="other {what}", summary="s", section="§0", what="w", why="y", bad="b",
             good="g", ruff="none")


class _Recorder(Family):
    """Records what the engine hands over, for the tests to inspect."""

    rules = (PROBE,)
    seen: List[Tuple[str, Tuple[str, ...], Optional[str]]] = []

    @visits(ast.Name)
    def name(self, node: ast.Name, parent: Optional[ast.AST]) -> None:
        scopes = tuple(getattr(scope, "name", "lambda") for scope in self.walk.scopes)
        _Recorder.seen.append((node.id, scopes, type(parent).__name__ if parent else None))


class _Exploding(Family):
    rules = (PROBE,)
    calls: List[int] = []

    @visits(ast.Name, code="CHS190")
    def name(self, node: ast.Name, parent: Optional[ast.AST]) -> None:
        _Exploding.calls.append(node.lineno)
        raise ValueError("boom")


class _Reporter(Family):
    rules = (OTHER,)

    @visits(ast.Name, code="CHS191")
    def name(self, node: ast.Name, parent: Optional[ast.AST]) -> None:
        self.report(OTHER, node, what=node.id)

    @at_end(code="CHS191")
    def done(self) -> None:
        self.report(OTHER, (1, 0), what="end")


class _ExplodingCollector(Family):
    rules = (PROBE, OTHER)
    ends: List[str] = []

    @visits(ast.Name)
    def collect(self, node: ast.Name, parent: Optional[ast.AST]) -> None:
        raise KeyError("state")

    @at_end(code="CHS190")
    def finish(self) -> None:
        _ExplodingCollector.ends.append("ran")


class _TestsOnly(Family):
    rules = (OTHER,)
    runs_on = "tests"

    @at_end()
    def done(self) -> None:
        self.report(OTHER, (1, 0), what="test file")


def _run(source: str, *families: type, filename: str = "example.py") -> List[Tuple[int, int, str]]:
    file = FileContext(filename, Options(), source.splitlines(keepends=True))
    return Engine(families).run(ast.parse(source), file)


def test_WHEN_tree_walked_THEN_nodes_come_in_source_order_with_parent():
    # Set up our test
    _Recorder.seen = []

    # Run our test
    _run("a = b + c\nd(e, f=g)\n", _Recorder)

    # Check our results
    expected = [("a", (), "Assign"), ("b", (), "BinOp"), ("c", (), "BinOp"), ("d", (), "Call"),
                ("e", (), "Call"), ("g", (), "keyword")]
    assert expected == _Recorder.seen


def test_WHEN_tree_walked_AND_scopes_nested_THEN_only_bodies_are_inside_them():
    # Set up our test
    _Recorder.seen = []
    source = (
        "@deco\n"
        "def outer(p: Ann = default) -> Ret:\n"
        "    class Inner(Base):\n"
        "        attr = value\n"
        "    return lambda q=qdefault: body\n"
    )

    # Run our test
    _run(source, _Recorder)

    # Check our results
    actual = {name: scopes for name, scopes, _ in _Recorder.seen}
    expected = {
        "deco": (), "Ann": (), "default": (), "Ret": (),
        "Base": ("outer",), "attr": ("outer", "Inner"), "value": ("outer", "Inner"),
        "qdefault": ("outer",), "body": ("outer", "lambda"),
    }
    assert expected == actual


def test_WHEN_handler_raises_THEN_internal_error_reported_once_AND_other_rules_carry_on():
    # Set up our test
    _Exploding.calls = []

    # Run our test
    actual = sorted(_run("a\nb\n", _Exploding, _Reporter))

    # Check our results
    expected = [
        (1, 0, "CHS000 internal error in CHS190: ValueError: boom"),
        (1, 0, "CHS191 other a"),
        (1, 0, "CHS191 other end"),
        (2, 0, "CHS191 other b"),
    ]
    assert expected == actual
    assert [1] == _Exploding.calls


def test_WHEN_family_wide_handler_raises_THEN_whole_family_switched_off():
    # Set up our test
    _ExplodingCollector.ends = []

    # Run our test
    actual = _run("a\nb\n", _ExplodingCollector)

    # Check our results
    expected = [(1, 0, "CHS000 internal error in CHS190,CHS191: KeyError: 'state'")]
    assert expected == actual
    assert [] == _ExplodingCollector.ends


def test_WHEN_family_runs_on_tests_THEN_only_test_files_get_it():
    # TEST: a test file
    expected = [(1, 0, "CHS191 other test file")]
    assert expected == _run("x = 1\n", _TestsOnly, filename="pkg/test_thing.py")

    # TEST: a source file
    assert [] == _run("x = 1\n", _TestsOnly, filename="pkg/thing.py")


def test_WHEN_walk_inspected_THEN_scope_helpers_describe_position():
    # Set up our test
    walk = Walk()
    function = ast.parse("def f():\n    pass\n").body[0]
    klass = ast.parse("class C:\n    pass\n").body[0]

    # TEST: module level
    assert (True, None) == (walk.at_module_level, walk.function)

    # TEST: a class inside a function
    walk.scopes.extend([function, klass])
    assert (False, None) == (walk.at_module_level, walk.function)

    # TEST: a function inside that class
    walk.scopes.append(function)
    assert (False, function) == (walk.at_module_level, walk.function)


def test_WHEN_tree_is_deep_THEN_no_recursion_used():
    # Set up our test
    _Recorder.seen = []
    tree = ast.parse("x = " + " + ".join(["a"] * 2000))
    limit = sys.getrecursionlimit()

    # Run our test
    sys.setrecursionlimit(100)
    try:
        file = FileContext("example.py", Options(), [])
        Engine([_Recorder]).run(tree, file)
    finally:
        sys.setrecursionlimit(limit)

    # Check our results
    assert 2001 == len(_Recorder.seen)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 syntax")
def test_WHEN_type_parameters_and_aliases_walked_THEN_their_names_are_visited():
    # Set up our test
    _Recorder.seen = []

    # Run our test
    _run("type Alias = Other\ndef f[T: Bound](x: T) -> T:\n    return x\n", _Recorder)

    # Check our results
    expected = [("Alias", (), "TypeAlias"), ("Other", (), "TypeAlias"), ("Bound", (), "TypeVar"), ("T", (), "arg"),
                ("T", (), "FunctionDef"), ("x", ("f",), "Return")]
    assert expected == _Recorder.seen
