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
from chris_style.rules.constants_docs import (
    _header_has_comment,
    comments_in,
    is_constant_name,
    is_documenting_comment,
    is_mostly_constant,
    is_unexplained_number,
    neighbour_table,
)

CHS6_ON = Options(enabled_opt_in=frozenset({"CHS650", "CHS651"}))
_AT_1_0 = dict(lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)


def _findings(source: str, filename: str = "module.py", options: Options = CHS6_ON,
              lines: Optional[Sequence[str]] = None) -> List[Tuple[int, int, str]]:
    """CHS6 findings (and internal errors) as (line, 1-based column, code), as flake8 prints them."""
    source = textwrap.dedent(source)
    if lines is None:
        lines = split_lines(source)
    findings = check_tree(ast.parse(source), filename, options, lines)
    return [(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings
            if message.startswith(("CHS6", "CHS0"))]


def _value(expression: str) -> ast.expr:
    return ast.parse(expression, mode="eval").body


def _literal_lines(name: str, count: int, first_line_comment: str = "") -> str:
    """``NAME = [`` ... ``]`` spanning exactly ``count`` lines."""
    rows = [f"{name} = [{first_line_comment}\n"] + [f"    {index},\n" for index in range(count - 2)] + ["]\n"]
    return "".join(rows)


# -- is_unexplained_number ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "expression",
    ["100", "0.01", "1e3", "0x10", "1_000", "2j", "-5", "+7", "24 * 60 * 60", "1 << 20", "(60 * 5) // 2", "~0",
     "-(2 ** 10)", "1 + 0", "1 - 1", "0 * 0", "10 % 3", "7 / 2", "0b1010 | 0o7 & 3 ^ 1", "-0.5", "--1"],
)
def test_WHEN_is_unexplained_number_AND_value_is_numeric_THEN_true(expression):
    # Run our test
    actual = is_unexplained_number(_value(expression))

    # Check our results
    assert True == actual


@pytest.mark.parametrize(
    "expression",
    ["0", "1", "-1", "+1", "0.0", "1.0", "-1.0", "0x0", "0j", "True", "False", "None", "'100'", "b'1'",
     "HOUR * 24", "24 * minutes", "len('abc') * 2", "[1, 2]", "(1, 2)", "1 if True else 2", "not 5", "1 @ 2",
     "1 < 2", "-'a'", "f'{1}'", "..."],
)
def test_WHEN_is_unexplained_number_AND_value_is_not_a_magic_number_THEN_false(expression):
    # Run our test
    actual = is_unexplained_number(_value(expression))

    # Check our results
    assert False == actual


def _sum_of_twos(terms: int) -> ast.expr:
    """``2 + 2 + ... + 2`` built from nodes (``ast.parse`` would recurse), ``terms - 1`` levels deep."""
    expression: ast.expr = ast.Constant(value=2, **_AT_1_0)
    for _ in range(terms - 1):
        expression = ast.BinOp(left=expression, op=ast.Add(), right=ast.Constant(value=2, **_AT_1_0), **_AT_1_0)
    return expression


def test_WHEN_is_unexplained_number_AND_chain_is_5000_terms_deep_THEN_walks_it_without_recursion():
    # Set up our test
    deep_sum = _sum_of_twos(5000)
    innermost = deep_sum
    while isinstance(innermost.left, ast.BinOp):  # type: ignore[attr-defined]
        innermost = innermost.left  # type: ignore[attr-defined]

    # TEST: numbers only
    assert True == is_unexplained_number(deep_sum)

    # TEST: one name at the bottom of the chain
    innermost.left = ast.Name(id="HOUR", ctx=ast.Load())  # type: ignore[attr-defined]
    assert False == is_unexplained_number(deep_sum)


