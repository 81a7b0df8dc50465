"""CHS4: errors and logging (§4 Error Handling & Robustness).

How the logging rules recognise the logging module and loggers, from the way names are written and bound in
the file being checked (nothing is imported or executed):

- *The logging module* is a name bound by ``import logging`` (also ``import logging.handlers``, which binds
  ``logging``) or ``import logging as <alias>``, read from the engine's import collector (an
  ``ImportBinding`` with ``module == "logging"``, no imported attribute, not a relative import). A name
  ``logging`` that no such import binds (a local variable, ``from mypkg import logging``) is not it. Names are
  resolved against the imports seen so far in source order, as the import collector fills them in.
- *Logging functions* are names bound by ``from logging import getLogger`` / ``info`` / ... (aliases too).
- *A logger* is: the name ``logger`` (wherever it is bound: module, parameter or local); ``self.logger`` and
  ``cls.logger``; ``self.<x>`` / ``cls.<x>`` where ``<x>`` is bound from a ``getLogger(...)`` call anywhere in
  the file (``self.<x> = ...`` or a class attribute ``<x> = ...``); a name bound from ``getLogger(...)`` at
  module level (``log = logging.getLogger(...)``) or in an enclosing function; a ``getLogger(...)`` call itself
  (``logging.getLogger(__name__).info(...)``); and the logging module (its root-logger functions).
- *A getLogger call* is ``<logging module>.getLogger(...)`` or ``<name bound from logging.getLogger>(...)``.
"""
import ast
import logging
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from chris_style.context import ImportBinding, dotted_name
from chris_style.engine import Family, at_end, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import PACK_NOTE_NFKC

logger = logging.getLogger(__name__)

LOGGING_MODULE = "logging"
GET_LOGGER = "getLogger"
# Logger methods (and the logging module's root-logger functions) whose first argument is the message;
# for `log` the message is the second argument, after the level.
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
LOGGER_ATTRIBUTE = "logger"
LOGGER_NAME = "logger"
_SELF_NAMES = frozenset({"self", "cls"})
_VANILLA_EXCEPTIONS = frozenset({"Exception", "BaseException"})
_BASE_EXCEPTION = frozenset({"BaseException"})
_MAIN_MODULE_FILE = "__main__.py"
_EXCEPTION_SUFFIXES = ("Error", "Exception")
_OVERLOAD_DECORATORS = frozenset({"overload", "typing.overload", "typing_extensions.overload"})
# Attributes of called functions that the call handler looks at: one set test rejects every other call.
_CALL_ATTRIBUTES = LOG_METHODS | {"__init__", GET_LOGGER}
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

_LOGGER_DOCS = (
    "A logger is recognised by how it is written and bound in the file: the name `logger` (module-level, "
    "parameter or local); `self.logger` and `cls.logger`; `self.<x>`/`cls.<x>` where the file binds `<x>` from "
    "`getLogger(...)` (`self.<x> = ...` or a class attribute); a name bound from `getLogger(...)` at module "
    "level or in an enclosing function; a `getLogger(...)` call itself; and the logging module (its root-logger "
    "functions). The logging module is a name bound by `import logging` or `import logging as <alias>`; a name "
    "`logging` that no such import binds is not the logging module. `getLogger` is `<logging module>.getLogger` "
    "or a name bound by `from logging import getLogger [as <alias>]`. Imports count from the import statement "
    "on, in source order."
)

