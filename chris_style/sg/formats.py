"""Output formats of ``chris-style check``: text (flake8's), json, sarif and github.

Positions: ``text`` and ``json`` use flake8's convention (1-based lines, 1-based columns counted in UTF-8
bytes; ``end_column`` points just past the end). ``sarif`` and ``github`` count columns in code points
(1-based), as their readers display them; the SARIF run says so with ``columnKind: unicodeCodePoints``.
An ``E902`` for a file that cannot be opened has line 0, as in flake8; SARIF gets no region for it.
"""
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, TextIO, Tuple
from urllib.parse import quote

from chris_style import __version__
from chris_style.sg.runner import FileResult, Report

logger = logging.getLogger(__name__)

FORMATS = ("text", "json", "sarif", "github")
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "chris-style"
TOOL_URI = "https://pypi.org/project/chris_style/"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


@dataclass(frozen=True)
class RuleInfo:
    """What the SARIF driver lists about a rule."""

    code: str
    summary: str
    severity: str


@dataclass
class Statistics:
    """flake8's ``--statistics``: per code, the count and the first message (in output order)."""

    counts: Dict[str, int] = field(default_factory=dict)
    first_messages: Dict[str, str] = field(default_factory=dict)

    def record(self, report: Report) -> None:
        self.counts[report.code] = self.counts.get(report.code, 0) + 1
        self.first_messages.setdefault(report.code, one_line(report.message))

    def lines(self) -> List[str]:
        return [f"{self.counts[code]:<5} {code} {self.first_messages[code]}" for code in sorted(self.counts)]


def one_line(message: str) -> str:
    """A message on one line: a line break and the indentation around it become one space."""
    return _LINE_BREAKS.sub(" ", message)


def sorted_reports(result: FileResult) -> List[Report]:
    """A file's reports in flake8's order: by line, then column (stable for equal positions)."""
    return sorted(result.reports, key=lambda report: (report.line, report.column))


