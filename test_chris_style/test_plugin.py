import argparse
import ast
import os
import subprocess
import sys
import textwrap
import unittest.mock as mock
from typing import List

from chris_style import __version__
from chris_style.options import Options
from chris_style.plugin import Plugin, check_tree
from chris_style.rules.naming import NamingRules

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SAMPLE = textwrap.dedent(
    '''\
    import os

    from sample_pkg import helpers


    def getValue(path: str):
        os.makedirs(os.path.join(path, helpers.NAME))


    def fetchValue(path: str) -> str:  # noqa: CHS201
        return path


    def loadValue(path: str) -> str:  # noqa
        return path


    def readValue(path: str) -> str:  # noqa: E501
        return path
    '''
)


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _flake8(folder: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", *arguments],
        cwd=folder, capture_output=True, text=True, timeout=120,
    )


def _findings(result: subprocess.CompletedProcess) -> List[str]:
    return sorted(line for line in result.stdout.splitlines() if line)


def test_WHEN_flake8_runs_AND_defaults_used_THEN_opt_in_rules_stay_off(tmp_path):
    # Set up our test
    _write(str(tmp_path), "setup.py", "")
    _write(str(tmp_path), "sample_pkg/__init__.py", "")
    _write(str(tmp_path), "sample_pkg/service.py", SAMPLE)

    # TEST: defaults: CHS201 on, CHS150 opt-in off, noqa honoured
    result = _flake8(str(tmp_path), "--select=CHS", "sample_pkg/service.py")
    expected = [
        "sample_pkg/service.py:18:1: CHS201 function name 'readValue' should be snake_case",
        "sample_pkg/service.py:6:1: CHS201 function name 'getValue' should be snake_case",
    ]
    assert expected == _findings(result)
    assert 1 == result.returncode

    # TEST: --extend-select turns one opt-in rule on
    result = _flake8(str(tmp_path), "--select=CHS", "--extend-select=CHS150", "sample_pkg/service.py")
    expected = sorted([
        "sample_pkg/service.py:18:1: CHS201 function name 'readValue' should be snake_case",
        "sample_pkg/service.py:6:1: CHS150 missing '-> None' on 'getValue', which returns nothing",
        "sample_pkg/service.py:6:1: CHS201 function name 'getValue' should be snake_case",
    ])
    assert expected == _findings(result)

    # TEST: a family prefix leaves the opt-in rule off, even with flake8's default ignore list replaced
    _write(str(tmp_path), "setup.cfg", "[flake8]\nignore = E501\n")
    result = _flake8(str(tmp_path), "--select=CHS1", "sample_pkg/service.py")
    assert [] == _findings(result)

    # TEST: the full code in a config file's extend-select turns it on
    _write(str(tmp_path), "setup.cfg", "[flake8]\nextend-select = CHS150\n")
    result = _flake8(str(tmp_path), "--select=CHS1", "sample_pkg/service.py")
    expected = ["sample_pkg/service.py:6:1: CHS150 missing '-> None' on 'getValue', which returns nothing"]
    assert expected == _findings(result)


def test_WHEN_flake8_reads_config_THEN_plugin_options_apply(tmp_path):
    # Set up our test
    source = "import zzz_local\n\nimport os\n"

    # TEST: without configuration, zzz_local is third-party: no finding
    _write(str(tmp_path), "tox.ini", "")
    _write(str(tmp_path), "mod.py", source)
    assert [] == _findings(_flake8(str(tmp_path), "--select=CHS", "mod.py"))

    # TEST: chs-first-party from tox.ini
    _write(str(tmp_path), "tox.ini", "[flake8]\nchs-first-party = zzz_local\n")
    expected = ["mod.py:3:1: CHS302 external import 'os' stands below first-party imports; move it above them"]
    assert expected == _findings(_flake8(str(tmp_path), "--select=CHS", "mod.py"))

    # TEST: chs-first-party from setup.cfg
    os.remove(os.path.join(str(tmp_path), "tox.ini"))
    _write(str(tmp_path), "setup.cfg", "[flake8]\nchs-first-party = zzz_local\n")
    assert expected == _findings(_flake8(str(tmp_path), "--select=CHS", "mod.py"))

    # TEST: chs-test-files from setup.cfg makes check_x.py a test file (test functions exempt from CHS101)
    _write(str(tmp_path), "setup.cfg", "[flake8]\nchs-test-files = check_*.py\n")
    _write(str(tmp_path), "check_x.py", "def test_WHEN_x_THEN_y(fixture):\n    return fixture\n")
    _write(str(tmp_path), "test_x.py", "def test_WHEN_x_THEN_y(fixture):\n    return fixture\n")
    expected = [
        "test_x.py:1:1: CHS101 missing return annotation on 'test_WHEN_x_THEN_y', which returns a value; "
        "add '-> <type>'",
        "test_x.py:1:1: CHS201 function name 'test_WHEN_x_THEN_y' should be snake_case",
        "test_x.py:1:24: CHS102 missing type annotation for parameter 'fixture'; add ': <type>'",
    ]
    assert sorted(expected) == _findings(_flake8(str(tmp_path), "--select=CHS", "check_x.py", "test_x.py"))


