"""CHS5: the guide's testing style (§5 Testing Approach); test files only.

The family decides once per file whether the module is *pytest-style* or a *TestCase module* (a module that
defines a class with a base named ``*TestCase``): the class may stand below the imports that CHS505 judges,
so that rule reports at the end of the walk. Everything that depends on the file's imports (patch
decorators, patch targets) is also resolved at the end, against every import of the file.
"""
import ast
import functools
import io
import logging
import os
import re
import tokenize
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Sequence, Set, Tuple

from chris_style.context import FileContext, FunctionInfo, decorator_names, dotted_name
from chris_style.engine import Family, at_end, visits
from chris_style.imports import ImportKind
from chris_style.registry import Rule, register
from chris_style.rules._shared import FIXTURE_DECORATORS, PACK_NOTE_NFKC, PACK_NOTE_TEST_FILE_GLOBS

logger = logging.getLogger(__name__)

_SECTION = "§5 Testing Approach"
MOCK_PARAMETER_PREFIX = "mock_"
# What the patch helpers of unittest.mock (and of the `mock` backport) are, by qualified name.
_PATCH_HELPERS = {
    f"{module}.{name}": kind
    for module in ("unittest.mock", "mock")
    for name, kind in (
        ("patch", "patch"), ("patch.object", "object"), ("patch.dict", "dict"), ("patch.multiple", "multiple"),
    )
}
# How many positional arguments make a patch helper take `new` (and so inject no mock).
_NEW_POSITION = {"patch": 2, "object": 3}
_ATTRIBUTE, _NAME = ast.Attribute, ast.Name  # Looked up once per call of the hot Call handler
_FAIL_CALLS = frozenset({"pytest.fail"})
_NOT_CALLED_ATTRIBUTES = ("called", "call_count", "call_args_list")
# Section comments that CHS552 accepts, at the start of a comment (case-insensitive).
_SECTION_COMMENT = re.compile(r"#\s*(?:TEST:|Run our test|Check our results|Set ?up\b)", re.IGNORECASE)

CHS501 = register(
    Rule(
        code="CHS501",
        message="test name '{name}' should match '{pattern}'",
        summary="pytest test function name not `test_WHEN_..._THEN_...`",
        section=f"{_SECTION} (Test Naming Convention)",
        what=(
            "In test files, flags a module-level function whose name starts with `test` (the functions pytest "
            "collects) when the name does not match the test-name pattern, `^test_WHEN_.+_THEN_.+` by default "
            "(`_AND_` parts are allowed anywhere in the `.+`). Functions inside `if` blocks at module level "
            "count as module-level. The finding is on the `def` line."
        ),
        why=(
            "The guide names tests `test_WHEN_<action>_<conditions>_THEN_<expected_result>` (\"The naming "
            "convention makes test purpose immediately clear and provides complete context without needing "
            "to read the test body\"), e.g. `test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command`."
        ),
        bad="def test_deploy_not_bootstrapped(mock_shell):\n    ...",
        good="def test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command(mock_shell):\n    ...",
        exemptions=(
            "methods of classes, TestCase classes above all (the guide's Django style names them "
            "`test_get_happy_path`): only module-level functions are checked",
            "pytest fixtures (`@pytest.fixture`, `@fixture`, `@pytest_asyncio.fixture`), even when named `test_*`",
            "module-level functions whose names do not start with `test` (helpers: pytest does not collect them)",
        ),
        options=("chs-test-name-pattern", "chs-test-files"),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " The pack uses the default `chs-test-name-pattern`. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: no ruff rule checks the shape of test names",
        decisions=(
            "The pattern is applied with `re.search`, so it must carry its own `^` anchor, as the default does "
            "(a pattern without `^` may match anywhere in the name). Methods of pytest-style `Test*` classes "
            "are not checked either: RULES.md names module-level functions only."
        ),
    )
)

