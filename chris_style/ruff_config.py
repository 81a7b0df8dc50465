"""Ruff settings for Chris's Python Coding Style Guide: what ``chris-style ruff-config`` prints.

Ruff has no plugin system, so it cannot run the CHS rules. These settings let ruff work next to them
(``flake8 --select=CHS`` or ``chris-style check``):

- ``lint.external = ["CHS"]`` keeps ``# noqa: CHS101`` comments, which RUF102 would otherwise report as invalid
  codes and the fixes of RUF100 and RUF102 would delete;
- the ruff rules nearest to the CHS rules that the ast-grep pack cannot express (registry ``mirror == "none"``)
  are selected. They are read from each rule's ``ruff`` field: the codes it starts with (``none: ...`` names
  none) and the settings it writes as ```name = value``` (a bare ```name``` is left for the user to set);
- the ruff rules that flag code written the guide's way (``CONFLICTS``) are ignored, each with its reason.

The output is text, so that every entry keeps its comment; it is valid TOML in both forms: ``ruff.toml``
and the ``[tool.ruff]`` tables of ``pyproject.toml``.
"""
import json
import logging
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from chris_style import __version__
from chris_style.options import DEFAULT_TEST_FILES
from chris_style.registry import Rule, all_rules

logger = logging.getLogger(__name__)

EXTERNAL_PREFIX = "CHS"
LINE_LENGTH = 120  # §6 Line Length: "Generally stays under 120 characters"
TEST_NAME_GLOB = "test_WHEN_*_THEN_*"  # chs-test-name-pattern's default, ^test_WHEN_.+_THEN_.+, as a ruff glob
TEST_FILES_GLOB = "{" + ",".join(DEFAULT_TEST_FILES) + "}"  # ruff globs accept {a,b} alternatives

_RUFF_CODE = re.compile(r"[A-Z]+[0-9]+")
_LEADING_CODES = re.compile(r"^[A-Z]+[0-9]+(?:\s*(?:/|,|\band\b)\s*[A-Z]+[0-9]+)*(?![A-Za-z0-9])")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_CODE_NAME = re.compile(r"\b([A-Z]+[0-9]+) \(([a-z0-9]+(?:-[a-z0-9]+)*)\)")
_VALUE_SETTING = re.compile(r"`([a-z][a-z0-9-]*) = ([^`]+)`")
_NAMED_SETTING = re.compile(r"`([a-z][a-z0-9-]*)` set\b")
_LINTER_PREFIX = re.compile(r"^[A-Z]+")
# The settings table of each ruff linter whose settings a registry `ruff` field names; only for the settings.
_SETTINGS_TABLES = {"I": "isort"}


class UnknownSettingsTable(Exception):
    def __init__(self, code: str, setting: str):
        super().__init__(f"The registry names the ruff setting '{setting}' for {code}, but ruff_config does not know "
                         f"which settings table {code}'s linter uses: add its prefix to _SETTINGS_TABLES")


@dataclass(frozen=True)
class Conflict:
    """A ruff rule that flags code written the guide's way: ``ruff-config`` ignores it."""

    code: str
    against: str  # The CHS rule it contradicts, or the guide's section when no CHS rule checks the habit
    reason: str
    test_files_only: bool = False  # Ignored in test files only (``TEST_FILES_GLOB``), kept elsewhere


@dataclass(frozen=True)
class NearestRuffRule:
    """A ruff rule selected because it is the nearest to CHS rules the ast-grep pack does not mirror."""

    code: str
    name: str  # Ruff's name for it when the registry gives one, e.g. "unsorted-imports"
    rules: Tuple[Rule, ...]

    @property
    def default_on(self) -> bool:
        return any(rule.default_on for rule in self.rules)


@dataclass(frozen=True)
class RuffSetting:
    """A ruff setting that a registry ``ruff`` field asks for, e.g. isort's ``known-first-party``."""

    table: str  # The linter's settings table under ``lint``, e.g. "isort"
    name: str
    value: Optional[str]  # A TOML value, or None when the value depends on the user's project
    rules: Tuple[Rule, ...]


