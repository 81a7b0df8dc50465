import io
import json
import re
import subprocess
import sys
import textwrap
from typing import List, Optional, Sequence, Type

from chris_style import __version__
from chris_style.sg.formats import Formatter, GithubFormatter, JsonFormatter, RuleInfo, SarifFormatter, Statistics, \
    TextFormatter, artifact_uri, escape_data, escape_property, format_github, format_text, make_formatter, \
    one_line, sorted_reports, statistics_stream_is_stdout
from chris_style.sg.runner import FileResult, Report

REPORTS = [
    Report("pkg/a.py", 3, 9, "CHS103", "use typing.Dict", "warning", 3, 20, 7, 18),
    Report("pkg/a.py", 1, 1, "CHS101", "missing return", "error", 2, 5, 1, 5),
]


def _result(path: str = "pkg/a.py", reports: Optional[List[Report]] = None) -> FileResult:
    return FileResult(path, list(REPORTS if reports is None else reports))


def _written(formatter_class: Type[Formatter], results: Sequence[FileResult], rules: Sequence[RuleInfo] = ()) -> str:
    stream = io.StringIO()
    formatter = formatter_class(stream, rules)
    formatter.start()
    for result in results:
        formatter.add(result)
    formatter.finish()
    return stream.getvalue()


# TEST: text


def test_WHEN_text_written_THEN_flake8_lines_sorted_by_position():
    # Run our test
    actual = _written(TextFormatter, [_result()])

    # Check our results
    expected = "pkg/a.py:1:1: CHS101 missing return\npkg/a.py:3:9: CHS103 use typing.Dict\n"
    assert expected == actual


def test_WHEN_message_spans_lines_THEN_text_line_joins_them_with_a_space():
    # Set up our test
    report = Report("a.py", 1, 1, "X1", "swap {\n        'a': 1,\n    } and x", "warning")

    # Run our test / Check our results
    assert "a.py:1:1: X1 swap { 'a': 1, } and x" == format_text(report)
    assert "a b" == one_line("a \r\n  b")


def test_WHEN_reports_share_a_position_THEN_reported_order_kept():
    # Set up our test
    reports = [Report("a.py", 2, 1, "B", "b"), Report("a.py", 1, 1, "Z", "z"), Report("a.py", 2, 1, "A", "a")]

    # Run our test / Check our results
    assert ["Z", "B", "A"] == [report.code for report in sorted_reports(_result("a.py", reports))]


# TEST: json


def test_WHEN_json_written_THEN_list_of_objects_with_positions():
    # Run our test
    actual = json.loads(_written(JsonFormatter, [_result(), _result("b.py", []), _result("c\"d.py", REPORTS[:1])]))

    # Check our results
    expected = [
        {"filename": "pkg/a.py", "line": 1, "column": 1, "end_line": 2, "end_column": 5, "code": "CHS101",
         "message": "missing return", "severity": "error"},
        {"filename": "pkg/a.py", "line": 3, "column": 9, "end_line": 3, "end_column": 20, "code": "CHS103",
         "message": "use typing.Dict", "severity": "warning"},
        {"filename": "c\"d.py", "line": 3, "column": 9, "end_line": 3, "end_column": 20, "code": "CHS103",
         "message": "use typing.Dict", "severity": "warning"},
    ]
    assert expected == actual


def test_WHEN_json_written_without_findings_THEN_empty_list():
    # Run our test / Check our results
    assert [] == json.loads(_written(JsonFormatter, [_result("a.py", [])]))


# TEST: sarif