CHS502 = register(
    Rule(
        code="CHS502",
        message="actual value on the left of '{op}'; swap the operands: assert expected {op} actual",
        summary="`assert actual == expected` (expected value must come first)",
        section=f"{_SECTION} (Assertion Style)",
        what=(
            "In test files, flags `assert a == b` and `assert a != b` (one comparison) when the value on the "
            "left looks like the actual value while the left is not expected-like: the left is a name or "
            "attribute whose last identifier starts with `actual` or is `result`, or the right is expected-like. "
            "Expected-like values are literals (constants, negative numbers, and lists, tuples, sets and dicts "
            "made only of literals, empty ones included), names or attributes whose last identifier starts with "
            "`expected`, and (on the left) attributes named `return_value`. Every `assert` of the file counts, "
            "in tests, helpers and fixtures. The finding is on the `assert`."
        ),
        why=(
            "The guide: \"Direct equality assertions with `assert expected == actual` order ... Always put "
            "expected value first, actual value second\" (`assert expected_value == actual_value`)."
        ),
        bad="assert actual_value == expected_value\nassert len(plans) == 3",
        good="assert expected_value == actual_value\nassert 3 == len(plans)",
        exemptions=(
            "`.return_value` on the left counts as expected-like (`assert mock_get.return_value == actual`)",
            "chained comparisons (`assert 0 < actual == limit`) are left alone",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff's SIM300 (yoda-conditions) enforces the opposite order; ignore SIM300 for this guide",
        decisions=(
            "Only `==` and `!=`, and only when the assert's test is the comparison itself (not under `not`, "
            "`and`, `or`). f-strings are not literals. The fix (swapping the operands) is described, not applied."
        ),
    )
)

CHS503 = register(
    Rule(
        code="CHS503",
        message="try/except used to check for an exception; use 'with pytest.raises(...)' "
        "(self.assertRaises in TestCase classes)",
        summary="`try`/`except` checking for an exception instead of `pytest.raises`",
        section=f"{_SECTION} (Exception Testing)",
        what=(
            "In a test function (a function or method whose name starts with `test`, in a test file), flags a "
            "`try` (or `try`/`except*`) with a handler that names an exception type, when either the try body "
            "or its `else` ends with `pytest.fail(...)`, `self.fail(...)` or `assert False`, or that handler's "
            "body is only `pass` (or `...`) and asserts that use the caught exception "
            "(`except ValueError as e: assert \"bad\" in str(e)`, or `self.assertIn(\"bad\", str(e))` in "
            "TestCase methods). The finding is on the `try`."
        ),
        why=(
            "The guide: \"Use `pytest.raises` context manager for exception verification\" "
            "(`with pytest.raises(cap.TooMuchTraffic): ...`). A try/except passes silently when nothing is raised "
            "unless it remembers to fail; `pytest.raises` cannot forget."
        ),
        bad=(
            "try:\n    client.deploy([\"MyStack\"])\n    pytest.fail(\"no exception\")\n"
            "except exceptions.CdkDeployFailedUnknown:\n    pass"
        ),
        good="with pytest.raises(exceptions.CdkDeployFailedUnknown):\n    client.deploy([\"MyStack\"])",
        exemptions=(
            "`try` blocks outside test functions (helpers, fixtures even when named `test_*`, functions nested "
            "in a test)",
            "bare `except:` handlers (CHS404's business) and handlers that do more than pass or assert on the "
            "exception (`except KeyError: value = None`)",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " `pytest.fail`: the plugin resolves the name through the imports above the `try` (the latest binding of "
            "the name wins); the pack accepts any import of the file that binds it to pytest (`import pytest [as p]`, "
            "`from pytest import fail [as f]`), so a `try` above the only such import, or a name that another import "
            "rebinds, is flagged by the pack only. " +
            PACK_NOTE_NFKC
        ),
        ruff="PT017 (pytest-assert-in-except) covers the asserting-handler case",
        decisions=(
            "Any handler with a type counts as \"a specific exception\", `except Exception:` included. `pass`-only "
            "handlers count only inside test functions, where swallowing an exception is how a check is written. "
            "`pytest.fail` is recognised through any import of pytest (`import pytest as pt`, "
            "`from pytest import fail`)."
        ),
    )
)

CHS504 = register(
    Rule(
        code="CHS504",
        message="the mock backport is imported; use unittest.mock ('import unittest.mock as mock')",
        summary="`import mock` / `from mock import ...` (the third-party backport)",
        section=f"{_SECTION} (Mocking Strategy)",
        what=(
            "In test files, flags `import mock`, `import mock.<sub>` (with or without `as`) and "
            "`from mock import ...`, anywhere in the file. The finding is on the import statement (one per "
            "statement)."
        ),
        why=(
            "The guide: \"Use `unittest.mock` with `@mock.patch` decorator\"; the standard library has shipped it "
            "since Python 3.3, so the backport is one more dependency for nothing."
        ),
        bad="import mock",
        good="import unittest.mock as mock",
        exemptions=(
            "a first-party module named `mock` (the project's own `mock.py` or `mock/` package)",
        ),
        options=("chs-test-files", "chs-first-party"),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " The pack cannot tell a first-party module named `mock` (auto-detected, or "
            "named in `chs-first-party`): its imports are flagged by the pack only. " +
            PACK_NOTE_NFKC
        ),
        ruff="UP026 (deprecated-mock-import)",
    )
)

CHS505 = register(
    Rule(
        code="CHS505",
        message="'from unittest.mock import' in a pytest-style test module; use 'import unittest.mock as mock' "
        "and mock.patch(...)",
        summary="`from unittest.mock import ...` in a pytest-style test module",
        section=f"{_SECTION} (Test Framework Preferences, Mocking Strategy)",
        what=(
            "In a pytest-style test module (a test file that defines no class with a base named `*TestCase`), "
            "flags every `from unittest.mock import ...` statement. The finding is on the import statement."
        ),
        why=(
            "The guide's pytest modules start with `import pytest` / `import unittest.mock as mock` and write "
            "`@mock.patch(...)`, `mock.Mock()`, `mock.call(...)`, `mock.ANY`: one namespace that says where each "
            "name comes from."
        ),
        bad="from unittest.mock import MagicMock, patch",
        good="import unittest.mock as mock",
        exemptions=(
            "TestCase modules: any class in the file with a base named `*TestCase` (`unittest.TestCase`, "
            "`django.test.TestCase`, `APITestCase`, `IsolatedAsyncioTestCase`), where the guide's Django style "
            "writes `from unittest.mock import patch`",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " " +
            PACK_NOTE_NFKC
        ),
        ruff="none: TID251 (banned-api) can ban the names one by one",
        decisions=(
            "The module kind is decided once the whole file is read, so a TestCase class below the import "
            "counts. A base counts by its name only (`*TestCase`); a base imported under another name "
            "(`from .base import ApiTests`) does not make a TestCase module. `from unittest import mock` is "
            "left alone (it gives the same `mock.patch(...)` style)."
        ),
    )
)

