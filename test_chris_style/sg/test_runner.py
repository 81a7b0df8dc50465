import os
import subprocess
import sys
import textwrap
import unittest.mock as mock
from typing import List, Sequence

import pytest

from chris_style.sg.matcher import Matcher
from chris_style.sg.pack import load_pack
from chris_style.sg.runner import CheckRequest, FileChecker, FileResult, FileTask, InvalidSettings, LineTable, \
    Selection, UndecodableSource, apply_edits, check_files, decode_source, discover, file_tasks, glob_path, \
    load_settings, noqa_line_mapping, noqa_suppresses, normalize_patterns, parse_code_list, project_root, \
    summarize_fixes, syntax_error
from chris_style.sg.runner import _check_chunk_in_worker as check_chunk_in_worker
from test_chris_style.sg.support import RULES, ast_grep_findings, run_ast_grep, write, write_pack

# Where flake8 puts the E999 of "def f(:" (on Python 3.9 it moves SyntaxError columns one to the left).
SYNTAX_COLUMN = 8 if sys.version_info >= (3, 10) else 7
# The flake8 plugin's CHS102 (a parameter without annotation) mirrored by an ast-grep rule, so that the runner and
# flake8 can be compared line by line on the same files.
PARAMETER_RULE = """\
id: CHS102
language: python
severity: warning
message: "missing type annotation for parameter '$NAME'; add ': <type>'"
rule:
  kind: identifier
  pattern: $NAME
  any:
    - inside:
        kind: parameters
    - inside:
        kind: default_parameter
        field: name
"""
SWAP_RULE = """\
id: CHS502
language: python
severity: warning
message: put the expected value first
rule:
  kind: assert_statement
  pattern: assert $ACTUAL == $EXPECTED
constraints:
  ACTUAL:
    regex: ^actual
fix: assert $EXPECTED == $ACTUAL
"""


def _flake8(folder: str, *arguments: str) -> List[str]:
    result = subprocess.run([sys.executable, "-m", "flake8", *arguments], cwd=folder, capture_output=True, text=True,
                            timeout=120)
    return sorted(line for line in result.stdout.splitlines() if line)


def _checker(folder: str, rule_ids: Sequence[str], fix: bool = False) -> FileChecker:
    pack = load_pack(folder)
    return FileChecker(CheckRequest(pack.sgconfig, tuple(rule_ids), folder, fix), pack)


def _lines(results: Sequence[FileResult]) -> List[str]:
    return sorted(f"{report.path}:{report.line}:{report.column}: {report.code} {report.message}"
                  for result in results for report in result.reports)


def _check(folder: str, paths: Sequence[str], rule_ids: Sequence[str] = ("CHS102",), fix: bool = False
           ) -> List[FileResult]:
    checker = _checker(folder, rule_ids, fix)
    return checker.check_many([FileTask(os.path.join(folder, path), path) for path in paths])


def _relative(lines: List[str], folder: str) -> List[str]:
    return sorted(line.replace(folder + os.sep, "") for line in lines)


# TEST: bad input: one line per file, as flake8 prints it where flake8 reports the file

BROKEN = {
    "syntax.py": b"def f(:\n    pass\n",
    "eof.py": b"x = (\n",
    "indent.py": b"if x:\n  a\n    b\n",
    "tab.py": b"\tif x:\n        pass\n",
    "taberr.py": b"def f():\n\treturn 1\n        return 2\n",
    "unicol.py": "x = 'é' + )\n".encode("utf-8"),
    "poskw.py": b"f(a=1, 2)\n",
    "unterminated.py": b'x = """\n',
    "noqa_syntax.py": b"def f(:  # noqa\n",
}


