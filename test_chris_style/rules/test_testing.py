import ast
import os
import re
import sys
import textwrap
from typing import List, Optional, Sequence, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

import chris_style.rules.testing as testing
from chris_style.context import FileContext
from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.registry import opt_in_codes

ALL_RULES = Options(enabled_opt_in=frozenset(opt_in_codes()))
TEST_FILE = "test_sample.py"


def _findings(source: str, filename: str = TEST_FILE, options: Options = ALL_RULES,
              lines: Optional[Sequence[str]] = None, prefix: str = "CHS5") -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of each finding whose code starts with ``prefix``, as flake8 prints them."""
    source = textwrap.dedent(source)
    if lines is None:
        lines = source.splitlines(keepends=True)
    findings = check_tree(ast.parse(source), filename, options, lines)
    return [(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings
            if message.startswith(prefix)]


def _messages(source: str, filename: str = TEST_FILE) -> List[str]:
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), filename, ALL_RULES, source.splitlines(keepends=True))
    return [message for _, _, message in findings if message.startswith("CHS5")]


def _expression(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def _call(text: str) -> ast.Call:
    call = _expression(text)
    assert isinstance(call, ast.Call)
    return call


# -- the family as a whole ---------------------------------------------------------------------------------


def test_WHEN_file_is_not_a_test_file_THEN_no_testing_rule_runs():
    # Set up our test
    source = """
        from unittest.mock import patch

        def test_bad_name(get):
            actual = 1
            assert actual == 1
    """

    # TEST: a plain module
    assert [] == _findings(source, filename="capacity_planning.py")

    # TEST: the same source in a test file
    expected = [(4, 1, "CHS501"), (6, 5, "CHS502"), (2, 1, "CHS505")]
    assert sorted(expected) == sorted(_findings(source))


def test_WHEN_rules_listed_THEN_family_declares_each_chs5_rule_once():
    # Run our test
    actual = [rule.code for rule in testing.TestingRules.rules]

    # Check our results
    expected = ["CHS501", "CHS502", "CHS503", "CHS504", "CHS505", "CHS506", "CHS507", "CHS550", "CHS551",
                "CHS552", "CHS553"]
    assert expected == actual
    assert "tests" == testing.TestingRules.runs_on


# -- CHS501 --------------------------------------------------------------------------------------------------


def test_WHEN_test_function_named_THEN_chs501_checks_the_guide_shape():
    # Set up our test
    source = """
        import pytest

        def test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command(): pass
        def test_deploy(): pass
        def testDeploy(): pass
        def test_WHEN_deploy_called(): pass
        async def test_async_deploy(): pass
        def helper_test(): pass

        @pytest.fixture
        def test_data(): pass

        class DeployTestCase:
            def test_deploy(self): pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 1, "CHS501"), (6, 1, "CHS501"), (7, 1, "CHS501"), (8, 1, "CHS501")]
    assert expected == actual


def test_WHEN_chs501_reports_THEN_message_shows_the_pattern():
    # Run our test
    actual = _messages("def test_deploy(): pass\n")

    # Check our results
    expected = ["CHS501 test name 'test_deploy' should match '^test_WHEN_.+_THEN_.+'"]
    assert expected == actual


def test_WHEN_test_name_pattern_configured_THEN_it_is_searched():
    # Set up our test
    source = "def test_deploy_works(): pass\ndef test_WHEN_x_THEN_y(): pass\n"

    # TEST: an anchored pattern
    options = Options(test_name_pattern=re.compile(r"^test_[a-z_]+$"))
    assert [(2, 1, "CHS501")] == _findings(source, options=options)

    # TEST: a pattern without ^ may match anywhere in the name (re.search)
    options = Options(test_name_pattern=re.compile(r"works"))
    assert [(2, 1, "CHS501")] == _findings(source, options=options)


