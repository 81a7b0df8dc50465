"""The fixture harness: every finding expected, every expectation found, in every file under fixtures/."""
import os
import subprocess
import sys
from typing import Dict, List, Set, Tuple

import pytest

from chris_style.plugin import check_tree
from chris_style.registry import opt_in_codes
from test_chris_style.fixture_support import fixture_paths, load_fixture

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def _fixture_groups() -> Dict[Tuple[Tuple[str, str], ...], List[str]]:
    groups: Dict[Tuple[Tuple[str, str], ...], List[str]] = {}
    for path in FIXTURE_PATHS:
        fixture = load_fixture(path)
        if sys.version_info >= fixture.requires_python:
            groups.setdefault(fixture.option_pairs, []).append(path)
    return groups


def test_WHEN_fixtures_linted_by_real_flake8_THEN_output_equals_inline_expectations():
    # Set up our test
    groups = _fixture_groups()
    opt_in = ",".join(opt_in_codes())

    # Run our test: one flake8 process per set of fixture options, every rule selected
    actual: Set[Tuple[str, int, int, str]] = set()
    for option_pairs, paths in groups.items():
        flags = [f"--{name}={value}" for name, value in option_pairs]
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--select=CHS", f"--extend-select={opt_in}", *flags, *paths],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        )
        assert "" == result.stderr
        for line in result.stdout.splitlines():
            path, line_number, column, message = line.split(":", 3)
            actual.add((os.path.abspath(os.path.join(REPO_ROOT, path)), int(line_number), int(column),
                        message.split()[0]))

    # Check our results
    expected = {
        (path, line, column, code)
        for paths in groups.values() for path in paths
        for line, column, code in load_fixture(path).expected
    }
    assert sorted(expected) == sorted(actual)