CHS506 = register(
    Rule(
        code="CHS506",
        message="parameter '{name}' receives a mock from a patch decorator; name it 'mock_<what it replaces>'",
        summary="parameter injected by `@mock.patch` not named `mock_*`",
        section=f"{_SECTION} (Mocking Strategy)",
        what=(
            "In test files, for a test function or method (name starting with `test`, not nested in a function) "
            "decorated with patch helpers, matches the injected mocks to the parameters: decorators apply "
            "bottom-up, so the lowest one gives the first parameter (after `self` in methods). Patch helpers "
            "are `patch`, `patch.object`, `patch.dict` and `patch.multiple` of `unittest.mock` or the `mock` "
            "backport, reached through any import form "
            "(`import unittest.mock as mock`, `from unittest import mock`, `from unittest.mock import patch`, "
            "`import unittest.mock`, `import mock`). Each injected parameter whose name does not start with "
            "`mock_` is reported, on the parameter."
        ),
        why=(
            "The guide's patched tests name every injected mock `mock_<what it replaces>`: "
            "`@mock.patch(\"commands.cluster_create.CdkClient\")` gives `mock_cdk_client_cls`; the name says "
            "which object is fake and keeps the bottom-up order readable."
        ),
        bad=(
            "@mock.patch(\"commands.cluster_create.AwsClientProvider\")\n"
            "@mock.patch(\"commands.cluster_create.CdkClient\")\n"
            "def test_WHEN_create_called_THEN_deploys(cdk_client, aws_provider):\n    ..."
        ),
        good=(
            "@mock.patch(\"commands.cluster_create.AwsClientProvider\")\n"
            "@mock.patch(\"commands.cluster_create.CdkClient\")\n"
            "def test_WHEN_create_called_THEN_deploys(mock_cdk_client_cls, mock_aws_provider_cls):\n    ..."
        ),
        exemptions=(
            "patches given `new=` or a `new` positional argument (the 2nd of `patch`, the 3rd of `patch.object`) "
            "inject nothing",
            "`patch.dict` and `patch.multiple` inject no positional parameter",
            "decorators that are not patch helpers are transparent; a function whose patch decorators unpack "
            "`*args`/`**kwargs` (so what they inject is unknown) is left alone",
            "patched helpers (names not starting with `test`) and functions nested in functions: their mocks "
            "follow the positional arguments of their caller",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " Patch helpers: the plugin resolves a decorator's name through the file's last import binding of it; the "
            "pack accepts any import of the file that binds the name to `unittest.mock`, `mock` or their `patch` "
            "(imports that fail at run time, such as `from unittest.mock.patch import object`, are not followed), so a "
            "name that another import rebinds is judged differently. The pack counts at most 12 injecting patch "
            "decorators: parameters that receive the 13th mock or a later one are flagged by the plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: no ruff rule relates patch decorators to parameters",
        decisions=(
            "Only tests are checked: pytest and unittest call them with no positional argument (fixtures come "
            "by keyword), so the mocks fill the first parameters; a patched helper gets its mocks after whatever "
            "positional arguments its caller passes, which the definition does not show. Patch decorators on a "
            "class are not followed (their mocks come after the method's own). The name must start with "
            "`mock_`: `mock`, `mocked_get` and `_` are reported. A patch helper must resolve "
            "through the file's imports; with a star import it is not recognised."
        ),
    )
)

CHS507 = register(
    Rule(
        code="CHS507",
        message="patch target '{target}' is not in a module this test file imports; patch the name where the "
        "code under test looks it up",
        summary="`mock.patch(\"a.b.name\")` target outside the modules the test imports",
        section=f"{_SECTION} (Mocking Strategy, Testing Filesystem Operations)",
        what=(
            "In test files, checks the string-literal target of every call of `patch` (`mock.patch(...)`, "
            "`patch(...)`, `unittest.mock.patch(...)`, the backport's too; as a decorator, a context manager or "
            "a plain call; positional or `target=`). The target's module path is the target without its last "
            "part (`\"a.b.c.name\"` -> `a.b.c`). It is fine when it equals, or lies inside, a module the file "
            "imports: `import a.b.c` and `import a.b.c as x` import `a.b.c`; `from a.b import c` imports `a.b` "
            "(so `a.b.c.*` is inside it, whether `c` is a module or not). Otherwise it is reported, on the "
            "target string, including targets whose first part the file never imports "
            "(`mock.patch(\"os.path.exists\")` without `import os`)."
        ),
        why=(
            "The guide patches names where the module under test looks them up: "
            "`@mock.patch(\"cdk_interactions.cfn_wrangling.shutil.copyfile\")`, "
            "`@mock.patch(\"commands.cluster_create.CdkClient\")`, always through the module the test imports. "
            "Patching where an object is defined leaves the copy the code under test already imported untouched."
        ),
        bad=(
            "from commands.cluster_create import cmd_cluster_create\n\n"
            "@mock.patch(\"cdk_interactions.cdk_client.CdkClient\")"
        ),
        good=(
            "from commands.cluster_create import cmd_cluster_create\n\n"
            "@mock.patch(\"commands.cluster_create.CdkClient\")"
        ),
        exemptions=(
            "targets on modules the test file imports, by any import form (inside one of them too)",
            "targets in `builtins` (`mock.patch(\"builtins.open\")`): every module looks builtins up there",
            "targets that are not plain string literals (f-strings, names), and targets without a dot",
        ),
        options=("chs-test-files",),
        mirror="none",
        ruff="none: needs the file's imports and the target strings",
        decisions=(
            "Parent packages do not count as imported: `import a.b.c` does not cover `a.other.name`. "
            "Relative imports resolve against the test file's folders: `from ..app import views` in "
            "`x/app/tests/test_views.py` imports `<P>.app`, where `<P>` may be any run of the file's "
            "parent folders (or none) that are identifiers, so a target matching any such reading is fine; for "
            "standard input any prefix is accepted. Only `patch` targets are checked: `patch.object` takes an "
            "object, and `patch.dict` targets the dictionary itself (`\"os.environ\"`)."
        ),
    )
)

CHS550 = register(
    Rule(
        code="CHS550",
        message="use {mock}.assert_not_called() instead of asserting on {mock}.{attribute}",
        summary="strict: `assert not m.called` and friends instead of `m.assert_not_called()`",
        section=f"{_SECTION} (Mock.assert_not_called() Pattern)",
        what=(
            "Opt-in. In test files, flags asserts that check a mock was not called by hand: `assert not m.called`, "
            "`assert False == m.called` (either order, or `m.called is False`), `assert 0 == m.call_count` "
            "(either order) and `assert [] == m.call_args_list` (either order). `m` is any expression. The "
            "finding is on the `assert`."
        ),
        why=(
            "The guide: \"Use `assert_not_called()` to verify functions weren't called in conditional branches\" "
            "- \"Clearer than `assert [] == mock.call_args_list` for verifying no-op behavior\"."
        ),
        bad="assert [] == mock_destroy_bucket.call_args_list",
        good="mock_destroy_bucket.assert_not_called()",
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " " +
            PACK_NOTE_NFKC
        ),
        ruff="none: no ruff rule suggests assert_not_called",
        decisions="It may fire together with CHS502 (`assert m.call_count == 0`): the two advise different fixes.",
    )
)