def test_WHEN_test_function_decorated_THEN_chs501_reports_at_the_def_line():
    # Set up our test
    source = """
        import pytest

        @pytest.mark.parametrize("value", [1, 2])
        @pytest.mark.slow
        def test_values(value): pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(6, 1, "CHS501")]
    assert expected == actual


# -- CHS502, CHS551 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assertion",
    ["actual == expected", "actual_value == other", "result == other", "self.actual != other", "x == 3",
     "x == -3", "x == 'text'", "x == None", "x == [1, (2, 'a')]", "x == {'a': {1, 2}}", "x == []", "x == ()",
     "x.y == expected_value", "f(x) == expected", "actual_value == expected_value.attribute"],
)
def test_WHEN_assert_puts_actual_first_THEN_chs502(assertion):
    # Run our test
    actual = _findings(f"assert {assertion}\n")

    # Check our results
    expected = [(1, 1, "CHS502")]
    assert expected == actual


@pytest.mark.parametrize(
    "assertion",
    ["expected == actual", "3 == x", "-3 == x", "[] == x", "expected_value == result", "m.return_value == actual",
     "m.f.return_value == 3", "1 == 1", "0 < actual == 3", "actual < 3", "actual is None", "not actual == 3",
     "actual", "x == f'{x}'", "x == {**base}", "x == -y", "x == [y]", "actual in [1]"],
)
def test_WHEN_assert_puts_expected_first_or_is_no_simple_equality_THEN_no_chs502(assertion):
    # Run our test
    actual = [finding for finding in _findings(f"assert {assertion}\n") if finding[2] == "CHS502"]

    # Check our results
    assert [] == actual


def test_WHEN_left_operand_is_not_expected_like_THEN_chs551_unless_chs502_fires():
    # TEST: neither side decides: CHS551 only
    assert [(1, 1, "CHS551")] == _findings("assert m.call_args_list == calls\n")
    assert [(1, 1, "CHS551")] == _findings("assert calls != m.call_args_list\n")
    assert [(1, 1, "CHS551")] == _findings("assert x == m.return_value\n")

    # TEST: CHS502 fires: no CHS551 on the same assert
    assert [(1, 1, "CHS502")] == _findings("assert actual == expected\n")

    # TEST: expected-like on the left: neither
    assert [] == _findings("assert expected_calls == m.call_args_list\n")

    # TEST: opt-in: off unless selected
    assert [] == _findings("assert m.call_args_list == calls\n", options=Options())


_OPERANDS = ["actual", "actual_value", "result", "self.result", "expected", "expected_calls", "self.expected",
             "m.return_value", "m.call_args_list", "value", "f(x)", "3", "-3", "'text'", "None", "[]", "[1, 'a']",
             "{'a': 1}", "[x]", "f'{x}'", "x[0]"]


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(left=st.sampled_from(_OPERANDS), right=st.sampled_from(_OPERANDS),
                  operator=st.sampled_from(["==", "!="]))
def test_WHEN_any_equality_asserted_THEN_chs502_and_chs551_never_both_and_swapping_fixes_chs502(left, right, operator):
    # Run our test
    codes = [code for _, _, code in _findings(f"assert {left} {operator} {right}\n")]
    swapped = [code for _, _, code in _findings(f"assert {right} {operator} {left}\n")]

    # Check our results
    assert not ("CHS502" in codes and "CHS551" in codes)
    left_expected_like = testing._is_expected_like(_expression(left), left=True)
    assert ("CHS551" in codes) == (not left_expected_like and "CHS502" not in codes)
    if "CHS502" in codes and testing._is_expected_like(_expression(right), left=True):
        assert [] == [code for code in swapped if code in ("CHS502", "CHS551")]


def test_WHEN_is_literal_called_THEN_constants_signed_numbers_and_containers_of_literals():
    # TEST: literals
    for text in ["3", "-3", "+2.5", "-1j", "'a'", "b'a'", "None", "True", "...", "[]", "()", "{}", "[1, (2, 'a')]",
                 "{'a': {1, 2}, 'b': None}"]:
        assert True == testing.is_literal(_expression(text)), text

    # TEST: not literals
    for text in ["x", "-x", "-'a'", "not True", "[x]", "{**base}", "{'a': x}", "f'{x}'", "1 + 2", "f()", "{1, y}"]:
        assert False == testing.is_literal(_expression(text)), text


def test_WHEN_is_literal_called_AND_container_nested_3000_deep_THEN_no_recursion():
    # Set up our test
    deep: ast.expr = ast.Constant(value=1)
    for _ in range(3000):
        deep = ast.List(elts=[deep, ast.Constant(value=2)], ctx=ast.Load())

    # Run our test
    actual = testing.is_literal(deep)

    # Check our results
    assert True == actual


# -- CHS503 ----------------------------------------------------------------------------------------------------


def test_WHEN_try_checks_for_an_exception_in_a_test_THEN_chs503_at_the_try():
    # Set up our test
    source = """
        import pytest

        def test_WHEN_x_THEN_y():
            value = 1
            try:
                run()
                pytest.fail("no error")
            except ValueError:
                value = 2
            try:
                run()
            except ValueError:
                pass
            else:
                assert False
            try:
                run()
            except ValueError as exc:
                assert "bad" in str(exc), exc.args
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(6, 5, "CHS503"), (11, 5, "CHS503"), (17, 5, "CHS503")]
    assert expected == actual


