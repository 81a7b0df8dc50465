"""The fixture harness: every finding expected, every expectation found, in every file under fixtures/."""
import sys

import pytest

from chris_style.plugin import check_tree
from test_chris_style.fixture_support import fixture_paths, load_fixture

FIXTURE_PATHS = fixture_paths()


def _actual_findings(path: str) -> set:
    fixture = load_fixture(path)
    if sys.version_info < fixture.requires_python:
        pytest.skip(f"needs Python {fixture.requires_python}")
    findings = check_tree(fixture.tree(), fixture.path, fixture.options, fixture.lines)
    return {(line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings}


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.split("fixtures/", 1)[-1])
def test_WHEN_fixture_checked_THEN_findings_equal_inline_expectations(path):
    # Run our test
    actual = _actual_findings(path)

    # Check our results
    expected = load_fixture(path).expected
    assert sorted(expected) == sorted(actual)


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.split("fixtures/", 1)[-1])
def test_WHEN_fixture_checked_AND_line_marked_ok_THEN_no_finding_of_that_code_there(path):
    # Run our test
    actual = {(line, code) for line, _, code in _actual_findings(path)}

    # Check our results
    expected = set()
    assert expected == load_fixture(path).negatives & actual