CONFLICTS: Tuple[Conflict, ...] = (
    Conflict("UP006", "CHS103", "the guide annotates with typing.List and typing.Dict; UP006 rewrites them to list "
                                "and dict"),
    Conflict("UP035", "CHS103", "UP035 flags `from typing import List, Dict`, the imports the guide uses"),
    Conflict("FA100", "CHS103", "FA100 asks for `from __future__ import annotations` to turn typing.List into list "
                                "(targets before Python 3.10)"),
    Conflict("UP007", "§10 Type Alias for Union Types", "the guide writes Union[int, str]; UP007 rewrites it "
                                                        "as int | str"),
    Conflict("UP045", "§2 Typing Module Constructs", "the guide writes typing.Optional[X]; UP045 rewrites it "
                                                     "as X | None"),
    Conflict("ANN401", "CHS104", "its fix is typing.Any, and the guide types dynamic values as Any; ANN401 forbids "
                                 "Any"),
    Conflict("G004", "CHS408", "the guide logs with f-strings (logger.info(f\"...\")); G004 forbids them"),
    Conflict("N818", "§4 Exception Naming", "the guide names exceptions after the problem (TooMuchTraffic, "
                                            "InvalidCidr); N818 wants an Error suffix"),
    Conflict("N815", "CHS205", "exempts class attributes and dataclass fields, whose camelCase names mirror JSON "
                               "(§8 viewerPrefixList)"),
    Conflict("RUF013", "§11 Parameter Patterns", "the guide's signatures default to None without Optional "
                                                 "(aws_region: str = None)"),
    Conflict("D212", "§3 Docstring Style", "the guide starts a docstring's summary on the line after the opening "
                                           "quotes; D212 wants it on the first line (D213, its opposite, agrees)"),
    Conflict("PT009", "§5 Test Framework Preferences", "the guide's Django TestCase tests assert with "
                                                       "self.assertEqual (CHS501 exempts TestCase methods)"),
    Conflict("PT027", "CHS503", "accepts self.assertRaises in TestCase classes; PT027 wants pytest.raises"),
    Conflict("S101", "CHS502", "a plain `assert expected == actual` is the guide's assertion", test_files_only=True),
    Conflict("SIM300", "CHS502", "expected first (assert \"a\" == actual) is a \"Yoda condition\" to SIM300",
             test_files_only=True),
    Conflict("PLR0402", "CHS505", "the guide imports `import unittest.mock as mock`; PLR0402 wants "
                                  "`from unittest import mock`", test_files_only=True),
    Conflict("ANN001", "CHS102", "exempts test functions and fixtures, whose parameters the guide leaves "
                                 "unannotated", test_files_only=True),
    Conflict("ANN201", "CHS101", "exempts test functions and fixtures, which the guide leaves without a return "
                                 "annotation", test_files_only=True),
)
# N802 (invalid-function-name, nearest to CHS201) would flag every test named the CHS501 way: see TEST_NAME_GLOB.
NAME_CONFLICT_CODE = "N802"


def parse_ruff_codes(text: str) -> Tuple[str, ...]:
    """The ruff codes a registry ``ruff`` field names as the nearest rules: the codes it starts with.

    ``"ANN201 / ANN202 (...)"`` gives both; ``"N803 (...) and N806 (...)"`` both; ``"none: ..."`` and free
    text give none, whatever codes the text mentions later (they are other rules, or the opposite).
    """
    stripped = _PARENTHESES.sub("", text).strip()
    match = _LEADING_CODES.match(stripped)
    if match is None:
        return ()
    return tuple(_RUFF_CODE.findall(match.group(0)))


def parse_ruff_names(text: str) -> Dict[str, str]:
    """Ruff's names for the codes of a ``ruff`` field, from ``CODE (name)``: ``{"I001": "unsorted-imports"}``."""
    return dict(_CODE_NAME.findall(text))