def test_WHEN_try_does_not_check_for_an_exception_THEN_no_chs503():
    # TEST: a handler that does work
    source = """
        def test_WHEN_x_THEN_y():
            try:
                run()
            except ValueError:
                recover()
    """
    assert [] == _findings(source)

    # TEST: a handler asserting on something else
    source = """
        def test_WHEN_x_THEN_y():
            try:
                run()
            except ValueError as exc:
                assert 1 == calls()
    """
    assert [] == _findings(source)

    # TEST: outside a test function
    source = """
        def check():
            try:
                run()
                pytest.fail("x")
            except ValueError:
                pass
    """
    assert [] == _findings(source)

    # TEST: a lambda is no test
    assert [] == _findings("test_x = lambda: None\n")

    # TEST: pytest.fail not imported as pytest is another function
    source = """
        import checks as pytest

        def test_WHEN_x_THEN_y():
            try:
                run()
                pytest.fail("x")
            except ValueError:
                recover()
    """
    assert [] == _findings(source)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11")
def test_WHEN_try_star_checks_for_an_exception_group_THEN_chs503():
    # Set up our test
    source = """
        def test_WHEN_x_THEN_y():
            try:
                run()
            except* ValueError:
                pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(3, 5, "CHS503")]
    assert expected == actual


# -- CHS504, CHS505 --------------------------------------------------------------------------------------------


def test_WHEN_mock_backport_imported_THEN_chs504_once_per_statement():
    # Set up our test
    source = """
        import os, mock, mock.mock
        from mock import patch
        import unittest.mock as mock
        from unittest import mock
        import mockito
    """

    # TEST: the backport is third-party
    assert [(2, 1, "CHS504"), (3, 1, "CHS504")] == _findings(source)

    # TEST: a first-party module named mock
    assert [] == _findings(source, options=Options(first_party=("mock",)))


def test_WHEN_from_unittest_mock_imported_THEN_chs505_unless_a_testcase_is_defined():
    # TEST: pytest-style module
    source = "from unittest.mock import patch\n\ndef test_WHEN_x_THEN_y(): pass\n"
    assert [(1, 1, "CHS505")] == _findings(source)

    # TEST: a TestCase class below the import
    source = "from unittest.mock import patch\nimport unittest\n\nclass PlanTestCase(unittest.TestCase): pass\n"
    assert [] == _findings(source)

    # TEST: a Django TestCase, imported by name
    source = "from unittest.mock import patch\nfrom django.test import TestCase\n\nclass Plans(TestCase): pass\n"
    assert [] == _findings(source)

    # TEST: a pytest class is no TestCase
    source = "from unittest.mock import patch\n\nclass TestPlans:\n    def test_WHEN_x_THEN_y(self): pass\n"
    assert [(1, 1, "CHS505")] == _findings(source)

    # TEST: a class that only has 'TestCase' inside its name is no TestCase
    source = "from unittest.mock import patch\n\nclass Plans(TestCaseHelpers): pass\n"
    assert [(1, 1, "CHS505")] == _findings(source)


def test_WHEN_is_testcase_base_called_THEN_names_ending_in_testcase_count():
    # TEST: TestCase bases
    for text in ["TestCase", "unittest.TestCase", "django.test.TestCase", "APITestCase", "IsolatedAsyncioTestCase"]:
        assert True == testing._is_testcase_base(_expression(text)), text

    # TEST: other bases
    for text in ["object", "TestPlans", "Generic[T]", "make_base()", "TestCaseMixin"]:
        assert False == testing._is_testcase_base(_expression(text)), text


# -- CHS506 ----------------------------------------------------------------------------------------------------


def test_WHEN_patch_decorators_stacked_THEN_bottom_up_parameters_checked():
    # Set up our test
    source = """
        import unittest.mock as mock

        @mock.patch("a.b.first")
        @mock.patch("a.b.second", new=1)
        @mock.patch.object(a, "third")
        @mock.patch.dict("os.environ", {})
        @mock.patch("a.b.fourth")
        def test_WHEN_x_THEN_y(fourth, mock_third, first, other_fixture): pass

        import a.b
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(9, 24, "CHS506"), (9, 44, "CHS506")]
    assert expected == actual