def test_WHEN_file_has_syntax_error_THEN_same_e999_line_as_flake8_AND_no_rule_findings(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    for name, data in BROKEN.items():
        (tmp_path / name).write_bytes(data)

    # Run our test
    actual = _relative(_lines(_check(folder, sorted(BROKEN))), folder)

    # Check our results
    expected = _flake8(folder, "--select=E999,E902,CHS102", *sorted(BROKEN))
    assert expected == actual
    assert 8 == len(actual)


def test_WHEN_file_has_null_bytes_THEN_one_e999_line_at_1_1(tmp_path):
    # Set up our test (flake8 itself dies on such files before Python 3.11.4, where ast raises ValueError)
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    (tmp_path / "nul.py").write_bytes(b"def f(x): ...\x00\n")

    # Run our test
    actual = _relative(_lines(_check(folder, ["nul.py"])), folder)

    # Check our results
    expected = {f"nul.py:1:1: E999 {name}: source code string cannot contain null bytes"
                for name in ("SyntaxError", "ValueError")}
    assert 1 == len(actual)
    assert True == (actual[0] in expected)


def test_WHEN_file_missing_THEN_same_e902_line_as_flake8(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    checker = _checker(folder, ["CHS102"])

    # Run our test
    result = checker.check(FileTask("missing.py", "missing.py"))

    # Check our results
    with mock.patch("os.getcwd", return_value=folder):
        expected = _flake8(folder, "--select=E902", "missing.py")
    assert expected == _lines([result])
    assert True == result.failed


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"x = '\xff\xfe'\n", (1, 6, "UnicodeDecodeError: utf-8 cannot decode byte 0xff (invalid start byte); declare "
                                     "the file's encoding or save it as UTF-8")),
        (b"x = 1\ny = 2\nz = '\xe9'\n", (3, 6, "UnicodeDecodeError: utf-8 cannot decode byte 0xe9 (invalid "
                                               "continuation byte); declare the file's encoding or save it as UTF-8")),
        (b"# -*- coding: nonexistent -*-\nx = 1\n", (1, 1, "SyntaxError: unknown encoding: nonexistent")),
        (b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n", (1, 1, "SyntaxError: encoding problem: utf-8")),
        (b"\x89PNG\r\n\x1a\n\x00\x00", (1, 1, "UnicodeDecodeError: utf-8 cannot decode byte 0x89 (invalid start byte); "
                                              "declare the file's encoding or save it as UTF-8")),
    ],
)
def test_WHEN_file_cannot_be_decoded_THEN_undecodable_source_with_position(data, expected):
    # Run our test
    with pytest.raises(UndecodableSource) as raised:
        decode_source(data)

    # Check our results
    assert expected == (raised.value.line, raised.value.column, raised.value.problem)


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        (b"\xef\xbb\xbfx = 1\n", "x = 1\n", "utf-8-sig"),
        (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "# -*- coding: latin-1 -*-\nx = 'é'\n", "iso-8859-1"),
        (b"x = 1\r\ny = 2\r\n", "x = 1\r\ny = 2\r\n", "utf-8"),
        (b"", "", "utf-8"),
    ],
)
def test_WHEN_file_decoded_THEN_text_as_python_reads_it(data, text, encoding):
    # Run our test
    actual = decode_source(data)

    # Check our results
    assert (text, encoding) == (actual.text, actual.encoding)


