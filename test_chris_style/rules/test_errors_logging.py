import ast
import textwrap
from typing import List, Optional, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.context import ImportBinding
from chris_style.imports import ImportKind
from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.errors_logging import (
    LOG_METHODS, _has_parameter, _is_overload, has_logger_name_argument, is_exception_name, is_main_guard,
    is_stdlib_logging_binding, message_problem,
)


def _findings(
    source: str, filename: str = "sample.py", options: Optional[Options] = None
) -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of every CHS4 finding, as flake8 would print them."""
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), filename, options or Options(), source.splitlines(keepends=True))
    return [
        (line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings
        if message.startswith("CHS4")
    ]


def _call(expression: str) -> ast.Call:
    return ast.parse(expression, mode="eval").body  # type: ignore[return-value]


def _binding(name: str, module: str, imported: Optional[str], statement: str) -> ImportBinding:
    return ImportBinding(name, module, imported, ImportKind.STDLIB, ast.parse(statement).body[0])


# -- helpers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, method, expected",
    [
        ("logger.info('Event: %s' % event)", "info", "%-formatting"),
        ("logger.info(template % event)", "info", "%-formatting"),
        ("logger.info('Event: {}'.format(event))", "info", ".format()"),
        ("logger.info(template.format(event))", "info", ".format()"),
        ("logger.info('Event: %s', event)", "info", "lazy %s arguments"),
        ("logger.info('Event: %s', *events)", "info", "lazy %s arguments"),
        ("logger.log(level, 'Event: %s', event)", "log", "lazy %s arguments"),
        ("logger.log(level, 'Event: %s' % event)", "log", "%-formatting"),
        ("logger.error(msg='Event: %s' % event)", "error", "%-formatting"),
        ("logger.info('Event: %s' % event, extra)", "info", "%-formatting"),
    ],
)
def test_WHEN_message_problem_AND_message_formatted_against_guide_THEN_named(expression, method, expected):
    # Run our test
    actual = message_problem(_call(expression), method)

    # Check our results
    assert expected == actual


@pytest.mark.parametrize(
    "expression, method",
    [
        ("logger.info(f'Event: {event}')", "info"),
        ("logger.info('Event')", "info"),
        ("logger.error(f'Failed: {e}', exc_info=True)", "error"),
        ("logger.exception(e)", "exception"),
        ("logger.log(level, f'Event: {event}')", "log"),
        ("logger.log(level)", "log"),
        ("logger.info(*parts)", "info"),
        ("logger.log(*parts)", "log"),
        ("logger.log(level, *parts)", "log"),
        ("logger.critical(100 % level)", "critical"),
        ("logger.info()", "info"),
        ("logger.info(msg=f'{event}')", "info"),
        ("logger.info(('Event: %s' % event) + suffix)", "info"),
    ],
)
def test_WHEN_message_problem_AND_message_is_fine_or_unknown_THEN_none(expression, method):
    # Run our test
    actual = message_problem(_call(expression), method)

    # Check our results
    assert None is actual


@hypothesis.given(
    method=st.sampled_from(sorted(LOG_METHODS)),
    extra=st.integers(min_value=0, max_value=5),
    keywords=st.lists(st.sampled_from(["exc_info=True", "extra={}", "stack_info=False"]), max_size=3),
)
def test_WHEN_message_is_f_string_THEN_only_extra_positional_arguments_are_a_problem(method, extra, keywords):
    # Set up our test
    arguments = (["level"] if method == "log" else []) + ["f'Event: {event}'"] + ["value"] * extra + keywords
    call = _call(f"logger.{method}({', '.join(arguments)})")

    # Run our test
    actual = message_problem(call, method)

    # Check our results
    expected = "lazy %s arguments" if extra else None
    assert expected == actual


def test_WHEN_has_logger_name_argument_called_THEN_only_known_names_count():
    # TEST: a name, positional or keyword
    assert True == has_logger_name_argument(_call("logging.getLogger(__name__)"))
    assert True == has_logger_name_argument(_call("logging.getLogger('backend')"))
    assert True == has_logger_name_argument(_call("logging.getLogger(name='backend')"))

    # TEST: the root logger, or no known name
    assert False == has_logger_name_argument(_call("logging.getLogger()"))
    assert False == has_logger_name_argument(_call("logging.getLogger(None)"))
    assert False == has_logger_name_argument(_call("logging.getLogger(name=None)"))
    assert False == has_logger_name_argument(_call("logging.getLogger(**settings)"))


@pytest.mark.parametrize(
    "test, expected",
    [
        ("__name__ == '__main__'", True),
        ('__name__ == "__main__"', True),
        ("'__main__' == __name__", True),
        ("__name__ != '__main__'", False),
        ("__name__ == '__main__' and ready", False),
        ("__name__ == '__main__' == other", False),
        ("__name__ == 'main'", False),
        ("__file__ == '__main__'", False),
        ("'__main__' == '__main__'", False),
        ("__name__ is '__main__'", False),
    ],
)
def test_WHEN_is_main_guard_called_THEN_only_the_equality_test_of_name_counts(test, expected):
    # Run our test
    actual = is_main_guard(ast.parse(test, mode="eval").body)

    # Check our results
    assert expected == actual


def test_WHEN_is_exception_name_called_THEN_exception_and_error_suffixes_count():
    # TEST: exception-like names
    assert True == is_exception_name("Exception")
    assert True == is_exception_name("ValueError")
    assert True == is_exception_name("RESTOperationFailedException")
    assert True == is_exception_name("BaseException")

    # TEST: others
    assert False == is_exception_name("TooMuchTraffic")
    assert False == is_exception_name("ErrorReport")
    assert False == is_exception_name("Warning")


def test_WHEN_is_stdlib_logging_binding_called_THEN_relative_and_other_modules_do_not_count():
    # TEST: the logging module and its names
    assert True == is_stdlib_logging_binding(_binding("logging", "logging", None, "import logging"))
    assert True == is_stdlib_logging_binding(_binding("log", "logging", None, "import logging as log"))
    assert True == is_stdlib_logging_binding(_binding("info", "logging", "info", "from logging import info"))

    # TEST: a relative import of a project module named logging, and other modules
    assert False == is_stdlib_logging_binding(_binding("info", "logging", "info", "from .logging import info"))
    assert False == is_stdlib_logging_binding(
        _binding("logging", "playground", "logging", "from playground import logging")
    )
    assert False == is_stdlib_logging_binding(
        _binding("handlers", "logging.handlers", None, "import logging.handlers as handlers")
    )


def test_WHEN_has_parameter_called_THEN_every_parameter_kind_counts():
    # Set up our test
    function = ast.parse("def render(a, /, b, *print, c, **d) -> None: ...").body[0]
    lambda_ = ast.parse("lambda print: print", mode="eval").body

    # TEST: present
    assert True == _has_parameter(function, "print")
    assert True == _has_parameter(function, "a")
    assert True == _has_parameter(function, "d")
    assert True == _has_parameter(lambda_, "print")

    # TEST: absent
    assert False == _has_parameter(function, "e")


def test_WHEN_is_overload_called_THEN_plain_and_typing_overload_count():
    # Set up our test
    plain, qualified, other = ast.parse(
        "@overload\ndef f() -> None: ...\n@typing.overload\ndef g() -> None: ...\n@cache\ndef h() -> None: ...\n"
    ).body

    # Run our test / Check our results
    assert (True, True, False) == (_is_overload(plain), _is_overload(qualified), _is_overload(other))


# -- CHS401 to CHS404 ------------------------------------------------------------------------------------------


def test_WHEN_generic_exception_raised_THEN_flagged_at_the_raise():
    # Set up our test
    source = """\
        import builtins


        def plan(expected_traffic: int) -> None:
            if expected_traffic < 0:
                raise Exception("negative")
            if expected_traffic > 100:
                raise BaseException
            try:
                int("x")
            except ValueError as e:
                raise builtins.Exception("bad") from e
            raise
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(6, 9, "CHS401"), (8, 9, "CHS401"), (12, 9, "CHS401")]
    assert expected == actual


