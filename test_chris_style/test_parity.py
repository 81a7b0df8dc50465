"""Parity between the flake8 plugin and the ast-grep pack, on every fixture.

For each rule the pack mirrors (``mirror`` is ``full`` or ``partial`` in the registry), the real ast-grep CLI
and the runner's matcher (ast-grep-py) must each report exactly the fixture's expected findings, adjusted only
by the ``# pack-extra:`` and ``# pack-misses:`` markers, which partial rules use for the differences their
``mirror_notes`` list and which full rules may not use at all.
"""
import json
import os
import shutil
import subprocess
import sys
from typing import Dict, List, Set, Tuple

import pytest

import chris_style.registry as registry
from chris_style.sg.matcher import Matcher
from chris_style.sg.pack import default_pack
from test_chris_style.fixture_support import FIXTURES_DIR, Fixture, Position, fixture_paths, load_fixture

PACK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "chris_style", "pack")
AST_GREP = shutil.which("ast-grep", path=os.path.dirname(sys.executable)) or shutil.which("ast-grep")


def _mirrored_codes() -> Set[str]:
    return {rule.code for rule in registry.all_rules() if rule.mirror != "none"}


def _comparable_fixtures() -> List[Fixture]:
    """Fixtures the pack can be held to: the running Python parses them and they set no plugin options."""
    fixtures = [load_fixture(path) for path in fixture_paths()]
    return [
        fixture for fixture in fixtures
        if sys.version_info >= fixture.requires_python and not fixture.option_pairs
    ]


def _byte_column(line_text: str, character_column: int) -> int:
    """ast-grep counts characters; flake8 (and the fixtures) count UTF-8 bytes, 1-based."""
    return len(line_text[:character_column].encode("utf-8")) + 1


@pytest.fixture(scope="module")
def cli_findings(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Set[Position]]:
    """Every pack finding of the real CLI on a copy of the fixtures, keyed by the fixture's relative path.

    The copy sits next to a generated sgconfig.yml, as `chris-style sg-init` sets a project up, so that the
    rules' `files`/`ignores` globs are read relative to the project root.
    """
    if AST_GREP is None:
        pytest.fail("the ast-grep CLI is a test dependency (ast-grep-cli): install '.[test]'")
    project = tmp_path_factory.mktemp("parity")
    shutil.copytree(FIXTURES_DIR, project / "fixtures")
    (project / "sgconfig.yml").write_text(
        f"ruleDirs: [{json.dumps(os.path.join(PACK_DIR, 'rules'))}]\n"
        f"utilDirs: [{json.dumps(os.path.join(PACK_DIR, 'utils'))}]\n",
        encoding="utf-8",
    )
    opt_in = [f"--warning={code}" for code in sorted(_mirrored_codes()) if not registry.get_rule(code).default_on]
    result = subprocess.run(
        [AST_GREP, "scan", "--json=stream", *opt_in, "fixtures"],
        cwd=project, capture_output=True, text=True, timeout=600,
    )
    assert "" == result.stderr
    findings: Dict[str, Set[Position]] = {}
    for line in result.stdout.splitlines():
        match = json.loads(line)
        relative = os.path.relpath(os.path.join(project, match["file"]), project / "fixtures")
        start = match["range"]["start"]
        with open(os.path.join(FIXTURES_DIR, relative), encoding="utf-8") as handle:
            line_text = handle.read().split("\n")[start["line"]]
        position = (start["line"] + 1, _byte_column(line_text, start["column"]), match["ruleId"])
        findings.setdefault(relative, set()).add(position)
    return findings


@pytest.mark.parametrize("fixture", _comparable_fixtures(), ids=lambda fixture: fixture.relative_path)
def test_WHEN_fixture_scanned_by_ast_grep_cli_THEN_mirrored_rules_find_what_the_plugin_finds(fixture, cli_findings):
    # Set up our test
    codes = _mirrored_codes()

    # Run our test
    actual = {position for position in cli_findings.get(fixture.relative_path, set()) if position[2] in codes}

    # Check our results
    expected = fixture.pack_expected(codes)
    assert sorted(expected) == sorted(actual)


def test_WHEN_fixtures_mark_pack_differences_THEN_only_partial_rules_use_them():
    # Set up our test
    partial = {rule.code for rule in registry.all_rules() if rule.mirror == "partial"}

    # Run our test
    marked: Set[Tuple[str, str]] = set()
    for fixture in _comparable_fixtures():
        marked.update((fixture.relative_path, code) for _, _, code in fixture.pack_extra)
        marked.update((fixture.relative_path, code) for _, _, code in fixture.pack_misses)

    # Check our results
    expected: Set[Tuple[str, str]] = set()
    assert expected == {(path, code) for path, code in marked if code not in partial}


def test_WHEN_fixture_says_pack_misses_a_finding_THEN_the_plugin_expects_it_there():
    # Run our test: a 'pack-misses' marker that names no expected finding is stale
    actual = set()
    for fixture in _comparable_fixtures():
        expected_lines = {(line, code) for line, _, code in fixture.expected}
        for line, column, code in fixture.pack_misses:
            found = (line, code) in expected_lines if column == 0 else (line, column, code) in fixture.expected
            if not found:
                actual.add((fixture.relative_path, line, code))

    # Check our results
    expected: Set[Tuple[str, int, str]] = set()
    assert expected == actual


@pytest.fixture(scope="module")
def runner_findings() -> Dict[str, Set[Position]]:
    """Every pack finding of the runner's matcher (ast-grep-py) on the fixtures, every rule selected, the files
    checked together as `chris-style check` does (batched where the rules allow it)."""
    pack = default_pack()
    matcher = Matcher(pack, [rule.id for rule in pack.rules])
    fixtures = _comparable_fixtures()
    sources = [(fixture.source, f"fixtures/{fixture.relative_path}") for fixture in fixtures]
    findings: Dict[str, Set[Position]] = {}
    for fixture, found in zip(fixtures, matcher.check_many(sources)):
        lines = fixture.source.split("\n")
        findings[fixture.relative_path] = {
            (finding.line, _byte_column(lines[finding.line - 1], finding.column), finding.code) for finding in found
        }
    return findings


@pytest.mark.parametrize("fixture", _comparable_fixtures(), ids=lambda fixture: fixture.relative_path)
def test_WHEN_fixture_checked_by_runner_THEN_mirrored_rules_find_what_the_plugin_finds(fixture, runner_findings):
    # Set up our test
    codes = _mirrored_codes()

    # Run our test
    actual = {position for position in runner_findings[fixture.relative_path] if position[2] in codes}

    # Check our results
    expected = fixture.pack_expected(codes)
    assert sorted(expected) == sorted(actual)