def parse_ruff_settings(text: str) -> List[Tuple[str, Optional[str]]]:
    """The settings a ``ruff`` field asks for: ```name = value``` pairs, and ```name` set`` with no value."""
    settings: List[Tuple[str, Optional[str]]] = list(_VALUE_SETTING.findall(text))
    settings.extend((name, None) for name in _NAMED_SETTING.findall(text))
    return settings


def unmirrored_rules(rules: Optional[Sequence[Rule]] = None) -> List[Rule]:
    """The rules the ast-grep pack cannot express: a ruff user's only help for them is ruff's nearest rule."""
    return [rule for rule in (all_rules() if rules is None else rules) if rule.mirror == "none"]


def nearest_ruff_rules(rules: Optional[Sequence[Rule]] = None) -> List[NearestRuffRule]:
    """The ruff rules to select, each with the unmirrored CHS rules it stands in for, sorted by code."""
    by_code: Dict[str, List[Rule]] = {}
    names: Dict[str, str] = {}
    for rule in unmirrored_rules(rules):
        for code in parse_ruff_codes(rule.ruff):
            by_code.setdefault(code, []).append(rule)
        for code, name in parse_ruff_names(rule.ruff).items():
            names.setdefault(code, name)
    return [NearestRuffRule(code, names.get(code, ""), tuple(by_code[code])) for code in sorted(by_code)]


def rules_without_ruff_rule(rules: Optional[Sequence[Rule]] = None) -> List[Rule]:
    """Unmirrored rules whose ``ruff`` field names no ruff rule: only the flake8 plugin checks them."""
    return [rule for rule in unmirrored_rules(rules) if not parse_ruff_codes(rule.ruff)]


def ruff_settings(rules: Optional[Sequence[Rule]] = None) -> List[RuffSetting]:
    """The settings the unmirrored rules' ``ruff`` fields ask for, merged across rules, in first-seen order."""
    merged: Dict[Tuple[str, str, Optional[str]], List[Rule]] = {}
    for rule in unmirrored_rules(rules):
        codes = parse_ruff_codes(rule.ruff)
        if not codes:
            continue
        for name, value in parse_ruff_settings(rule.ruff):
            table = _settings_table(codes[0], name)
            merged.setdefault((table, name, value), []).append(rule)
    return [RuffSetting(table, name, value, tuple(owners)) for (table, name, value), owners in merged.items()]


def render(pyproject: bool = False, extend: Optional[str] = None, rules: Optional[Sequence[Rule]] = None) -> str:
    """The settings as TOML text: a ``ruff.toml``, or with ``pyproject`` the ``[tool.ruff]`` tables.

    ``extend`` names a config file that these settings are layered on (ruff's ``extend``): its own ``select``
    comes first, so the ignores here still apply.
    """
    chosen = list(all_rules() if rules is None else rules)
    prefix = "tool.ruff." if pyproject else ""
    lines = _header(pyproject)
    if pyproject:
        lines.append("[tool.ruff]")
    if extend is not None:
        lines.append(f"extend = {_toml_string(extend)}  # Your settings; the ones below are layered on top of them")
    lines.append(f"line-length = {LINE_LENGTH}  # §6 Line Length: the guide's code stays under 120 characters")
    lines.extend(["", f"[{prefix}lint]"])
    lines.extend(_external_lines())
    lines.extend(_select_lines(chosen))
    lines.extend(_ignore_lines())
    lines.extend(["", f"[{prefix}lint.extend-per-file-ignores]"])
    lines.extend(_test_file_lines())
    lines.extend(["", f"[{prefix}lint.pep8-naming]"])
    lines.append(f"# {NAME_CONFLICT_CODE} (invalid-function-name) would flag every test named the CHS501 way.")
    lines.append(f"extend-ignore-names = [{_toml_string(TEST_NAME_GLOB)}]")
    lines.extend(_settings_lines(ruff_settings(chosen), prefix))
    return "\n".join(lines) + "\n"