def test_WHEN_exception_name_is_imported_THEN_not_the_builtin():
    # Set up our test
    source = """\
        from kombu.exceptions import Exception, BaseException


        class Failure(BaseException):
            pass


        raise Exception("x")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_class_derives_from_base_exception_THEN_flagged_at_class_line_not_decorator():
    # Set up our test
    source = """\
        import dataclasses


        @dataclasses.dataclass
        class EndTest(BaseException):
            reason: str = ""


        class Fine(Exception):
            pass


        class Indirect(Fine):
            pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 1, "CHS402")]
    assert expected == actual


def test_WHEN_exception_init_checked_THEN_only_inits_without_base_call_flagged():
    # Set up our test
    source = """\
        class TooMuchTraffic(Exception):
            def __init__(self, traffic: int) -> None:
                self.traffic = traffic


        class InvalidCidr(ValueError):
            def __init__(this, cidr: str) -> None:
                ValueError.__init__(this, cidr)


        class NotMyself(ValueError):
            def __init__(self, cidr: str) -> None:
                ValueError.__init__(other, cidr)


        class Deferred(Exception):
            def __init__(self) -> None:
                self.later = lambda: super().__init__()


        class Plain:
            def __init__(self) -> None:
                self.x = 1


        class NoInit(TooMuchTraffic):
            pass


        class ThroughTwo(NoInit):
            def __init__(self) -> None:
                self.x = 2
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(2, 5, "CHS403"), (12, 5, "CHS403"), (17, 5, "CHS403"), (31, 5, "CHS403")]
    assert expected == actual


def test_WHEN_exception_hierarchy_is_5000_classes_deep_THEN_resolved_without_recursion():
    # Set up our test
    depth = 5000
    classes = ["class Level0(Exception):\n    pass\n"]
    classes.extend(f"class Level{index}(Level{index - 1}):\n    pass\n" for index in range(1, depth))
    classes.append(f"class Deepest(Level{depth - 1}):\n    def __init__(self) -> None:\n        self.x = 1\n")
    source = "".join(classes)

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(2 * depth + 2, 5, "CHS403")]
    assert expected == actual


def test_WHEN_same_file_bases_form_a_cycle_AND_none_is_an_exception_THEN_no_finding():
    # Set up our test
    source = """\
        class Left(Right):
            def __init__(self) -> None:
                self.x = 1


        class Right(Left):
            def __init__(self) -> None:
                self.x = 2
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_bare_except_used_THEN_flagged_at_the_except_keyword():
    # Set up our test
    source = """\
        try:
            import ujson as json
        except:
            import json
        try:
            pass
        except Exception:
            pass
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(3, 1, "CHS404")]
    assert expected == actual


@hypothesis.given(handlers=st.lists(st.booleans(), min_size=1, max_size=6))
def test_WHEN_try_has_handlers_THEN_one_chs404_per_bare_handler(handlers):
    # Set up our test: the bare handler, if any, must come last
    typed = [False] * handlers.count(False)
    bare = [True] if True in handlers else []
    lines = ["try:", "    pass"]
    for is_bare in typed + bare:
        lines.extend(["except:" if is_bare else "except ValueError:", "    pass"])

    # Run our test
    actual = _findings("\n".join(lines) + "\n")

    # Check our results
    expected = [(3 + 2 * len(typed), 1, "CHS404")] if bare else []
    assert expected == actual


# -- CHS405 to CHS408 ------------------------------------------------------------------------------------------


def test_WHEN_root_logger_called_THEN_flagged_through_aliases_and_imports():
    # Set up our test
    source = """\
        import logging
        import logging as log
        from logging import exception as log_exception

        logging.info("a")
        log.critical("b")
        log_exception("c")
        logging.getLogger().info("d")
        logging.fatal("e")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 1, "CHS405"), (6, 1, "CHS405"), (7, 1, "CHS405")]
    assert expected == actual