def test_WHEN_patch_reached_through_import_forms_THEN_chs506_recognises_it():
    # Set up our test
    cases = [
        ("import unittest.mock as mock", "mock.patch"),
        ("from unittest import mock", "mock.patch"),
        ("from unittest.mock import patch", "patch"),
        ("from unittest.mock import patch as p", "p"),
        ("import unittest.mock", "unittest.mock.patch"),
        ("import unittest", "unittest.mock.patch"),
        ("import mock", "mock.patch"),
        ("from mock import patch", "patch"),
    ]

    # Run our test / Check our results
    for import_line, decorator in cases:
        source = f"{import_line}\nimport a\n\n@{decorator}('a.b')\ndef test_WHEN_x_THEN_y(thing): pass\n"
        actual = [finding for finding in _findings(source) if finding[2] == "CHS506"]
        assert [(5, 24, "CHS506")] == actual, import_line

    # TEST: a patch that is not unittest.mock's
    source = "from helpers import patch\nimport a\n\n@patch('a.b')\ndef test_WHEN_x_THEN_y(thing): pass\n"
    assert [] == _findings(source)

    # TEST: a patch bound by a relative import
    source = "from . import mock\nimport a\n\n@mock.patch('a.b')\ndef test_WHEN_x_THEN_y(thing): pass\n"
    assert [] == _findings(source)