CHS551 = register(
    Rule(
        code="CHS551",
        message="left operand of '{op}' is not an expected value; put the expected value (a literal, an "
        "expected_* name or .return_value) on the left",
        summary="strict: left operand of `assert a == b` is not expected-like",
        section=f"{_SECTION} (Assertion Style)",
        what=(
            "Opt-in. In test files, flags `assert a == b` / `assert a != b` (one comparison) whose left operand "
            "is not expected-like (a literal, a name or attribute starting with `expected`, or an attribute named "
            "`return_value`) when CHS502 does not already flag it, e.g. `assert mock_client.deploy.call_args_list "
            "== calls`. The finding is on the `assert`."
        ),
        why=(
            "The guide: \"Always put expected value first, actual value second. Use named variables for complex "
            "expectations to improve readability\" (`expected_calls = [...]; assert expected_calls == ...`)."
        ),
        bad="assert mock_client.deploy.call_args_list == calls",
        good="expected_calls = calls\nassert expected_calls == mock_client.deploy.call_args_list",
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff's SIM300 (yoda-conditions) enforces the opposite order",
        decisions="CHS502 and CHS551 never fire on the same assert; chained comparisons are left alone.",
    )
)

CHS552 = register(
    Rule(
        code="CHS552",
        message="test '{name}' has {count} statements and no section comment; add '# Set up our test', "
        "'# Run our test', '# Check our results' (or '# TEST:' per scenario)",
        summary="strict: long test function without section comments",
        section=f"{_SECTION} (Test Scenario Organization)",
        what=(
            "Opt-in. In test files, flags a test function (a function or method whose name starts with `test`, "
            "not nested in a function, not a fixture) whose body has at least `chs-max-unsectioned-test-"
            "statements` top-level statements (6 by default; the docstring does not count) when none of its "
            "lines holds a section comment: a comment starting `# TEST:`, `# Run our test`, `# Check our "
            "results` or `# Set up` (`# Set up our test`, `# Set up our mock`, `# Setup`), in any letter case. "
            "Only real comments count, not text inside strings. The finding is on the `def` line."
        ),
        why=(
            "The guide separates scenarios with `# TEST:` comments (\"group them in a single test function with "
            "clear `# TEST:` comments\") and its tests read `# Set up our mock` / `# Run our test` / `# Check our "
            "results`."
        ),
        bad=(
            "def test_WHEN_plan_built_THEN_as_expected():\n    traffic = 10\n    azs = [\"a\", \"b\"]\n"
            "    plan = cap.get_plan(traffic, azs)\n    actual = plan.to_dict()\n    expected = {...}\n"
            "    assert expected == actual"
        ),
        good=(
            "def test_WHEN_plan_built_THEN_as_expected():\n    # Set up our test\n    traffic = 10\n    ...\n"
            "    # Run our test\n    actual = cap.get_plan(traffic, azs).to_dict()\n\n    # Check our results\n"
            "    ..."
        ),
        exemptions=("pytest fixtures and functions nested in functions (not tests)",),
        options=("chs-max-unsectioned-test-statements", "chs-test-files"),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FILE_GLOBS +
            " The pack counts with the default `chs-max-unsectioned-test-statements` (6). A section comment on the "
            "line where the test's last statement ends is found by reading that line as code and one-line strings: "
            "when that line closes a multi-line string, the comment is missed and the test is flagged by the pack "
            "only. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: comments are not in ruff's view of test structure",
        decisions=(
            "The option is a minimum: a body of at least that many statements needs a section comment "
            "(RULES.md's \"6+ statements\" with the default 6). Any line of the function counts, the `def` line "
            "included. When the file's lines are not available the rule stays silent."
        ),
    )
)