def test_WHEN_logging_name_not_bound_by_stdlib_import_THEN_not_the_logging_module():
    # Set up our test
    source = """\
        from . import logging
        from .logging import info


        def record(logging_module: object) -> None:
            logging.info("a")
            info("b")
            logging.getLogger("x").info("%s", 1)
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_logging_import_rebound_later_THEN_later_calls_not_root_logger_calls():
    # Set up our test
    source = """\
        import logging
        from logging import info

        logging.info("a")
        info("b")
        from playground import logging
        from playground.output import info

        logging.info("c")
        info("d")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(4, 1, "CHS405"), (5, 1, "CHS405")]
    assert expected == actual


def test_WHEN_get_logger_assigned_in_function_THEN_flagged_at_the_statement():
    # Set up our test
    source = """\
        import logging


        class Handler:
            def __init__(self) -> None:
                self.logger = logging.getLogger()
                self.named_logger = logging.getLogger(__name__)


        def configure() -> None:
            boto_logger: logging.Logger = logging.getLogger("boto")
            logging.getLogger("boto").setLevel(logging.INFO)
            level = logging.getLogger("boto").level
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(7, 9, "CHS406"), (11, 5, "CHS406")]
    assert expected == actual


def test_WHEN_get_logger_assigned_in_function_AND_file_is_test_file_THEN_no_finding():
    # Set up our test
    source = """\
        import logging


        def test_WHEN_x_THEN_y():
            named_logger = logging.getLogger("backend")
    """

    # TEST: default test-file names
    assert [] == _findings(source, "test_backend.py")

    # TEST: the same file under a name that is not a test file
    assert [(5, 5, "CHS406")] == _findings(source, "backend_checks.py")

    # TEST: chs-test-files makes it a test file
    assert [] == _findings(source, "backend_checks.py", Options(test_files=("*_checks.py",)))


def test_WHEN_module_level_logger_misnamed_THEN_flagged_at_the_statement():
    # Set up our test
    source = """\
        import logging
        from logging import getLogger as get_logger

        logger = logging.getLogger(__name__)
        log = get_logger(__name__)
        if True:
            root_logger = logging.getLogger()
        app.logger = logging.getLogger("app")
        other = make_logger("x")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 1, "CHS407"), (7, 5, "CHS407")]
    assert expected == actual