CHS401 = register(
    Rule(
        code="CHS401",
        message="raise of the generic {name}; raise a descriptive exception class of your own",
        summary="`raise Exception(...)` / `raise BaseException(...)`",
        section="§4 Custom Exception Hierarchy; §4 Exception Naming",
        what=(
            "Flags a `raise` whose exception is the builtin `Exception` or `BaseException`, called "
            "(`raise Exception(\"...\")`) or bare (`raise Exception`), with or without `from`; `builtins.Exception` "
            "counts too. The finding is on the `raise` statement."
        ),
        why=(
            "The guide: \"Custom exceptions inherit from base Exception with descriptive names\" and \"Descriptive, "
            "specific exception names that indicate the problem\" (`TooMuchTraffic`, `NotEnoughStorage`, "
            "`InvalidCidr`). A caller can catch `TooMuchTraffic`; it cannot single out one `Exception`."
        ),
        bad="if expected_traffic > MAX_TRAFFIC:\n    raise Exception(f\"Too much traffic: {expected_traffic}\")",
        good=(
            "class TooMuchTraffic(Exception):\n    def __init__(self, expected_traffic: int):\n"
            "        super().__init__(f\"User's expected traffic ({expected_traffic} Gbps) exceeds the limit\")\n\n\n"
            "if expected_traffic > MAX_TRAFFIC:\n    raise TooMuchTraffic(expected_traffic)"
        ),
        exemptions=(
            "a bare re-raise: `raise`",
            "re-raising a caught exception or any other name: `raise e`, `raise ex from None`",
            "an `Exception` or `BaseException` that the file imports from somewhere (not the builtin)",
        ),
        mirror="partial",
        mirror_notes=(
            "When a name is bound by more than one import statement above the node, the plugin goes by the last one "
            "and the pack by any of them (`import builtins` then `from x import builtins`: the pack still flags `raise "
            "builtins.Exception`). Redundant parentheses around the object of an attribute (`raise "
            "(builtins).Exception(...)`) are seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="TRY002 (raise-vanilla-class)",
        decisions=(
            "Only the two names themselves are flagged, not other builtins such as `ValueError` (the guide raises "
            "`ValueError`/`TypeError` for bad arguments). `raise Exception from e` is flagged like "
            "`raise Exception(...)`."
        ),
    )
)

CHS402 = register(
    Rule(
        code="CHS402",
        message="class '{name}' derives directly from BaseException; derive from Exception instead",
        summary="class deriving directly from `BaseException`",
        section="§4 Custom Exception Hierarchy",
        what=(
            "Flags a class with `BaseException` (the builtin, or `builtins.BaseException`) among its bases. The "
            "finding is on the `class` line (not on a decorator)."
        ),
        why=(
            "The guide: \"Custom exceptions inherit from base Exception\" (`class TooMuchTraffic(Exception)`). "
            "`BaseException` is for `SystemExit`, `KeyboardInterrupt` and `GeneratorExit`; a subclass of it escapes "
            "every `except Exception` handler, such as the guide's validation-report and Lambda handlers."
        ),
        bad="class ExpertInvocationError(BaseException):\n    pass",
        good="class ExpertInvocationError(Exception):\n    pass",
        exemptions=("a `BaseException` that the file imports from somewhere (not the builtin)",),
        mirror="partial",
        mirror_notes=(
            "When a name is bound by more than one import statement above the node, the plugin goes by the last one "
            "and the pack by any of them (`import builtins` then `from x import builtins`: the pack still flags `class "
            "A(builtins.BaseException)`). Redundant parentheses around the object of an attribute (`class "
            "A((builtins).BaseException)`) are seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff has no rule for subclassing BaseException",
        decisions="Only direct bases count: a class deriving from a `BaseException` subclass is not flagged.",
    )
)

CHS403 = register(
    Rule(
        code="CHS403",
        message="exception class '{name}' defines __init__ without calling super().__init__(...); pass the "
        "message up",
        summary="exception `__init__` that never calls `super().__init__(...)`",
        section="§4 Custom Exception Hierarchy",
        what=(
            "Flags the `__init__` of an exception class when that `__init__` never calls `super().__init__(...)` "
            "(also `super(Cls, self).__init__(...)`) or `<Base>.__init__(self, ...)` (any dotted name, with the "
            "method's first parameter as first argument), anywhere in its own body (not in nested functions). An "
            "exception class has a base named `Exception`, or whose last name ends in `Error` or `Exception` "
            "(`ValueError`, `botocore.exceptions.ClientError`, `MyBaseException`), or a base that is a class "
            "defined in the same file that is an exception class, at any distance. The finding is on the "
            "`__init__`'s `def` line."
        ),
        why=(
            "The guide's exceptions hand their message to the base class: "
            "`super().__init__(f\"User's expected traffic ({expected_traffic} Gbps) exceeds the limit ...\")`. "
            "Without that call `str(exc)` and `exc.args` are empty, so `logger.error(str(ex))` logs nothing."
        ),
        bad=(
            "class TooMuchTraffic(Exception):\n    def __init__(self, expected_traffic: int):\n"
            "        self.expected_traffic = expected_traffic"
        ),
        good=(
            "class TooMuchTraffic(Exception):\n    def __init__(self, expected_traffic: int):\n"
            "        super().__init__(f\"User's expected traffic ({expected_traffic} Gbps) exceeds the limit\")\n"
            "        self.expected_traffic = expected_traffic"
        ),
        exemptions=(
            "exception classes without an `__init__` of their own (the guide's `class ExpertInvocationError"
            "(Exception): pass`)",
            "`__init__` overloads decorated `@overload` (they have no body to run)",
        ),
        mirror="partial",
        mirror_notes=(
            "Bases defined in the same file: the pack follows at most three of them (with `class A(Exception)`, `class "
            "B(A)`, `class C(B)`, `class D(C)`, the `__init__` of `D` is checked and that of a class `E(D)` is not; "
            "the plugin follows chains of any length), and when the file defines several classes of a base's name the "
            "pack goes by any of them while the plugin looks only at one (the last module-level one, else the first). "
            "Redundant parentheses around the object of an attribute (`(Base).__init__(self, ...)`, `class "
            "A((errors).ClientError)`) are seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: pylint's W0231 (super-init-not-called) is the nearest; ruff has no equivalent",
        decisions=(
            "Bases are recognised by name, so an imported `FooError` counts even if it is not an exception; a "
            "same-file base is followed through its own bases, iteratively. Only `def __init__` directly in the "
            "class body is checked. A call in a nested function or lambda inside `__init__` does not count."
        ),
    )
)

CHS404 = register(
    Rule(
        code="CHS404",
        message="bare 'except:'; catch a specific exception (or 'except Exception')",
        summary="bare `except:`",
        section="§4 Custom Exception Hierarchy; §4 Validation Report Pattern",
        what="Flags an `except:` handler with no exception type. The finding is on the `except` keyword.",
        why=(
            "The guide always names what it catches: `except (s3.CantWriteFileAlreadyExists, "
            "s3.S3ObjectDoesntExist) as ex:`, and at its broadest `except Exception as e:` (validation reports, "
            "Lambda handlers). A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`."
        ),
        bad="try:\n    transformer_output = invoke(logic)\nexcept:\n    report.passed = False",
        good="try:\n    transformer_output = invoke(logic)\nexcept Exception as e:\n    report.passed = False",
        mirror="full",
        ruff="E722 (bare-except)",
    )
)

CHS405 = register(
    Rule(
        code="CHS405",
        message="call on the root logger '{call}(...)'; log through the module's logger = "
        "logging.getLogger(__name__)",
        summary="call on the root logger (`logging.info(...)`)",
        section="§4 Logging Approach",
        what=(
            "Flags `<logging module>.debug/info/warning/warn/error/exception/critical/log(...)`, where the logging "
            "module is a name bound by `import logging` or `import logging as <alias>`, and the same functions "
            "called by a name bound with `from logging import info [as <alias>]`. The finding is on the call. "
            + _LOGGER_DOCS
        ),
        why=(
            "The guide: \"Module-level logger instances; consistent use throughout\": "
            "`logger = logging.getLogger(__name__)`, then `logger.info(...)`. The root logger's records carry no "
            "module name, so they cannot be routed or filtered per module (the guide's Django configuration "
            "sends each module's logger to its own files)."
        ),
        bad="logging.info(f\"Received heuristic creation request: {request.data}\")",
        good=(
            "logger = logging.getLogger(__name__)\n\n"
            "logger.info(f\"Received heuristic creation request: {request.data}\")"
        ),
        exemptions=("a name `logging` that is not bound by importing the standard library's logging module",),
        mirror="partial",
        mirror_notes=(
            "When a name is bound by more than one import statement above the node, the plugin goes by the last one "
            "and the pack by any of them (`import logging` then `from mypkg import logging`: the pack still flags "
            "`logging.info(...)`). Redundant parentheses around the object of an attribute (`(logging).info(...)`) are "
            "seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="LOG015 (root-logger-call)",
        decisions=(
            "`from logging import info` then `info(...)` is a root-logger call too, and is flagged. Calls on "
            "`logging.getLogger()` (no argument), such as `logging.getLogger().info(...)`, are not flagged: "
            "RULES.md names the module-level functions, and the guide's Lambda handlers use the root logger "
            "object on purpose. `logging.fatal` is not in the list."
        ),
    )
)

CHS406 = register(
    Rule(
        code="CHS406",
        message="'{call}(...)' with a logger name assigned inside a function; bind logger = "
        "logging.getLogger(__name__) once at module level",
        summary="`logging.getLogger(<name>)` assigned inside a function",
        section="§4 Logging Approach",
        what=(
            "Flags an assignment (`=` or an annotated assignment with a value; to a name or an attribute, any "
            "number of targets) inside a function (or in a class body inside a function) whose value is a "
            "`getLogger(...)` call with a name argument. The finding is on the assignment statement. "
            + _LOGGER_DOCS
        ),
        why=(
            "The guide: \"Module-level logger instances; consistent use throughout\": "
            "`logger = logging.getLogger(__name__)` at the top of the module, not one fetched per call."
        ),
        bad=(
            "def cmd_config_pull(profile: str) -> None:\n    logger = logging.getLogger(__name__)\n"
            "    logger.info(profile)"
        ),
        good=(
            "logger = logging.getLogger(__name__)\n\n\n"
            "def cmd_config_pull(profile: str) -> None:\n    logger.info(profile)"
        ),
        exemptions=(
            "`logging.getLogger()` with no argument (or `getLogger(None)`): root logger set-up, the guide's Lambda "
            "handler pattern `self.logger = logging.getLogger()`",
            "non-assigned uses: `logging.getLogger('boto').setLevel(...)`, "
            "`level = logging.getLogger('boto').level`",
            "test files (option `chs-test-files`): tests fetch named loggers to configure or inspect them",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            "Test files: the pack exempts the default test-file names only (`test_*.py`, `*_test.py`, `conftest.py`, "
            "whatever `chs-test-files` says), through a path glob in which `*` also matches `/`, so the pack also "
            "exempts every file under a directory whose name starts with `test_` (`test_gdb/util.py`). When a name is "
            "bound by more than one import statement above the node, the plugin goes by the last one and the pack by "
            "any of them (`import logging` then `from mypkg import logging`: the pack still takes "
            "`logging.getLogger(...)` for a getLogger call). Redundant parentheses around the object of an attribute "
            "(`(logging).getLogger(\"x\")`) are seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff has no such rule (LOG001/LOG002 check other getLogger habits)",
        decisions=(
            "Reported at the assignment statement (the binding is what should move), like CHS407. Walrus "
            "(`:=`) and augmented assignments are not checked. A module-level class body is not inside a "
            "function, so `class Handler: log = logging.getLogger(\"x\")` is neither CHS406 nor CHS407. Test "
            "files are exempt (an exemption RULES.md does not list). A `**kwargs` argument is not a known name."
        ),
    )
)

CHS407 = register(
    Rule(
        code="CHS407",
        message="module-level logger bound to '{name}'; name it 'logger'",
        summary="module-level `getLogger(...)` bound to a name other than `logger`",
        section="§4 Logging Approach",
        what=(
            "Flags a module-level assignment (`=` or annotated, also inside a module-level `if`/`try`) whose value "
            "is a `getLogger(...)` call (any arguments) and one of whose name targets is not `logger` (`log`, "
            "`_logger`, `LOGGER`). The finding is on the assignment statement. " + _LOGGER_DOCS
        ),
        why=(
            "The guide: \"Module-level logger instances; consistent use throughout\": `logger = "
            "logging.getLogger(__name__)` and `logger = logging.getLogger(\"backend\")`, always named `logger`."
        ),
        bad="log = logging.getLogger(__name__)",
        good="logger = logging.getLogger(__name__)",
        exemptions=(
            "attribute targets at module level (`app.logger = logging.getLogger(...)`): not a module-level name",
        ),
        mirror="partial",
        mirror_notes=(
            "When a name is bound by more than one import statement above the node, the plugin goes by the last one "
            "and the pack by any of them (`import logging` then `from mypkg import logging`: the pack still takes "
            "`logging.getLogger(...)` for a getLogger call). Redundant parentheses around the object of an attribute "
            "(`(logging).getLogger(\"x\")`) are seen through by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff has no rule for the logger's variable name",
        decisions=(
            "`logger = log = logging.getLogger(...)` is flagged (one target is not `logger`). Class attributes "
            "are not module level."
        ),
    )
)

CHS408 = register(
    Rule(
        code="CHS408",
        message="logging call builds its message with {how}; log an f-string instead",
        summary="log message built with `%`, `.format()` or lazy `%s` arguments",
        section="§4 Log Levels; §6 F-Strings",
        what=(
            "Flags a logging call (`<logger>.debug/info/warning/warn/error/exception/critical/log(...)`, the "
            "logging module's functions of those names, and names bound by `from logging import info`) whose "
            "message (the first positional argument; for `log` the second, after the level; else the `msg=` "
            "keyword) is a `%` operation (`\"...\" % x`, `template % x`; not a number literal on the left) or a "
            "`.format(...)` call, or which passes positional arguments after the message for lazy `%s` "
            "interpolation (`logger.info(\"%s\", x)`, also `*args`). Only the message expression itself is "
            "looked at, not expressions nested in it. The finding is on the call. " + _LOGGER_DOCS
        ),
        why=(
            "The guide logs with f-strings: \"Consistent use of f-strings for string formatting\" "
            "(`logger.info(f\"Received heuristic creation request: {request.data}\")`, "
            "`logger.debug(f\"Regex value:\\n{result.regex.value}\")`). This conflicts by design with pylint "
            "W1203 and ruff G004, which ask for lazy `%s` arguments instead: disable those for this guide."
        ),
        bad="logger.info(\"Received heuristic creation request: %s\", request.data)",
        good="logger.info(f\"Received heuristic creation request: {request.data}\")",
        exemptions=(
            "calls on receivers that are not recognised as loggers (`warnings.warn(\"%s\" % x)`, "
            "`report.error(\"%s\", x)`)",
            "a message whose first positional argument is `*args` (its shape is unknown)",
        ),
        mirror="partial",
        mirror_notes=(
            "When a name is bound by more than one import statement above the node, the plugin goes by the last one "
            "and the pack by any of them (`import logging` then `from mypkg import logging`: the pack still takes "
            "`logging` for the logging module). Redundant parentheses around the object of an attribute "
            "(`(logger).info(...)`, `(self).logger.info(...)`, `(logging).getLogger(...).info(...)`) are seen through "
            "by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: G001 (logging-string-format) and G002 (logging-percent-format) cover `.format` and `%`; "
        "G004 contradicts the guide and must be ignored",
        decisions=(
            "`logger.info(\"...\" % x)` is also CHS701 (`%` formatting of a string literal) and "
            "`logger.info(\"{}\".format(x))` inside a function is also CHS702: both findings are reported, each "
            "at its own node (CHS408 at the logging call, CHS701 at the `%` expression, CHS702 at the `.format` "
            "call). One CHS408 per call: a `%`/`.format` message is named first, else the lazy arguments. "
            "Keyword arguments (`exc_info=`, `extra=`) are fine. Root-logger calls (`logging.info(\"%s\", x)`) "
            "get both CHS405 and CHS408."
        ),
    )
)

CHS409 = register(
    Rule(
        code="CHS409",
        message="print() in a non-test module; log through the module's logger (or write to sys.stdout)",
        summary="`print(...)` in a non-test module",
        section="§4 Logging Approach",
        what=(
            "Flags a call of the builtin `print(...)` in a file that is not a test file. A `print` is not the "
            "builtin when the file imports a `print` anywhere (`from rich import print`), defines `def print` or "
            "`class print` at module level, assigns `print = ...` in a top-level statement, or when an enclosing "
            "function has a parameter named `print` or defines a nested `def print`. The main guard is a "
            "module-level `if __name__ == \"__main__\":` (either quote style, or `\"__main__\" == __name__`; "
            "also inside module-level `if`/`try` blocks); everything on the lines of its body is exempt, at any "
            "depth. The finding is on the call."
        ),
        why=(
            "The guide: \"Module-level logger instances; consistent use throughout\"; status and errors go "
            "through `logger.info(...)` / `logger.error(...)`, even in CLI commands "
            "(`logger.error(\"You must indicate ...; see --help.\")` before `sys.exit(1)`)."
        ),
        bad="def destroy_domain(domain_name: str) -> None:\n    print(f\"OS Domain {domain_name} has been destroyed\")",
        good=(
            "def destroy_domain(domain_name: str) -> None:\n"
            "    logger.info(f\"OS Domain {domain_name} has been destroyed\")"
        ),
        exemptions=(
            "inside `if __name__ == \"__main__\":` (at any depth within its body)",
            "files named `__main__.py`",
            "test files (option `chs-test-files`)",
            "a `print` that is not the builtin: imported, defined or assigned at module level, a parameter or "
            "nested `def` of an enclosing function",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            "Test files: the pack exempts the default test-file names only (`test_*.py`, `*_test.py`, `conftest.py`, "
            "whatever `chs-test-files` says), through a path glob in which `*` also matches `/`, so the pack also "
            "exempts every file under a directory whose name starts with `test_` (`test_gdb/util.py`). A main guard "
            "whose string is spelled with implicit concatenation or escapes (`\"__m\" \"ain__\"`, `\"\\x5f_main__\"`) "
            "is a main guard for the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="T201 (print)",
        decisions=(
            "Only calls are flagged (`map(print, rows)` is not). A `print` in a function that the main guard "
            "calls is still flagged: only the guard's own lines are exempt. A method named `print` does not "
            "shadow the builtin; local assignments `print = ...` inside functions are not tracked. "
            "`builtins.print(...)` is not flagged."
        ),
    )
)


@dataclass
class _PendingLogCall:
    """A logging-shaped call with a bad message whose receiver is only known once the file is walked."""

    call: ast.Call
    receiver: str  # A plain name, or the attribute after self./cls.
    on_self: bool  # True for self.<receiver> / cls.<receiver>
    how: str


@dataclass
class _PrintCall:
    call: ast.Call
    enclosing_functions: Tuple[ast.AST, ...]


class ErrorLoggingRules(Family):
    rules = (CHS401, CHS402, CHS403, CHS404, CHS405, CHS406, CHS407, CHS408, CHS409)
    runs_on = "all"

    def setup(self) -> None:
        self._logging_modules: Set[str] = set()  # Names bound to the logging module
        self._logging_functions: Dict[str, str] = {}  # Names bound by `from logging import x` -> x
        self._module_loggers: Set[str] = set()  # Module-level names bound from getLogger(...)
        self._attribute_loggers: Set[str] = {LOGGER_ATTRIBUTE}  # self.<x> / cls.<x> that are loggers
        self._local_loggers: Dict[int, Set[str]] = {}  # id(function) -> its names bound from getLogger(...)
        self._pending_log_calls: List[_PendingLogCall] = []
        # CHS403: (class, its __init__) pairs, and the __init__s that call a base __init__
        self._initialisers: List[Tuple[ast.ClassDef, ast.FunctionDef]] = []
        self._base_init_callers: Set[int] = set()
        # CHS409
        self._print_rule_applies = not self.file.is_test and self.file.basename != _MAIN_MODULE_FILE
        self._main_guard_lines: List[Tuple[int, int]] = []
        self._print_calls: List[_PrintCall] = []
        self._print_bound_at_module_level = False
        self._module_body: List[ast.stmt] = []

    # -- imports: which names are the logging module and its functions ------------------------------------

    @visits(ast.Import, ast.ImportFrom)
    def import_(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        for alias in node.names:  # type: ignore[attr-defined]
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name.split(".", 1)[0]
            binding = self.file.imports.get(bound)
            self._logging_modules.discard(bound)
            self._logging_functions.pop(bound, None)
            if binding is None or not is_stdlib_logging_binding(binding):
                continue
            if binding.imported is None:
                self._logging_modules.add(bound)
            else:
                self._logging_functions[bound] = binding.imported

    def _is_get_logger(self, func: ast.expr) -> bool:
        func_type = type(func)
        if func_type is ast.Attribute:
            value = func.value  # type: ignore[attr-defined]
            return (
                func.attr == GET_LOGGER  # type: ignore[attr-defined]
                and type(value) is ast.Name
                and value.id in self._logging_modules
            )
        if func_type is ast.Name:
            return self._logging_functions.get(func.id) == GET_LOGGER  # type: ignore[attr-defined]
        return False

    # -- CHS401 -------------------------------------------------------------------------------------------

    @visits(ast.Raise, code="CHS401")
    def raise_(self, node: ast.Raise, parent: Optional[ast.AST]) -> None:
        raised = node.exc
        if raised is None:
            return
        if type(raised) is ast.Call:
            raised = raised.func
        name = self._builtin_name(raised, _VANILLA_EXCEPTIONS)
        if name is not None:
            self.report(CHS401, node, name=name)

    def _builtin_name(self, expression: ast.expr, names: FrozenSet[str]) -> Optional[str]:
        """``expression``'s name when it is one of the builtins ``names`` (plain, or ``builtins.<name>``)."""
        if type(expression) is ast.Name:
            name = expression.id
            return name if name in names and name not in self.file.imports else None
        if type(expression) is ast.Attribute and expression.attr in names and type(expression.value) is ast.Name:
            binding = self.file.imports.get(expression.value.id)
            if binding is not None and binding.module == "builtins" and binding.imported is None:
                return expression.attr
        return None

    # -- CHS402, CHS403 -----------------------------------------------------------------------------------

    @visits(ast.ClassDef, code="CHS402,CHS403")
    def class_def(self, node: ast.ClassDef, parent: Optional[ast.AST]) -> None:
        if node.name == "print" and not self.walk.scopes:
            self._print_bound_at_module_level = True
        if not node.bases:
            return
        for base in node.bases:
            if self._builtin_name(base, _BASE_EXCEPTION) is not None:
                self.report(CHS402, node, name=node.name)
                break
        for statement in node.body:
            if type(statement) is ast.FunctionDef and statement.name == "__init__" and not _is_overload(statement):
                self._initialisers.append((node, statement))

    def _base_init_call(self, node: ast.Call, func: ast.Attribute) -> None:
        function = self.walk.function
        if type(function) is not ast.FunctionDef or function.name != "__init__":  # type: ignore[union-attr]
            return
        receiver = func.value
        if type(receiver) is ast.Call:
            if type(receiver.func) is ast.Name and receiver.func.id == "super":
                self._base_init_callers.add(id(function))
            return
        arguments = function.args  # type: ignore[union-attr]
        parameters = [*arguments.posonlyargs, *arguments.args]
        if (
            parameters
            and node.args
            and type(node.args[0]) is ast.Name
            and node.args[0].id == parameters[0].arg
            and dotted_name(receiver) is not None
        ):
            self._base_init_callers.add(id(function))

    @at_end(code="CHS403")
    def exception_initialisers(self) -> None:
        verdicts: Dict[int, bool] = {}
        for class_node, initialiser in self._initialisers:
            if id(initialiser) in self._base_init_callers:
                continue
            if self._is_exception_class(class_node, verdicts):
                self.report(CHS403, initialiser, name=class_node.name)

    def _is_exception_class(self, node: ast.ClassDef, verdicts: Dict[int, bool]) -> bool:
        """A base named ``Exception``/``*Error``/``*Exception``, or a same-file base that is one (iterative)."""
        if id(node) in verdicts:
            return verdicts[id(node)]
        seen: Set[int] = {id(node)}
        pending: List[ast.ClassDef] = [node]
        found = False
        while pending and not found:
            current = pending.pop()
            if verdicts.get(id(current)):
                found = True
                break
            for base in current.bases:
                if type(base) is ast.Subscript:
                    base = base.value
                names = dotted_name(base)
                if names is None:
                    continue
                if is_exception_name(names[-1]):
                    found = True
                    break
                same_file = self.file.classes.get(names[0]) if len(names) == 1 else None
                if same_file is not None and id(same_file) not in seen:
                    seen.add(id(same_file))
                    pending.append(same_file)
        if found:
            verdicts[id(node)] = True
        else:
            for class_id in seen:
                verdicts[class_id] = False
        return found

    # -- CHS404 -------------------------------------------------------------------------------------------

    @visits(ast.ExceptHandler, code="CHS404")
    def except_handler(self, node: ast.ExceptHandler, parent: Optional[ast.AST]) -> None:
        if node.type is None:
            self.report(CHS404, node)

    # -- calls: CHS403 (base __init__), CHS405 to CHS409 --------------------------------------------------

    @visits(ast.Call, code="CHS403,CHS405,CHS406,CHS407,CHS408,CHS409")
    def call(self, node: ast.Call, parent: Optional[ast.AST]) -> None:
        func = node.func
        func_type = type(func)
        if func_type is ast.Attribute:
            attribute = func.attr  # type: ignore[attr-defined]
            if attribute not in _CALL_ATTRIBUTES:
                return
            if attribute == "__init__":
                self._base_init_call(node, func)  # type: ignore[arg-type]
            elif attribute == GET_LOGGER:
                self._get_logger_call(node, func, parent)
            else:
                self._logging_method_call(node, func, attribute)  # type: ignore[arg-type]
        elif func_type is ast.Name:
            name = func.id  # type: ignore[attr-defined]
            if name == "print":
                if self._print_rule_applies:
                    self._print_call(node)
            elif self._logging_functions and name in self._logging_functions:
                function = self._logging_functions[name]
                if function == GET_LOGGER:
                    self._get_logger_call(node, func, parent)
                elif function in LOG_METHODS:
                    self.report(CHS405, node, call=name)
                    self._check_message(node, function)

    def _logging_method_call(self, node: ast.Call, func: ast.Attribute, method: str) -> None:
        receiver = func.value
        if type(receiver) is ast.Name and receiver.id in self._logging_modules:
            self.report(CHS405, node, call=f"{receiver.id}.{method}")
            self._check_message(node, method)
            return
        how = message_problem(node, method)
        if how is None:
            return
        receiver_type = type(receiver)
        if receiver_type is ast.Name:
            name = receiver.id  # type: ignore[attr-defined]
            if name == LOGGER_NAME or self._is_local_logger(name):
                self.report(CHS408, node, how=how)
            else:
                self._pending_log_calls.append(_PendingLogCall(node, name, False, how))
        elif receiver_type is ast.Attribute:
            owner = receiver.value  # type: ignore[attr-defined]
            if type(owner) is ast.Name and owner.id in _SELF_NAMES:
                self._pending_log_calls.append(_PendingLogCall(node, receiver.attr, True, how))  # type: ignore
        elif receiver_type is ast.Call and self._is_get_logger(receiver.func):  # type: ignore[attr-defined]
            self.report(CHS408, node, how=how)

    def _check_message(self, node: ast.Call, method: str) -> None:
        """CHS408 for a call whose receiver is known to be a logger."""
        how = message_problem(node, method)
        if how is not None:
            self.report(CHS408, node, how=how)

    def _is_local_logger(self, name: str) -> bool:
        for scope in self.walk.scopes:
            names = self._local_loggers.get(id(scope))
            if names and name in names:
                return True
        return False

    @at_end(code="CHS408")
    def pending_log_calls(self) -> None:
        for pending in self._pending_log_calls:
            known = self._attribute_loggers if pending.on_self else self._module_loggers
            if pending.receiver in known:
                self.report(CHS408, pending.call, how=pending.how)

    # -- getLogger calls: CHS406, CHS407, and the loggers they bind -----------------------------------------

    def _get_logger_call(self, node: ast.Call, func: ast.expr, parent: Optional[ast.AST]) -> None:
        """A getLogger call: when it is the value of an assignment, the names it binds are loggers."""
        parent_type = type(parent)
        if parent_type is not ast.Assign and parent_type is not ast.AnnAssign:
            return
        if parent.value is not node:  # type: ignore[union-attr]
            return
        if not self._is_get_logger(func):
            return
        scopes = self.walk.scopes
        targets = parent.targets if parent_type is ast.Assign else [parent.target]  # type: ignore[union-attr]
        if not scopes:
            names = [target.id for target in targets if type(target) is ast.Name]
            self._module_loggers.update(names)
            bad = [name for name in names if name != LOGGER_NAME]
            if bad:
                self.report(CHS407, parent, name=bad[0])  # type: ignore[arg-type]
            return
        self._remember_loggers(targets, scopes)
        if not self.file.is_test and has_logger_name_argument(node) and any(
            type(scope) in _FUNCTION_TYPES for scope in scopes
        ):
            self.report(CHS406, parent, call=".".join(dotted_name(func) or [GET_LOGGER]))  # type: ignore[arg-type]

    def _remember_loggers(self, targets: List[ast.expr], scopes: List[ast.AST]) -> None:
        innermost = scopes[-1]
        for target in targets:
            if type(target) is ast.Name:
                if type(innermost) is ast.ClassDef:
                    self._attribute_loggers.add(target.id)
                else:
                    self._local_loggers.setdefault(id(innermost), set()).add(target.id)
            elif type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id in _SELF_NAMES:
                self._attribute_loggers.add(target.attr)

    # -- CHS409 -------------------------------------------------------------------------------------------

    @visits(ast.Module, code="CHS409")
    def module(self, node: ast.Module, parent: Optional[ast.AST]) -> None:
        self._module_body = node.body

    @visits(ast.If, code="CHS409")
    def if_(self, node: ast.If, parent: Optional[ast.AST]) -> None:
        if self._print_rule_applies and not self.walk.scopes and is_main_guard(node.test):
            last = node.body[-1]
            self._main_guard_lines.append((node.body[0].lineno, last.end_lineno or last.lineno))

    def _print_call(self, node: ast.Call) -> None:
        line = node.lineno
        for first, last in self._main_guard_lines:
            if first <= line <= last:
                return
        functions = tuple(scope for scope in self.walk.scopes if type(scope) in _FUNCTION_TYPES)
        self._print_calls.append(_PrintCall(node, functions))

    @at_end(code="CHS409")
    def print_calls(self) -> None:
        if not self._print_calls or self._print_bound_at_module_level or "print" in self.file.imports:
            return
        if any(_assigns_print(statement) for statement in self._module_body):
            return
        shadowing_functions: Set[int] = set()
        for info in self.file.functions.values():
            if getattr(info.node, "name", None) != "print":
                continue
            if not info.enclosing:
                return  # A module-level `def print`: no call in this file is the builtin
            if type(info.enclosing[-1]) is not ast.ClassDef:
                shadowing_functions.add(id(info.enclosing[-1]))
        for pending in self._print_calls:
            if not any(
                id(function) in shadowing_functions or _has_parameter(function, "print")
                for function in pending.enclosing_functions
            ):
                self.report(CHS409, pending.call)


def is_stdlib_logging_binding(binding: ImportBinding) -> bool:
    """A binding of the standard library's logging module or one of its names (not a relative import)."""
    return binding.module == LOGGING_MODULE and getattr(binding.node, "level", 0) == 0


def is_exception_name(name: str) -> bool:
    """``Exception``, or a name ending in ``Error`` or ``Exception`` (``ValueError``, ``MyBaseException``)."""
    return name.endswith(_EXCEPTION_SUFFIXES)


def message_problem(node: ast.Call, method: str) -> Optional[str]:
    """How a logging call formats its message against the guide, or None when it does not."""
    index = 1 if method == "log" else 0
    arguments = node.args
    if len(arguments) > index:
        if any(type(argument) is ast.Starred for argument in arguments[:index + 1]):
            return None
        message: Optional[ast.expr] = arguments[index]
        extra = len(arguments) > index + 1
    else:
        if any(type(argument) is ast.Starred for argument in arguments):
            return None
        message = next((keyword.value for keyword in node.keywords if keyword.arg == "msg"), None)
        extra = False
    message_type = type(message)
    if message_type is ast.BinOp and type(message.op) is ast.Mod and not _is_number(message.left):  # type: ignore
        return "%-formatting"
    if (
        message_type is ast.Call
        and type(message.func) is ast.Attribute  # type: ignore[union-attr]
        and message.func.attr == "format"  # type: ignore[union-attr]
    ):
        return ".format()"
    if extra:
        return "lazy %s arguments"
    return None


def has_logger_name_argument(node: ast.Call) -> bool:
    """Whether a getLogger call names a logger: any positional argument or `name=` other than None."""
    if node.args:
        first = node.args[0]
        return not (type(first) is ast.Constant and first.value is None)
    for keyword in node.keywords:
        if keyword.arg == "name":
            return not (type(keyword.value) is ast.Constant and keyword.value.value is None)
    return False


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` or ``"__main__" == __name__``."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    left, right = test.left, test.comparators[0]
    if type(left) is ast.Constant:
        left, right = right, left
    return (
        type(left) is ast.Name and left.id == "__name__" and type(right) is ast.Constant and right.value == "__main__"
    )


def _is_number(node: ast.expr) -> bool:
    return type(node) is ast.Constant and type(node.value) in (int, float, complex)


def _is_overload(node: ast.FunctionDef) -> bool:
    return any(".".join(dotted_name(decorator) or ()) in _OVERLOAD_DECORATORS for decorator in node.decorator_list)


def _assigns_print(statement: ast.stmt) -> bool:
    """Whether a statement is ``print = ...`` or ``print: T = ...``."""
    if type(statement) is ast.Assign:
        targets = statement.targets
    elif type(statement) is ast.AnnAssign and statement.value is not None:
        targets = [statement.target]
    else:
        return False
    return any(type(target) is ast.Name and target.id == "print" for target in targets)


def _has_parameter(function: ast.AST, name: str) -> bool:
    arguments = function.args  # type: ignore[attr-defined]
    parameters = [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg]
    return any(parameter is not None and parameter.arg == name for parameter in parameters)
