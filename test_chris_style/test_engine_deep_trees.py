"""The plugin never raises on a tree that ``ast.parse`` accepts, however deep or wide.

Deep cases are generated: long ``+`` chains, method chains, ``elif`` chains, nested lists and lambdas,
long string annotations, a thousand parameters. Where ``ast.parse`` refuses the depth on some Python version
(3.11 and 3.12 stop building trees at about 1,000 levels; every version stops at 200 nested brackets), the
deep expression is built from ``ast`` nodes with the positions the parser gives them and spliced into a
parsed skeleton. ``ast.fix_missing_locations`` cannot place them: it recurses, and fails at these depths.
The builders are checked against ``ast.parse`` at a depth that every version accepts.

The last test checks every file of the running interpreter's standard library.
"""
import ast
import contextlib
import inspect
import io
import os
import sys
import sysconfig
import tokenize
import warnings
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import pytest

from chris_style.options import Options
from chris_style.plugin import Plugin, check_tree

FILENAME = "deep_tree.py"
TERMS = 3000
CALLS = 1500
BRANCHES = 1500
PARSED_LIST_DEPTH = 200  # The deepest bracket nesting the tokenizer accepts
BUILT_LIST_DEPTH = 1000
LAMBDA_DEPTH = 900
ATTRIBUTE_CHAIN = 900
ANNOTATION_MEMBERS = 1000
ANNOTATION_DEPTH = 150
PARAMETERS = 1000
HEADROOM_FRAMES = 100  # Frames the engine may use beyond the test's own stack when the limit is lowered
BUILDER_CHECK_SIZE = 100
INTERNAL_ERROR_CODE = "CHS000"
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})

Finding = Tuple[int, int, str]  # (line, 0-based column, code)
Builder = Callable[[int, int], ast.expr]  # Builds the expression that starts at (line, column)
HOLE = "HOLE_"  # The name that stands for the deep expression in a skeleton


@dataclass
class DeepCase:
    """A generated file: its source, how to get its tree, and the findings expected on it."""

    name: str
    source: str
    make_tree: Callable[[], ast.Module]
    expected: List[Finding]
    parses_nested_strings: bool = False  # Its findings need ast.parse of a deeply nested string annotation


# -- building trees ---------------------------------------------------------------------------------------


def _at(node: ast.AST, line: int, column: int, end_column: int) -> ast.AST:
    """Give a single-line node the position the parser would give it."""
    node.lineno, node.col_offset, node.end_lineno, node.end_col_offset = line, column, line, end_column
    return node


def _name(identifier: str) -> ast.expr:
    return ast.Name(id=identifier, ctx=ast.Load())


def _one() -> ast.expr:
    return ast.Constant(value=1, kind=None)


def _plus_chain_source(term: str, count: int) -> str:
    return " + ".join([term] * count)


def _plus_chain_builder(make_term: Callable[[], ast.expr], count: int) -> Builder:
    """``t + t + ... + t`` for one-character terms: a left-leaning BinOp chain ``count`` terms long."""

    def build(line: int, column: int) -> ast.expr:
        node = _at(make_term(), line, column, column + 1)
        for index in range(1, count):
            start = column + 4 * index
            right = _at(make_term(), line, start, start + 1)
            node = _at(ast.BinOp(left=node, op=ast.Add(), right=right), line, column, start + 1)
        return node  # type: ignore[return-value]

    return build


def _method_chain_source(count: int) -> str:
    return "x" + ".a()" * count


def _method_chain_builder(count: int) -> Builder:
    """``x.a().a()...``: each call wraps an attribute of the previous call."""

    def build(line: int, column: int) -> ast.expr:
        node = _at(_name("x"), line, column, column + 1)
        for index in range(1, count + 1):
            end = column + 1 + 4 * index
            method = _at(ast.Attribute(value=node, attr="a", ctx=ast.Load()), line, column, end - 2)
            node = _at(ast.Call(func=method, args=[], keywords=[]), line, column, end)
        return node  # type: ignore[return-value]

    return build


