import ast
import sys
import textwrap
import unittest.mock as mock
from typing import List, Optional, Sequence, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.context import split_lines
from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.idioms import _blocks_comprehension, empties_list, previous_statements

_AT_1_0 = dict(lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)


def _findings(source: str, filename: str = "module.py",
              lines: Optional[Sequence[str]] = None) -> List[Tuple[int, int, str]]:
    """CHS7 findings (and internal errors) as (line, 1-based column, code), as flake8 prints them."""
    source = textwrap.dedent(source)
    if lines is None:
        lines = split_lines(source)
    findings = check_tree(ast.parse(source), filename, Options(), lines)
    return [(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings
            if message.startswith(("CHS7", "CHS0"))]


def _statement(source: str) -> ast.stmt:
    return ast.parse(textwrap.dedent(source)).body[0]


# -- CHS701 -------------------------------------------------------------------------------------------------

def test_WHEN_percent_formatting_of_literal_THEN_message_says_use_an_f_string():
    # Run our test
    actual = check_tree(ast.parse('TEXT = "v%s" % VERSION\n'), "module.py", Options(), ['TEXT = "v%s" % VERSION\n'])

    # Check our results
    expected = [(1, 7, "CHS701 '%' formatting of a string literal; use an f-string")]
    assert expected == actual


@pytest.mark.parametrize(
    "expression, column",
    [('"%s" % name', 1), ("'%d items' % count", 1), ('"%(a)s" % {"a": 1}', 1), ('("%s" "-%s") % pair', 1),
     ('f"{a}: %s" % b', 1), ('"""%s\n""" % name', 1), ('len("%s" % name)', 5), ('"%s" % ("%d" % 5)', 1)],
)
def test_WHEN_percent_operator_has_string_literal_on_the_left_THEN_flagged(expression, column):
    # Run our test
    actual = _findings(f"value = {expression}\n")

    # Check our results
    assert (1, column + 8, "CHS701") == actual[0]


@pytest.mark.parametrize(
    "expression",
    ['b"%d" % count', "template % values", "count % 2", "10 % 3", '("%s" + "!") % name', '"%s".__mod__(name)',
     '"100%"', 'f"{count % 2}"', "name % 'x'"],
)
def test_WHEN_percent_operator_has_no_string_literal_on_the_left_THEN_not_flagged(expression):
    # Run our test
    actual = _findings(f"value = {expression}\n")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_percent_formatting_nested_THEN_each_operator_reported():
    # Run our test
    actual = _findings('value = "%s items" % ("%d" % count)\n')

    # Check our results
    expected = [(1, 9, "CHS701"), (1, 23, "CHS701")]
    assert expected == actual


def test_WHEN_percent_formatting_in_test_file_THEN_flagged_too():
    # Run our test
    actual = _findings('def test_x() -> None:\n    assert "a" == "%s" % "a"\n', filename="test_module.py")

    # Check our results
    expected = [(2, 19, "CHS701")]
    assert expected == actual


# -- CHS702 -------------------------------------------------------------------------------------------------

def test_WHEN_literal_format_in_function_THEN_message_says_use_an_f_string():
    # Set up our test
    source = 'def f(name: str) -> str:\n    return "{}!".format(name)\n'

    # Run our test
    actual = check_tree(ast.parse(source), "module.py", Options(), split_lines(source))

    # Check our results
    expected = [(2, 11, "CHS702 '\"...\".format(...)' in a function; use an f-string")]
    assert expected == actual


def test_WHEN_literal_format_called_THEN_only_code_run_by_a_function_flagged():
    # Set up our test
    source = """\
        GREETING = "Hello, {}".format("world")
        RENDER = lambda row: "{}".format(row)


        class Banner:
            TEXT = "v{}".format(1)

            def render(self, width: int = "{}".format(3)) -> str:
                return "{:^{}}".format(self.TEXT, width)


        def make() -> type:
            class Row:
                HEADER = "{}|{}".format("a", "b")

                def cells(self) -> list:
                    return ["{}".format(cell) for cell in "ab"]

            return Row


        async def later(name: str) -> str:
            return "{}".format(name)


        @decorate("{}".format("x"))
        def decorated(
            sep: str = "{}".format("-"),
        ) -> str:
            return sep
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(2, 22, "CHS702"), (9, 16, "CHS702"), (14, 18, "CHS702"), (17, 21, "CHS702"), (23, 12, "CHS702")]
    assert expected == actual


@pytest.mark.parametrize(
    "expression",
    ["template.format(name)", "str.format('{}', name)", "_('{}').format(name)", "f'{{}} {name}'.format(1)",
     "b'{}'.format(name)", "map('{:02x}'.format, data)", "'{}'.format", "'{}'.join(name)", "('{}' + '!').format(1)",
     "'{}'.format_map(values)"],
)
def test_WHEN_format_not_called_on_a_string_literal_THEN_not_flagged(expression):
    # Run our test
    actual = _findings(f"def f(name: str) -> object:\n    return {expression}\n")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_implicitly_concatenated_literal_formatted_THEN_flagged_once_at_the_first_string():
    # Set up our test
    source = """\
        def f(a: str, b: str) -> str:
            return ("{}-"
                    "{}").format(a, b)
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(2, 12, "CHS702")]
    assert expected == actual