def test_WHEN_numeric_constant_is_5000_terms_deep_THEN_flagged_once():
    # Set up our test
    target = ast.Name(id="TOTAL", ctx=ast.Store(), **_AT_1_0)
    tree = ast.Module(body=[ast.Assign(targets=[target], value=_sum_of_twos(5000), **_AT_1_0)], type_ignores=[])

    # Run our test
    actual = check_tree(tree, "module.py", CHS6_ON, ["TOTAL = 2 + 2\n"])

    # Check our results
    expected = [(1, 0, "CHS650 constant 'TOTAL' is an unexplained number; say why this value in a comment on its "
                 "line or above")]
    assert expected == actual


def test_WHEN_is_constant_name_called_THEN_screaming_snake_case_with_a_letter_and_no_dunder():
    # TEST: constants
    assert True == is_constant_name("MAX_TRAFFIC")
    assert True == is_constant_name("_PRIVATE_LIMIT")
    assert True == is_constant_name("V2")

    # TEST: not constants
    assert False == is_constant_name("max_traffic")
    assert False == is_constant_name("MaxTraffic")
    assert False == is_constant_name("_")
    assert False == is_constant_name("__")
    assert False == is_constant_name("_1")
    assert False == is_constant_name("__ALL__")


# -- comments ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "comment",
    ["# Gbps", "#: Sphinx doc", "# fmt: skip  # the deepest tree", "# noqa: E501 # Gbps", "#x", "# type of the value",
     "# See: https://schema.ocsf.io/1.1.0/", "# 3 is the recommended number"],
)
def test_WHEN_is_documenting_comment_AND_comment_has_text_THEN_true(comment):
    # Run our test / Check our results
    assert True == is_documenting_comment(comment)


@pytest.mark.parametrize(
    "comment",
    ["#", "#   ", "##", "# noqa", "# noqa: E501", "# NOQA:E501", "# type: ignore", "# type: int", "# pragma: no cover",
     "# fmt: off", "# pylint: disable=invalid-name", "# mypy: ignore-errors", "# isort: skip", "# flake8: noqa",
     "# nosec", "# pyright: ignore", "# ruff: noqa", "# yapf: disable", "# ast-grep-ignore: CHS650",
     "# noqa  # type: ignore"],
)
def test_WHEN_is_documenting_comment_AND_comment_is_only_tool_directives_THEN_false(comment):
    # Run our test / Check our results
    assert False == is_documenting_comment(comment)


def test_WHEN_comments_in_called_THEN_only_real_comments_from_the_start_column_on():
    # Set up our test
    lines = split_lines(
        'LABEL = "# not a comment"; WIDTH = 12  # twelve\n'
        'TABLE = [  # first line\n'
        '    "#",  # element\n'
        '    "x",\n'
        ']\n'
        'NOTE = "a"  # ok\n'
    )

    # TEST: a '#' inside a string is not a comment
    assert [(1, 39, "# twelve")] == comments_in(lines, 1, 0, 1)
    assert [(1, 39, "# twelve")] == comments_in(lines, 1, 27, 1)

    # TEST: an open bracket at the end of the slice: the comments before it are found
    assert [(2, 11, "# first line")] == comments_in(lines, 2, 0, 2)
    assert [(2, 11, "# first line"), (3, 10, "# element")] == comments_in(lines, 2, 0, 4)

    # TEST: starting after the comment
    assert [] == comments_in(lines, 1, 47, 1)

    # TEST: lines out of range
    assert [] == comments_in(lines, 0, 0, 1)
    assert [] == comments_in(lines, 6, 0, 7)
    assert [] == comments_in(lines, 3, 0, 2)