def test_WHEN_patched_method_or_helper_THEN_self_skipped_and_helpers_left_alone():
    # Set up our test
    source = """
        import unittest
        import unittest.mock as mock
        import a

        class PlanTestCase(unittest.TestCase):
            @mock.patch("a.b")
            def test_plan(self, thing): pass

            @staticmethod
            @mock.patch("a.b")
            def test_static(thing): pass

            @mock.patch("a.b")
            def _helper(self, name, thing): pass

        @mock.patch("a.b")
        def check(name, thing): pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(8, 25, "CHS506"), (12, 21, "CHS506")]
    assert expected == actual


def test_WHEN_patch_arguments_unpacked_OR_mocks_outnumber_parameters_THEN_only_known_parameters_checked():
    # TEST: unpacked positional arguments: left alone
    source = "import unittest.mock as mock\nimport a\n\n@mock.patch(*ARGS)\n@mock.patch('a.b')\n" \
             "def test_WHEN_x_THEN_y(thing): pass\n"
    assert [] == _findings(source)

    # TEST: unpacked keyword arguments: left alone
    source = "import unittest.mock as mock\nimport a\n\n@mock.patch('a.b', **KW)\ndef test_WHEN_x_THEN_y(thing): pass\n"
    assert [] == _findings(source)

    # TEST: more mocks than parameters
    source = "import unittest.mock as mock\nimport a\n\n@mock.patch('a.c')\n@mock.patch('a.b')\n" \
             "def test_WHEN_x_THEN_y(thing): pass\n"
    assert [(6, 24, "CHS506")] == _findings(source)


def test_WHEN_injection_count_asked_THEN_new_arguments_inject_nothing():
    # TEST: patch
    assert 1 == testing._injection_count(_call("patch('a.b')"), "patch")
    assert 1 == testing._injection_count(_call("patch('a.b', autospec=True, new_callable=list)"), "patch")
    assert 0 == testing._injection_count(_call("patch('a.b', 3)"), "patch")
    assert 0 == testing._injection_count(_call("patch('a.b', new=3)"), "patch")

    # TEST: patch.object: new is the third positional argument
    assert 1 == testing._injection_count(_call("patch.object(a, 'b')"), "object")
    assert 0 == testing._injection_count(_call("patch.object(a, 'b', 3)"), "object")
    assert 0 == testing._injection_count(_call("patch.object(a, 'b', new=3)"), "object")

    # TEST: patch.dict and patch.multiple
    assert 0 == testing._injection_count(_call("patch.dict('os.environ', {})"), "dict")
    assert 0 == testing._injection_count(_call("patch.multiple(a, b=DEFAULT)"), "multiple")

    # TEST: unpacked arguments
    assert None is testing._injection_count(_call("patch(*args)"), "patch")
    assert None is testing._injection_count(_call("patch('a.b', **kwargs)"), "patch")


# -- CHS507 ----------------------------------------------------------------------------------------------------


def test_WHEN_patch_targets_checked_THEN_only_targets_outside_imported_modules_reported():
    # Set up our test
    source = """
        import os.path
        import shutil as sh
        import unittest.mock as mock
        from datetime import datetime
        from aws import ssm
        from cdk.wrangling import copy

        @mock.patch("os.path.exists")
        @mock.patch("shutil.copyfile")
        @mock.patch("datetime.datetime")
        @mock.patch("aws.ssm.get")
        @mock.patch("aws.other.get")  # Inside aws, which `from aws import ssm` imports
        @mock.patch("cdk.wrangling.copy.retry")
        @mock.patch("builtins.open")
        @mock.patch("os.getcwd")
        @mock.patch("json.loads")
        @mock.patch("json")
        def test_WHEN_x_THEN_y(mock_a, mock_b, mock_c, mock_d, mock_e, mock_f, mock_g, mock_h, mock_i):
            with mock.patch(target="cdk.other.copy"), mock.patch.object(sh, "json.loads"):
                mock.patch(
                    "subprocess.run"
                ).start()
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(16, 13, "CHS507"), (17, 13, "CHS507"), (20, 28, "CHS507"), (22, 13, "CHS507")]
    assert expected == actual


def test_WHEN_chs507_reports_THEN_message_names_the_target():
    # Run our test
    actual = _messages("import unittest.mock as mock\n\nmock.patch('json.loads')\n")

    # Check our results
    expected = ["CHS507 patch target 'json.loads' is not in a module this test file imports; patch the name "
                "where the code under test looks it up"]
    assert expected == actual


def test_WHEN_patch_helper_imported_by_name_THEN_its_calls_checked():
    # TEST: from unittest.mock import patch (in a TestCase module)
    source = "from unittest.mock import patch as p\nimport unittest\n\np('json.loads')\n" \
             "class T(unittest.TestCase): pass\n"
    assert [(4, 3, "CHS507")] == _findings(source)

    # TEST: a call named patch that is not unittest.mock's
    source = "from helpers import patch\n\npatch('json.loads')\n"
    assert [] == _findings(source)


