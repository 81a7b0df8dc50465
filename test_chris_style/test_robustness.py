"""Nothing a user feeds either engine crashes it (issue 7).

- Generated programs (hypothesmith, from the grammar and from libcst's node types) through the flake8 plugin as
  flake8 calls it (options parsed by flake8, every rule on, opt-in ones included) and through the runner's
  FileChecker (every pack rule): no exception, no ``CHS000``, no ``E902``/``E999`` on a program Python compiles.
  ``python benchmarks/fuzz.py`` is the long run.
- Deep and large inputs through both engines (the runner through ``chris-style check``): nesting as deep as
  Python's parser allows, chains that are flat in Python's tree but nested in tree-sitter's, a 5 MB file and
  20,000-character lines, each with a known finding that must still be reported.
- Bad input to ``chris-style check`` in one run: one clear line per broken file, no traceback, exit 2, and the
  other files' findings kept; flake8 with the plugin on the same files adds no traceback either.

``test_engine_deep_trees.py`` has the plugin's deeper in-process cases (trees built beyond the parser's limits).
"""
import ast
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Iterator, List, Sequence, Tuple

import hypothesis
import hypothesis.strategies as st
import hypothesmith
import pytest
from flake8.options.parse_args import parse_args

from chris_style.plugin import Plugin
from chris_style.registry import opt_in_codes
from test_chris_style.benchmark_support import load_benchmark

FUZZ = load_benchmark("fuzz")  # The long run's engines and checks, used here for a modest count
GRAMMAR_EXAMPLES = 100
NODE_EXAMPLES = 12  # hypothesmith.from_node() takes about 0.3 s to draw one program
ALL_OPT_IN = ",".join(opt_in_codes())
MAX_INDENT_LEVELS = 100  # The tokenizer's limit (MAXINDENT)
MAX_BRACKET_DEPTH = 199  # The tokenizer refuses 200 nested brackets
PARSED_CHAIN = 900  # Every supported Python builds trees this deep
FLAT_CHAIN = 3000  # Flat in Python's tree, nested in tree-sitter's
BIG_FILE_BYTES = 5 * 1024 * 1024
LONG_LINE_CHARACTERS = 20000
CLI_TIMEOUT = 600  # Seconds: generous, so that a slow machine fails on output, not on time
LAST_FUNCTION = "\n\ndef lastValue() -> None:\n    pass\n"  # The known finding at the end of each file
BIG_FILE_HEADER = (
    '"""A generated module."""\nimport logging\nfrom typing import List\n\nlogger = logging.getLogger(__name__)\n'
)
BIG_FILE_BLOCK = '''

class Counter{index}:
    """Counts things."""

    def __init__(self, start: int) -> None:
        self.total = start

    def add_all(self, items: List[int]) -> int:
        for item in items:
            if item > 0:
                self.total += item
            else:
                logger.debug(f"skipped {{item}}")
        return self.total


def sum_values_{index}(values: List[int]) -> int:
    counter = Counter{index}(0)
    return counter.add_all(values)
'''

Finding = Tuple[int, int, str]  # (line, 1-based column as flake8 prints it, code)
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
FUZZ_SETTINGS = hypothesis.settings(
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much,
                           hypothesis.HealthCheck.data_too_large],
)


# -- the engines, as their users call them ------------------------------------------------------------------


@pytest.fixture(scope="module")
def flake8_options() -> Iterator[None]:
    """The plugin's options as flake8 parses them, every opt-in rule selected; restored afterwards."""
    previous = Plugin.options
    parse_args(["--isolated", "--select=CHS", f"--extend-select={ALL_OPT_IN}"])
    yield
    Plugin.options = previous


@pytest.fixture(scope="module")
def engines(flake8_options: None) -> Iterator[Any]:
    """The fuzz script's engines: the plugin (options parsed by flake8) and a FileChecker with every pack rule."""
    with tempfile.TemporaryDirectory() as folder:
        yield FUZZ.Engines("both", folder)


def _chris_style(folder: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chris_style", "check", *arguments], cwd=folder,
                          capture_output=True, text=True, timeout=CLI_TIMEOUT)


def _reported(output: str) -> List[str]:
    return sorted(line for line in output.splitlines() if line)


def _write(folder: str, name: str, data: bytes) -> str:
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def _codes_at(findings: Sequence[Tuple[int, int, str]]) -> List[Finding]:
    """(line, flake8's 1-based column, code) of the plugin's (line, 0-based column, message) findings."""
    return sorted((line, column + 1, message.split(" ", 1)[0]) for line, column, message in findings)