CHS553 = register(
    Rule(
        code="CHS553",
        message="no source module '{source}' for this test module; mirror the package: test_<pkg>/<path>/"
        "test_<mod>.py tests <pkg>/<path>/<mod>.py",
        summary="strict: test module with no mirrored source module",
        section=f"{_SECTION} (Test Organization)",
        what=(
            "Opt-in. For a test file named `test_<mod>.py` below a folder `test_<pkg>` whose parent folder also "
            "holds `<pkg>`, looks for `<pkg>/<path>/<mod>.py` (`<path>`: the folders between `test_<pkg>` and "
            "the file) on the file system, and reports at 1:1 when it is missing. The nearest such `test_<pkg>` "
            "folder above the file is used. Folder listings are cached for the run."
        ),
        why=(
            "The guide's aws-aio tests mirror the package module by module: "
            "`test_manage_arkime/core/test_capacity_planning.py` tests `manage_arkime/core/capacity_planning.py`, "
            "so every module's tests are found without searching."
        ),
        bad="test_manage_arkime/core/test_capacity.py  # no manage_arkime/core/capacity.py",
        good="test_manage_arkime/core/test_capacity_planning.py  # manage_arkime/core/capacity_planning.py",
        exemptions=(
            "files it cannot place: no `test_<pkg>` folder above them with a `<pkg>` sibling, standard input",
            "test files not named `test_<mod>.py` (`conftest.py`, `<mod>_test.py`)",
            "a private source module `<pkg>/<path>/_<mod>.py` (`test_shared.py` for `_shared.py`)",
            "a source package `<pkg>/<path>/<mod>/` with an `__init__.py`",
        ),
        options=("chs-test-files",),
        mirror="none",
        ruff="none: a layout check needs the file system",
    )
)


@dataclass(frozen=True)
class _RelativeImport:
    level: int
    module: Tuple[str, ...]  # The parts after the dots (empty for `from . import x`)