def test_WHEN_comments_in_AND_string_left_open_THEN_no_comment_inside_it():
    # Set up our test
    lines = split_lines('A = 5; B = """text # not a comment\n# still text"""\n')

    # Run our test
    actual = comments_in(lines, 1, 0, 1)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_comments_in_AND_start_column_counts_utf8_bytes_THEN_slice_starts_at_the_statement():
    # Set up our test
    line = 'GREETING = "héllo # là"; WIDTH = 16  # sixteen\n'
    byte_column = len(line[:line.index("WIDTH")].encode("utf-8"))

    # Run our test
    actual = comments_in([line], 1, byte_column, 1)

    # Check our results
    expected = [(1, len(line[:line.index("# sixteen")].encode("utf-8")), "# sixteen")]
    assert expected == actual
    assert 39 == expected[0][1]


# -- neighbour_table --------------------------------------------------------------------------------------

def test_WHEN_neighbour_table_built_for_module_THEN_previous_following_and_code_end_known():
    # Set up our test
    module = ast.parse('"""Doc."""\nA = 1\n\n# comment\nB = (\n    2\n)\nC = 3\n')
    docstring, first, second, third = module.body

    # Run our test
    table = neighbour_table(module)

    # Check our results
    assert (None, first, 0) == (table[id(docstring)].previous, table[id(docstring)].following,
                                table[id(docstring)].code_end_before)
    assert (docstring, second, 1) == (table[id(first)].previous, table[id(first)].following,
                                      table[id(first)].code_end_before)
    assert (first, third, 2) == (table[id(second)].previous, table[id(second)].following,
                                 table[id(second)].code_end_before)
    assert (second, None, 7) == (table[id(third)].previous, table[id(third)].following,
                                 table[id(third)].code_end_before)


def test_WHEN_neighbour_table_built_for_blocks_THEN_first_statements_follow_their_header():
    # Set up our test
    source = textwrap.dedent(
        '''\
        if (X ==
                1):
            A = 1
        else:
            B = 2
        try:
            C = 3
        except (KeyError,
                ValueError):
            D = 4
        finally:
            E = 5
        with open(
                "f") as handle:
            F = 6
        '''
    )
    module = ast.parse(source)
    if_node, try_node, with_node = module.body
    handler = try_node.handlers[0]  # type: ignore[attr-defined]

    # TEST: an if's body starts after its test, its orelse after the body
    table = neighbour_table(if_node)
    assert 2 == table[id(if_node.body[0])].code_end_before  # type: ignore[attr-defined]
    assert 3 == table[id(if_node.orelse[0])].code_end_before  # type: ignore[attr-defined]
    assert None is table[id(if_node.orelse[0])].previous  # type: ignore[attr-defined]

    # TEST: a try's body starts after the `try:` line, its finalbody after the handlers
    table = neighbour_table(try_node)
    assert 6 == table[id(try_node.body[0])].code_end_before  # type: ignore[attr-defined]
    assert 10 == table[id(try_node.finalbody[0])].code_end_before  # type: ignore[attr-defined]
    assert id(handler) not in table

    # TEST: a handler's body starts after its exception types
    assert 9 == neighbour_table(handler)[id(handler.body[0])].code_end_before

    # TEST: a with's body starts after its items (which have no position of their own)
    assert 14 == neighbour_table(with_node)[id(with_node.body[0])].code_end_before  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_WHEN_neighbour_table_built_for_match_case_THEN_body_follows_pattern_and_guard():
    # Set up our test
    module = ast.parse('match X:\n    case [\n        1,\n    ] if (\n        Y\n    ):\n        A = 1\n')
    case = module.body[0].cases[0]  # type: ignore[attr-defined]

    # Run our test
    table = neighbour_table(case)

    # Check our results
    assert 5 == table[id(case.body[0])].code_end_before


