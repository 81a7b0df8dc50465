import fnmatch
import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap
from typing import List, Optional, Sequence, Set

import pytest

from chris_style.options import DEFAULT_TEST_NAME_PATTERN
from chris_style.registry import Rule, all_rules, get_rule
from chris_style.ruff_config import CONFLICTS, EXTERNAL_PREFIX, LINE_LENGTH, NAME_CONFLICT_CODE, TEST_FILES_GLOB, \
    TEST_NAME_GLOB, UnknownSettingsTable, nearest_ruff_rules, parse_ruff_codes, parse_ruff_names, \
    parse_ruff_settings, render, rules_without_ruff_rule, ruff_settings, unmirrored_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised by tox on 3.9 and 3.10
    import tomli as tomllib

RUFF_TIMEOUT = 60
GLOBAL_CONFLICTS = [conflict.code for conflict in CONFLICTS if not conflict.test_files_only]
TEST_FILE_CONFLICTS = [conflict.code for conflict in CONFLICTS if conflict.test_files_only]


def _ruff_command() -> List[str]:
    # The ruff wheel ships its binary with a finder; calling the binary skips a Python start-up per call.
    try:
        from ruff.__main__ import find_ruff_bin
        return [os.fsdecode(find_ruff_bin())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "ruff"]


RUFF = _ruff_command()


def _ruff(arguments: Sequence[str], cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run(RUFF + list(arguments), cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=RUFF_TIMEOUT)


def _write(folder: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _codes_found(result: subprocess.CompletedProcess) -> Set[str]:
    return {finding["code"] for finding in json.loads(result.stdout)}


def _rule(code: str, ruff: str, mirror: str = "none") -> Rule:
    return Rule(code=code, message="m", summary="s", section="§1", what="w", why="y", bad="b", good="g",
                mirror=mirror, mirror_notes="n" if mirror == "partial" else "", ruff=ruff)


# -- reading the registry's `ruff` fields --------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("N999 (invalid-module-name)", ("N999",)),
    ("ANN201 / ANN202 / ANN206 (flake8-annotations' missing-return-type rules)", ("ANN201", "ANN202", "ANN206")),
    ("N803 (argument name) and N806 (variable in function)", ("N803", "N806")),
    ("I001 (unsorted-imports), with `known-first-party` set and `lines-between-types = 0`", ("I001",)),
    ("UP032 (f-string), which also flags module-level templates", ("UP032",)),
    ("none: ruff's UP006 enforces the opposite; ignore UP006 and UP035 for this guide", ()),
    ("none (pep8-naming checks only the opposite direction); closest is N816", ()),
    ("none: ruff does not read setup() calls (the nearest sort check is RUF022, unsorted __all__)", ()),
    ("ANN201x is not a code", ()),
    ("", ()),
])
def test_WHEN_ruff_field_parsed_THEN_only_leading_codes_are_nearest_rules(text, expected):
    # Run our test
    actual = parse_ruff_codes(text)

    # Check our results
    assert expected == actual


def test_WHEN_ruff_field_parsed_THEN_names_AND_settings_read():
    # Set up our test
    text = "I001 (unsorted-imports), with `known-first-party` set and `lines-between-types = 0`"

    # Run our test
    names = parse_ruff_names(text)
    settings = parse_ruff_settings(text)

    # Check our results
    assert {"I001": "unsorted-imports"} == names
    assert [("lines-between-types", "0"), ("known-first-party", None)] == settings


def test_WHEN_rules_given_THEN_only_unmirrored_ones_with_codes_selected_AND_opt_in_only_codes_commented():
    # Set up our test
    rules = [
        _rule("CHS201", "X001 (shared-rule)"),
        _rule("CHS202", "X001 (shared-rule)"),
        _rule("CHS250", "Y002 (opt-in-rule)"),
        _rule("CHS203", "Z003 (mirrored-rule)", mirror="partial"),
        _rule("CHS204", "none: nothing comes near"),
    ]

    # Run our test
    nearest = nearest_ruff_rules(rules)
    text = render(rules=rules)

    # Check our results
    assert [("X001", "shared-rule", ("CHS201", "CHS202"), True), ("Y002", "opt-in-rule", ("CHS250",), False)] == [
        (entry.code, entry.name, tuple(rule.code for rule in entry.rules), entry.default_on) for entry in nearest]
    assert ["CHS204"] == [rule.code for rule in rules_without_ruff_rule(rules)]
    assert ["X001"] == tomllib.loads(text)["lint"]["extend-select"]
    assert '    # "Y002",  # opt-in-rule, nearest to CHS250 (opt-in); opt-in rules only, so off\n' in text
    assert "Z003" not in text
    assert "# No ruff rule comes near CHS204: only the flake8 plugin checks them.\n" in text


