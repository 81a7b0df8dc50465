"""The rule registry: the single source of truth for every CHS rule.

A rule's code, message, default, guide section, documentation and ast-grep mirror status live in one
``Rule`` object, defined next to the check that implements it (in ``chris_style/rules/``). flake8
registration, ``extend_default_ignore``, the README table and the docs are all derived from here.
"""
import logging
import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

logger = logging.getLogger(__name__)

CODE_PATTERN = re.compile(r"^CHS[0-9]{3}$")
MIRROR_STATUSES = ("full", "partial", "none")
FIRST_OPT_IN_NUMBER = 50  # Within a family, x01-x49 are on by default and x50-x99 are opt-in (RULES.md)


class RuleDefinitionError(Exception):
    def __init__(self, code: str, problem: str):
        super().__init__(f"Rule {code} is badly defined: {problem}")


class DuplicateRuleCode(Exception):
    def __init__(self, code: str):
        super().__init__(f"Rule code {code} is registered twice")


class UnknownRuleCode(Exception):
    def __init__(self, code: str):
        super().__init__(f"There is no rule {code}")


@dataclass(frozen=True)
class Rule:
    """One CHS rule: everything a user or a generator needs to know about it."""

    code: str
    message: str  # Format string for the finding, without the code; placeholders are filled per finding
    summary: str  # One line for tables and `chris-style rules`
    section: str  # The guide's section, e.g. "§2 Type Hints Usage"
    what: str  # What it does
    why: str  # Why, quoting or citing the guide
    bad: str  # Example that the rule flags
    good: str  # The same example written the guide's way
    exemptions: Tuple[str, ...] = ()
    options: Tuple[str, ...] = ()
    mirror: str = "none"  # ast-grep mirror status: full | partial | none
    mirror_notes: str = ""  # For partial mirrors: exactly where the engines differ
    ruff: str = ""  # The nearest ruff rule, for users without flake8
    decisions: str = ""  # Choices made where RULES.md is silent

    @property
    def number(self) -> int:
        return int(self.code[3:])

    @property
    def family(self) -> int:
        return self.number // 100

    @property
    def default_on(self) -> bool:
        return self.number % 100 < FIRST_OPT_IN_NUMBER

    def format(self, **values: object) -> str:
        return f"{self.code} {self.message.format(**values)}"

    def validate(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise RuleDefinitionError(self.code, "the code must be CHS followed by three digits")
        if self.mirror not in MIRROR_STATUSES:
            raise RuleDefinitionError(self.code, f"mirror must be one of {MIRROR_STATUSES}")
        if self.mirror == "partial" and not self.mirror_notes:
            raise RuleDefinitionError(self.code, "a partial mirror must say where the engines differ")
        if self.mirror == "none" and not self.ruff:
            raise RuleDefinitionError(self.code, "a rule without mirror must name the nearest ruff rule")
        for field_name in ("message", "summary", "section", "what", "why", "bad", "good"):
            if not getattr(self, field_name).strip():
                raise RuleDefinitionError(self.code, f"'{field_name}' is empty")
        if not self.section.startswith("§"):
            raise RuleDefinitionError(self.code, "the section must cite the guide as §N")


_RULES: Dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to the registry; called once per rule at import time of its rule module."""
    rule.validate()
    if rule.code in _RULES:
        raise DuplicateRuleCode(rule.code)
    _RULES[rule.code] = rule
    return rule


def all_rules() -> List[Rule]:
    """Every registered rule, sorted by code."""
    _load_rule_modules()
    return [_RULES[code] for code in sorted(_RULES)]


def get_rule(code: str) -> Rule:
    _load_rule_modules()
    try:
        return _RULES[code]
    except KeyError:
        raise UnknownRuleCode(code) from None


def opt_in_codes() -> List[str]:
    return [rule.code for rule in all_rules() if not rule.default_on]


def _load_rule_modules() -> None:
    # Importing the rules package registers every rule; the import is cached after the first call.
    import chris_style.rules  # noqa: F401