def test_WHEN_header_has_comment_THEN_shebang_coding_docstring_and_directives_do_not_count():
    # TEST: a provenance comment after a shebang and a coding line
    source = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# Pulled from the docs\nA = [1]\n"
    assert True == _header_has_comment(ast.parse(source), split_lines(source))

    # TEST: only a shebang, a coding line and a directive
    source = "#!/usr/bin/env python3\n# vim: set fileencoding=utf-8 :\n# pylint: disable=all\nA = [1]\n"
    assert False == _header_has_comment(ast.parse(source), split_lines(source))

    # TEST: a comment between the docstring and the first statement counts; the docstring does not
    source = '"""Pulled from the docs."""\n# See: https://example.com\nA = [1]\n'
    assert True == _header_has_comment(ast.parse(source), split_lines(source))
    source = '"""Pulled from the docs\n# not a comment\n"""\nA = [1]\n'
    assert False == _header_has_comment(ast.parse(source), split_lines(source))

    # TEST: a comment after the first statement is not in the header
    source = "import os\n# Pulled from the docs\nA = [1]\n"
    assert False == _header_has_comment(ast.parse(source), split_lines(source))

    # TEST: a shebang-like line below line 1 is a comment
    source = "#!/usr/bin/env python3\n#!not a shebang\nA = [1]\n"
    assert True == _header_has_comment(ast.parse(source), split_lines(source))


# -- CHS650 through the plugin ----------------------------------------------------------------------------

def test_WHEN_numeric_constant_undocumented_THEN_message_names_the_constant():
    # Run our test
    actual = check_tree(ast.parse("MAX_TRAFFIC = 100\n"), "module.py", CHS6_ON, ["MAX_TRAFFIC = 100\n"])

    # Check our results
    expected = [(1, 0, "CHS650 constant 'MAX_TRAFFIC' is an unexplained number; say why this value in a comment "
                 "on its line or above")]
    assert expected == actual


def test_WHEN_chs6_rules_not_selected_THEN_nothing_reported():
    # Run our test
    actual = _findings("MAX_TRAFFIC = 100\n" + _literal_lines("TABLE", 25), options=Options())

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_file_is_a_test_file_THEN_chs6_rules_do_not_run():
    # Set up our test
    source = "MAX_TRAFFIC = 100\n" + _literal_lines("TABLE", 25)

    # TEST: a test file
    assert [] == _findings(source, filename="tests/test_capacity.py")
    assert [] == _findings(source, filename="conftest.py")

    # TEST: the same source in a module
    assert [(1, 1, "CHS650"), (2, 1, "CHS651")] == _findings(source, filename="capacity.py")


def test_WHEN_source_lines_unavailable_THEN_nothing_reported():
    # Set up our test
    source = "MAX_TRAFFIC = 100\n" + _literal_lines("TABLE", 25)

    # TEST: standard input that flake8 could not hand over
    assert [] == _findings(source, filename="stdin", lines=[])

    # TEST: lines shorter than the tree: only what they cover is judged
    assert [(1, 1, "CHS650")] == _findings(source, lines=["MAX_TRAFFIC = 100\n"])


def test_WHEN_numeric_constant_documented_THEN_each_spot_silences_it():
    # TEST: a comment on its line
    assert [] == _findings("MAX_TRAFFIC = 100  # Gbps\n")

    # TEST: a comment block ending directly above
    assert [] == _findings("# Scaling limit\n# of one endpoint\nMAX_TRAFFIC = 100\n")

    # TEST: a comment inside a multi-line value
    assert [] == _findings("FIVE_MINUTES = (\n    60 * 5  # seconds\n)\n")

    # TEST: the module docstring ending directly above
    assert [] == _findings('"""Limits."""\nMAX_TRAFFIC = 100\n')

    # TEST: an attribute docstring directly below
    assert [] == _findings('MAX_TRAFFIC = 100\n"""Gbps."""\n')

    # TEST: a comment after another statement on the same line
    assert [] == _findings("SCALE = 2; OFFSET = 3  # both\n")

    # TEST: a comment above a line of several statements
    assert [] == _findings("# Event kinds\nKEY_PRESS = 2; KEY_RELEASE = 3; BUTTON_PRESS = 4\n")


