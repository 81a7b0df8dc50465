"""Reading the fixtures: source files under fixtures/ whose expected findings are written inline.

Markers (in comments):
- ``# expect: CHS101@5`` a finding with this code at column 5 (1-based, as flake8 prints it) on this line;
  ``# expect: CHS204@1:1`` at an explicit line:column (for lines that cannot hold a comment, or rules that
  read comments). Several expectations are separated by commas.
- ``# ok: CHS101 <why>`` a negative case: this line is something the rule looks at and must stay quiet on.
- ``# fixture-options: chs-first-party=pkg; chs-test-files=x_*.py`` plugin options for this file.
- ``# fixture-requires-python: 3.10`` the file uses newer syntax; older interpreters skip it.
"""
import ast
import io
import os
import re
import sys
import tokenize
from dataclasses import dataclass
from typing import List, Set, Tuple

from chris_style.context import split_lines
from chris_style.options import Options, options_from_mapping
from chris_style.registry import opt_in_codes

FIXTURES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")

_EXPECT = re.compile(r"#\s*expect:\s*(?P<items>[^#]+)")
_EXPECT_ITEM = re.compile(r"^(?P<code>CHS\d{3})@(?:(?P<line>\d+):)?(?P<column>\d+)$")
_OK = re.compile(r"#\s*ok:\s*(?P<codes>CHS\d{3}(?:\s*,\s*CHS\d{3})*)")
_OPTIONS = re.compile(r"#\s*fixture-options:\s*(?P<pairs>.+)$")
_REQUIRES = re.compile(r"#\s*fixture-requires-python:\s*(?P<major>\d+)\.(?P<minor>\d+)")

Position = Tuple[int, int, str]  # (line, 1-based column, code)


class BadFixtureMarker(Exception):
    def __init__(self, path: str, line: int, text: str):
        super().__init__(f"{path}:{line}: cannot read fixture marker {text!r}")


@dataclass
class Fixture:
    path: str
    source: str
    expected: Set[Position]
    negatives: Set[Tuple[int, str]]  # (line, code) marked '# ok:'
    options: Options
    requires_python: Tuple[int, int] = (3, 0)
    option_pairs: Tuple[Tuple[str, str], ...] = ()  # The file's own '# fixture-options:' as written

    @property
    def relative_path(self) -> str:
        return os.path.relpath(self.path, FIXTURES_DIR)

    @property
    def lines(self) -> List[str]:
        return split_lines(self.source)

    def tree(self) -> ast.AST:
        return ast.parse(self.source, filename=self.path)


def fixture_paths() -> List[str]:
    paths = []
    for folder, _, files in os.walk(FIXTURES_DIR):
        paths.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    return sorted(paths)


def load_fixture(path: str) -> Fixture:
    with open(path, "rb") as handle:
        data = handle.read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    source = data.decode(encoding)
    expected: Set[Position] = set()
    negatives: Set[Tuple[int, str]] = set()
    option_pairs: List[Tuple[str, str]] = []
    requires = _REQUIRES.search(data.decode(encoding, "replace"))
    requires_python = (int(requires.group("major")), int(requires.group("minor"))) if requires else (3, 0)
    if sys.version_info < requires_python:
        return Fixture(path, "", set(), set(), Options(), requires_python)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        match = _EXPECT.search(token.string)
        if match:
            for item in match.group("items").split(","):
                parsed = _EXPECT_ITEM.match(item.strip())
                if parsed is None:
                    raise BadFixtureMarker(path, line, item)
                at_line = int(parsed.group("line")) if parsed.group("line") else line
                expected.add((at_line, int(parsed.group("column")), parsed.group("code")))
        match = _OK.search(token.string)
        if match:
            negatives.update((line, code.strip()) for code in match.group("codes").split(","))
        match = _OPTIONS.search(token.string)
        if match:
            for pair in match.group("pairs").split(";"):
                name, _, value = pair.partition("=")
                option_pairs.append((name.strip(), value.strip()))
    every_rule = [("extend-select", ",".join(opt_in_codes())), *option_pairs]  # Opt-in rules run too
    options = options_from_mapping(every_rule, opt_in_codes())
    return Fixture(path, source, expected, negatives, options, requires_python, tuple(option_pairs))