def test_WHEN_logging_call_formats_message_THEN_flagged_for_recognised_loggers_only():
    # Set up our test
    source = """\
        import logging

        logger = logging.getLogger(__name__)


        class View:
            side_log = logging.getLogger("side")

            def __init__(self) -> None:
                self.api_log = logging.getLogger()

            def post(self, data: dict) -> None:
                self.logger.info("Data: %s", data)
                self.api_log.info("Data: %s", data)
                self.side_log.info("Data: %s", data)
                self.report.info("Data: %s", data)
                other.logger.info("Data: %s", data)


        def handle(event: dict, report: object) -> None:
            logger.info("Event: %s", event)
            report.info("Event: %s", event)
            module_log.info("Event: %s", event)
            logging.getLogger("x").info("Event: %s", event)


        module_log = logging.getLogger("late")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [
        (13, 9, "CHS408"), (14, 9, "CHS408"), (15, 9, "CHS408"), (21, 5, "CHS408"), (23, 5, "CHS408"),
        (24, 5, "CHS408"), (27, 1, "CHS407"),
    ]
    assert expected == actual


def test_WHEN_local_logger_used_THEN_visible_in_nested_functions_only():
    # Set up our test
    source = """\
        import logging


        def outer() -> None:
            local_log = logging.getLogger()

            def inner() -> None:
                local_log.info("Inner %s", 1)

            local_log.info("Outer %s", 2)


        def elsewhere() -> None:
            local_log.info("Elsewhere %s", 3)
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(8, 9, "CHS408"), (10, 5, "CHS408")]
    assert expected == actual


def test_WHEN_root_logger_call_formats_message_THEN_chs405_and_chs408_at_the_call():
    # Set up our test
    source = 'import logging\n\nlogging.info("Event: %s", 1)\n'

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(3, 1, "CHS405"), (3, 1, "CHS408")]
    assert expected == actual


def test_WHEN_percent_formatted_log_message_THEN_chs408_at_call_AND_chs701_at_operation():
    # Set up our test
    source = 'def handle(event: str) -> None:\n    logger.info("Event: %s" % event)\n'

    # Run our test
    findings = check_tree(ast.parse(source), "sample.py", Options(), source.splitlines(keepends=True))

    # Check our results
    actual = sorted((line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings)
    expected = [(2, 5, "CHS408"), (2, 17, "CHS701")]
    assert expected == actual


# -- CHS409 ----------------------------------------------------------------------------------------------------


def test_WHEN_print_called_THEN_flagged_outside_the_main_guard_only():
    # Set up our test
    source = """\
        import sys


        def main() -> int:
            print("in main")
            return 0


        if __name__ == "__main__":
            print("guard")
            for argument in sys.argv:
                if argument:
                    print(argument)
            sys.exit(main())
        else:
            print("imported")
        print("after")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(5, 5, "CHS409"), (16, 5, "CHS409"), (17, 1, "CHS409")]
    assert expected == actual


def test_WHEN_main_guard_is_inside_a_function_THEN_it_does_not_exempt():
    # Set up our test
    source = """\
        def run() -> None:
            if __name__ == "__main__":
                print("not a module-level guard")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(3, 9, "CHS409")]
    assert expected == actual


def test_WHEN_print_checked_AND_file_is_test_or_main_module_THEN_no_finding():
    # Set up our test
    source = 'print("x")\n'

    # TEST: test files
    assert [] == _findings(source, "test_plan.py")
    assert [] == _findings(source, "conftest.py")

    # TEST: chs-test-files option
    assert [] == _findings(source, "plan_checks.py", Options(test_files=("*_checks.py",)))

    # TEST: __main__.py
    assert [] == _findings(source, "pkg/__main__.py")

    # TEST: an ordinary module
    assert [(1, 1, "CHS409")] == _findings(source, "pkg/plan.py")


@pytest.mark.parametrize(
    "binding",
    [
        "from rich import print",
        "def print(text: str) -> None:\n    pass",
        "class print:\n    pass",
        "print = log_line",
        "print: object = log_line",
    ],
)
def test_WHEN_print_bound_at_module_level_THEN_no_call_flagged(binding):
    # Set up our test
    source = f"def report() -> None:\n    print('x')\n\n\n{binding}\n"

    # Run our test
    actual = _findings(source)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_print_bound_locally_THEN_only_that_function_is_exempt():
    # Set up our test
    source = """\
        def render(print: object) -> None:
            print("parameter")


        def render_nested() -> None:
            def print(text: str) -> None:
                pass

            def inner() -> None:
                print("nested def in an enclosing function")

            print("nested def")


        class Report:
            def print(self) -> None:
                print("a method does not shadow the builtin")


        def other() -> None:
            print("builtin")
            callback = lambda print: print("lambda parameter")
    """

    # Run our test
    actual = _findings(source)

    # Check our results
    expected = [(17, 9, "CHS409"), (21, 5, "CHS409")]
    assert expected == actual
