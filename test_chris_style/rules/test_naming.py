import ast
import sys
import textwrap
from typing import List, Optional, Sequence, Set, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.context import split_lines
from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.naming import is_constant_value, is_pascal_case, is_screaming_snake_case


def _findings(
    source: str, filename: str = "sample.py", lines: Optional[Sequence[str]] = None
) -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of every finding, as flake8 would print them."""
    source = textwrap.dedent(source)
    if lines is None:
        lines = source.splitlines(keepends=True)
    findings = check_tree(ast.parse(source), filename, Options(), lines)
    return [(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings]


def _value(expression: str) -> ast.expr:
    return ast.parse(expression, mode="eval").body


_AT_1_0 = dict(lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)


def _sum_of_ones(terms: int) -> ast.expr:
    """``1 + 1 + ... + 1`` built directly from nodes (``ast.parse`` and ``ast.fix_missing_locations`` would
    recurse): a left-leaning chain ``terms - 1`` levels deep, every node at 1:0."""
    expression: ast.expr = ast.Constant(value=1, **_AT_1_0)
    for _ in range(terms - 1):
        expression = ast.BinOp(left=expression, op=ast.Add(), right=ast.Constant(value=1, **_AT_1_0), **_AT_1_0)
    return expression


@pytest.mark.parametrize(
    "name",
    ["CaptureNodesPlan", "RESTClient", "RESTPath", "TransformerV1_1_0View", "_PrivatePlan", "__Mangled", "X",
     "HTTP2Server", "Übersicht"],
)
def test_WHEN_is_pascal_case_AND_name_is_pascal_case_THEN_true(name):
    # Run our test / Check our results
    assert True == is_pascal_case(name)


@pytest.mark.parametrize(
    "name",
    ["my_class", "Bad_Name", "capturePlan", "_private_plan", "CAPTURE_PLAN", "TransformerV1_View", "PlanV2_",
     "V_1", "_", "__", "", "Plan$"],
)
def test_WHEN_is_pascal_case_AND_name_is_not_pascal_case_THEN_false(name):
    # Run our test / Check our results
    assert False == is_pascal_case(name)


def test_WHEN_is_screaming_snake_case_called_THEN_only_names_without_lower_case_letters_pass():
    # TEST: SCREAMING_SNAKE_CASE, with digits and leading underscores
    assert True == is_screaming_snake_case("MAX_TRAFFIC")
    assert True == is_screaming_snake_case("_PRIVATE_LIMIT")
    assert True == is_screaming_snake_case("V2")

    # TEST: any lower-case letter fails
    assert False == is_screaming_snake_case("max_traffic")
    assert False == is_screaming_snake_case("MaxTraffic")
    assert False == is_screaming_snake_case("MAX_TRAFFIc")


@pytest.mark.parametrize(
    "expression",
    ["100", "0.5", "-3", "~0xFF", "+1", "'us-east-1'", "b'PNG'", "True", "1j", "[500, 502]", "('a',)", "{1, 2}",
     "{'a': [1, (2, -3)], 'b': {'c': 'd'}}", "24 * 60 * 60", "'-' * 40", "'a' + 'b'", "MAX_TRAFFIC * 2",
     "known_limit + 1", "[MAX_TRAFFIC, known_limit]"],
)
def test_WHEN_is_constant_value_AND_value_is_constant_THEN_true(expression):
    # Run our test
    actual = is_constant_value(_value(expression), {"known_limit"})

    # Check our results
    assert True == actual


@pytest.mark.parametrize(
    "expression",
    ["None", "...", "[]", "{}", "()", "set()", "[1, None]", "[...]", "{**BASE, 'a': 1}", "f'{MAX_TRAFFIC}'",
     "MAX_TRAFFIC", "known_limit", "other_value + 1", "_ + 1", "len('abc') * 2", "not True", "1 if True else 2",
     "lambda: 1", "[x for x in (1, 2)]", "(1).real"],
)
def test_WHEN_is_constant_value_AND_value_is_not_constant_THEN_false(expression):
    # Run our test
    actual = is_constant_value(_value(expression), {"known_limit"})

    # Check our results
    assert False == actual


def test_WHEN_is_constant_value_AND_chain_is_3000_terms_deep_THEN_walks_it_without_recursion():
    # Set up our test
    deep_sum = _sum_of_ones(3000)
    deep_sum_with_call = ast.BinOp(
        left=deep_sum, op=ast.Add(), right=ast.Call(func=ast.Name(id="len", ctx=ast.Load()), args=[], keywords=[])
    )

    # TEST: literals only
    assert True == is_constant_value(deep_sum, set())

    # TEST: one call at the end of the chain
    assert False == is_constant_value(deep_sum_with_call, set())

    # TEST: one call at the bottom of the chain
    innermost = deep_sum
    while isinstance(innermost.left, ast.BinOp):  # type: ignore[attr-defined]
        innermost = innermost.left  # type: ignore[attr-defined]
    innermost.left = ast.Name(id="compute_limit", ctx=ast.Load())  # type: ignore[attr-defined]
    assert False == is_constant_value(deep_sum, set())


def test_WHEN_is_constant_value_AND_known_constants_given_THEN_lower_case_names_in_set_count():
    # Set up our test
    value = _value("seconds_per_day * 7")

    # TEST: unknown lower-case name
    assert False == is_constant_value(value, set())

    # TEST: the same name once the rule has seen it bound to a constant
    assert True == is_constant_value(value, {"seconds_per_day"})


def test_WHEN_module_constant_is_3000_terms_deep_THEN_flagged_once():
    # Set up our test
    target = ast.Name(id="max_traffic", ctx=ast.Store(), **_AT_1_0)
    tree = ast.Module(body=[ast.Assign(targets=[target], value=_sum_of_ones(3000), **_AT_1_0)], type_ignores=[])

    # Run our test
    actual = check_tree(tree, "sample.py", Options(), ["max_traffic = 1 + 1\n"])

    # Check our results
    expected = [(1, 0, "CHS203 module-level constant 'max_traffic' should be SCREAMING_SNAKE_CASE")]
    assert expected == actual


@pytest.mark.parametrize("filename", ["stdin", "-"])
def test_WHEN_module_name_checked_AND_source_is_stdin_THEN_no_finding(filename):
    # Run our test
    actual = _findings("MAX_TRAFFIC = 100\n", filename)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


@pytest.mark.parametrize(
    "filename",
    ["CapacityPlanning", "bin/Capacity-Planning", "CapacityPlanning.txt", "CapacityPlanning.PY", "Core/capacity.py",
     "core/capacity_planning.pyi", "core/__init__.pyi", "pkg/__main__.py", "tests/conftest.py", "größe.py"],
)
def test_WHEN_module_name_checked_AND_not_a_badly_named_python_file_THEN_no_finding(filename):
    # Run our test
    actual = _findings("MAX_TRAFFIC = 100\n", filename)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


@pytest.mark.parametrize(
    "filename", ["core/CapacityPlanning.pyi", "core/capacity-planning.pyi", "/abs/path/Capacity.py", "class-.py"]
)
def test_WHEN_module_name_checked_AND_python_file_badly_named_THEN_flagged_at_1_1(filename):
    # Run our test
    actual = _findings("MAX_TRAFFIC = 100\n", filename)

    # Check our results
    expected = [(1, 1, "CHS204")]
    assert expected == actual


def test_WHEN_module_name_checked_AND_file_is_empty_THEN_still_flagged():
    # Run our test
    actual = check_tree(ast.parse(""), "CapacityPlanning.py", Options(), [])

    # Check our results
    expected = [(1, 0, "CHS204 module file name 'CapacityPlanning.py' should be snake_case")]
    assert expected == actual


def test_WHEN_except_name_not_snake_case_THEN_reported_at_the_name():
    # Set up our test
    source = """\
        def load() -> None:
            try:
                pass
            except ValueError as parseError:
                raise
            except (
                KeyError,
                TypeError,
            ) \\
                as  lookupError:
                raise
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(4, 26, "CHS205"), (10, 13, "CHS205")]
    assert expected == actual


