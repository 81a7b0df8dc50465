"""Reading the fixtures: source files under fixtures/ whose expected findings are written inline.

Markers (in comments):
- ``# expect: CHS101@5`` a finding with this code at column 5 (1-based, as flake8 prints it) on this line;
  ``# expect: CHS204@1:1`` at an explicit line:column (for lines that cannot hold a comment, or rules that
  read comments). Several expectations are separated by commas.
- ``# ok: CHS101 <why>`` a negative case: this line is something the rule looks at and must stay quiet on.
- ``# fixture-options: chs-first-party=pkg; chs-test-files=x_*.py`` plugin options for this file.
- ``# fixture-requires-python: 3.10`` the file uses newer syntax; older interpreters skip it.

Where the ast-grep pack mirrors a rule only partly (``mirror="partial"`` in the registry, the cases listed in its
``mirror_notes``), the fixture says so on the line concerned:
- ``# pack-extra: CHS101@5`` the pack also reports this finding, which the plugin does not;
- ``# pack-misses: CHS101`` the pack does not report the plugin's expected CHS101 on this line;
  ``CHS103@45`` or ``CHS103@53:13`` names one expected finding, written as in ``# expect:``.
Fixtures with ``# fixture-options:`` are not compared with the pack: the pack has no options.
"""
import ast
import io
import os
import re
import sys
import tokenize
from dataclasses import dataclass, field
from typing import List, Set, Tuple

from chris_style.context import split_lines
from chris_style.options import Options, options_from_mapping
from chris_style.registry import opt_in_codes

FIXTURES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")

_EXPECT = re.compile(r"#\s*expect:\s*(?P<items>[^#]+)")
_EXPECT_ITEM = re.compile(r"^(?P<code>CHS\d{3})@(?:(?P<line>\d+):)?(?P<column>\d+)$")
_PACK_EXTRA = re.compile(r"#\s*pack-extra:\s*(?P<items>[^#]+)")
_PACK_MISSES = re.compile(r"#\s*pack-misses:\s*(?P<items>[^#]+)")
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
    pack_extra: Set[Position] = field(default_factory=set)  # '# pack-extra:' findings only the pack reports
    pack_misses: Set[Position] = field(default_factory=set)  # Expected findings the pack does not report; column 0: all

    def pack_expected(self, codes: Set[str]) -> Set[Position]:
        """What the ast-grep pack should report for these codes: the plugin's findings, adjusted by the markers."""
        kept = {
            item for item in self.expected
            if item[2] in codes and item not in self.pack_misses and (item[0], 0, item[2]) not in self.pack_misses
        }
        return kept | {item for item in self.pack_extra if item[2] in codes}

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
    pack_extra: Set[Position] = set()
    pack_misses: Set[Position] = set()
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
            expected.update(_positions(path, line, match.group("items")))
        match = _PACK_EXTRA.search(token.string)
        if match:
            pack_extra.update(_positions(path, line, match.group("items")))
        match = _PACK_MISSES.search(token.string)
        if match:
            for item in match.group("items").split(","):
                if "@" in item:
                    pack_misses.update(_positions(path, line, item))
                else:
                    pack_misses.add((line, 0, item.strip()))
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
    return Fixture(
        path, source, expected, negatives, options, requires_python, tuple(option_pairs), pack_extra, pack_misses
    )


def _positions(path: str, line: int, items: str) -> Set[Position]:
    """``CHS101@5`` items (or ``CHS204@1:1`` with an explicit line), comma-separated."""
    positions: Set[Position] = set()
    for item in items.split(","):
        parsed = _EXPECT_ITEM.match(item.strip())
        if parsed is None:
            raise BadFixtureMarker(path, line, item)
        at_line = int(parsed.group("line")) if parsed.group("line") else line
        positions.add((at_line, int(parsed.group("column")), parsed.group("code")))
    return positions
