"""Meta-tests of the ast-grep pack against the registry: every mirrored rule has its rule file and its rule test,
and nothing in the pack is unknown to the registry."""
import ast
import os
import shutil
import subprocess
import sys
from typing import List, Set

import pytest

import chris_style.registry as registry
from chris_style.sg.pack import PACK_DIR, default_pack
from chris_style.sg.yaml_lite import load_yaml

RULE_TESTS_DIR = os.path.join(PACK_DIR, "rule-tests")
AST_GREP = shutil.which("ast-grep", path=os.path.dirname(sys.executable)) or shutil.which("ast-grep")


def _rule_test(code: str) -> dict:
    with open(os.path.join(RULE_TESTS_DIR, f"{code}-test.yml"), encoding="utf-8") as handle:
        return load_yaml(handle.read(), f"{code}-test.yml")


def _mirrored() -> List[registry.Rule]:
    return [rule for rule in registry.all_rules() if rule.mirror != "none"]


def test_WHEN_pack_loaded_THEN_its_rules_are_exactly_the_mirrored_registry_rules():
    # Run our test
    actual = sorted(rule.id for rule in default_pack().rules)

    # Check our results
    expected = sorted(rule.code for rule in _mirrored())
    assert expected == actual


def test_WHEN_rule_tests_listed_THEN_one_per_mirrored_rule():
    # Run our test
    actual = sorted(name[: -len("-test.yml")] for name in os.listdir(RULE_TESTS_DIR) if name.endswith("-test.yml"))

    # Check our results
    expected = sorted(rule.code for rule in _mirrored())
    assert expected == actual


@pytest.mark.parametrize("code", [rule.code for rule in _mirrored()])
def test_WHEN_pack_rule_read_THEN_default_and_test_cases_agree_with_registry(code):
    # Set up our test
    rule = registry.get_rule(code)
    pack_rule = {pack_rule.id: pack_rule for pack_rule in default_pack().rules}[code]
    rule_test = _rule_test(code)

    # TEST: opt-in rules are off in the pack, default-on rules warn
    assert ("warning" if rule.default_on else "off") == pack_rule.severity

    # TEST: the rule test names the rule and has cases both ways
    assert code == rule_test["id"]
    assert (True, True) == (bool(rule_test.get("valid")), bool(rule_test.get("invalid")))

    # TEST: every snippet is Python (the CLI does not check this)
    broken: Set[str] = set()
    for snippet in [*rule_test["valid"], *rule_test["invalid"]]:
        try:
            ast.parse(snippet)
        except SyntaxError as exc:
            broken.add(f"{exc}: {snippet[:60]!r}")
    assert set() == broken


def test_WHEN_ast_grep_cli_tests_the_pack_THEN_every_rule_test_passes():
    # Set up our test
    if AST_GREP is None:
        pytest.fail("the ast-grep CLI is a test dependency (ast-grep-cli): install '.[test]'")

    # Run our test
    result = subprocess.run(
        [AST_GREP, "test", "-c", os.path.join(PACK_DIR, "sgconfig.yml"), "--skip-snapshot-tests", "--include-off"],
        capture_output=True, text=True, timeout=600,
    )

    # Check our results
    assert 0 == result.returncode, result.stdout + result.stderr