def test_WHEN_statements_share_a_line_with_code_from_the_line_above_THEN_comment_above_is_not_theirs():
    # TEST: a multi-line statement ends on the constant's line
    assert [(3, 11, "CHS650")] == _findings("# Label\nX = (\n    'a'); LIMIT = 3\n")

    # TEST: a one-line block header on the constant's line
    assert [(2, 7, "CHS650")] == _findings("# Windows\nif X: LIMIT = 3\n")


def test_WHEN_thousands_of_statements_share_a_line_THEN_checked_in_linear_time():
    # Set up our test
    source = "import os\n# Generated\n" + "; ".join(f"LIMIT_{index} = {index + 2}" for index in range(5000)) + "\n"

    # Run our test
    with mock.patch("chris_style.rules.constants_docs.neighbour_table", wraps=neighbour_table) as spy:
        actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual
    assert 1 == spy.call_count


def test_WHEN_numeric_constant_has_comment_nearby_but_not_directly_THEN_flagged():
    # TEST: a blank line between the comment and the constant
    assert [(3, 1, "CHS650")] == _findings("# Gbps\n\nMAX_TRAFFIC = 100\n")

    # TEST: the comment of the constant above
    assert [(2, 1, "CHS650")] == _findings("MIN_TRAFFIC = 5  # Gbps\nMAX_TRAFFIC = 100\n")

    # TEST: a docstring two lines above
    assert [(3, 1, "CHS650")] == _findings('"""Limits."""\n\nMAX_TRAFFIC = 100\n')

    # TEST: an attribute docstring two lines below
    assert [(1, 1, "CHS650")] == _findings('MAX_TRAFFIC = 100\n\n"""Gbps."""\n')

    # TEST: a tool directive only
    assert [(1, 1, "CHS650")] == _findings("MAX_TRAFFIC = 100  # noqa: E501\n")

    # TEST: the end of a string that starts with '#'
    assert [(3, 1, "CHS650")] == _findings('TEXT = """\n# not a comment"""\nMAX_TRAFFIC = 100\n')

    # TEST: the end of a block header's string that starts with '#'
    assert [(3, 5, "CHS650")] == _findings('if TEXT == """\n#""":\n    MAX_TRAFFIC = 100\n')


def test_WHEN_numeric_constant_not_at_module_level_THEN_not_checked():
    # Set up our test
    source = """\
        class Limits:
            MAX_ITEMS = 50


        def scale() -> int:
            factor = 10
            return factor * (lambda: 7)()
        """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    value=st.integers(min_value=2, max_value=10 ** 12),
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\\\"\r"),
                 max_size=20),
)
def test_WHEN_hash_sign_stands_in_a_string_THEN_it_never_documents_the_constant(value, text):
    # Set up our test
    source = f'LIMIT = {value}; LABEL = "{text} # {text}"\n'

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(1, 1, "CHS650")]
    assert expected == actual


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    value=st.integers(min_value=2, max_value=10 ** 12),
    words=st.from_regex(r"[A-Za-zé0-9 ,.;:()]*[A-Za-zé]", fullmatch=True),
    above=st.booleans(),
)
def test_WHEN_comment_with_words_added_THEN_the_constant_is_documented(value, words, above):
    # Set up our test
    undocumented = f"NAME_ONE = 'x'\nLIMIT = -{value}\n"
    documented = f"NAME_ONE = 'x'\n# {words}\nLIMIT = -{value}\n" if above else (
        f"NAME_ONE = 'x'\nLIMIT = -{value}  # {words}\n"
    )

    hypothesis.assume(is_documenting_comment(f"# {words}"))

    # TEST: without the comment
    assert [(2, 1, "CHS650")] == _findings(undocumented)

    # TEST: with it
    assert [] == _findings(documented)


# -- CHS651 through the plugin ----------------------------------------------------------------------------