def _header(pyproject: bool) -> List[str]:
    target = "the [tool.ruff] tables of pyproject.toml" if pyproject else "ruff.toml"
    return [
        f"# Ruff settings for Chris's Python Coding Style Guide, for {target}.",
        f"# Written by `chris-style ruff-config` (chris_style {__version__}). Ruff cannot run the CHS rules:",
        "# run them with `chris-style check` (the ast-grep pack) or `flake8 --select=CHS` (every rule).",
        "# Ruff applies a later `select`/`extend-select` (on the command line, or in a config that extends this",
        "# one) after the ignores below, so it turns them back on: keep your own rule selection in a file that",
        "# this one extends (`chris-style ruff-config --extend FILE`).",
        "",
    ]


def _external_lines() -> List[str]:
    return [
        "# Keep `# noqa: CHS101` comments: RUF102 would report CHS codes as invalid, and the fixes of RUF100",
        "# and RUF102 would delete them.",
        f"external = [{_toml_string(EXTERNAL_PREFIX)}]",
    ]


def _select_lines(rules: Sequence[Rule]) -> List[str]:
    lines = ["", "# The ruff rules nearest to the CHS rules that the ast-grep pack cannot express.",
             "extend-select = ["]
    for nearest in nearest_ruff_rules(rules):
        owners = ", ".join(_label(rule) for rule in nearest.rules)
        name = f"{nearest.name}, " if nearest.name else ""
        entry = f"{_toml_string(nearest.code)},  # {name}nearest to {owners}"
        if not nearest.default_on:
            entry = f"# {entry}; opt-in rules only, so off"
        lines.append(f"    {entry}")
    lines.append("]")
    missing = rules_without_ruff_rule(rules)
    if missing:
        codes = ", ".join(rule.code for rule in missing)
        lines.append(f"# No ruff rule comes near {codes}: only the flake8 plugin checks them.")
    return lines


def _ignore_lines() -> List[str]:
    lines = ["", "# Ruff rules that flag code written the guide's way.", "ignore = ["]
    lines.extend(_conflict_entry(conflict) for conflict in CONFLICTS if not conflict.test_files_only)
    lines.append("]")
    return lines


def _test_file_lines() -> List[str]:
    lines = [
        "# Test files (chris_style's default chs-test-files): ruff rules that flag the guide's test style.",
        f"{_toml_string(TEST_FILES_GLOB)} = [",
    ]
    lines.extend(_conflict_entry(conflict) for conflict in CONFLICTS if conflict.test_files_only)
    lines.append("]")
    return lines


def _conflict_entry(conflict: Conflict) -> str:
    return f"    {_toml_string(conflict.code)},  # {conflict.against}: {conflict.reason}"


def _settings_lines(settings: Sequence[RuffSetting], prefix: str) -> List[str]:
    lines: List[str] = []
    tables: Dict[str, List[RuffSetting]] = {}
    for setting in settings:
        tables.setdefault(setting.table, []).append(setting)
    for table, entries in tables.items():
        lines.extend(["", f"[{prefix}lint.{table}]"])
        for setting in entries:
            owners = ", ".join(_label(rule) for rule in setting.rules)
            if setting.value is None:
                lines.append(f"# {setting.name} = ...  # {owners}: set it if ruff does not work it out for your "
                             f"project (see ruff's docs for lint.{table}.{setting.name})")
            else:
                lines.append(f"{setting.name} = {setting.value}  # {owners}")
    return lines


def _settings_table(code: str, setting: str) -> str:
    prefix = _LINTER_PREFIX.match(code)
    table = _SETTINGS_TABLES.get(prefix.group(0) if prefix else "")
    if table is None:
        raise UnknownSettingsTable(code, setting)
    return table


def _label(rule: Rule) -> str:
    return rule.code if rule.default_on else f"{rule.code} (opt-in)"


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes; control characters as \uXXXX).
    return json.dumps(value, ensure_ascii=False)