# -- CHS704 -------------------------------------------------------------------------------------------------

def test_WHEN_append_loop_follows_empty_list_THEN_message_names_the_list():
    # Set up our test
    source = "names = []\nfor row in rows:\n    names.append(row.name)\n"

    # Run our test
    actual = check_tree(ast.parse(source), "module.py", Options(), split_lines(source))

    # Check our results
    expected = [(2, 0, "CHS704 list 'names' is emptied, then filled by a loop that only appends; build it with a "
                 "list comprehension")]
    assert expected == actual


def test_WHEN_append_loop_in_any_statement_list_THEN_found_through_its_own_block():
    # Set up our test
    source = """\
        def f(rows: list) -> None:
            try:
                a = []
                for row in rows:
                    a.append(row)
            except ValueError:
                b = []
                for row in rows:
                    b.append(row)
            else:
                c = []
                for row in rows:
                    c.append(row)
            finally:
                d = []
                for row in rows:
                    d.append(row)
            while rows:
                e = []
                for row in rows:
                    e.append(row)
            with open("f") as handle:
                g = []
                for row in handle:
                    g.append(row)
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(4, 9, "CHS704"), (8, 9, "CHS704"), (12, 9, "CHS704"), (16, 9, "CHS704"), (20, 9, "CHS704"),
                (24, 9, "CHS704")]
    assert expected == actual


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_WHEN_append_loop_in_match_case_THEN_flagged():
    # Set up our test
    source = """\
        match command:
            case [*rows]:
                names = []
                for row in rows:
                    names.append(row)
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(4, 9, "CHS704")]
    assert expected == actual