def test_WHEN_data_literal_undocumented_THEN_message_names_it_and_counts_its_lines():
    # Set up our test
    source = _literal_lines("OCSF_EVENT_CLASSES", 21)

    # Run our test
    actual = check_tree(ast.parse(source), "module.py", CHS6_ON, split_lines(source))

    # Check our results
    expected = [(1, 0, "CHS651 data literal 'OCSF_EVENT_CLASSES' spans 21 lines with no provenance comment; say "
                 "where the data comes from in a comment above it")]
    assert expected == actual


def test_WHEN_threshold_default_THEN_literals_of_20_lines_or_more_flagged():
    # TEST: 19 lines
    assert [] == _findings(_literal_lines("TABLE", 19))

    # TEST: 20 lines
    assert [(1, 1, "CHS651")] == _findings(_literal_lines("TABLE", 20))


def test_WHEN_threshold_configured_THEN_literals_of_that_many_lines_flagged():
    # Set up our test
    options = Options(enabled_opt_in=frozenset({"CHS651"}), max_undocumented_literal_lines=3)

    # TEST: below the threshold
    assert [] == _findings("TABLE = [1,\n]\n", options=options)

    # TEST: at the threshold
    assert [(1, 1, "CHS651")] == _findings("TABLE = [\n    1,\n]\n", options=options)

    # TEST: a one-line threshold flags one-line literals too
    options = Options(enabled_opt_in=frozenset({"CHS651"}), max_undocumented_literal_lines=1)
    assert [(1, 1, "CHS651")] == _findings("TABLE = [1, 2]\n", options=options)


def test_WHEN_data_literal_documented_THEN_each_spot_silences_it():
    # Set up our test
    table = _literal_lines("TABLE", 20)

    # TEST: a comment directly above
    assert [] == _findings("# Pulled from the docs\n" + table)

    # TEST: a comment on the first line
    assert [] == _findings(_literal_lines("TABLE", 20, "  # Pulled from the docs"))

    # TEST: a comment before the first element
    assert [] == _findings(table.replace("[\n", "[\n    # Pulled from the docs\n", 1))

    # TEST: the header comment block
    assert [] == _findings("# Pulled from the docs\n\nimport os\n\n" + table)

    # TEST: an attribute docstring directly below
    assert [] == _findings(table + '"""Pulled from the docs."""\n')


def test_WHEN_data_literal_has_comment_only_on_elements_or_in_strings_THEN_flagged():
    # TEST: a comment on an element
    assert [(1, 1, "CHS651")] == _findings(_literal_lines("TABLE", 20).replace("    1,\n", "    1,  # one\n", 1))

    # TEST: a '#' inside a string on the first line
    source = 'TABLE = ["# not a comment",\n' + "".join(f"    {index},\n" for index in range(19)) + "]\n"
    assert [(1, 1, "CHS651")] == _findings(source)

    # TEST: a module docstring that is not directly above
    assert [(3, 1, "CHS651")] == _findings('"""Pulled from the docs."""\nimport os\n' + _literal_lines("TABLE", 20))


def test_WHEN_comment_and_statement_separated_by_blank_lines_THEN_documents_a_data_literal_only():
    # TEST: a data literal
    assert [] == _findings("# Pulled from the docs\n\n\n" + _literal_lines("TABLE", 20))

    # TEST: a numeric constant
    assert [(3, 1, "CHS650")] == _findings("# Gbps\n\nMAX_TRAFFIC = 100\n")

    # TEST: code between the comment and the data literal
    source = "import os\n# Pulled from the docs\nREGION = os.sep\n\n" + _literal_lines("TABLE", 20)
    assert [(5, 1, "CHS651")] == _findings(source)

    # TEST: the comment of the statement above
    assert [(2, 1, "CHS651")] == _findings("REGION = 'x'  # Pulled from the docs\n" + _literal_lines("TABLE", 20))

    # TEST: a string of blank-looking lines that belongs to the statement above
    source = 'TEXT = """\n# not a comment\n\n"""\n' + _literal_lines("TABLE", 20)
    assert [(5, 1, "CHS651")] == _findings(source)