def test_WHEN_rules_name_settings_THEN_merged_in_linter_table_AND_valueless_ones_commented():
    # Set up our test
    rules = [
        _rule("CHS301", "I001 (unsorted-imports), with `known-things` set"),
        _rule("CHS302", "I001 (unsorted-imports), with `known-things` set and `lines-between-types = 1`"),
        _rule("CHS303", "none: but `ignored-setting = 2`"),
    ]

    # Run our test
    settings = ruff_settings(rules)
    text = render(pyproject=True, rules=rules)

    # Check our results
    assert [("isort", "known-things", None, ("CHS301", "CHS302")), ("isort", "lines-between-types", "1", ("CHS302",))
            ] == [(entry.table, entry.name, entry.value, tuple(rule.code for rule in entry.rules))
                  for entry in settings]
    assert {"lines-between-types": 1} == tomllib.loads(text)["tool"]["ruff"]["lint"]["isort"]
    assert "\n# known-things = ...  # CHS301, CHS302: set it " in text


def test_WHEN_registry_field_names_setting_of_unknown_linter_THEN_descriptive_error():
    # Set up our test
    rules = [_rule("CHS201", "X001 (shared-rule), with `some-setting = 1`")]

    # Run our test
    with pytest.raises(UnknownSettingsTable, match="'some-setting' for X001"):
        ruff_settings(rules)


def test_WHEN_registry_read_THEN_every_unmirrored_rule_has_selected_code_or_is_named_as_uncovered():
    # Set up our test
    config = tomllib.loads(render())
    selected = set(config["lint"]["extend-select"])
    text = render()

    # Run our test
    uncovered = {rule.code for rule in rules_without_ruff_rule()}
    for rule in unmirrored_rules():
        codes = parse_ruff_codes(rule.ruff)

        # Check our results
        assert (rule.code in uncovered) == (not codes)
        for code in codes:
            assert code in selected or (not rule.default_on and f'# "{code}",' in text)
    assert {rule.code for rule in all_rules() if rule.mirror == "none"} == {rule.code for rule in unmirrored_rules()}
    assert f"# No ruff rule comes near {', '.join(sorted(uncovered))}: " in text


def test_WHEN_registry_says_a_ruff_rule_contradicts_the_guide_THEN_it_is_ignored():
    # Set up our test
    said = re.compile(r"ignore ([A-Z]+[0-9]+(?: and [A-Z]+[0-9]+)*)|([A-Z]+[0-9]+)(?: \([a-z-]+\))? "
                      r"(?:contradicts|enforces the opposite)")
    named = set()

    # Run our test
    for rule in all_rules():
        for listed, single in said.findall(rule.ruff):
            named.update(re.findall(r"[A-Z]+[0-9]+", listed) or [single])

    # Check our results
    assert {"G004", "SIM300", "UP006", "UP035"} <= named  # The parse still finds what the registry says today
    assert set() == named - {conflict.code for conflict in CONFLICTS}


def test_WHEN_conflicts_listed_THEN_each_names_a_chs_rule_or_guide_section_AND_none_is_also_selected():
    # Set up our test
    selected = {entry.code for entry in nearest_ruff_rules()}

    # Run our test
    for conflict in CONFLICTS:

        # Check our results
        if conflict.against.startswith("CHS"):
            assert conflict.against == get_rule(conflict.against).code
        else:
            assert re.match(r"^§[0-9]+ \S", conflict.against)
        assert conflict.reason.strip() and "\n" not in conflict.reason
        assert conflict.code not in selected
    assert len(CONFLICTS) == len({conflict.code for conflict in CONFLICTS})
    assert NAME_CONFLICT_CODE not in selected


# -- the text ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pyproject", [False, True])
def test_WHEN_rendered_THEN_valid_toml_with_external_selection_AND_ignores(pyproject):
    # Run our test
    parsed = tomllib.loads(render(pyproject=pyproject))

    # Check our results
    config = parsed["tool"]["ruff"] if pyproject else parsed
    lint = config["lint"]
    assert [EXTERNAL_PREFIX] == lint["external"]
    assert [entry.code for entry in nearest_ruff_rules() if entry.default_on] == lint["extend-select"]
    assert GLOBAL_CONFLICTS == lint["ignore"]
    assert {TEST_FILES_GLOB: TEST_FILE_CONFLICTS} == lint["extend-per-file-ignores"]
    assert [TEST_NAME_GLOB] == lint["pep8-naming"]["extend-ignore-names"]
    assert LINE_LENGTH == config["line-length"]
    assert "extend" not in config
    assert (["tool"] if pyproject else ["line-length", "lint"]) == sorted(parsed)