def test_WHEN_sarif_written_THEN_valid_2_1_0_log_with_rules_results_and_code_point_columns():
    # Set up our test
    rules = [RuleInfo("CHS101", "missing return", "warning"), RuleInfo("CHS103", "use typing", "warning")]
    missing = Report("gone dir/x.py", 0, 1, "E902", "FileNotFoundError: nope", "error")

    # Run our test
    log = json.loads(_written(SarifFormatter, [_result(), _result("gone dir/x.py", [missing])], rules))

    # Check our results
    assert ("2.1.0", "https://json.schemastore.org/sarif-2.1.0.json") == (log["version"], log["$schema"])
    run = log["runs"][0]
    assert ("chris-style", __version__) == (run["tool"]["driver"]["name"], run["tool"]["driver"]["version"])
    assert ["CHS101", "CHS103", "E902"] == [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "unicodeCodePoints" == run["columnKind"]
    expected_first = {
        "ruleId": "CHS101",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "missing return"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "pkg/a.py"},
            "region": {"startLine": 1, "startColumn": 1, "endLine": 2, "endColumn": 5},
        }}],
    }
    assert expected_first == run["results"][0]
    assert {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 18} == \
        run["results"][1]["locations"][0]["physicalLocation"]["region"]
    assert {"artifactLocation": {"uri": "gone%20dir/x.py"}} == run["results"][2]["locations"][0]["physicalLocation"]
    assert [0, 1, 2] == [result["ruleIndex"] for result in run["results"]]
    for result in run["results"]:
        assert {"ruleId", "ruleIndex", "level", "message", "locations"} == set(result)
        assert result["level"] in ("error", "warning", "note", "none")


def test_WHEN_artifact_uri_made_THEN_relative_reference_or_file_uri():
    # Run our test / Check our results
    assert "a/b%20c.py" == artifact_uri("./a/b c.py")
    assert "file:///tmp/x%23.py" == artifact_uri("/tmp/x#.py")


# TEST: github


def test_WHEN_github_written_THEN_workflow_commands_with_escaped_values():
    # Set up our test
    report = Report("a,b:c.py", 2, 5, "CHS101", "100% sure\r\nnext", "warning", 2, 9, 4, 8)

    # Run our test
    actual = format_github(report)

    # Check our results
    expected = "::warning file=a%2Cb%3Ac.py,line=2,col=4,endLine=2,endColumn=8,title=CHS101::100%25 sure%0D%0Anext"
    assert expected == actual
    assert "::error file=x.py,title=E902::gone" == format_github(Report("x.py", 0, 1, "E902", "gone", "error"))
    assert "::notice file=x.py,line=1,col=1,title=H1::m" == format_github(Report("x.py", 1, 1, "H1", "m", "hint"))


def test_WHEN_escaping_for_github_THEN_percent_first_then_line_breaks_and_separators():
    # Run our test / Check our results
    assert "%250A" == escape_data("%0A")
    assert "a%3Ab%2Cc%0A" == escape_property("a:b,c\n")


def test_WHEN_formatter_made_by_name_THEN_matching_class_AND_statistics_stream_chosen():
    # Run our test / Check our results
    assert [TextFormatter, JsonFormatter, SarifFormatter, GithubFormatter] == [
        type(make_formatter(name, io.StringIO())) for name in ("text", "json", "sarif", "github")]
    assert [True, False, False, True] == [statistics_stream_is_stdout(name) for name in ("text", "json", "sarif",
                                                                                         "github")]


# TEST: statistics, as flake8 prints them


def test_WHEN_statistics_counted_THEN_same_lines_as_flake8_statistics(tmp_path):
    # Set up our test
    (tmp_path / "a_mod.py").write_text(textwrap.dedent('''\
        def f(x, y):
            return x


        def G(z) -> None:
            pass
        '''))
    (tmp_path / "b_mod.py").write_text("def h(q):\n    return q\n")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select=CHS", "--statistics", "a_mod.py", "b_mod.py"],
                            cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    lines = result.stdout.splitlines()
    findings = [line for line in lines if re.match(r"^[ab]_mod\.py:", line)]
    flake8_statistics = [line for line in lines if line not in findings]
    statistics = Statistics()
    for line in findings:
        path, number, column, text = line.split(":", 3)
        code, message = text.strip().split(" ", 1)
        statistics.record(Report(path, int(number), int(column), code, message))

    # Run our test
    actual = statistics.lines()

    # Check our results
    assert flake8_statistics == actual
    assert 3 <= len(actual)