def _plugin_findings(source: str, filename: str) -> List[Finding]:
    tree = ast.parse(source)
    plugin = Plugin(tree, filename, source.splitlines(keepends=True))
    return _codes_at([(line, column, message) for line, column, message, _ in plugin.run()])


def _cli_findings(output: str, filename: str) -> List[Finding]:
    findings = []
    for line in output.splitlines():
        path, row, column, rest = line.split(":", 3)
        if path == filename:
            findings.append((int(row), int(column), rest.split()[0]))
    return sorted(findings)


# -- 1. fuzzing -----------------------------------------------------------------------------------------------


@hypothesis.settings(FUZZ_SETTINGS, max_examples=GRAMMAR_EXAMPLES)
@hypothesis.given(source=hypothesmith.from_grammar(), filename=st.sampled_from(FUZZ.FILE_NAMES))
def test_WHEN_generated_program_run_through_plugin_THEN_no_exception_AND_no_internal_error(engines, source, filename):
    # Set up our test
    hypothesis.assume(FUZZ.compiles(source))

    # Run our test
    actual = engines.plugin_problems(source, filename)

    # Check our results
    assert [] == actual


@hypothesis.settings(FUZZ_SETTINGS, max_examples=GRAMMAR_EXAMPLES)
@hypothesis.given(source=hypothesmith.from_grammar(), filename=st.sampled_from(FUZZ.FILE_NAMES))
def test_WHEN_generated_program_run_through_runner_THEN_no_failure_line(engines, source, filename):
    # Set up our test
    hypothesis.assume(FUZZ.compiles(source))

    # Run our test
    actual = engines.runner_problems(source, filename)

    # Check our results
    assert [] == actual


@hypothesis.settings(FUZZ_SETTINGS, max_examples=NODE_EXAMPLES)
@hypothesis.given(source=hypothesmith.from_node(), filename=st.sampled_from(FUZZ.FILE_NAMES))
def test_WHEN_program_generated_from_nodes_run_through_both_engines_THEN_no_failure(engines, source, filename):
    # Set up our test
    hypothesis.assume(FUZZ.compiles(source))

    # Run our test
    actual = engines.problems(source, filename)

    # Check our results
    assert [] == actual


# -- 2. deep and large inputs -------------------------------------------------------------------------------


def _nested_ifs() -> str:
    """A function with if-blocks nested as deep as the tokenizer allows, a bad local name at the bottom."""
    depth = MAX_INDENT_LEVELS - 2  # The function's body is one level; the innermost statement another
    lines = ["def nested(flag: bool) -> None:"]
    lines.extend("    " * (level + 1) + "if flag:" for level in range(depth))
    lines.append("    " * (depth + 1) + "badName = 1")
    lines.append("    " * (depth + 1) + "print(badName)")
    return "\n".join(lines) + "\n"


def _deep_cases() -> List[Tuple[str, str, List[Finding]]]:
    """(file name, source, findings expected from both engines): each ends with ``lastValue`` (CHS201)."""
    cases = [
        ("nested_ifs.py", _nested_ifs(), [(MAX_INDENT_LEVELS, 4 * (MAX_INDENT_LEVELS - 1) + 1, "CHS205"),
                                          (MAX_INDENT_LEVELS + 1, 4 * (MAX_INDENT_LEVELS - 1) + 1, "CHS409")]),
        ("nested_parens.py", "VALUE = " + "(" * MAX_BRACKET_DEPTH + "2" + ")" * MAX_BRACKET_DEPTH + "\n",
         [(1, 1, "CHS650")]),
        ("nested_lists.py", "NESTED = " + "[" * MAX_BRACKET_DEPTH + "2" + "]" * MAX_BRACKET_DEPTH + "\n", []),
        ("plus_chain.py", "def add(a: int) -> None:\n    print(" + " + ".join(["a"] * PARSED_CHAIN) + ")\n",
         [(2, 5, "CHS409")]),
        ("attribute_chain.py", "def walk(a: object) -> object:\n    return a" + ".b" * PARSED_CHAIN + "\n", []),
        ("elif_chain.py", "def pick(a: int) -> int:\n    if a == 0:\n        return 0\n"
         + "".join(f"    elif a == {index}:\n        return {index}\n" for index in range(1, PARSED_CHAIN))
         + "    return -1\n", []),
        # Flat in Python's tree, nested in tree-sitter's: a chain of assignments crashed ast-grep (issue 7).
        ("assignment_chain.py", "def reset() -> None:\n    " + "limit = " * FLAT_CHAIN + "1000\n", []),
        ("and_chain.py", "def every(a: bool) -> bool:\n    return " + " and ".join(["a"] * FLAT_CHAIN) + "\n", []),
    ]
    return [(name, source + LAST_FUNCTION, expected + [(source.count("\n") + 3, 1, "CHS201")])
            for name, source, expected in cases]