def test_WHEN_rendered_THEN_every_ignore_keeps_its_comment_AND_every_selection_names_its_chs_rules():
    # Run our test
    text = render()

    # Check our results
    for conflict in CONFLICTS:
        assert f'    "{conflict.code}",  # {conflict.against}: {conflict.reason}\n' in text
    for entry in nearest_ruff_rules():
        line = next(line for line in text.splitlines() if line.lstrip("# ").startswith(f'"{entry.code}",'))
        assert all(rule.code in line for rule in entry.rules)


def test_WHEN_extend_given_THEN_path_written_as_toml_string_at_the_top():
    # Set up our test
    path = 'C:\\configs\\base "team".toml'

    # Run our test
    plain = tomllib.loads(render(extend=path))
    pyproject = tomllib.loads(render(pyproject=True, extend=path))

    # Check our results
    assert path == plain["extend"]
    assert path == pyproject["tool"]["ruff"]["extend"]


def test_WHEN_test_name_glob_compared_with_chs501_default_pattern_THEN_same_names_match():
    # Set up our test
    names = ["test_WHEN_a_THEN_b", "test_WHEN_a_AND_b_THEN_c", "test_when_a_then_b", "test_a", "test_WHEN_a",
             "helper_WHEN_a_THEN_b"]

    # Run our test
    actual = [fnmatch.fnmatchcase(name, TEST_NAME_GLOB) for name in names]

    # Check our results
    assert [bool(re.match(DEFAULT_TEST_NAME_PATTERN, name)) for name in names] == actual


# -- with the real ruff --------------------------------------------------------------------------------------


def test_WHEN_codes_looked_up_in_ruff_THEN_each_exists_AND_is_stable():
    # Set up our test
    codes = [entry.code for entry in nearest_ruff_rules()] + [conflict.code for conflict in CONFLICTS] + [
        NAME_CONFLICT_CODE]
    catalog = {entry["code"]: entry for entry in json.loads(_ruff(["rule", "--all", "--output-format", "json"]).stdout)}

    # Run our test
    failed = [code for code in codes if _ruff(["rule", code]).returncode != 0]

    # Check our results
    assert [] == failed
    assert [] == [code for code in codes if code not in catalog or catalog[code]["preview"]]


def test_WHEN_config_written_THEN_ruff_loads_it_AND_show_settings_reflects_it(tmp_path):
    # Set up our test
    config = _write(tmp_path, "ruff.toml", render())
    source = _write(tmp_path, "module.py", "x = 1\n")

    # Run our test
    checked = _ruff(["check", "--no-cache", "--config", str(config), str(source)], cwd=str(tmp_path))
    shown = _ruff(["check", "--no-cache", "--config", str(config), "--show-settings", str(source)], cwd=str(tmp_path))

    # Check our results
    assert (0, "") == (checked.returncode, checked.stderr)
    assert (0, "") == (shown.returncode, shown.stderr)
    _assert_settings_shown(shown.stdout)


def test_WHEN_pyproject_form_pasted_into_project_THEN_ruff_finds_AND_loads_it(tmp_path):
    # Set up our test
    _write(tmp_path, "pyproject.toml", '[project]\nname = "guide"\nversion = "1"\n\n' + render(pyproject=True))
    _write(tmp_path, "module.py", "x = 1\n")

    # Run our test
    checked = _ruff(["check", "--no-cache", "module.py"], cwd=str(tmp_path))
    shown = _ruff(["check", "--no-cache", "--show-settings", "module.py"], cwd=str(tmp_path))

    # Check our results
    assert (0, "") == (checked.returncode, checked.stderr)
    assert f'Settings path: "{tmp_path / "pyproject.toml"}"' == shown.stdout.splitlines()[1]
    _assert_settings_shown(shown.stdout)


def _assert_settings_shown(settings: str) -> None:
    enabled = settings.split("linter.rules.enabled = [", 1)[1].split("]", 1)[0]
    assert all(f"({entry.code})" in enabled for entry in nearest_ruff_rules() if entry.default_on)
    assert "linter.external = [\n\tCHS,\n]" in settings
    assert f'basename_matcher = "{TEST_FILES_GLOB}"' in settings
    assert f"\t{TEST_NAME_GLOB},\n" in settings.split("linter.pep8_naming.ignore_names = [", 1)[1]
    assert f"linter.line_length = {LINE_LENGTH}\n" in settings


