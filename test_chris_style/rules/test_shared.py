import ast

from chris_style.context import FileContext
from chris_style.options import Options
from chris_style.rules import _shared


def _function(source: str) -> ast.AST:
    return ast.parse(source).body[0]


def test_WHEN_names_classified_THEN_shapes_follow_the_guide():
    # TEST: snake_case allows underscores and digits, not capitals
    expected = [True, True, True, False, False]
    assert expected == [_shared.is_snake_case(name) for name in ("get_v2", "__init__", "_", "getValue", "É")]

    # TEST: dunders need two underscores on both sides and a name between
    expected = [True, False, False, False]
    assert expected == [_shared.is_dunder(name) for name in ("__eq__", "____", "__private", "_x_")]


def test_WHEN_function_classified_AND_file_is_a_test_file_THEN_tests_and_fixtures_recognised():
    # Set up our test
    test_file = FileContext("test_thing.py", Options())
    source_file = FileContext("thing.py", Options())

    # TEST: test functions and fixtures in a test file
    expected = [True, True, True, False]
    actual = [
        _shared.is_test_function(_function(source), test_file)
        for source in (
            "def test_WHEN_x_THEN_y(): pass",
            "@pytest.fixture\ndef thing(): pass",
            "@pytest.fixture(scope='module')\ndef thing(): pass",
            "def helper(): pass",
        )
    ]
    assert expected == actual

    # TEST: the same names outside test files are ordinary functions
    assert False == _shared.is_test_function(_function("def test_WHEN_x_THEN_y(): pass"), source_file)


def test_WHEN_function_classified_THEN_click_commands_recognised():
    # Run our test
    actual = [
        _shared.is_click_command(_function(f"{decorator}\ndef run(): pass"))
        for decorator in ("@click.command()", "@cli.group(name='x')", "@command", "@click.option('--x')",
                          "@commander")
    ]

    # Check our results
    expected = [True, True, True, False, False]
    assert expected == actual