def test_WHEN_except_name_not_snake_case_AND_source_lines_unavailable_THEN_reported_at_the_handler():
    # Set up our test
    source = """\
        def load() -> None:
            try:
                pass
            except ValueError as parseError:
                raise
        """

    # TEST: no lines at all (standard input that flake8 could not hand over)
    assert [(4, 5, "CHS205")] == _findings(source, "stdin", lines=[])

    # TEST: lines that do not match the tree
    assert [(4, 5, "CHS205")] == _findings(source, lines=["\n"] * 5)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_WHEN_match_capture_spans_lines_THEN_reported_at_the_name():
    # Set up our test
    source = """\
        def route(command: object) -> object:
            match command:
                case {
                    "go": 1,
                    **
                    Extra
                }:
                    return Extra
                case [
                    *
                    Rest
                ]:
                    return Rest
                case (
                    str()
                ) as Text:
                    return Text
            return None
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(6, 13, "CHS205"), (11, 13, "CHS205"), (16, 14, "CHS205")]
    assert expected == actual


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the type statement needs Python 3.12")
def test_WHEN_type_statement_at_module_level_THEN_not_a_constant():
    # Run our test
    actual = _findings("from typing import Dict\n\ntype json_map = Dict[str, str]\n")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_walrus_binds_names_THEN_function_locals_checked_and_module_names_left_to_chs203():
    # Set up our test
    source = """\
        from typing import List

        squares = [(LastSquare := n * n) for n in range(3)]


        def running(values: List[int]) -> List[int]:
            return [(runningTotal := value) for value in values]
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(7, 14, "CHS205")]
    assert expected == actual