@pytest.mark.parametrize(
    "expression",
    ["['a', 'b', NAME]", "{'a': 1, 'b': f(x)}", "[{'name': 'x', 'uid': -1}, {'name': None, 'uid': True}]",
     "((1, 2), (3, NAME))", "{'a': {'b': {'c': 'd'}}}", "[b'x']"],
)
def test_WHEN_is_mostly_constant_AND_most_leaves_are_constants_THEN_true(expression):
    # Run our test / Check our results
    assert True == is_mostly_constant(_value(expression))


@pytest.mark.parametrize(
    "expression",
    ["[]", "{}", "[NAME]", "{'cwd': os.getcwd, 'pid': os.getpid}", "(ArithmeticError, KeyError)",
     "{**BASE, 'a': 1}", "[f'{x}', 'a']", "['a', NAME, f(x)]", "[[], [], ()]"],
)
def test_WHEN_is_mostly_constant_AND_at_most_half_of_leaves_are_constants_THEN_false(expression):
    # Run our test / Check our results
    assert False == is_mostly_constant(_value(expression))


@pytest.mark.parametrize(
    "opening, closing",
    [("[", "]"), ("(", ")"), ("{", "}"), ("frozenset({", "})"), ("tuple([", "])"), ("dict({", "})")],
)
def test_WHEN_data_literal_is_a_display_or_wrapped_display_THEN_flagged(opening, closing):
    # Set up our test
    element = "    'a': 1,\n" if opening.endswith("{") and "frozenset" not in opening else "    1,\n"
    source = f"TABLE = {opening}\n" + element * 18 + f"{closing}\n"

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(1, 1, "CHS651")]
    assert expected == actual


@pytest.mark.parametrize(
    "source",
    [
        "TABLE = [\n    number\n" + "    for number in range(3)\n" * 20 + "]\n",
        'PROMPT = """\n' + "text\n" * 20 + '"""\n',
        "TABLE = sorted([\n" + "    1,\n" * 20 + "])\n",
        "TABLE = dict(\n" + "".join(f"    a{index}=1,\n" for index in range(20)) + ")\n",
        "TABLE = frozenset({\n" + "    1,\n" * 20 + "}, key=None)\n",
        "CONFIG = {}\nCONFIG['table'] = [\n" + "    1,\n" * 20 + "]\n",
        "__all__ = [\n" + "    'a',\n" * 20 + "]\n",
        "FIRST, SECOND = [\n" + "    1,\n" * 20 + "]\n",
        "HANDLERS = {\n" + "".join(f"    'k{index}': handle_{index},\n" for index in range(20)) + "}\n",
        "class Tables:\n    TABLE = [\n" + "        1,\n" * 20 + "    ]\n",
    ],
)
def test_WHEN_value_is_not_a_module_level_data_literal_THEN_not_flagged(source):
    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_many_literals_undocumented_THEN_header_read_once():
    # Set up our test
    source = "import os\n\n" + "".join(_literal_lines(f"TABLE_{index}", 20) + "\n" for index in range(50))

    # Run our test
    with mock.patch("chris_style.rules.constants_docs._header_has_comment", wraps=_header_has_comment) as spy:
        actual = _findings(source)

    # Check our results
    assert 50 == len(actual)
    assert 1 == spy.call_count


def test_WHEN_literals_and_constants_share_a_block_THEN_neighbour_table_built_once_per_block():
    # Set up our test
    source = "".join(f"LIMIT_{index} = {index + 2}\n" for index in range(100))
    source += "if LIMIT_0:\n" + "".join(f"    INNER_{index} = {index + 2}\n" for index in range(100))

    # Run our test
    with mock.patch("chris_style.rules.constants_docs.neighbour_table", wraps=neighbour_table) as spy:
        actual = _findings(source)

    # Check our results
    assert 200 == len(actual)
    assert 2 == spy.call_count