def _nested_list_source(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def _nested_list_builder(depth: int) -> Builder:
    """``[[...[1]...]]``, ``depth`` lists deep."""

    def build(line: int, column: int) -> ast.expr:
        node = _at(_one(), line, column + depth, column + depth + 1)
        for level in range(depth - 1, -1, -1):
            node = _at(ast.List(elts=[node], ctx=ast.Load()), line, column + level, column + 2 * depth + 1 - level)
        return node  # type: ignore[return-value]

    return build


def _spliced(prefix: str, suffix: str, build: Builder) -> ast.Module:
    """The tree of ``prefix + <expression> + suffix``: a parsed skeleton with the built expression put in."""
    skeleton = ast.parse(prefix + HOLE + suffix)
    nodes = list(ast.walk(skeleton))  # Before the splice: the deep expression is not walked
    hole = next(node for node in nodes if isinstance(node, ast.Name) and node.id == HOLE)
    expression = build(hole.lineno, hole.col_offset)
    for node in nodes:
        for field_name, value in ast.iter_fields(node):
            if value is hole:
                setattr(node, field_name, expression)
            elif isinstance(value, list):
                value[:] = [expression if item is hole else item for item in value]
        if getattr(node, "end_lineno", None) == hole.end_lineno and node.end_col_offset == hole.end_col_offset:
            node.end_col_offset = expression.end_col_offset  # The nodes that end where the expression ends
    return skeleton


def _parsed_or_built(prefix: str, expression_source: str, suffix: str, build: Builder) -> ast.Module:
    """The parsed tree, or the same tree built when this Python's ``ast.parse`` refuses the depth."""
    try:
        return ast.parse(prefix + expression_source + suffix)
    except (RecursionError, MemoryError):
        return _spliced(prefix, suffix, build)


# -- generated cases --------------------------------------------------------------------------------------


def _line_of(source: str, text: str) -> int:
    return source[:source.index(text)].count("\n") + 1


def _column_of(source: str, text: str, start: int = 0) -> int:
    """The 0-based column of ``text`` (ASCII sources only), searching from offset ``start``."""
    offset = source.index(text, start)
    return offset - (source.rfind("\n", 0, offset) + 1)


def _expression_case(name: str, prefix: str, expression_source: str, suffix: str, build: Builder,
                     expected: List[Finding]) -> DeepCase:
    def make_tree() -> ast.Module:
        return _parsed_or_built(prefix, expression_source, suffix, build)

    return DeepCase(name, prefix + expression_source + suffix, make_tree, expected)


def _parsed_case(name: str, source: str, expected: List[Finding], parses_nested_strings: bool = False) -> DeepCase:
    def make_tree() -> ast.Module:
        return ast.parse(source)

    return DeepCase(name, source, make_tree, expected, parses_nested_strings)


def _plus_chain_in_function() -> DeepCase:
    prefix = "def build() -> None:\n    sumOfTerms = "
    return _expression_case(
        "plus_chain_in_function", prefix, _plus_chain_source("a", TERMS), "\n",
        _plus_chain_builder(lambda: _name("a"), TERMS), [(2, 4, "CHS205")],
    )


def _plus_chain_at_module_level() -> DeepCase:
    # Not a constant (it adds up a variable), so only the line after it is flagged.
    return _expression_case(
        "plus_chain_at_module_level", "x = ", _plus_chain_source("a", TERMS), "\nlate_value = 2\n",
        _plus_chain_builder(lambda: _name("a"), TERMS), [(2, 0, "CHS203")],
    )


def _literal_chain_constant() -> DeepCase:
    prefix = '"""Deep constants."""\n\ntotal = '
    return _expression_case(
        "literal_chain_constant", prefix, _plus_chain_source("1", TERMS), "\n",
        _plus_chain_builder(_one, TERMS), [(3, 0, "CHS203")],
    )


def _method_chain_in_function() -> DeepCase:
    prefix = "def chain(x) -> None:\n    "
    return _expression_case(
        "method_chain_in_function", prefix, _method_chain_source(CALLS), "\n", _method_chain_builder(CALLS),
        [(1, 10, "CHS102")],
    )


def _method_chain_at_module_level() -> DeepCase:
    return _expression_case(
        "method_chain_at_module_level", "result = ", _method_chain_source(CALLS), "\n", _method_chain_builder(CALLS),
        [],
    )


def _elif_chain() -> DeepCase:
    branches = "".join(f"    elif value == {index}:\n        return '{index}'\n" for index in range(1, BRANCHES))
    source = (
        "def classify(value: int) -> str:\n    if value == 0:\n        return 'zero'\n" + branches
        + "    else:\n        lastResult = 'other'\n        return lastResult\n"
    )
    return _parsed_case("elif_chain", source, [(_line_of(source, "lastResult ="), 8, "CHS205")])


def _nested_lists_parsed() -> DeepCase:
    source = f"nested = {_nested_list_source(PARSED_LIST_DEPTH)}\n"
    return _parsed_case("nested_lists_parsed", source, [(1, 0, "CHS203")])


def _nested_lists_built() -> DeepCase:
    # Deeper than any tokenizer accepts: always built.
    source = f"nested = {_nested_list_source(BUILT_LIST_DEPTH)}\n"
    build = _nested_list_builder(BUILT_LIST_DEPTH)

    def make_tree() -> ast.Module:
        return _spliced("nested = ", "\n", build)

    return DeepCase("nested_lists_built", source, make_tree, [(1, 0, "CHS203")])


def _nested_lambdas() -> DeepCase:
    source = "make = " + "lambda: " * LAMBDA_DEPTH + "lambda badParam: badParam\n"
    return _parsed_case("nested_lambdas", source, [(1, _column_of(source, "badParam"), "CHS205")])


def _attribute_chains() -> DeepCase:
    chain = "a" + ".b" * ATTRIBUTE_CHAIN
    source = (
        f"@{chain}\ndef decorated(value) -> None:\n    pass\n\n\n"
        f"class Handler({chain}):\n    def handle(self, value) -> None:\n        pass\n"
    )
    handle = source.index("def handle")
    expected = [
        (2, _column_of(source, "value"), "CHS102"),
        (_line_of(source, "def handle"), _column_of(source, "value", handle), "CHS102"),
    ]
    return _parsed_case("attribute_chains", source, expected)


def _wide_string_annotation() -> DeepCase:
    members = ", ".join(["int"] * ANNOTATION_MEMBERS)
    source = f"def convert(value: 'Union[{members}, dict[str, int]]') -> None:\n    pass\n"
    return _parsed_case("wide_string_annotation", source, [(1, _column_of(source, "dict["), "CHS103")])


def _deep_string_annotation() -> DeepCase:
    annotation = "Dict[str, " + "List[" * ANNOTATION_DEPTH + "dict[str, int]" + "]" * ANNOTATION_DEPTH + "]"
    source = f"table: '{annotation}' = {{}}\n"
    return _parsed_case(
        "deep_string_annotation", source, [(1, _column_of(source, "dict["), "CHS103")], parses_nested_strings=True
    )


def _many_parameters() -> DeepCase:
    source = "def many(" + ", ".join(f"p{index}" for index in range(PARAMETERS)) + ") -> None:\n    pass\n"
    expected = [(1, _column_of(source, f"p{index},"), "CHS102") for index in range(PARAMETERS - 1)]
    expected.append((1, _column_of(source, f"p{PARAMETERS - 1})"), "CHS102"))
    return _parsed_case("many_parameters", source, expected)


DEEP_CASES = [
    _plus_chain_in_function(),
    _plus_chain_at_module_level(),
    _literal_chain_constant(),
    _method_chain_in_function(),
    _method_chain_at_module_level(),
    _elif_chain(),
    _nested_lists_parsed(),
    _nested_lists_built(),
    _nested_lambdas(),
    _attribute_chains(),
    _wide_string_annotation(),
    _deep_string_annotation(),
    _many_parameters(),
]


# -- running the plugin -----------------------------------------------------------------------------------


def _lines(source: str) -> List[str]:
    return source.splitlines(keepends=True)


def _checked(tree: ast.AST, source: str, filename: str = FILENAME) -> List[Finding]:
    findings = check_tree(tree, filename, Options(), _lines(source))
    return [(line, column, message.split(" ", 1)[0]) for line, column, message in findings]


def _run_as_flake8_does(tree: ast.AST, source: str) -> List[Finding]:
    plugin = Plugin(tree=tree, filename=FILENAME, lines=_lines(source))
    return [(line, column, message.split(" ", 1)[0]) for line, column, message, _ in plugin.run()]


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def _stack_depth() -> int:
    depth = 0
    frame = inspect.currentframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


@contextlib.contextmanager
def _recursion_limit_above_current_stack(frames: int) -> Iterator[None]:
    """Lower the recursion limit to ``frames`` above the current stack, far below any tree's depth."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


# -- the whole standard library ---------------------------------------------------------------------------


def _stdlib_paths() -> List[str]:
    paths: List[str] = []
    for folder, subfolders, files in os.walk(sysconfig.get_paths()["stdlib"]):
        subfolders[:] = sorted(
            name for name in subfolders
            if name not in SKIPPED_DIRS and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
        )
        paths.extend(os.path.join(folder, name) for name in sorted(files) if name.endswith(".py"))
    return paths


def _parsed_file(path: str) -> Optional[Tuple[ast.AST, str]]:
    """The file's tree and text, or None when Python would not decode or parse it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Invalid escapes in old test files: not the plugin's business
            return ast.parse(source, filename=path), source
    except (OSError, SyntaxError, LookupError, ValueError, RecursionError, MemoryError):  # ValueError: decoding
        return None


def _internal_errors(paths: Sequence[str]) -> Tuple[int, List[Tuple[str, str]]]:
    """How many files were checked, and the (path, problem) of every exception or CHS000 finding."""
    checked = 0
    problems: List[Tuple[str, str]] = []
    for path in paths:
        parsed = _parsed_file(path)
        if parsed is None:
            continue
        tree, source = parsed
        try:
            findings = list(Plugin(tree=tree, filename=path, lines=_lines(source)).run())
        except Exception as exc:  # noqa: B902 - every failing file is listed, not just the first
            problems.append((path, f"{type(exc).__name__}: {exc}"))
            continue
        finally:
            del tree, parsed  # One live tree at a time
        checked += 1
        problems.extend((path, message) for _, _, message, _ in findings if message.startswith(INTERNAL_ERROR_CODE))
    return checked, problems


# -- tests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", DEEP_CASES, ids=lambda case: case.name)
def test_WHEN_deep_tree_checked_THEN_exact_findings(case):
    # Set up our test
    tree = case.make_tree()

    # Run our test
    actual = _checked(tree, case.source)

    # Check our results
    assert case.expected == actual


@pytest.mark.parametrize("case", DEEP_CASES, ids=lambda case: case.name)
def test_WHEN_deep_tree_run_as_flake8_runs_plugin_THEN_exact_findings(case):
    # Set up our test
    tree = case.make_tree()

    # Run our test
    actual = _run_as_flake8_does(tree, case.source)

    # Check our results
    assert case.expected == actual


@pytest.mark.parametrize("case", DEEP_CASES, ids=lambda case: case.name)
def test_WHEN_deep_tree_checked_AND_recursion_limit_lowered_THEN_same_findings(case):
    # Set up our test
    tree = case.make_tree()
    lines = _lines(case.source)

    # Run our test
    with _recursion_limit_above_current_stack(HEADROOM_FRAMES):
        findings = check_tree(tree, FILENAME, Options(), lines)

    # Check our results
    actual = [(line, column, message.split(" ", 1)[0]) for line, column, message in findings]
    if case.parses_nested_strings:
        # Python 3.11 and 3.12 count ast.parse's nesting against the lowered limit: the string annotation
        # may then go unparsed (and unchecked), but nothing may fail.
        assert [] == [finding for finding in actual if finding not in case.expected]
    else:
        assert case.expected == actual


def test_WHEN_recursion_limit_lowered_AND_tree_walked_recursively_THEN_recursion_error():
    # The control for the test above: the lowered limit does stop a walker that recurses.
    # Set up our test
    case = _plus_chain_in_function()
    tree = case.make_tree()

    # Run our test
    with _recursion_limit_above_current_stack(HEADROOM_FRAMES):
        with pytest.raises(RecursionError) as raised:
            ast.NodeVisitor().visit(tree)

    # Check our results
    assert RecursionError == raised.type


def test_WHEN_deep_expression_built_from_nodes_THEN_same_as_parsed_tree():
    # TEST: a '+' chain of names inside a function, with a statement after it
    prefix, suffix = "def build() -> None:\n    total = ", "\nafter = 1\n"
    expected = _dump(ast.parse(prefix + _plus_chain_source("a", BUILDER_CHECK_SIZE) + suffix))
    actual = _dump(_spliced(prefix, suffix, _plus_chain_builder(lambda: _name("a"), BUILDER_CHECK_SIZE)))
    assert expected == actual

    # TEST: a '+' chain of int literals after a docstring
    prefix, suffix = '"""Doc."""\n\ntotal = ', "\n"
    expected = _dump(ast.parse(prefix + _plus_chain_source("1", BUILDER_CHECK_SIZE) + suffix))
    actual = _dump(_spliced(prefix, suffix, _plus_chain_builder(_one, BUILDER_CHECK_SIZE)))
    assert expected == actual

    # TEST: a method chain as a statement
    prefix, suffix = "def chain(x) -> None:\n    ", "\n"
    expected = _dump(ast.parse(prefix + _method_chain_source(BUILDER_CHECK_SIZE) + suffix))
    actual = _dump(_spliced(prefix, suffix, _method_chain_builder(BUILDER_CHECK_SIZE)))
    assert expected == actual

    # TEST: nested lists
    prefix, suffix = "nested = ", "\n"
    expected = _dump(ast.parse(prefix + _nested_list_source(BUILDER_CHECK_SIZE) + suffix))
    actual = _dump(_spliced(prefix, suffix, _nested_list_builder(BUILDER_CHECK_SIZE)))
    assert expected == actual


def test_WHEN_every_stdlib_file_checked_THEN_no_exception_and_no_internal_error():
    # Set up our test
    paths = _stdlib_paths()

    # Run our test
    checked, actual = _internal_errors(paths)

    # Check our results
    expected: List[Tuple[str, str]] = []
    assert expected == actual
    assert checked > 0.9 * len(paths)