def test_WHEN_flake8_gets_bad_option_THEN_one_line_error_AND_no_traceback(tmp_path):
    # Set up our test
    _write(str(tmp_path), "mod.py", "x = 1\n")

    # TEST: bad regex on the command line
    result = _flake8(str(tmp_path), "--select=CHS", "--chs-test-name-pattern=([", "mod.py")
    expected = (2, "flake8: error: --chs-test-name-pattern: invalid value '([': not a regular expression "
                   "(unterminated character set at position 1)")
    assert expected == (result.returncode, result.stderr.strip())

    # TEST: bad module name in a config file
    _write(str(tmp_path), "setup.cfg", "[flake8]\nchs-first-party = not-a-module\n")
    result = _flake8(str(tmp_path), "--select=CHS", "mod.py")
    expected = (2, "flake8: error: --chs-first-party: invalid value 'not-a-module': not a module name")
    assert expected == (result.returncode, result.stderr.strip())


def test_WHEN_flake8_runs_in_parallel_THEN_findings_equal_serial_run(tmp_path):
    # Set up our test
    for index in range(6):
        _write(str(tmp_path), f"pkg/mod_{index}.py", f"def badName{index}(x):\n    return x\n")
    _write(str(tmp_path), "setup.py", "")

    # Run our test
    serial = _flake8(str(tmp_path), "--select=CHS", "-j1", "pkg")
    parallel = _flake8(str(tmp_path), "--select=CHS", "-j2", "pkg")

    # Check our results
    assert 18 == len(_findings(serial))
    assert _findings(serial) == _findings(parallel)


def test_WHEN_flake8_version_printed_THEN_plugin_listed_with_version(tmp_path):
    # Run our test
    result = _flake8(str(tmp_path), "--version")

    # Check our results
    assert f"chris_style: {__version__}" in result.stdout


def test_WHEN_flake8_meets_broken_file_THEN_other_files_still_reported(tmp_path):
    # Set up our test
    _write(str(tmp_path), "broken.py", "def f(:\n")
    _write(str(tmp_path), "good.py", "class bad_name:\n    pass\n")

    # Run our test
    result = _flake8(str(tmp_path), "--select=CHS,E999", "broken.py", "good.py")

    # Check our results
    expected = ["good.py:1:1: CHS202 class name 'bad_name' should be PascalCase"]
    assert expected == [line for line in _findings(result) if "CHS" in line]
    assert any(line.startswith("broken.py:1:") and "E999" in line for line in _findings(result))
    assert "Traceback" not in result.stderr


def test_WHEN_project_linted_with_own_rules_THEN_nothing_reported():
    # Run our test
    result = _flake8(REPO_ROOT, "--select=CHS", "chris_style", "test_chris_style")

    # Check our results
    assert ("", 0) == (result.stdout, result.returncode)


def test_WHEN_plugin_run_as_flake8_calls_it_THEN_yields_flake8_tuples():
    # Set up our test
    source = "class bad_name:\n    pass\n"
    plugin = Plugin(tree=ast.parse(source), filename="mod.py", lines=source.splitlines(keepends=True))

    # Run our test
    actual = list(plugin.run())

    # Check our results
    expected = [(1, 0, "CHS202 class name 'bad_name' should be PascalCase", Plugin)]
    assert expected == actual


def test_WHEN_rule_crashes_inside_plugin_THEN_internal_error_AND_other_findings_kept():
    # Set up our test
    source = "class bad_name:\n    def getX(self) -> int:\n        return 1\n"

    # Run our test
    with mock.patch.object(NamingRules, "function_names", side_effect=RuntimeError("bug")):
        actual = check_tree(ast.parse(source), "mod.py", Options(), source.splitlines(keepends=True))

    # Check our results
    expected = [
        (1, 0, "CHS000 internal error in CHS201: RuntimeError: bug"),
        (1, 0, "CHS202 class name 'bad_name' should be PascalCase"),
    ]
    assert expected == actual


def test_WHEN_plugin_registered_twice_THEN_no_crash_AND_findings_reported_once():
    # Set up our test
    source = "class bad_name:\n    pass\n"
    tree = ast.parse(source)
    option_manager = mock.Mock()
    registered = set()

    def add_option(name: str, **kwargs: object) -> None:
        # argparse refuses an option string that is already registered
        if name in registered:
            raise argparse.ArgumentError(None, f"conflicting option string: {name}")
        registered.add(name)

    option_manager.add_option.side_effect = add_option

    # Run our test
    with mock.patch.object(Plugin, "_registered_twice", False), mock.patch.object(Plugin, "_last_tree_id", 0):
        Plugin.add_options(option_manager)
        Plugin.add_options(option_manager)
        first = list(Plugin(tree=tree, filename="mod.py", lines=source.splitlines(keepends=True)).run())
        second = list(Plugin(tree=tree, filename="mod.py", lines=source.splitlines(keepends=True)).run())

    # Check our results
    expected = [(1, 0, "CHS202 class name 'bad_name' should be PascalCase", Plugin)]
    assert (expected, []) == (first, second)
    assert 1 == option_manager.extend_default_ignore.call_count


def test_WHEN_engine_itself_fails_THEN_one_internal_error_line_instead_of_exception():
    # Set up our test
    plugin = Plugin(tree=ast.parse("x = 1\n"), filename="mod.py", lines=["x = 1\n"])

    # Run our test
    with mock.patch("chris_style.plugin.FileContext", side_effect=OSError("disk gone")):
        actual = list(plugin.run())

    # Check our results
    expected = [(1, 0, "CHS000 internal error in the engine: OSError: disk gone", Plugin)]
    assert expected == actual
