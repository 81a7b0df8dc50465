"""The plugin's options: how flake8 declares and parses them, and their validated values."""
import argparse
import logging
import re
from dataclasses import dataclass, field
from typing import Any, FrozenSet, Iterable, List, Optional, Pattern, Sequence, Tuple

logger = logging.getLogger(__name__)

DEFAULT_TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")
DEFAULT_TEST_NAME_PATTERN = r"^test_WHEN_.+_THEN_.+"
DEFAULT_MAX_UNDOCUMENTED_LITERAL_LINES = 20
DEFAULT_MAX_UNSECTIONED_TEST_STATEMENTS = 6


class InvalidOptionValue(Exception):
    def __init__(self, option: str, value: str, problem: str):
        super().__init__(f"--{option}: invalid value {value!r}: {problem}")
        self.option = option


@dataclass(frozen=True)
class Options:
    """Validated plugin options; the defaults are the values a new user gets."""

    first_party: Tuple[str, ...] = ()
    test_files: Tuple[str, ...] = DEFAULT_TEST_FILES
    test_name_pattern: Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_TEST_NAME_PATTERN))
    enabled_opt_in: FrozenSet[str] = frozenset()  # Opt-in codes (x50-x99) the user selected by their full code
    max_undocumented_literal_lines: int = DEFAULT_MAX_UNDOCUMENTED_LITERAL_LINES  # CHS651
    max_unsectioned_test_statements: int = DEFAULT_MAX_UNSECTIONED_TEST_STATEMENTS  # CHS552


def parse_name_list(value: Any) -> Tuple[str, ...]:
    """A comma (or whitespace) separated list, as flake8 accepts it on the command line and in config files."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    names: List[str] = []
    for item in value:
        names.extend(part for part in re.split(r"[,\s]+", item) if part)
    return tuple(names)


def compile_test_name_pattern(value: str) -> Pattern[str]:
    try:
        return re.compile(value)
    except re.error as exc:
        raise InvalidOptionValue("chs-test-name-pattern", value, f"not a regular expression ({exc})") from None


def parse_positive_int(option: str, value: Any, default: int) -> int:
    """A whole number of at least 1; empty means the default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise InvalidOptionValue(option, text, "not a whole number of at least 1")
    return int(text)


def add_flake8_options(option_manager: Any) -> None:
    option_manager.add_option(
        "--chs-first-party",
        default="",
        parse_from_config=True,
        help="chris_style: comma-separated first-party top-level modules (default: detected from the project)",
    )
    option_manager.add_option(
        "--chs-test-files",
        default=",".join(DEFAULT_TEST_FILES),
        parse_from_config=True,
        help="chris_style: comma-separated globs of test files; without '/' they match the base name "
        "(default: %(default)s)",
    )
    option_manager.add_option(
        "--chs-test-name-pattern",
        default=DEFAULT_TEST_NAME_PATTERN,
        parse_from_config=True,
        help="chris_style: regex that test function names must match (default: %(default)s)",
    )
    option_manager.add_option(
        "--chs-max-undocumented-literal-lines",
        default=str(DEFAULT_MAX_UNDOCUMENTED_LITERAL_LINES),
        parse_from_config=True,
        help="chris_style: CHS651 flags module-level data literals of at least this many lines without a "
        "provenance comment (default: %(default)s)",
    )
    option_manager.add_option(
        "--chs-max-unsectioned-test-statements",
        default=str(DEFAULT_MAX_UNSECTIONED_TEST_STATEMENTS),
        parse_from_config=True,
        help="chris_style: CHS552 flags test bodies with at least this many top-level statements and no section "
        "comments (default: %(default)s)",
    )


def _first_party_names(value: Any) -> Tuple[str, ...]:
    names = parse_name_list(value)
    for name in names:
        if not all(part.isidentifier() for part in name.split(".")):
            raise InvalidOptionValue("chs-first-party", name, "not a module name")
    return names


def explicitly_selected(opt_in_codes: Iterable[str], select: Optional[Sequence[str]],
                        extend_select: Optional[Sequence[str]]) -> FrozenSet[str]:
    """The opt-in codes named in full by ``select``/``extend-select``.

    flake8 lets an explicit ``--select=CHS`` override its default-ignore list, which would switch every
    opt-in rule on; the plugin therefore runs an opt-in rule only when its own code is selected
    (``--extend-select=CHS150``), the way the more specific default-ignore entry reads.
    """
    named = {code.strip() for code in [*(select or ()), *(extend_select or ())]}
    return frozenset(code for code in opt_in_codes if code in named)


def options_from_flake8(namespace: argparse.Namespace, opt_in_codes: Iterable[str] = ()) -> Options:
    """Validated options from flake8's parsed namespace; raises InvalidOptionValue on a bad value."""
    return Options(
        enabled_opt_in=explicitly_selected(
            opt_in_codes, getattr(namespace, "select", None), getattr(namespace, "extend_select", None)
        ),
        first_party=_first_party_names(getattr(namespace, "chs_first_party", "")),
        test_files=parse_name_list(getattr(namespace, "chs_test_files", None)) or DEFAULT_TEST_FILES,
        test_name_pattern=compile_test_name_pattern(
            getattr(namespace, "chs_test_name_pattern", None) or DEFAULT_TEST_NAME_PATTERN
        ),
        max_undocumented_literal_lines=parse_positive_int(
            "chs-max-undocumented-literal-lines",
            getattr(namespace, "chs_max_undocumented_literal_lines", None),
            DEFAULT_MAX_UNDOCUMENTED_LITERAL_LINES,
        ),
        max_unsectioned_test_statements=parse_positive_int(
            "chs-max-unsectioned-test-statements",
            getattr(namespace, "chs_max_unsectioned_test_statements", None),
            DEFAULT_MAX_UNSECTIONED_TEST_STATEMENTS,
        ),
    )


def options_from_mapping(values: Sequence[Tuple[str, str]], opt_in_codes: Iterable[str] = ()) -> Options:
    """Options from (name, value) pairs such as a fixture's header; names as in config files.

    ``extend-select`` takes a comma-separated list of codes, as in flake8's configuration.
    """
    namespace = argparse.Namespace()
    for name, value in values:
        key = name.strip().replace("-", "_")
        setattr(namespace, key, parse_name_list(value) if key in ("select", "extend_select") else value.strip())
    return options_from_flake8(namespace, opt_in_codes)
