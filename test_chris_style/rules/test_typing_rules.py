import ast
from typing import List, Optional, Sequence, Tuple

from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.registry import opt_in_codes
from chris_style.rules.typing_rules import _parse_annotation_string

ALL_RULES = Options(enabled_opt_in=frozenset(opt_in_codes()))


def _findings(source: str, filename: str = "module.py", options: Options = ALL_RULES,
              lines: Optional[Sequence[str]] = None, with_lines: bool = True) -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of each finding, as flake8 prints them; opt-in rules on by default."""
    if lines is None and with_lines:
        lines = source.splitlines(keepends=True)
    findings = check_tree(ast.parse(source), filename, options, lines)
    return [(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings]


def _messages(source: str) -> List[str]:
    findings = check_tree(ast.parse(source), "module.py", ALL_RULES, source.splitlines(keepends=True))
    return [message for _, _, message in findings]


def test_WHEN_annotation_string_parsed_AND_text_is_junk_THEN_none():
    # TEST: empty and blank text
    assert None is _parse_annotation_string("")
    assert None is _parse_annotation_string("   ")

    # TEST: not an expression
    assert None is _parse_annotation_string("not a type!")
    assert None is _parse_annotation_string("x = 1")
    assert None is _parse_annotation_string("import os")

    # TEST: a null byte (ValueError on 3.9-3.11, SyntaxError later)
    assert None is _parse_annotation_string("List[\x00]")

    # TEST: nesting deeper than the parser allows
    assert None is _parse_annotation_string("List[" * 1000 + "int" + "]" * 1000)
    assert None is _parse_annotation_string("(" * 1000 + "int" + ")" * 1000)


def test_WHEN_annotation_string_parsed_AND_text_is_a_type_THEN_expression_without_surrounding_space():
    # Run our test
    actual = _parse_annotation_string("  \u00a0Dict[str, list[int]]\n")

    # Check our results
    expected = "Dict[str, list[int]]"
    assert expected == ast.unparse(actual)
    assert 0 == actual.col_offset


def test_WHEN_string_annotation_has_escapes_or_prefix_THEN_reported_on_the_string():
    # TEST: an escape sequence: offsets in the parsed text do not map onto the source
    source = 'def f(values: "Dict[str, list[\\x69nt]]") -> None:\n    values.clear()\n'
    assert [(1, 15, "CHS103")] == _findings(source)

    # TEST: an escape after the subscript shifts nothing before it, but is still not mapped
    source = 'def f(values: "list[int]\\t") -> None:\n    values.clear()\n'
    assert [(1, 15, "CHS103")] == _findings(source)

    # TEST: prefixes
    for prefix in ("r", "u", "R", "U"):
        source = f'def f(values: {prefix}"list[int]") -> None:\n    values.clear()\n'
        assert [(1, 15, "CHS103")] == _findings(source), prefix

    # TEST: implicitly concatenated literals on one line
    source = 'def f(values: "Dict[str, " "list[int]]") -> None:\n    values.clear()\n'
    assert [(1, 15, "CHS103")] == _findings(source)

    # TEST: implicitly concatenated literals over two lines
    source = 'def f(values: ("Dict[str, "\n               "list[int]]")) -> None:\n    values.clear()\n'
    assert [(1, 16, "CHS103")] == _findings(source)

    # TEST: a parsed node on the second line of the text (an escaped newline inside brackets)
    source = 'def f(values: "Dict[str,\\nlist[int]]") -> None:\n    values.clear()\n'
    assert [(1, 15, "CHS103")] == _findings(source)


def test_WHEN_string_annotation_is_plain_THEN_reported_on_the_exact_spot():
    # TEST: double, single and triple quotes
    assert [(1, 16, "CHS103")] == _findings('def f(values: "list[int]") -> None:\n    values.clear()\n')
    assert [(1, 16, "CHS103")] == _findings("def f(values: 'list[int]') -> None:\n    values.clear()\n")
    assert [(1, 18, "CHS103")] == _findings('def f(values: """list[int]""") -> None:\n    values.clear()\n')
    assert [(1, 18, "CHS103")] == _findings("def f(values: '''list[int]''') -> None:\n    values.clear()\n")

    # TEST: a multi-byte character before the subscript (columns count UTF-8 bytes)
    source = 'def f(values: "Dict[Literal[\'\u00e9\'], list[int]]") -> None:\n    values.clear()\n'
    assert [(1, 36, "CHS103")] == _findings(source)


def test_WHEN_string_annotation_starts_with_unicode_space_THEN_reported_on_the_exact_spot():
    # TEST: ASCII space and tab
    assert [(1, 17, "CHS103")] == _findings('def f(values: " list[int]") -> None:\n    values.clear()\n')
    assert [(1, 17, "CHS103")] == _findings('def f(values: "\tlist[int]") -> None:\n    values.clear()\n')

    # TEST: a no-break space (2 bytes in UTF-8), which str.strip drops before parsing
    assert [(1, 18, "CHS103")] == _findings('def f(values: "\u00a0list[int]") -> None:\n    values.clear()\n')

    # TEST: an ideographic space (3 bytes in UTF-8)
    assert [(1, 19, "CHS103")] == _findings('def f(values: "\u3000list[int]") -> None:\n    values.clear()\n')


def test_WHEN_source_lines_unavailable_THEN_string_annotation_reported_on_the_string():
    # Set up our test
    source = 'def f(values: "Dict[str, list[int]]") -> None:\n    values.clear()\n'

    # TEST: standard input, whose lines cannot be read back
    assert [(1, 15, "CHS103")] == _findings(source, filename="-", with_lines=False)

    # TEST: lines that do not match the tree
    assert [(1, 15, "CHS103")] == _findings(source, lines=["\n"])


def test_WHEN_annotation_deeply_nested_THEN_found_without_internal_error():
    # TEST: a string annotation nested as deep as the parser allows, with the builtin generic at the core
    depth = 150
    annotation = "List[" * depth + "list[int]" + "]" * depth
    source = f'def f(values: "{annotation}") -> None:\n    values.clear()\n'
    expected = [(1, 16 + 5 * depth, "CHS103")]
    assert expected == _findings(source)

    # TEST: a string annotation too deep to parse is left alone
    annotation = "List[" * 1000 + "list[int]" + "]" * 1000
    source = f'def f(values: "{annotation}") -> None:\n    values.clear()\n'
    assert [] == _findings(source)


def test_WHEN_function_returns_or_yields_THEN_message_names_function_and_verb():
    # TEST: returns
    expected = ["CHS101 missing return annotation on 'get_name', which returns a value; add '-> <type>'"]
    assert expected == _messages("def get_name(name: str):\n    return name\n")

    # TEST: yields
    expected = ["CHS101 missing return annotation on 'names', which yields a value; add '-> <type>'"]
    assert expected == _messages("def names(name: str):\n    yield name\n")

    # TEST: both: the return wins
    expected = ["CHS101 missing return annotation on 'names', which returns a value; add '-> <type>'"]
    assert expected == _messages("def names(name: str):\n    yield name\n    return 1\n")

    # TEST: nothing (opt-in CHS150)
    expected = ["CHS150 missing '-> None' on 'store', which returns nothing"]
    assert expected == _messages("def store(name: str):\n    name.strip()\n")


def test_WHEN_function_returns_nothing_AND_chs150_not_selected_THEN_no_finding():
    # Set up our test
    source = "def store(name: str):\n    name.strip()\n\n\ndef get(name: str):\n    return name\n"

    # Run our test
    actual = _findings(source, options=Options())

    # Check our results
    expected = [(5, 1, "CHS101")]
    assert expected == actual


def test_WHEN_annotation_uses_builtin_THEN_message_names_typing_alias():
    # Set up our test
    source = (
        "def f(a: frozenset[int], b: type[int], c: tuple[int], d: set[int], e: callable, g: any) -> None:\n"
        "    a.copy()\n"
    )

    # Run our test
    actual = _messages(source)

    # Check our results
    expected = [
        "CHS103 use typing.FrozenSet instead of builtin frozenset[...] in annotations",
        "CHS103 use typing.Type instead of builtin type[...] in annotations",
        "CHS103 use typing.Tuple instead of builtin tuple[...] in annotations",
        "CHS103 use typing.Set instead of builtin set[...] in annotations",
        "CHS104 use typing.Callable instead of the builtin callable in annotations",
        "CHS104 use typing.Any instead of the builtin any in annotations",
    ]
    assert expected == actual


def test_WHEN_parameter_missing_annotation_THEN_message_names_parameter():
    # Run our test
    actual = _messages("def pull(profile, region: str) -> None:\n    region.strip()\n")

    # Check our results
    expected = ["CHS102 missing type annotation for parameter 'profile'; add ': <type>'"]
    assert expected == actual


def test_WHEN_test_files_option_set_THEN_test_exemption_follows_it():
    # Set up our test
    source = "def test_plan(cluster_name):\n    assert cluster_name\n"
    options = Options(test_files=("check_*.py",), enabled_opt_in=frozenset({"CHS150"}))

    # TEST: a file matching the configured pattern is a test file (CHS501 checks its test names instead)
    assert [(1, 1, "CHS501")] == _findings(source, filename="check_plan.py", options=options)

    # TEST: the default pattern no longer applies
    expected = [(1, 1, "CHS150"), (1, 15, "CHS102")]
    assert expected == _findings(source, filename="test_plan.py", options=options)

    # TEST: conftest.py is a test file by default, so its fixtures are exempt
    source = "import pytest\n\n\n@pytest.fixture\ndef cluster_name(tmp_path):\n    return str(tmp_path)\n"
    assert [] == _findings(source, filename="conftest.py")


def test_WHEN_builtin_any_rebound_by_import_THEN_left_alone_wherever_the_import_stands():
    # TEST: an import inside `if TYPE_CHECKING:`
    source = (
        "from typing import TYPE_CHECKING, Dict\n\n"
        "if TYPE_CHECKING:\n"
        "    from typing import Any as any\n\n\n"
        "def f(values: Dict[str, any]) -> None:\n"
        "    values.clear()\n"
    )
    assert [] == _findings(source)

    # TEST: an import after the use
    source = (
        "from typing import Dict\n\n\n"
        "def f(values: Dict[str, any]) -> None:\n"
        "    values.clear()\n\n\n"
        "from typing import Any as any  # noqa: E402\n"
    )
    assert [] == _findings(source)


def test_WHEN_function_has_no_annotations_anywhere_THEN_every_finding_on_its_own_node():
    # Set up our test
    source = (
        "import functools\n\n\n"
        "@functools.lru_cache(maxsize=None)\n"
        "async def fetch(url, /, retries, *args, timeout, **kwargs):\n"
        "    return url\n"
    )

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 1, "CHS101"), (5, 17, "CHS102"), (5, 25, "CHS102"), (5, 41, "CHS102")]
    assert expected == actual
