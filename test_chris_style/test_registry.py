import os
import re

import pytest

import chris_style.registry as registry
from chris_style.registry import Rule
from test_chris_style.fixture_support import FIXTURES_DIR, fixture_paths, load_fixture

CATALOG_CODES = {
    "CHS101", "CHS102", "CHS103", "CHS104", "CHS150",
    "CHS201", "CHS202", "CHS203", "CHS204", "CHS205",
    "CHS301", "CHS302", "CHS303", "CHS350",
    "CHS401", "CHS402", "CHS403", "CHS404", "CHS405", "CHS406", "CHS407", "CHS408", "CHS409",
    "CHS501", "CHS502", "CHS503", "CHS504", "CHS505", "CHS506", "CHS507", "CHS550", "CHS551", "CHS552", "CHS553",
    "CHS650", "CHS651",
    "CHS701", "CHS702", "CHS704",
    "CHS801", "CHS802", "CHS804",
    "CHS901", "CHS902",
}


def _rule(**overrides: object) -> Rule:
    values = dict(
        code="CHS199", message="m", summary="s", section="§2", what="w", why="y", bad="b", good="g",
        ruff="ANN001",
    )
    values.update(overrides)
    return Rule(**values)  # type: ignore[arg-type]


def _fixtures_of(code: str) -> list:
    prefix = code.lower()
    return [
        path for path in fixture_paths()
        if any(part.startswith(prefix) or part.startswith(f"test_{prefix}")
               for part in os.path.relpath(path, FIXTURES_DIR).split(os.sep))
    ]


def test_WHEN_rules_listed_THEN_catalog_codes_registered_in_order():
    # Run our test
    actual = [rule.code for rule in registry.all_rules()]

    # Check our results
    expected = sorted(CATALOG_CODES)
    assert expected == actual


def test_WHEN_default_derived_THEN_x50_and_above_are_opt_in():
    # TEST: default-on rule
    assert True == _rule(code="CHS149").default_on

    # TEST: opt-in rule
    assert False == _rule(code="CHS150").default_on

    # TEST: the registry's opt-in list
    expected = sorted(code for code in CATALOG_CODES if int(code[4:]) >= 50)
    assert expected == registry.opt_in_codes()


def test_WHEN_rule_validated_AND_definition_broken_THEN_raises():
    # TEST: bad code
    with pytest.raises(registry.RuleDefinitionError):
        _rule(code="CHS1001").validate()

    # TEST: partial mirror without notes
    with pytest.raises(registry.RuleDefinitionError):
        _rule(mirror="partial").validate()

    # TEST: no mirror and no ruff alternative
    with pytest.raises(registry.RuleDefinitionError):
        _rule(ruff="").validate()

    # TEST: empty docs
    with pytest.raises(registry.RuleDefinitionError):
        _rule(why=" ").validate()

    # TEST: section not citing the guide
    with pytest.raises(registry.RuleDefinitionError):
        _rule(section="2").validate()


def test_WHEN_rule_registered_twice_THEN_raises():
    # Set up our test
    rule = registry.get_rule("CHS101")

    # Run our test / Check our results
    with pytest.raises(registry.DuplicateRuleCode):
        registry.register(rule)


def test_WHEN_unknown_code_requested_THEN_raises():
    with pytest.raises(registry.UnknownRuleCode):
        registry.get_rule("CHS999")


def test_WHEN_rule_formats_message_THEN_code_comes_first():
    # Run our test
    actual = registry.get_rule("CHS201").format(name="getValue")

    # Check our results
    expected = "CHS201 function name 'getValue' should be snake_case"
    assert expected == actual


@pytest.mark.parametrize("code", sorted(CATALOG_CODES))
def test_WHEN_rule_has_fixtures_THEN_positive_and_negative_cases_cover_every_exemption(code):
    # Set up our test
    rule = registry.get_rule(code)
    fixtures = [load_fixture(path) for path in _fixtures_of(code)]

    # Check our results
    assert fixtures, f"{code} has no fixture file named {code.lower()}_*.py (or test_{code.lower()}_*.py)"
    positives = [position for fixture in fixtures for position in fixture.expected if position[2] == code]
    assert positives, f"{code}'s fixtures expect no {code} finding"
    negatives = [line for fixture in fixtures for line, negative in fixture.negatives if negative == code]
    assert len(negatives) >= max(1, len(rule.exemptions)), f"{code} needs a '# ok: {code}' case per exemption"


@pytest.mark.parametrize("code", sorted(CATALOG_CODES))
def test_WHEN_rule_documented_THEN_message_matches_catalog_style(code):
    # Set up our test
    rule = registry.get_rule(code)

    # Check our results
    assert re.match(r"^[a-z'{]", rule.message), "messages start lower-case, after the code"
    assert "\n" not in rule.message