def test_WHEN_empty_list_and_loop_are_in_different_blocks_THEN_not_flagged():
    # Set up our test
    source = """\
        names = []
        if rows:
            for row in rows:
                names.append(row)
        for row in rows:
            names.append(row)
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_empties_list_called_THEN_only_single_name_emptied_counts():
    # TEST: emptied
    assert True == empties_list(_statement("names = []"), "names")
    assert True == empties_list(_statement("names = list()"), "names")
    assert True == empties_list(_statement("names: List[str] = []"), "names")

    # TEST: another name, more targets, other values
    assert False == empties_list(_statement("names = []"), "rows")
    assert False == empties_list(_statement("names = rows = []"), "names")
    assert False == empties_list(_statement("names = [1]"), "names")
    assert False == empties_list(_statement("names = list(rows)"), "names")
    assert False == empties_list(_statement("names = list(iterable=())"), "names")
    assert False == empties_list(_statement("names = ()"), "names")
    assert False == empties_list(_statement("names: List[str]"), "names")
    assert False == empties_list(_statement("names += []"), "names")
    assert False == empties_list(_statement("self.names = []"), "names")
    assert False == empties_list(_statement("names = set()"), "names")


def test_WHEN_blocks_comprehension_called_THEN_list_mentions_walrus_and_yield_block_it():
    # Set up our test
    def parts(loop: str) -> Tuple[ast.expr, ast.expr, Optional[ast.expr], ast.expr]:
        node = _statement(loop)
        body = node.body[0]  # type: ignore[attr-defined]
        test = None
        if isinstance(body, ast.If):
            test, body = body.test, body.body[0]
        return node.target, node.iter, test, body.value.args[0]  # type: ignore[attr-defined]

    # TEST: convertible
    assert False == _blocks_comprehension("out", *parts("for a, b in rows:\n    if a:\n        out.append(b)"))
    assert False == _blocks_comprehension("out", *parts("for row in rows:\n    out.append(await row)"))

    # TEST: the list itself in each part
    assert True == _blocks_comprehension("out", *parts("for out in rows:\n    out.append(1)"))
    assert True == _blocks_comprehension("out", *parts("for row in out:\n    out.append(row)"))
    dedupe = "for row in rows:\n    if row not in out:\n        out.append(row)"
    assert True == _blocks_comprehension("out", *parts(dedupe))
    assert True == _blocks_comprehension("out", *parts("for row in rows:\n    out.append(f(lambda: out))"))

    # TEST: walrus and yield
    assert True == _blocks_comprehension("out", *parts("for row in (r := rows):\n    out.append(row)"))
    assert True == _blocks_comprehension("out", *parts("for row in rows:\n    out.append((yield row))"))
    assert True == _blocks_comprehension("out", *parts("for row in rows:\n    out.append((yield from row))"))


def test_WHEN_blocks_comprehension_AND_appended_value_is_5000_levels_deep_THEN_no_recursion():
    # Set up our test
    element: ast.expr = ast.Name(id="row", ctx=ast.Load(), **_AT_1_0)
    for _ in range(5000):
        element = ast.BinOp(left=element, op=ast.Add(), right=ast.Constant(value=1, **_AT_1_0), **_AT_1_0)
    target = ast.Name(id="row", ctx=ast.Store(), **_AT_1_0)
    iterable = ast.Name(id="rows", ctx=ast.Load(), **_AT_1_0)

    # TEST: convertible
    assert False == _blocks_comprehension("out", target, iterable, None, element)

    # TEST: the list at the bottom
    innermost = element
    while isinstance(innermost.left, ast.BinOp):  # type: ignore[attr-defined]
        innermost = innermost.left  # type: ignore[attr-defined]
    innermost.left = ast.Name(id="out", ctx=ast.Load(), **_AT_1_0)  # type: ignore[attr-defined]
    assert True == _blocks_comprehension("out", target, iterable, None, element)


def test_WHEN_previous_statements_built_THEN_each_list_starts_fresh():
    # Set up our test
    node = _statement("if x:\n    a = 1\n    b = 2\nelse:\n    c = 3\n")
    first, second = node.body  # type: ignore[attr-defined]
    (third,) = node.orelse  # type: ignore[attr-defined]

    # Run our test
    actual = previous_statements(node)

    # Check our results
    expected = {id(first): None, id(second): first, id(third): None}
    assert expected == actual


def test_WHEN_many_loops_share_a_block_THEN_previous_statements_built_once_per_block():
    # Set up our test
    source = "def f(rows: list) -> None:\n" + "".join(
        f"    out_{index} = []\n    for row in rows:\n        out_{index}.append(row)\n" for index in range(300)
    )

    # Run our test
    with mock.patch("chris_style.rules.idioms.previous_statements", wraps=previous_statements) as spy:
        actual = _findings(source)

    # Check our results
    assert 300 == len(actual)
    assert 1 == spy.call_count


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    emptied=st.sampled_from(["names", "rows", "found"]),
    appended_to=st.sampled_from(["names", "rows", "found"]),
    filtered=st.booleans(),
    between=st.booleans(),
)
def test_WHEN_append_loop_generated_THEN_flagged_exactly_when_the_list_was_just_emptied(
        emptied, appended_to, filtered, between):
    # Set up our test
    body = f"        {appended_to}.append(item)\n"
    if filtered:
        body = f"        if item:\n    {body}"
    source = (
        "def f(items: list, rows: list, found: list) -> None:\n"
        f"    {emptied} = []\n" + ("    count = 0\n" if between else "") + "    for item in items:\n" + body
    )

    # Run our test
    actual = _findings(source)

    # Check our results
    flagged = emptied == appended_to and not between
    expected = [(3, 5, "CHS704")] if flagged else []
    assert expected == actual