DEEP_CASES = _deep_cases()


@pytest.mark.parametrize("name, source, expected", DEEP_CASES, ids=[case[0] for case in DEEP_CASES])
def test_WHEN_deep_input_checked_in_process_by_plugin_THEN_expected_findings(flake8_options, name, source, expected):
    # Set up our test
    if not FUZZ.compiles(source):
        pytest.skip("this Python's parser refuses the depth")

    # Run our test
    actual = _plugin_findings(source, name)

    # Check our results
    assert expected == actual


def test_WHEN_deep_inputs_checked_by_command_THEN_expected_findings_AND_no_crash(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    cases = [case for case in DEEP_CASES if FUZZ.compiles(case[1])]
    for name, source, _ in cases:
        _write(folder, name, source.encode("utf-8"))

    # Run our test
    result = _chris_style(folder, "--extend-select", ALL_OPT_IN, *[name for name, _, _ in cases])

    # Check our results
    for name, _, expected in cases:
        assert (name, expected) == (name, _cli_findings(result.stdout, name))
    assert ("", 1) == (result.stderr, result.returncode)
    assert len(DEEP_CASES) - 2 <= len(cases)


def _big_source() -> str:
    parts = [BIG_FILE_HEADER]
    size = len(BIG_FILE_HEADER)
    index = 0
    while size < BIG_FILE_BYTES:
        block = BIG_FILE_BLOCK.format(index=index)
        parts.append(block)
        size += len(block)
        index += 1
    parts.append(LAST_FUNCTION)
    return "".join(parts)


def _long_lines_source() -> str:
    """Lines of 20,000 characters with non-ASCII text (byte and code point columns differ) and a finding after."""
    items = "'é', " * (LONG_LINE_CHARACTERS // 5)
    return (
        '"""Long lines."""\n'
        f"LETTERS = [{items}]; camelCase = [{items}]\n"
        f"TEXT = '{'x' * LONG_LINE_CHARACTERS}'\n"
    )


def test_WHEN_5mb_file_checked_by_plugin_THEN_last_finding_reported_in_time(flake8_options):
    # Set up our test
    source = _big_source()
    expected = [(source.count("\n") - 1, 1, "CHS201")]
    started = time.perf_counter()

    # Run our test
    actual = _plugin_findings(source, "big.py")

    # Check our results
    assert expected == actual
    assert True == (time.perf_counter() - started < CLI_TIMEOUT)


@pytest.mark.slow  # The runner takes 85 s or more on this file (issue 7: its time grows faster than the file)
def test_WHEN_5mb_file_checked_by_command_THEN_last_finding_reported_in_time(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    source = _big_source()
    _write(folder, "big.py", source.encode("utf-8"))
    expected = [(source.count("\n") - 1, 1, "CHS201")]

    # Run our test
    result = _chris_style(folder, "big.py")

    # Check our results
    assert (expected, "", 1) == (_cli_findings(result.stdout, "big.py"), result.stderr, result.returncode)


def test_WHEN_file_has_20000_character_lines_THEN_findings_at_byte_columns_by_both_engines(flake8_options, tmp_path):
    # Set up our test
    folder = str(tmp_path)
    source = _long_lines_source()
    _write(folder, "long_lines.py", source.encode("utf-8"))
    second_line = source.splitlines()[1]
    column = len(second_line[:second_line.index("camelCase")].encode("utf-8")) + 1
    expected = [(2, column, "CHS203")]

    # TEST: the plugin
    assert expected == _plugin_findings(source, "long_lines.py")

    # TEST: the runner, through the command
    result = _chris_style(folder, "--extend-select", ALL_OPT_IN, "long_lines.py")
    assert (expected, "", 1) == (_cli_findings(result.stdout, "long_lines.py"), result.stderr, result.returncode)


# -- 3. bad input -------------------------------------------------------------------------------------------

SYNTAX_COLUMN = 8 if sys.version_info >= (3, 10) else 7  # flake8's E999 column for "def f(:"
LATIN_1_LINE = "def get_value(x: str = 'é', y=1) -> str:"
BAD_FILES = {
    "bad_utf8.py": b"x = '\xff'\n",
    "nul.py": b"def f(x): ...\x00\n",
    "syntax.py": b"def f(:\n",
    "latin1.py": b"# -*- coding: latin-1 -*-\n" + LATIN_1_LINE.encode("latin-1") + b"\n    return x\n",
    "bom.py": b"\xef\xbb\xbfdef getValue() -> None:\n    pass\n",
    "crlf.py": b"def getValue() -> None:\r\n    pass\r\n\r\n\r\ndef other_value(y) -> None:\r\n    pass\r\n",
    "empty.py": b"",
    "loop/inner/mod.py": b"def getValue() -> None:\n    pass\n",
}
BAD_INPUT_SELECT = "CHS102,CHS201"


def _bad_input_folder(folder: str) -> List[str]:
    """The files of BAD_FILES, a folder with a symlink loop, and the paths to check (a missing one included)."""
    for name, data in BAD_FILES.items():
        _write(folder, name, data)
    os.symlink(os.path.join(folder, "loop"), os.path.join(folder, "loop", "inner", "back"))
    return [name for name in sorted(BAD_FILES) if not name.startswith("loop/")] + ["loop", "missing.py"]


def _expected_bad_input_lines() -> List[str]:
    y_column = len(LATIN_1_LINE[:LATIN_1_LINE.index("y=")].encode("utf-8")) + 1
    return sorted([
        "bad_utf8.py:1:6: E902 UnicodeDecodeError: utf-8 cannot decode byte 0xff (invalid start byte); declare the "
        "file's encoding or save it as UTF-8",
        "bom.py:1:1: CHS201 function name 'getValue' should be snake_case",
        "crlf.py:1:1: CHS201 function name 'getValue' should be snake_case",
        "crlf.py:5:17: CHS102 missing type annotation for parameter 'y'; add ': <type>'",
        f"latin1.py:2:{y_column}: CHS102 missing type annotation for parameter 'y'; add ': <type>'",
        "loop/inner/mod.py:1:1: CHS201 function name 'getValue' should be snake_case",
        "missing.py:0:1: E902 FileNotFoundError: [Errno 2] No such file or directory: 'missing.py'",
        f"syntax.py:1:{SYNTAX_COLUMN}: E999 SyntaxError: invalid syntax",
    ])


def test_WHEN_command_meets_bad_files_THEN_one_line_each_AND_other_findings_kept_AND_exit_2(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    paths = _bad_input_folder(folder)

    # Run our test
    result = _chris_style(folder, "--select", BAD_INPUT_SELECT, *paths)

    # Check our results
    lines = _reported(result.stdout)
    nul_lines = [line for line in lines if line.startswith("nul.py:")]
    expected_nul = {f"nul.py:1:1: E999 {name}: source code string cannot contain null bytes"
                    for name in ("SyntaxError", "ValueError")}
    assert 1 == len(nul_lines)
    assert True == (nul_lines[0] in expected_nul)
    assert _expected_bad_input_lines() == [line for line in lines if not line.startswith("nul.py:")]
    assert ("", 2) == (result.stderr, result.returncode)


def test_WHEN_command_meets_unreadable_file_THEN_one_e902_line_AND_exit_2(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    path = _write(folder, "unreadable.py", b"def getValue() -> None:\n    pass\n")
    _write(folder, "readable.py", b"def getValue() -> None:\n    pass\n")
    os.chmod(path, 0)
    if os.access(path, os.R_OK):
        pytest.skip("this user reads files whatever their mode (root)")

    # Run our test
    result = _chris_style(folder, "--select", BAD_INPUT_SELECT, "readable.py", "unreadable.py")

    # Check our results
    expected = [
        "readable.py:1:1: CHS201 function name 'getValue' should be snake_case",
        "unreadable.py:0:1: E902 PermissionError: [Errno 13] Permission denied: 'unreadable.py'",
    ]
    assert (expected, "", 2) == (_reported(result.stdout), result.stderr, result.returncode)


def test_WHEN_flake8_meets_bad_files_THEN_plugin_adds_no_traceback_AND_findings_on_decoded_files(tmp_path):
    # Set up our test (without nul.py: flake8 itself dies on NUL bytes before Python 3.11.4)
    folder = str(tmp_path)
    paths = [path for path in _bad_input_folder(folder) if path != "nul.py"]

    # Run our test
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", f"--select={BAD_INPUT_SELECT}", *paths],
                            cwd=folder, capture_output=True, text=True, timeout=CLI_TIMEOUT)

    # Check our results
    decoded = ("bom.py:", "crlf.py:", "latin1.py:", "loop/inner/mod.py:")
    expected = [line for line in _expected_bad_input_lines() if line.startswith(decoded)]
    assert expected == [line for line in _reported(result.stdout) if line.startswith(decoded)]
    assert ("Traceback" in result.stderr, 1) == (False, result.returncode)