class TestingRules(Family):
    rules = (CHS501, CHS502, CHS503, CHS504, CHS505, CHS506, CHS507, CHS550, CHS551, CHS552, CHS553)
    runs_on = "tests"

    def setup(self) -> None:
        self._testcase_module = False
        self._mock_from_imports: List[ast.ImportFrom] = []
        self._imported_modules: Set[Tuple[str, ...]] = set()
        self._relative_imports: Set[_RelativeImport] = set()
        self._patch_names: Set[str] = set()  # Names a `from ... import patch` bound
        self._patch_calls: List[ast.Call] = []

    # -- module kind, imports: CHS504, CHS505, and what CHS506/CHS507 resolve against ------------------------

    @visits(ast.ClassDef)
    def class_def(self, node: ast.ClassDef, parent: Optional[ast.AST]) -> None:
        if not self._testcase_module:
            self._testcase_module = any(_is_testcase_base(base) for base in node.bases)

    @visits(ast.Import)
    def import_(self, node: ast.Import, parent: Optional[ast.AST]) -> None:
        backport = False
        for alias in node.names:
            self._imported_modules.add(tuple(alias.name.split(".")))
            if alias.name == "mock" or alias.name.startswith("mock."):
                backport = True
        if backport:
            self._report_backport(node)

    @visits(ast.ImportFrom)
    def import_from(self, node: ast.ImportFrom, parent: Optional[ast.AST]) -> None:
        module = node.module or ""
        if node.level:
            self._relative_imports.add(_RelativeImport(node.level, tuple(part for part in module.split(".") if part)))
            return
        self._imported_modules.add(tuple(module.split(".")))
        if module == "unittest.mock":
            self._mock_from_imports.append(node)
        if module in ("unittest.mock", "mock"):
            self._patch_names.update(alias.asname or alias.name for alias in node.names if alias.name == "patch")
        if module == "mock" or module.startswith("mock."):
            self._report_backport(node)

    def _report_backport(self, node: ast.stmt) -> None:
        if self.file.classify_module("mock") is not ImportKind.FIRST_PARTY:
            self.report(CHS504, node)

    @at_end(code="CHS505")
    def unittest_mock_from_imports(self) -> None:
        if self._testcase_module:
            return
        for node in self._mock_from_imports:
            self.report(CHS505, node)

    # -- CHS501, CHS506, CHS552: functions --------------------------------------------------------------

    @at_end(code="CHS501")
    def test_names(self) -> None:
        pattern = self.file.options.test_name_pattern
        for info in self.file.functions.values():
            node = info.node
            if info.enclosing or isinstance(node, ast.Lambda):
                continue
            name = node.name  # type: ignore[attr-defined]
            if name.startswith("test") and not pattern.search(name) and not _is_fixture(node):
                self.report(CHS501, node, name=name, pattern=pattern.pattern)

    @at_end(code="CHS506")
    def patched_parameters(self) -> None:
        for info in self.file.functions.values():
            node = info.node
            if isinstance(node, ast.Lambda) or not node.decorator_list:  # type: ignore[attr-defined]
                continue
            if info.nested_in_function or not node.name.startswith("test"):  # type: ignore[attr-defined]
                continue  # Helpers get their mocks after whatever positional arguments their caller passes
            for parameter in self._injected_parameters(info):
                if not parameter.arg.startswith(MOCK_PARAMETER_PREFIX):
                    self.report(CHS506, parameter, name=parameter.arg)

    def _injected_parameters(self, info: FunctionInfo) -> List[ast.arg]:
        """The parameters that receive the mocks of the function's patch decorators, bottom-up."""
        node = info.node
        injected = 0
        for decorator in node.decorator_list:  # type: ignore[attr-defined]
            if not isinstance(decorator, ast.Call):
                continue
            kind = self._patch_kind(decorator.func)
            if kind is None:
                continue
            count = _injection_count(decorator, kind)
            if count is None:
                return []  # Unpacked arguments: what the decorator injects is unknown
            injected += count
        if not injected:
            return []
        arguments = node.args  # type: ignore[attr-defined]
        positional = [*arguments.posonlyargs, *arguments.args]
        if positional and info.owner_class is not None and not _is_staticmethod(node):
            positional = positional[1:]
        return positional[:injected]

    def _patch_kind(self, func: ast.expr) -> Optional[str]:
        """'patch', 'object', 'dict' or 'multiple' when ``func`` is a patch helper of unittest.mock/mock."""
        names = dotted_name(func)
        if names is None:
            return None
        qualified = _qualified_name(self.file, names)
        return None if qualified is None else _PATCH_HELPERS.get(qualified)

    @at_end(code="CHS552")
    def unsectioned_tests(self) -> None:
        if not self.file.lines:
            return  # Comments cannot be read
        minimum = self.file.options.max_unsectioned_test_statements
        for info in self.file.functions.values():
            node = info.node
            if isinstance(node, ast.Lambda) or info.nested_in_function:
                continue
            if not node.name.startswith("test") or _is_fixture(node):  # type: ignore[attr-defined]
                continue
            body = node.body  # type: ignore[attr-defined]
            count = len(body) - (1 if _has_docstring(body) else 0)
            if count >= minimum and not _has_section_comment(self.file, node):
                self.report(CHS552, node, name=node.name, count=count)  # type: ignore[attr-defined]

    # -- CHS507: patch targets --------------------------------------------------------------------------

    @visits(ast.Call, code="CHS507")
    def call(self, node: ast.Call, parent: Optional[ast.AST]) -> None:
        func = node.func
        func_type = type(func)
        if func_type is _ATTRIBUTE:
            if func.attr != "patch":  # type: ignore[attr-defined]
                return
        elif func_type is not _NAME or func.id not in self._patch_names:  # type: ignore[attr-defined]
            return
        self._patch_calls.append(node)

    @at_end(code="CHS507")
    def patch_targets(self) -> None:
        if not self._patch_calls:
            return
        folders = _package_folders(self.file)
        for call in self._patch_calls:
            target = _patch_target(call)
            if target is None or self._patch_kind(call.func) != "patch":
                continue
            parts = tuple(target.value.split("."))  # type: ignore[union-attr]
            if len(parts) < 2 or parts[0] == "builtins":
                continue
            if not self._is_imported_module_path(parts[:-1], folders):
                self.report(CHS507, target, target=target.value)

    def _is_imported_module_path(self, module: Tuple[str, ...], folders: Optional[Tuple[str, ...]]) -> bool:
        for length in range(1, len(module) + 1):
            if module[:length] in self._imported_modules:
                return True
        for relative in self._relative_imports:
            if _matches_relative(module, relative, folders):
                return True
        return False

    # -- asserts: CHS502, CHS550, CHS551 ----------------------------------------------------------------

    @visits(ast.Assert, code="CHS502")
    def assert_order(self, node: ast.Assert, parent: Optional[ast.AST]) -> None:
        comparison = _single_equality(node.test)
        if comparison is not None and _actual_first(comparison):
            self.report(CHS502, node, op=_operator(comparison))

    @visits(ast.Assert, code="CHS551")
    def assert_order_strict(self, node: ast.Assert, parent: Optional[ast.AST]) -> None:
        comparison = _single_equality(node.test)
        if comparison is None or _is_expected_like(comparison.left, left=True):
            return
        if not _actual_first(comparison):
            self.report(CHS551, node, op=_operator(comparison))

    @visits(ast.Assert, code="CHS550")
    def assert_not_called(self, node: ast.Assert, parent: Optional[ast.AST]) -> None:
        checked = _not_called_check(node.test)
        if checked is not None:
            names = dotted_name(checked.value)
            self.report(CHS550, node, mock=".".join(names) if names else "mock", attribute=checked.attr)

    # -- CHS503: try/except checking for an exception -----------------------------------------------------

    @visits(ast.Try, *([ast.TryStar] if hasattr(ast, "TryStar") else []), code="CHS503")
    def try_(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        function = self.walk.function
        if function is None or isinstance(function, ast.Lambda) or not function.name.startswith("test"):
            return
        handlers = [handler for handler in node.handlers if handler.type is not None]  # type: ignore
        if not handlers or _is_fixture(function):
            return
        ends_in_fail = self._ends_in_fail(node.body) or self._ends_in_fail(node.orelse)  # type: ignore
        if ends_in_fail or any(_only_checks_exception(handler) for handler in handlers):
            self.report(CHS503, node)

    def _ends_in_fail(self, body: Sequence[ast.stmt]) -> bool:
        if not body:
            return False
        last = body[-1]
        if isinstance(last, ast.Assert):
            return isinstance(last.test, ast.Constant) and last.test.value is False
        if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)):
            return False
        names = dotted_name(last.value.func)
        if names is None:
            return False
        return names == ["self", "fail"] or _qualified_name(self.file, names) in _FAIL_CALLS

    # -- CHS553: mirrored layout ------------------------------------------------------------------------

    @at_end(code="CHS553")
    def mirrored_layout(self) -> None:
        if self.file.is_stdin:
            return
        missing = missing_source_module(self.file.filename)
        if missing is not None:
            self.report(CHS553, (1, 0), source=missing)