class Formatter:
    """Writes results as they arrive; ``finish`` closes the document."""

    def __init__(self, stream: TextIO, rules: Sequence[RuleInfo] = ()):
        self.stream = stream
        self.rules = list(rules)

    def start(self) -> None:
        """Called once before the first result."""

    def add(self, result: FileResult) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called once after the last result."""


class TextFormatter(Formatter):
    """``path:line:col: CODE message``, exactly as flake8 prints."""

    def add(self, result: FileResult) -> None:
        for report in sorted_reports(result):
            self.stream.write(format_text(report) + "\n")


def format_text(report: Report) -> str:
    return f"{report.path}:{report.line}:{report.column}: {report.code} {one_line(report.message)}"


class JsonFormatter(Formatter):
    """A JSON list of objects, written as the results arrive."""

    def __init__(self, stream: TextIO, rules: Sequence[RuleInfo] = ()):
        super().__init__(stream, rules)
        self._count = 0

    def start(self) -> None:
        self.stream.write("[")

    def add(self, result: FileResult) -> None:
        reports = sorted_reports(result)
        if not reports:
            return
        path = json.dumps(result.path)
        items = [json_text(report, path) for report in reports]
        self.stream.write(("," if self._count else "") + "\n  " + ",\n  ".join(items))
        self._count += len(items)

    def finish(self) -> None:
        self.stream.write("\n]\n" if self._count else "]\n")


def json_text(report: Report, quoted_path: str) -> str:
    """``json.dumps(json_object(report))``, faster (the path is quoted once per file)."""
    return (
        f'{{"filename": {quoted_path}, "line": {report.line}, "column": {report.column}, '
        f'"end_line": {report.end_line or report.line}, "end_column": {report.end_column or report.column}, '
        f'"code": {json.dumps(report.code)}, "message": {json.dumps(report.message)}, '
        f'"severity": {json.dumps(report.severity)}}}'
    )


def json_object(report: Report) -> Dict[str, object]:
    return {
        "filename": report.path,
        "line": report.line,
        "column": report.column,
        "end_line": report.end_line or report.line,
        "end_column": report.end_column or report.column,
        "code": report.code,
        "message": report.message,
        "severity": report.severity,
    }


class SarifFormatter(Formatter):
    """One SARIF 2.1.0 log with one run, written at the end."""

    def __init__(self, stream: TextIO, rules: Sequence[RuleInfo] = ()):
        super().__init__(stream, rules)
        self._results: List[Dict[str, object]] = []
        self._extra_codes: Dict[str, str] = {}

    def add(self, result: FileResult) -> None:
        for report in sorted_reports(result):
            self._results.append(sarif_result(report))
            if report.code not in self._extra_codes:
                self._extra_codes[report.code] = report.severity

    def finish(self) -> None:
        json.dump(self.document(), self.stream, indent=2)
        self.stream.write("\n")

    def document(self) -> Dict[str, object]:
        rules = list(self.rules)
        known = {rule.code for rule in rules}
        for code, severity in sorted(self._extra_codes.items()):
            if code not in known:
                rules.append(RuleInfo(code, _PSEUDO_RULES.get(code, code), severity))
        indexes = {rule.code: index for index, rule in enumerate(rules)}
        for sarif in self._results:
            sarif["ruleIndex"] = indexes[str(sarif["ruleId"])]
        return {
            "$schema": SARIF_SCHEMA,
            "version": SARIF_VERSION,
            "runs": [{
                "tool": {"driver": {
                    "name": TOOL_NAME,
                    "version": __version__,
                    "informationUri": TOOL_URI,
                    "rules": [sarif_rule(rule) for rule in rules],
                }},
                "columnKind": "unicodeCodePoints",
                "results": self._results,
            }],
        }


_PSEUDO_RULES = {
    "E902": "the file cannot be read or decoded",
    "E999": "Python cannot parse the file",
    "CHS000": "the runner failed on the file",
}


def sarif_rule(rule: RuleInfo) -> Dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.code,
        "shortDescription": {"text": rule.summary or rule.code},
        "defaultConfiguration": {"level": _SARIF_LEVELS.get(rule.severity, "warning")},
    }


def sarif_result(report: Report) -> Dict[str, object]:
    location: Dict[str, object] = {"artifactLocation": {"uri": artifact_uri(report.path)}}
    if report.line >= 1:
        region: Dict[str, int] = {"startLine": report.line, "startColumn": max(report.char_column or report.column, 1)}
        if report.end_line:
            region["endLine"] = report.end_line
            region["endColumn"] = max(report.end_char_column or report.end_column, 1)
        location["region"] = region
    return {
        "ruleId": report.code,
        "level": _SARIF_LEVELS.get(report.severity, "warning"),
        "message": {"text": report.message},
        "locations": [{"physicalLocation": location}],
    }


def artifact_uri(path: str) -> str:
    """A relative (or absolute ``file://``) URI reference for a path."""
    posix = path.replace("\\", "/")
    if posix.startswith("./"):
        posix = posix[2:]
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(posix)


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands: ``::warning file=...,line=...,col=...,title=CODE::message``."""

    def add(self, result: FileResult) -> None:
        for report in sorted_reports(result):
            self.stream.write(format_github(report) + "\n")


def format_github(report: Report) -> str:
    level = _GITHUB_LEVELS.get(report.severity, "warning")
    properties: List[Tuple[str, object]] = [("file", report.path)]
    if report.line >= 1:
        properties.append(("line", report.line))
        properties.append(("col", report.char_column or report.column))
        if report.end_line:
            properties.append(("endLine", report.end_line))
            properties.append(("endColumn", report.end_char_column or report.end_column))
    properties.append(("title", report.code))
    rendered = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
    return f"::{level} {rendered}::{escape_data(report.message)}"


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def make_formatter(name: str, stream: TextIO, rules: Sequence[RuleInfo] = ()) -> Formatter:
    classes = {"text": TextFormatter, "json": JsonFormatter, "sarif": SarifFormatter, "github": GithubFormatter}
    return classes[name](stream, rules)


def statistics_stream_is_stdout(name: str) -> bool:
    """Statistics follow the findings on stdout for line formats; JSON and SARIF keep stdout parseable."""
    return name in ("text", "github")