def test_WHEN_relative_imports_resolved_THEN_any_reading_of_the_file_folders_is_accepted():
    # Set up our test
    imported = testing._RelativeImport(level=2, module=("shared",))
    folders = ("repo", "app", "tests")

    # TEST: the package root anywhere above
    assert True == testing._matches_relative(("app", "shared", "tools"), imported, folders)
    assert True == testing._matches_relative(("repo", "app", "shared"), imported, folders)

    # TEST: not a reading of this import
    assert False == testing._matches_relative(("shared", "tools"), imported, folders)
    assert False == testing._matches_relative(("tests", "shared"), imported, folders)
    assert False == testing._matches_relative(("app", "other"), imported, folders)

    # TEST: more dots than folders
    assert False == testing._matches_relative(("app", "shared"), testing._RelativeImport(4, ("shared",)), folders)

    # TEST: unknown place (standard input): any non-empty package path before the module
    assert True == testing._matches_relative(("x", "shared", "tools"), imported, None)
    assert False == testing._matches_relative(("shared", "tools"), imported, None)


def test_WHEN_package_folders_computed_THEN_innermost_identifier_folders_kept():
    # TEST: a folder that is no identifier ends the run
    file = FileContext(os.path.join(os.sep, "work", "my-repo", "app", "tests", "test_views.py"), Options())
    assert ("app", "tests") == testing._package_folders(file)

    # TEST: standard input has no place
    assert None is testing._package_folders(FileContext("stdin", Options()))


def test_WHEN_relative_import_in_test_file_THEN_targets_resolved_against_its_folders(tmp_path):
    # Set up our test
    path = tmp_path / "app" / "tests" / "test_views.py"
    source = """
        import unittest.mock as mock
        from ..views import helpers

        mock.patch("app.views.helpers.requests.get")
        mock.patch("app.tests.views.get")
        mock.patch("views.helpers.get")
    """

    # TEST: a file on disk
    assert [(6, 12, "CHS507"), (7, 12, "CHS507")] == _findings(source, filename=str(path))

    # TEST: standard input: any package path may stand before the module
    assert [(7, 12, "CHS507")] == _findings(source, filename="stdin", options=Options(test_files=("stdin",)))


_MODULE_PARTS = st.lists(st.sampled_from(["a", "b", "core", "views", "x1"]), min_size=1, max_size=4)


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(module=_MODULE_PARTS, inside=st.lists(st.sampled_from(["c", "d", "Cls"]), max_size=3),
                  form=st.sampled_from(["import {m}", "import {m} as alias", "from {m} import thing"]))
def test_WHEN_target_lies_inside_an_imported_module_THEN_no_chs507(module, inside, form):
    # Set up our test
    dotted = ".".join(module)
    target = ".".join([*module, *inside, "name"])
    source = f"import unittest.mock as mock\n{form.format(m=dotted)}\n\nmock.patch({target!r})\n"

    # Run our test
    actual = _findings(source)

    # Check our results
    assert [] == actual


# -- CHS550 ----------------------------------------------------------------------------------------------------


def test_WHEN_not_called_asserted_by_hand_THEN_chs550():
    # TEST: the forms RULES.md names, either order
    for assertion in ["not m.called", "False == m.called", "m.called == False", "m.called is False",
                      "0 == m.call_count", "m.call_count == 0", "[] == m.call_args_list", "m.call_args_list == []",
                      "[] == self.client.get.call_args_list"]:
        codes = [code for _, _, code in _findings(f"assert {assertion}\n")]
        assert "CHS550" in codes, assertion

    # TEST: checks that a call happened, and near misses
    for assertion in ["m.called", "not m.call_count", "True == m.called", "1 == m.call_count", "[] != m.call_args_list",
                      "[] == m.mock_calls", "False is m.called", "0.0 == m.call_count", "m.called != False"]:
        codes = [code for _, _, code in _findings(f"assert {assertion}\n")]
        assert "CHS550" not in codes, assertion