# -- helpers ----------------------------------------------------------------------------------------------


def _is_testcase_base(base: ast.expr) -> bool:
    names = dotted_name(base)
    return names is not None and names[-1].endswith("TestCase")


def _is_fixture(node: ast.AST) -> bool:
    return bool(decorator_names(node) & FIXTURE_DECORATORS)


def _is_staticmethod(node: ast.AST) -> bool:
    return any(name.rsplit(".", 1)[-1] == "staticmethod" for name in decorator_names(node))


def _qualified_name(file: FileContext, names: Sequence[str]) -> Optional[str]:
    """``mock.patch`` as ``unittest.mock.patch`` after ``import unittest.mock as mock``; None if not imported
    (or imported relatively)."""
    binding = file.imports.get(names[0])
    if binding is None or getattr(binding.node, "level", 0):
        return None
    base = f"{binding.module}.{binding.imported}" if binding.imported else binding.module
    return ".".join([base, *names[1:]])


def _injection_count(decorator: ast.Call, kind: str) -> Optional[int]:
    """How many positional mocks a patch decorator injects (0 or 1); None when its arguments are unpacked."""
    if any(isinstance(argument, ast.Starred) for argument in decorator.args):
        return None
    if any(keyword.arg is None for keyword in decorator.keywords):
        return None
    new_position = _NEW_POSITION.get(kind)
    if new_position is None:
        return 0  # patch.dict and patch.multiple
    if len(decorator.args) >= new_position or any(keyword.arg == "new" for keyword in decorator.keywords):
        return 0
    return 1


def _patch_target(call: ast.Call) -> Optional[ast.Constant]:
    target: Optional[ast.expr] = call.args[0] if call.args else None
    if target is None:
        target = next((keyword.value for keyword in call.keywords if keyword.arg == "target"), None)
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return target
    return None


def _package_folders(file: FileContext) -> Optional[Tuple[str, ...]]:
    """The innermost run of the file's folders that are identifiers (possible package names); None on stdin."""
    if file.is_stdin:
        return None
    folder = os.path.dirname(os.path.abspath(file.filename))
    parts = [part for part in folder.replace(os.sep, "/").split("/") if part]
    first = len(parts)
    while first > 0 and parts[first - 1].isidentifier():
        first -= 1
    return tuple(parts[first:])


def _matches_relative(module: Tuple[str, ...], relative: _RelativeImport, folders: Optional[Tuple[str, ...]]) -> bool:
    """Whether ``module`` equals or lies inside some reading of a relative import (see CHS507's decisions).

    The file's package is a non-empty run of its innermost folders; ``level`` dots climb ``level - 1`` of them.
    """
    size = len(relative.module)
    if folders is None:
        # Unknown place: any non-empty package path may stand before the imported module.
        return any(module[start:start + size] == relative.module for start in range(1, len(module) - size + 1))
    if relative.level - 1 >= len(folders):
        return False
    base = folders[:len(folders) - (relative.level - 1)]
    for length in range(1, len(base) + 1):
        resolved = base[len(base) - length:] + relative.module
        if module[:len(resolved)] == resolved:
            return True
    return False


def _single_equality(test: ast.expr) -> Optional[ast.Compare]:
    if type(test) is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    return test if isinstance(test.ops[0], (ast.Eq, ast.NotEq)) else None  # type: ignore[attr-defined]


def _operator(comparison: ast.Compare) -> str:
    return "==" if isinstance(comparison.ops[0], ast.Eq) else "!="


def _last_identifier(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def is_literal(node: ast.expr) -> bool:
    """Constants, signed numbers, and lists/tuples/sets/dicts made only of literals (empty ones included)."""
    pending: List[Optional[ast.expr]] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Constant):
            continue
        if isinstance(current, ast.UnaryOp) and isinstance(current.op, (ast.USub, ast.UAdd)):
            operand = current.operand
            if not (isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float, complex))):
                return False
        elif isinstance(current, (ast.List, ast.Tuple, ast.Set)):
            pending.extend(current.elts)
        elif isinstance(current, ast.Dict):
            if any(key is None for key in current.keys):
                return False  # `{**other}`
            pending.extend(current.keys)
            pending.extend(current.values)
        else:
            return False
    return True