def test_WHEN_ruf100_AND_ruf102_fix_noqa_comments_THEN_chs_codes_kept_AND_only_unused_codes_dropped(tmp_path):
    # Set up our test
    config = _write(tmp_path, "ruff.toml", render())
    source = "x = 1  # noqa: CHS101\ny = 2  # noqa: CHS101, E501\nz = 3  # noqa: E501, CHS550\n"
    with_config = _write(tmp_path, "with_config.py", source)
    without_config = _write(tmp_path, "without_config.py", source)

    # Run our test
    fixed = _ruff(["check", "--no-cache", "--config", str(config), "--extend-select", "RUF100,RUF102", "--fix",
                   str(with_config)], cwd=str(tmp_path))
    # TEST: without the config, the fixes of RUF100 and RUF102 delete the CHS codes (so the check above can fail)
    unprotected = _ruff(["check", "--no-cache", "--isolated", "--extend-select", "RUF100,RUF102", "--fix",
                         str(without_config)], cwd=str(tmp_path))

    # Check our results
    assert (0, "") == (fixed.returncode, fixed.stderr)
    assert "x = 1  # noqa: CHS101\ny = 2  # noqa: CHS101\nz = 3  # noqa: CHS550\n" == with_config.read_text()
    assert 0 == unprotected.returncode
    assert "x = 1\ny = 2\nz = 3\n" == without_config.read_text()


GUIDE_MODULE = textwrap.dedent('''\
    import logging
    from dataclasses import dataclass
    from typing import Any, Dict, List, Optional, Union

    logger = logging.getLogger(__name__)

    UserVal = Union[int, str, float]


    class TooMuchTraffic(Exception):
        def __init__(self, expected_traffic: int):
            super().__init__(f"Expected traffic ({expected_traffic} Gbps) exceeds the limit")


    @dataclass
    class UserConfig:
        viewerPrefixList: str = None
        extraTags: Optional[List[Dict[str, str]]] = None


    def plan(traffic: int, aws_region: str = None, zone: Optional[str] = None) -> Any:
        """
        Creates a capacity plan for the indicated traffic.
        """
        logger.info(f"Planning for {traffic} Gbps in {aws_region} {zone}")
        return {"traffic": traffic}
''')
GUIDE_LEGACY_MODULE = textwrap.dedent('''\
    from typing import List


    def sizes(values: List[int]) -> List[int]:
        return values
''')
GUIDE_TEST_MODULE = textwrap.dedent('''\
    import unittest
    import unittest.mock as mock

    from guide.service import plan


    def test_WHEN_plan_called_THEN_traffic_kept(tmp_path):
        # Run our test
        actual = plan(10)

        # Check our results
        assert {"traffic": 10} == actual
        assert "a" == mock.ANY


    class PlanTestCase(unittest.TestCase):
        def test_plan(self):
            self.assertEqual({"traffic": 1}, plan(1))
            with self.assertRaises(TypeError):
                plan()
''')


def _guide_project(folder: pathlib.Path) -> None:
    _write(folder, "guide/__init__.py", "")
    _write(folder, "guide/service.py", GUIDE_MODULE)
    _write(folder, "guide/legacy_service.py", GUIDE_LEGACY_MODULE)
    _write(folder, "test_guide/test_service.py", GUIDE_TEST_MODULE)


def test_WHEN_guide_style_project_checked_THEN_ignored_rules_silent_with_config_AND_firing_without(tmp_path):
    # Set up our test
    contradicting = sorted({conflict.code for conflict in CONFLICTS} | {NAME_CONFLICT_CODE})
    selection = ", ".join(f'"{code}"' for code in contradicting)
    _write(tmp_path, "base.toml", f'target-version = "py311"\n\n[per-file-target-version]\n"legacy_*.py" = "py38"\n\n'
                                  f"[lint]\nselect = [{selection}]\n")
    _write(tmp_path, "ruff.toml", render(extend="base.toml"))
    _guide_project(tmp_path)
    arguments = ["check", "--no-cache", "--output-format", "json", "guide", "test_guide", "--config"]

    # Run our test
    without = _ruff(arguments + ["base.toml"], cwd=str(tmp_path))
    with_config = _ruff(arguments + ["ruff.toml"], cwd=str(tmp_path))

    # Check our results
    assert (1, "") == (without.returncode, without.stderr)
    assert contradicting == sorted(_codes_found(without))
    assert (0, "", []) == (with_config.returncode, with_config.stderr, json.loads(with_config.stdout))


def test_WHEN_guide_style_project_checked_with_ruff_defaults_THEN_only_ignored_rules_fire_AND_none_with_config(
        tmp_path):
    # Set up our test
    _guide_project(tmp_path)
    _write(tmp_path, "ruff.toml", render())
    arguments = ["check", "--no-cache", "--output-format", "json", "guide", "test_guide"]

    # Run our test
    defaults = _ruff(arguments + ["--isolated"], cwd=str(tmp_path))
    with_config = _ruff(arguments, cwd=str(tmp_path))

    # Check our results
    found = _codes_found(defaults)
    assert (1, "", set()) == (defaults.returncode, defaults.stderr, found - {conflict.code for conflict in CONFLICTS})
    assert {"UP006", "UP035"} <= found  # Ruff's default rules flag the guide's typing.List (so this test can fail)
    assert (0, "", []) == (with_config.returncode, with_config.stderr, json.loads(with_config.stdout))