def test_WHEN_chs550_reports_THEN_message_names_the_mock():
    # Run our test
    actual = [message for message in _messages("assert not self.mock_get.called\n") if message.startswith("CHS550")]

    # Check our results
    expected = ["CHS550 use self.mock_get.assert_not_called() instead of asserting on self.mock_get.called"]
    assert expected == actual


# -- CHS552 ----------------------------------------------------------------------------------------------------


_LONG_TEST = """
def test_WHEN_x_THEN_y():
    {comment}
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    assert 15 == a + b + c + d + e
"""


@pytest.mark.parametrize(
    "comment",
    ["# TEST: one scenario", "# Run our test", "# Check our results", "# Set up our test", "# Set up our mock",
     "# setup", "#TEST: tight", "# run OUR test"],
)
def test_WHEN_long_test_has_section_comment_THEN_no_chs552(comment):
    # Run our test
    actual = _findings(_LONG_TEST.format(comment=comment))

    # Check our results
    assert [] == actual


@pytest.mark.parametrize(
    "comment",
    ["# a comment", "x = '# TEST: in a string'", "'''# Run our test'''", "# Testing: no", "# Setups are long",
     "# Run the test"],
)
def test_WHEN_long_test_has_no_section_comment_THEN_chs552_at_the_def(comment):
    # Run our test
    actual = _findings(_LONG_TEST.format(comment=comment))

    # Check our results
    expected = [(2, 1, "CHS552")]
    assert expected == actual


def test_WHEN_statements_counted_THEN_docstring_excluded_and_option_is_a_minimum():
    # Set up our test
    source = 'def test_WHEN_x_THEN_y():\n    """Doc."""\n    a = 1\n    b = 2\n    assert 3 == a + b\n'

    # TEST: three statements, minimum 3
    options = Options(enabled_opt_in=frozenset({"CHS552"}), max_unsectioned_test_statements=3)
    assert [(1, 1, "CHS552")] == _findings(source, options=options)

    # TEST: three statements, minimum 4 (the docstring does not count)
    options = Options(enabled_opt_in=frozenset({"CHS552"}), max_unsectioned_test_statements=4)
    assert [] == _findings(source, options=options)

    # TEST: opt-in: off unless selected
    options = Options(max_unsectioned_test_statements=3)
    assert [] == _findings(source, options=options)


def test_WHEN_chs552_reports_THEN_message_counts_statements():
    # Run our test
    actual = [message for message in _messages(_LONG_TEST.format(comment="pass")) if message.startswith("CHS552")]

    # Check our results
    expected = ["CHS552 test 'test_WHEN_x_THEN_y' has 7 statements and no section comment; add '# Set up our "
                "test', '# Run our test', '# Check our results' (or '# TEST:' per scenario)"]
    assert expected == actual


def test_WHEN_lines_unavailable_THEN_chs552_silent():
    # Set up our test
    source = _LONG_TEST.format(comment="pass")

    # Run our test
    actual = _findings(source, filename="stdin", options=Options(test_files=("stdin",),
                                                                 enabled_opt_in=frozenset({"CHS552"})), lines=[])

    # Check our results
    assert [] == actual


def test_WHEN_section_comment_searched_AND_lines_do_not_tokenize_THEN_marker_trusted():
    # Set up our test
    source = "def test_WHEN_x_THEN_y():\n    pass\n"
    node = ast.parse(source).body[0]

    # TEST: the marker text only inside an unterminated string (lines that do not match the tree)
    file = FileContext(TEST_FILE, Options(), ["def test_WHEN_x_THEN_y():\n", "    x = '''# Run our test\n"])
    assert True == testing._has_section_comment(file, node)

    # TEST: no marker text at all
    file = FileContext(TEST_FILE, Options(), ["def test_WHEN_x_THEN_y():\n", "    pass  # other\n"])
    assert False == testing._has_section_comment(file, node)