def test_WHEN_some_files_are_broken_THEN_one_line_each_AND_findings_of_the_others_kept(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    (tmp_path / "bad_utf8.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "binary.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (tmp_path / "syntax.py").write_bytes(b"def f(:\n")
    (tmp_path / "good.py").write_bytes(b"def f(x): ...\n")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\ndef g(y='\xe9'): ...\n")
    paths = ["bad_utf8.py", "binary.py", "good.py", "latin.py", "missing.py", "syntax.py"]

    # Run our test
    results = _check(folder, paths)

    # Check our results
    actual = [(report.path.replace(folder + os.sep, ""), report.line, report.code, result.failed)
              for result in results for report in result.reports]
    expected = [("bad_utf8.py", 1, "E902", True), ("binary.py", 1, "E902", True), ("good.py", 1, "CHS102", False),
                ("latin.py", 2, "CHS102", False), ("missing.py", 0, "E902", True), ("syntax.py", 1, "E999", False)]
    assert expected == actual


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_WHEN_file_unreadable_THEN_e902_permission_error(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    path = write(folder, "secret.py", "x = 1\n")
    os.chmod(path, 0)

    # Run our test
    result = _checker(folder, ["CHS102"]).check(FileTask(path, "secret.py"))

    # Check our results
    assert [f"{path}:0:1: E902 PermissionError: [Errno 13] Permission denied: '{path}'"] == _lines([result])


def test_WHEN_open_fails_with_permission_error_THEN_e902_line_AND_failed(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    checker = _checker(folder, ["CHS102"])

    # Run our test
    with mock.patch("builtins.open", side_effect=PermissionError(13, "Permission denied", "secret.py")):
        result = checker.check(FileTask("secret.py", "secret.py"))

    # Check our results
    assert ["secret.py:0:1: E902 PermissionError: [Errno 13] Permission denied: 'secret.py'"] == _lines([result])
    assert True == result.failed


def test_WHEN_matching_fails_THEN_files_retried_one_by_one_AND_only_the_failing_file_reports_chs000(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    for name in ("a.py", "b.py", "c.py"):
        write(folder, name, f"def {name[0]}(x): ...\n")
    original_check = Matcher.check

    def failing_check(matcher: Matcher, text: str, path: str) -> list:
        if path == "b.py":
            raise RuntimeError("bug")
        return original_check(matcher, text, path)

    # Run our test
    with mock.patch.object(Matcher, "check_many", side_effect=RuntimeError("batch bug")), \
            mock.patch.object(Matcher, "check", autospec=True, side_effect=failing_check):
        results = _check(folder, ["a.py", "b.py", "c.py"])

    # Check our results
    expected = [
        f"{folder}/a.py:1:7: CHS102 missing type annotation for parameter 'x'; add ': <type>'",
        f"{folder}/b.py:1:1: CHS000 internal error: RuntimeError: bug",
        f"{folder}/c.py:1:7: CHS102 missing type annotation for parameter 'x'; add ': <type>'",
    ]
    assert expected == _lines(results)
    assert [False, True, False] == [result.failed for result in results]


def test_WHEN_syntax_checked_THEN_errors_only_the_compiler_sees_are_not_e999():
    # Run our test / Check our results
    assert None is syntax_error("nonlocal x\n")
    assert None is syntax_error("return 1\n")
    assert (1, SYNTAX_COLUMN, "E999 SyntaxError: invalid syntax") == syntax_error("def f(:\n")


# TEST: noqa, with flake8's semantics

NOQA_SOURCE = textwrap.dedent('''\
    def a(x): ...  # noqa
    def b(x): ...  # noqa: CHS102
    def c(x): ...  # noqa:CHS102
    def d(x): ...  # noqa: CHS1
    def e(x): ...  # NOQA: chs102
    def f(x): ...  # noqa: E501
    def g(x): ...  # noqa : E501
    def h(x): ...  # noqa:E501,CHS102
    def i(x): ...  # noqa: E501 CHS102
    def j(x, y="""
    """): ...  # noqa
    def k(x=1, y=\\
            2): ...  # noqa: CHS102
    def l(x): ...
    # noqa
    def m(x): """doc
      # noqa"""
    def n(x): ...  # NoQa:CHS10
    def o(x): ...  # noqa:CHS
    def p(x, y): ...  # the word noqa alone
''')


def test_WHEN_noqa_comments_present_THEN_same_findings_suppressed_as_flake8(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    write(folder, "sample.py", NOQA_SOURCE)

    # Run our test
    actual = _relative(_lines(_check(folder, ["sample.py"])), folder)

    # Check our results
    expected = _flake8(folder, "--select=CHS102", "sample.py")
    assert expected == actual
    assert 5 <= len(actual)


@pytest.mark.parametrize(
    "line, code, expected",
    [("x  # noqa", "CHS102", True), ("x  # noqa: CHS102", "CHS102", True), ("x  # noqa:CHS1", "CHS102", True),
     ("x  # noqa: E501", "CHS102", False), ("x  # noqa : E501", "CHS102", True), ("x  # NOQA:chs102", "CHS102", False),
     ("x  # noqa:E501,CHS102", "CHS102", True), ("x", "CHS102", False), ("x  #noqa", "CHS102", False)],
)
def test_WHEN_noqa_comment_read_THEN_flake8_semantics(line, code, expected):
    # Run our test / Check our results
    assert expected == noqa_suppresses(line, code)


def test_WHEN_noqa_line_mapping_built_THEN_lines_of_multiline_strings_searched_together():
    # Set up our test
    lines = ['x = """\n', 'a\n', '"""  # noqa\n', "y = 1 + \\\n", "    2\n", "z = (\n", "    3)\n"]

    # Run our test
    mapping = noqa_line_mapping(lines)

    # Check our results
    assert "".join(lines[0:3]) == mapping[1] == mapping[2] == mapping[3]
    assert "".join(lines[3:5]) == mapping[4] == mapping[5]
    assert (lines[5], lines[6]) == (mapping[6], mapping[7])


# TEST: positions, as flake8 prints them


@pytest.mark.parametrize(
    "name, data",
    [("ascii.py", b"def f(x): ...\n"), ("non_ascii.py", "def g(\u00e9, x): ...\nz = '\u00fc\u00fc'; h = 1\n"
                                                        "def h(\U0001d465=1, y=2): ...\n".encode("utf-8")),
     ("crlf.py", b"def f(x): ...\r\ndef g(y): ...\r\n"), ("lone_cr.py", b"def f(x): ...\rdef g(y): ...\r"),
     ("bom.py", b"\xef\xbb\xbfdef f(x): ...\ndef g(y): ...\n"),
     ("latin1.py", b"# -*- coding: latin-1 -*-\ndef f(\xe9, x): ...\n")],
)
def test_WHEN_file_has_non_ascii_or_odd_line_ends_THEN_same_positions_as_flake8(tmp_path, name, data):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    (tmp_path / name).write_bytes(data)

    # Run our test
    actual = _relative(_lines(_check(folder, [name])), folder)

    # Check our results (positions and codes: Python normalizes identifiers such as '\U0001d465' to 'x' in messages)
    expected = _flake8(folder, "--select=CHS102", name)
    assert [line.split(" ", 2)[:2] for line in expected] == [line.split(" ", 2)[:2] for line in actual]
    assert 1 <= len(actual)


def test_WHEN_line_table_built_THEN_python_line_ends_counted():
    # Set up our test
    table = LineTable("a\r\nb\rc\nd\x0ce\u2028f")

    # Run our test / Check our results
    assert [(1, 0), (2, 0), (3, 0), (4, 0), (4, 2)] == [table.position(offset) for offset in (0, 3, 5, 7, 9)]
    assert "c\n" == table.line_text(3)


# TEST: runner findings against the CLI on the sample pack


def test_WHEN_runner_checks_files_THEN_same_findings_as_ast_grep_scan_with_byte_columns(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder)
    sources = {
        "pkg/test_one.py": "import logging\ndef test_x(v: dict[str, int]) -> list[int]:\n    logging.info('é %s', v)\n",
        "pkg/two.py": "x: 'é'; y: set[int] = set()\n\r\nz: tuple[int, ...] = ()\r\n",
    }
    for path, text in sources.items():
        write(folder, path, text)

    # Run our test
    results = _check(folder, sorted(sources), rule_ids=sorted(RULES))

    # Check our results
    actual = sorted((report.path.replace(folder + os.sep, ""), report.line, report.column, report.code, report.message)
                    for result in results for report in result.reports)
    expected = []
    for finding in ast_grep_findings(folder, sorted(sources), ["--warning=CHS950"]):
        line_text = sources[finding.path].replace("\r\n", "\n").split("\n")[finding.line]
        byte_column = len(line_text[:finding.column].encode("utf-8")) + 1
        expected.append((finding.path, finding.line + 1, byte_column, finding.code, finding.message))
    assert sorted(expected) == actual
    assert 4 <= len(actual)


def test_WHEN_files_checked_in_parallel_THEN_same_results_in_same_order_as_serially(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    sgconfig = write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    for index in range(12):
        write(folder, f"pkg/m{index:02d}.py", f"def f{index}(x, y=1): ...\n" * (index + 1))
    write(folder, "pkg/broken.py", "def f(:\n")
    tasks = file_tasks(discover([os.path.join(folder, "pkg")], ()), folder)
    request = CheckRequest(sgconfig, ("CHS102",), folder)

    # Run our test
    parallel = list(check_files(tasks, request, jobs=2))

    # Check our results
    serial = list(check_files(tasks, request, jobs=1))
    assert _lines(serial) == _lines(parallel)
    assert [task.path for task in tasks] == [result.path for result in parallel]
    assert 13 == len(parallel)


_REAL_CHECK_CHUNK = check_chunk_in_worker


def _dies_on_boom(tasks: List[FileTask]) -> List[FileResult]:
    if any(task.path.endswith("boom.py") for task in tasks):
        os._exit(70)  # As a crash in native code would: no exception, the process is gone
    return _REAL_CHECK_CHUNK(tasks)


def test_WHEN_worker_process_dies_on_a_file_THEN_that_file_reports_chs000_AND_every_other_file_is_checked(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    sgconfig = write_pack(folder, rules={"CHS102": PARAMETER_RULE}, utils={})
    for index in range(12):
        write(folder, f"pkg/m{index:02d}.py", f"def f{index}(x): ...\n")
    write(folder, "pkg/m05boom.py", "def g(y): ...\n")
    tasks = file_tasks(discover([os.path.join(folder, "pkg")], ()), folder)
    request = CheckRequest(sgconfig, ("CHS102",), folder)

    # Run our test (worker processes are forked, so they inherit the patch)
    with mock.patch("chris_style.sg.runner._check_chunk_in_worker", _dies_on_boom):
        actual = list(check_files(tasks, request, jobs=2))

    # Check our results
    assert [task.path for task in tasks] == [result.path for result in actual]
    expected = ["CHS000 internal error: the checker crashed on this file (its worker process died); the file is "
                "not checked"]
    assert expected == [f"{report.code} {report.message}" for report in actual[6].reports]
    assert True is actual[6].failed
    assert 12 == sum(1 for result in actual if [report.code for report in result.reports] == ["CHS102"])


# TEST: fixes


def test_WHEN_fix_applied_THEN_file_rewritten_in_its_encoding_with_bom_and_crlf_kept(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS502": SWAP_RULE, "CHS901": RULES["CHS901"]}, utils={})
    original = ("\ufeffdef test_x(actual: dict[str, dict[str, int]]) -> None:\r\n"
                "    assert actual == {\r\n        'a': 1,\r\n    }\r\n    assert actual_2 == 3  # noqa\r\n")
    (tmp_path / "test_a.py").write_bytes(original.encode("utf-8"))
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\ndef f(actual: list[str]) -> None:\n"
                                        b"    assert actual == ['\xe9']\n")

    # Run our test
    results = _check(folder, ["test_a.py", "latin.py"], rule_ids=["CHS502", "CHS901"], fix=True)

    # Check our results
    expected_text = ("\ufeffdef test_x(actual: Dict[str, Dict[str, int]]) -> None:\r\n"
                     "    assert {\r\n        'a': 1,\r\n    } == actual\r\n    assert actual_2 == 3  # noqa\r\n")
    assert expected_text.encode("utf-8") == (tmp_path / "test_a.py").read_bytes()
    assert (b"# -*- coding: latin-1 -*-\ndef f(actual: List[str]) -> None:\n    assert ['\xe9'] == actual\n"
            == (tmp_path / "latin.py").read_bytes())
    expected_summaries = [f"{folder}/test_a.py: fixed 3 findings (CHS502 x1, CHS901 x2)",
                          f"{folder}/latin.py: fixed 2 findings (CHS502 x1, CHS901 x1)"]
    assert expected_summaries == [summarize_fixes(result) for result in results]
    assert [] == _lines(results)


def test_WHEN_fix_applied_without_overlaps_THEN_same_bytes_as_ast_grep_update_all(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules={"CHS502": SWAP_RULE, "CHS901": RULES["CHS901"]}, utils={})
    source = ("def test_x(actual: dict[str, int]) -> list[str]:\r\n    if actual:\r\n        assert actual == {\r\n"
              "            'a': 1,\r\n        }\r\n")
    write(folder, "ours/test_a.py", source)
    write(folder, "theirs/test_a.py", source)

    # Run our test
    _check(folder, ["ours/test_a.py"], rule_ids=["CHS502", "CHS901"], fix=True)

    # Check our results
    assert 0 == run_ast_grep(folder, ["scan", "--update-all", "theirs/test_a.py"]).returncode
    assert (tmp_path / "theirs" / "test_a.py").read_bytes() == (tmp_path / "ours" / "test_a.py").read_bytes()


def test_WHEN_fix_would_break_the_syntax_THEN_file_left_alone_AND_problem_reported(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    broken_fix = SWAP_RULE.replace("fix: assert $EXPECTED == $ACTUAL", "fix: assert ((( $EXPECTED")
    write_pack(folder, rules={"CHS502": broken_fix}, utils={})
    path = write(folder, "test_a.py", "assert actual == 1\n")

    # Run our test
    result = _check(folder, ["test_a.py"], rule_ids=["CHS502"], fix=True)[0]

    # Check our results
    assert [f"{path}: fixes not applied (CHS502): the result would not parse"] == result.fix_problems
    assert "assert actual == 1\n" == (tmp_path / "test_a.py").read_text()
    assert [f"{path}:1:1: CHS502 put the expected value first"] == _lines([result])


def test_WHEN_edits_overlap_THEN_first_applied_AND_overlapping_one_skipped():
    # Set up our test
    text = "abcdef"
    findings = [mock.Mock(code="A", fix=mock.Mock(start=0, end=4, replacement="W")),
                mock.Mock(code="B", fix=mock.Mock(start=2, end=3, replacement="X")),
                mock.Mock(code="C", fix=mock.Mock(start=4, end=6, replacement="Y\nZ"))]

    # Run our test
    actual, applied = apply_edits(text, findings)

    # Check our results
    assert ("WY\nZ", ["A", "C"]) == (actual, [finding.code for finding in applied])
    assert "WY\r\nZ\r\n" == apply_edits("abcdef\r\n", findings)[0]


# TEST: files and folders


def test_WHEN_folder_walked_THEN_python_files_sorted_AND_tool_folders_and_excludes_skipped(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    for path in ["a.py", "b/c.py", "b/d.txt", ".git/x.py", ".tox/x.py", "venv/x.py", ".venv/x.py", "build/x.py",
                 "dist/x.py", "__pycache__/x.py", "pkg.egg-info/x.py", "env/pyvenv.cfg", "env/lib/x.py", ".hg/x.py",
                 "b/generated/g.py", "skip_me.py", "b-c.py", "b.py"]:
        write(folder, path, "")

    # Run our test
    actual = discover([folder, os.path.join(folder, "skip_me.py")], normalize_patterns(["generated", "skip_*"], folder))

    # Check our results
    expected = [os.path.join(folder, name) for name in ("a.py", "b-c.py", "b.py", "b/c.py", "skip_me.py")]
    assert expected == actual


def test_WHEN_folder_has_symlink_loop_THEN_walk_ends_AND_symlinked_folders_not_followed(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write(folder, "pkg/a.py", "")
    os.symlink(folder, os.path.join(folder, "pkg", "loop"))
    os.symlink(os.path.join(folder, "pkg", "a.py"), os.path.join(folder, "pkg", "link.py"))

    # Run our test
    actual = discover([folder, os.path.join(folder, "pkg", "loop")], ())

    # Check our results
    assert [os.path.join(folder, "pkg", name) for name in ("a.py", "link.py")] == actual


def test_WHEN_exclude_pattern_has_slash_THEN_matched_against_absolute_path(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write(folder, "src/gen/x.py", "")
    write(folder, "src/keep/gen/y.py", "")

    # Run our test
    actual = discover([folder], normalize_patterns(["src/gen"], folder))

    # Check our results
    assert [os.path.join(folder, "src", "keep", "gen", "y.py")] == actual


@pytest.mark.parametrize(
    "path, expected",
    [("pkg/test_a.py", "pkg/test_a.py"), ("./pkg/a.py", "pkg/a.py"), ("/elsewhere/b.py", "/elsewhere/b.py")],
)
def test_WHEN_glob_path_computed_THEN_relative_to_root_inside_it_AND_as_given_outside(tmp_path, path, expected):
    # Run our test
    with mock.patch("os.getcwd", return_value=str(tmp_path)):
        actual = glob_path(path if path.startswith("/") else os.path.join(str(tmp_path), path), str(tmp_path))

    # Check our results
    assert expected == actual


def test_WHEN_project_root_searched_THEN_nearest_folder_with_a_marker(tmp_path):
    # Set up our test
    write(str(tmp_path), "setup.cfg", "")
    write(str(tmp_path), "pkg/sub/x.py", "")

    # Run our test / Check our results
    assert str(tmp_path) == project_root(os.path.join(str(tmp_path), "pkg", "sub"))


# TEST: selection and settings


@pytest.mark.parametrize(
    "selection, code, opt_in, expected",
    [
        (Selection(), "CHS101", False, True),
        (Selection(), "CHS150", True, False),
        (Selection(extend_select=("CHS150",)), "CHS150", True, True),
        (Selection(select=("CHS1",)), "CHS201", False, False),
        (Selection(ignore=("CHS1",)), "CHS101", False, False),
        (Selection(select=("CHS101",), ignore=("CHS1",)), "CHS101", False, True),
        (Selection(select=("CHS1",), ignore=("CHS1",)), "CHS101", False, False),
        (Selection(extend_ignore=("CHS10",)), "CHS102", False, False),
        (Selection(select=("CHS15",)), "CHS150", True, False),
        (Selection(select=("E",)), "CHS101", False, False),
    ],
)
def test_WHEN_code_selected_THEN_longest_prefix_decides_AND_opt_in_needs_full_code(selection, code, opt_in, expected):
    # Run our test / Check our results
    assert expected == selection.is_selected(code, opt_in)


def test_WHEN_pyproject_has_settings_THEN_lists_read_AND_exclude_made_absolute(tmp_path):
    # Set up our test
    write(str(tmp_path), "pyproject.toml", textwrap.dedent('''\
        [tool.chris_style]
        select = ["CHS1", "CHS2"]
        extend-select = "CHS150, CHS250"
        exclude = ["gen/*", "*.pyi"]
        '''))
    os.makedirs(os.path.join(str(tmp_path), "pkg"))

    # Run our test
    settings, path = load_settings(os.path.join(str(tmp_path), "pkg"))

    # Check our results
    expected = {"select": ("CHS1", "CHS2"), "extend-select": ("CHS150", "CHS250"),
                "exclude": (os.path.join(str(tmp_path), "gen/*"), "*.pyi")}
    assert (expected, os.path.join(str(tmp_path), "pyproject.toml")) == (settings, path)


@pytest.mark.parametrize(
    "text, problem",
    [("[tool.chris_style]\nselekt = ['CHS']\n",
      "unknown key 'selekt' in [tool.chris_style] (known: select, extend-select, ignore, extend-ignore, exclude)"),
     ("[tool.chris_style]\nselect = [1]\n", "[tool.chris_style] select: expected text, found 1"),
     ("[tool.chris_style\n", "cannot read it: ")],
)
def test_WHEN_pyproject_settings_invalid_THEN_one_line_error(tmp_path, text, problem):
    # Set up our test
    path = write(str(tmp_path), "pyproject.toml", text)

    # Run our test
    with pytest.raises(InvalidSettings) as raised:
        load_settings(str(tmp_path))

    # Check our results
    assert str(raised.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(raised.value)


def test_WHEN_no_pyproject_THEN_no_settings(tmp_path):
    # Run our test
    with mock.patch("chris_style.sg.runner.find_upwards", return_value=None):
        actual = load_settings(str(tmp_path))

    # Check our results
    assert ({}, None) == actual


def test_WHEN_code_list_parsed_THEN_commas_and_spaces_split_like_flake8():
    # Run our test / Check our results
    assert ("CHS1", "CHS2", "E5") == parse_code_list(["CHS1, CHS2", " E5 "])
    assert () == parse_code_list(None)
