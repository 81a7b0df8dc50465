import argparse
import re

import pytest

from chris_style import options


def test_WHEN_name_list_parsed_THEN_commas_and_whitespace_split():
    # TEST: one string, as flake8 gives config values
    assert ("a", "b.c", "d") == options.parse_name_list("a, b.c\n d")

    # TEST: a list, as argparse gives repeated values
    assert ("a", "b") == options.parse_name_list(["a,", "b"])

    # TEST: nothing
    assert () == options.parse_name_list(None)


def test_WHEN_flake8_namespace_converted_THEN_defaults_fill_gaps():
    # Run our test
    actual = options.options_from_flake8(argparse.Namespace(chs_first_party="", chs_test_files=None))

    # Check our results
    expected = options.Options()
    assert (expected.first_party, expected.test_files) == (actual.first_party, actual.test_files)
    assert options.DEFAULT_TEST_NAME_PATTERN == actual.test_name_pattern.pattern


def test_WHEN_options_given_THEN_values_validated():
    # TEST: a good pattern compiles
    actual = options.options_from_mapping([("chs-test-name-pattern", "^test_")]).test_name_pattern
    assert re.compile("^test_") == actual

    # TEST: a bad pattern raises with the option's name
    with pytest.raises(options.InvalidOptionValue, match="chs-test-name-pattern"):
        options.options_from_mapping([("chs-test-name-pattern", "([")])

    # TEST: a bad first-party name raises
    with pytest.raises(options.InvalidOptionValue, match="chs-first-party"):
        options.options_from_mapping([("chs-first-party", "good, bad-name")])


def test_WHEN_opt_in_selection_computed_THEN_only_full_codes_enable():
    # Set up our test
    opt_in = ["CHS150", "CHS350"]

    # TEST: the family prefix does not enable opt-in rules
    assert frozenset() == options.explicitly_selected(opt_in, ["CHS"], None)

    # TEST: a partial code does not either
    assert frozenset() == options.explicitly_selected(opt_in, ["CHS1", "CHS15"], [])

    # TEST: the full code in select or extend-select does
    assert frozenset({"CHS150", "CHS350"}) == options.explicitly_selected(opt_in, ["CHS150"], ["CHS350"])


def test_WHEN_number_options_given_THEN_whole_numbers_of_at_least_one_accepted():
    # TEST: defaults when not given
    actual = options.options_from_mapping([])
    assert (20, 6) == (actual.max_undocumented_literal_lines, actual.max_unsectioned_test_statements)

    # TEST: values from a config file, with spaces
    actual = options.options_from_mapping(
        [("chs-max-undocumented-literal-lines", " 40 "), ("chs-max-unsectioned-test-statements", "3")]
    )
    assert (40, 3) == (actual.max_undocumented_literal_lines, actual.max_unsectioned_test_statements)

    # TEST: an empty value means the default
    actual = options.options_from_mapping([("chs-max-undocumented-literal-lines", "")])
    assert 20 == actual.max_undocumented_literal_lines

    # TEST: zero, negative and non-numeric values raise with the option's name
    for bad in ("0", "-3", "ten", "2.5"):
        with pytest.raises(options.InvalidOptionValue, match="chs-max-unsectioned-test-statements"):
            options.options_from_mapping([("chs-max-unsectioned-test-statements", bad)])