# -- CHS553 ----------------------------------------------------------------------------------------------------


def _touch(path: "os.PathLike[str]") -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("")
    return str(path)


def test_WHEN_mirrored_source_looked_up_THEN_missing_module_named(tmp_path):
    # Set up our test
    testing._folder_entries.cache_clear()
    _touch(tmp_path / "pkg" / "core" / "capacity.py")
    _touch(tmp_path / "pkg" / "core" / "_shared.py")
    _touch(tmp_path / "pkg" / "core" / "plans" / "__init__.py")
    os.makedirs(tmp_path / "pkg" / "core" / "not_a_package")
    os.makedirs(tmp_path / "unplaced")

    # TEST: the source exists, privately, or as a package
    for name in ["test_capacity.py", "test_shared.py", "test_plans.py"]:
        assert None is testing.missing_source_module(_touch(tmp_path / "test_pkg" / "core" / name)), name

    # TEST: missing, or a folder without __init__.py
    actual = testing.missing_source_module(_touch(tmp_path / "test_pkg" / "core" / "test_planning.py"))
    assert os.path.join("pkg", "core", "planning.py") == actual
    actual = testing.missing_source_module(_touch(tmp_path / "test_pkg" / "core" / "test_not_a_package.py"))
    assert os.path.join("pkg", "core", "not_a_package.py") == actual

    # TEST: the file cannot be placed
    assert None is testing.missing_source_module(_touch(tmp_path / "test_other" / "test_capacity.py"))
    assert None is testing.missing_source_module(_touch(tmp_path / "tests" / "test_capacity.py"))
    assert None is testing.missing_source_module(_touch(tmp_path / "test_pkg" / "conftest.py"))
    assert None is testing.missing_source_module(_touch(tmp_path / "test_pkg" / "capacity_test.py"))
    assert None is testing.missing_source_module(_touch(tmp_path / "test_pkg" / "test_.py"))


def test_WHEN_nested_test_folders_THEN_nearest_placeable_test_folder_used(tmp_path):
    # Set up our test
    testing._folder_entries.cache_clear()
    _touch(tmp_path / "pkg" / "test_sub" / "mod.py")

    # Run our test
    actual = testing.missing_source_module(_touch(tmp_path / "test_pkg" / "test_sub" / "test_mod.py"))

    # Check our results: test_sub has no 'sub' sibling, so test_pkg is the root and pkg/test_sub/mod.py exists
    assert None is actual


def test_WHEN_layout_checked_THEN_chs553_at_1_1_and_folder_listings_cached(tmp_path):
    # Set up our test
    testing._folder_entries.cache_clear()
    _touch(tmp_path / "pkg" / "mod.py")
    missing = _touch(tmp_path / "test_pkg" / "test_missing.py")
    present = _touch(tmp_path / "test_pkg" / "test_mod.py")
    source = "def test_WHEN_x_THEN_y(): pass\n"

    # Run our test
    actual = [_findings(source, filename=missing), _findings(source, filename=present)]
    listings = testing._folder_entries.cache_info()

    # Check our results
    expected = [[(1, 1, "CHS553")], []]
    assert expected == actual
    assert 0 < listings.hits
    assert [] == _findings(source, filename=missing, options=Options())


def test_WHEN_layout_checked_AND_stdin_THEN_chs553_silent():
    # Run our test
    actual = _findings("def test_WHEN_x_THEN_y(): pass\n", filename="stdin", options=Options(
        test_files=("stdin",), enabled_opt_in=frozenset({"CHS553"})))

    # Check our results
    assert [] == actual


def test_WHEN_folder_cannot_be_listed_THEN_empty_listing(tmp_path):
    # Run our test
    actual = testing._folder_entries(str(tmp_path / "does_not_exist"))

    # Check our results
    expected = (frozenset(), frozenset())
    assert expected == actual