def test_WHEN_module_constant_reported_THEN_message_names_it():
    # Run our test
    actual = check_tree(ast.parse("max_traffic = 100\n"), "sample.py", Options(), ["max_traffic = 100\n"])

    # Check our results
    expected = [(1, 0, "CHS203 module-level constant 'max_traffic' should be SCREAMING_SNAKE_CASE")]
    assert expected == actual


def test_WHEN_local_names_checked_THEN_each_binding_reported_once():
    # Set up our test
    source = """\
        def total() -> int:
            runningTotal = 0
            for itemValue in range(3):
                runningTotal += itemValue
            return runningTotal
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(2, 5, "CHS205"), (3, 9, "CHS205"), (4, 9, "CHS205")]
    assert expected == actual


def test_WHEN_constants_reference_each_other_THEN_only_names_seen_earlier_as_constants_count():
    # Set up our test
    source = """\
        seconds_per_day = 86400
        seconds_per_week = seconds_per_day * 7
        counter = 0
        counter = 1
        next_value = counter + 1
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(1, 1, "CHS203"), (2, 1, "CHS203")]
    assert expected == actual


def _codes_at(findings: List[Tuple[int, int, str]], line: int) -> Set[str]:
    return {code for at_line, _, code in findings if at_line == line}


def test_WHEN_class_derives_from_marker_base_only_THEN_methods_and_parameters_not_exempt():
    # Set up our test
    source = """\
        from typing import NamedTuple, Protocol


        class Readable(Protocol):
            def readAll(self, maxBytes: int) -> bytes:
                ...


        class Pair(NamedTuple):
            left: int

            def swapSides(self, newLeft: int) -> "Pair":
                return Pair(newLeft)


        class PlanError(ValueError):
            def toText(self, indentWidth: int) -> str:
                return str(indentWidth)
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    # TEST: Protocol
    assert {"CHS201", "CHS205"} == _codes_at(actual, 5)
    # TEST: NamedTuple
    assert {"CHS201", "CHS205"} == _codes_at(actual, 12)
    # TEST: a builtin exception
    assert {"CHS201", "CHS205"} == _codes_at(actual, 17)


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    prefix=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
                   max_size=12),
    name=st.from_regex(r"[a-zé][a-zé0-9]{0,5}[A-ZÉ][a-zA-Zé0-9]{0,5}", fullmatch=True),
)
def test_WHEN_local_name_follows_non_ascii_text_THEN_column_is_its_utf8_byte_offset(prefix, name):
    # Set up our test
    line = f'    text = "{prefix}"; {name} = 1\n'
    source = "def run() -> None:\n" + line

    # Run our test
    findings = check_tree(ast.parse(source), "mod.py", Options(), split_lines(source))
    actual = [(row, column) for row, column, _ in findings]

    # Check our results
    expected = [(2, len(line[:line.index(f"; {name} =") + 2].encode("utf-8")))]
    assert expected == actual