def _is_expected_like(node: ast.expr, left: bool) -> bool:
    identifier = _last_identifier(node)
    if identifier is not None:
        if identifier.startswith("expected"):
            return True
        return left and isinstance(node, ast.Attribute) and identifier == "return_value"
    return is_literal(node)


def _is_actual_like(node: ast.expr) -> bool:
    identifier = _last_identifier(node)
    return identifier is not None and (identifier.startswith("actual") or identifier == "result")


def _actual_first(comparison: ast.Compare) -> bool:
    """CHS502's condition: the actual value is on the left of a single ``==``/``!=``."""
    left, right = comparison.left, comparison.comparators[0]
    if _is_expected_like(left, left=True):
        return False
    return _is_actual_like(left) or _is_expected_like(right, left=False)


def _not_called_check(test: ast.expr) -> Optional[ast.Attribute]:
    """The ``m.called``/``m.call_count``/``m.call_args_list`` attribute an assert checks for "not called"."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        operand = test.operand
        if isinstance(operand, ast.Attribute) and operand.attr == "called":
            return operand
        return None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    operator = test.ops[0]
    for attribute, other in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
        if not (isinstance(attribute, ast.Attribute) and attribute.attr in _NOT_CALLED_ATTRIBUTES):
            continue
        if attribute.attr == "called":
            if isinstance(other, ast.Constant) and other.value is False and (
                isinstance(operator, ast.Eq) or (isinstance(operator, ast.Is) and other is test.comparators[0])
            ):
                return attribute
        elif isinstance(operator, ast.Eq):
            if attribute.attr == "call_count" and _is_zero(other):
                return attribute
            if attribute.attr == "call_args_list" and isinstance(other, ast.List) and not other.elts:
                return attribute
    return None


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0


def _only_checks_exception(handler: ast.ExceptHandler) -> bool:
    """A handler whose body only passes, or asserts on the caught exception."""
    for statement in handler.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and (
            statement.value.value is Ellipsis
        ):
            continue
        if handler.name and _asserts_on(statement, handler.name):
            continue
        return False
    return True


def _asserts_on(statement: ast.stmt, name: str) -> bool:
    """``assert <uses name>`` or ``self.assert*(<uses name>)``."""
    if isinstance(statement, ast.Assert):
        pending: List[ast.AST] = [statement.test] if statement.msg is None else [statement.test, statement.msg]
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        names = dotted_name(statement.value.func)
        if names is None or len(names) != 2 or names[0] != "self" or not names[1].startswith("assert"):
            return False
        pending = [*statement.value.args, *(keyword.value for keyword in statement.value.keywords)]
    else:
        return False
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and node.id == name:
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def _has_docstring(body: Sequence[ast.stmt]) -> bool:
    first = body[0] if body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def _has_section_comment(file: FileContext, node: ast.AST) -> bool:
    """Whether a real comment (not text in a string) among the function's lines is a section comment."""
    first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    lines = [file.line(number) for number in range(first, last + 1)]
    if not any("#" in line and _SECTION_COMMENT.search(line) for line in lines):
        return False
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if token.type == tokenize.COMMENT and _SECTION_COMMENT.match(token.string):
                return True
    except (tokenize.TokenError, SyntaxError):
        return True  # Cannot tell a comment from a string here: assume the marker is a comment
    return False


@functools.lru_cache(maxsize=4096)
def _folder_entries(folder: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(sub-folder names, file names) of a folder; empty when it cannot be listed. Cached for the run."""
    folders: Set[str] = set()
    files: Set[str] = set()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    (folders if entry.is_dir() else files).add(entry.name)
                except OSError:
                    continue
    except OSError:
        return frozenset(), frozenset()
    return frozenset(folders), frozenset(files)


def missing_source_module(filename: str) -> Optional[str]:
    """For ``.../test_<pkg>/<path>/test_<mod>.py``: the mirrored ``<pkg>/<path>/<mod>.py`` when it is missing.

    None when the source exists (as ``<mod>.py``, ``_<mod>.py`` or a package ``<mod>/``), or when the file
    cannot be placed (not ``test_<mod>.py``, or no ``test_<pkg>`` folder above it with a ``<pkg>`` sibling).
    """
    basename = os.path.basename(filename)
    if not (basename.startswith("test_") and basename.endswith(".py")) or len(basename) <= len("test_.py"):
        return None
    module = basename[len("test_"):-len(".py")]
    current = os.path.dirname(os.path.abspath(filename))
    inner: List[str] = []
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return None
        name = os.path.basename(current)
        if name.startswith("test_") and len(name) > len("test_"):
            package = name[len("test_"):]
            if package in _folder_entries(parent)[0]:
                source_folder = os.path.join(parent, package, *reversed(inner))
                break
        inner.append(name)
        current = parent
    folders, files = _folder_entries(source_folder)
    if f"{module}.py" in files or f"_{module}.py" in files:
        return None
    if module in folders and "__init__.py" in _folder_entries(os.path.join(source_folder, module))[1]:
        return None
    return os.path.relpath(os.path.join(source_folder, f"{module}.py"), parent)
