"""CHS6: documentation and constants (§3 Documentation Philosophy, §12 Module-Level Constants); not in test files.

Both rules look for comments next to a statement. Comments are not in the tree, so they are read from the
source lines, and only the few lines that matter: the statement's own lines are run through ``tokenize``
(so that a ``#`` inside a string is not taken for a comment), and the line directly above counts as a
comment line only when it lies after the end of the code before the statement (the previous statement,
or the header of the enclosing block), since a line of code can start with ``#`` only inside a string.
"""
import ast
import io
import logging
import re
import tokenize
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

from chris_style.engine import Family, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import PACK_NOTE_NFKC, is_dunder
from chris_style.rules.naming import is_screaming_snake_case

logger = logging.getLogger(__name__)

# Numbers that need no explanation (RULES.md), compared by value: `0.0` and `0x1` are exempt too.
SELF_EXPLAINING_NUMBERS = (0, 1, -1)
# The statement lists of a block; other list fields (handlers, cases, decorators, ...) hold no statements.
STATEMENT_FIELDS = ("body", "orelse", "finalbody")
# Comments that only talk to tools document nothing (`# noqa: E501`, `# type: ignore`, `# fmt: off`).
_TOOL_DIRECTIVE = re.compile(
    r"^\s*(noqa\b|type:|pragma\b|fmt:|pylint:|mypy:|isort:|flake8\b|nosec\b|pyright:|ruff:|yapf:|"
    r"ast-grep-ignore\b)",
    re.IGNORECASE,
)
# PEP 263: a coding declaration on line 1 or 2.
_CODING_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_ARITHMETIC_OPERATORS = (
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr,
    ast.BitAnd, ast.BitXor,
)
_SIGNS = (ast.USub, ast.UAdd)
_DISPLAYS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
# Builtin constructors that only wrap a display: `frozenset({...})` is still a literal table of data.
_CONTAINER_CONSTRUCTORS = frozenset({"frozenset", "set", "tuple", "list", "dict"})

_COMMENT_RULES = (
    "Comments that are only tool directives (`# noqa`, `# type: ignore`, `# fmt: off`, `# pylint: ...`) do not "
    "count; any other comment text does. A `#` inside a string is not a comment."
)
_DOCSTRING_SPOTS = (
    "a docstring (a string statement) ending on the line directly above, or an attribute docstring starting on "
    "the line directly below."
)
_NO_SOURCE = (
    "Without the source lines (standard input that flake8 could not hand over) comments cannot be seen, so "
    "nothing is reported."
)

CHS650 = register(
    Rule(
        code="CHS650",
        message="constant '{name}' is an unexplained number; say why this value in a comment on its line or above",
        summary="module-level numeric constant without an explaining comment",
        section="§3 Hardcoded Values Documentation; §12 Module-Level Constants",
        what=(
            "Opt-in; not in test files. Flags a module-level assignment (also inside module-level blocks such "
            "as `if`/`try`; annotated assignments such as `MAX: int = 5` included) to a SCREAMING_SNAKE_CASE name "
            "when the value is a number or arithmetic of numbers and nothing documents it. Numbers are int, "
            "float and complex literals in any spelling (`1e3`, `0x10`, `1_000`); arithmetic is unary `-`/`+`/"
            "`~` and the binary operators `+ - * / // % **` and `<< >> | & ^`, with any parentheses. "
            "Documentation is a comment on the statement's own lines, or on the line directly above it (the last "
            "line of a comment block; a blank line in between breaks the link), or " + _DOCSTRING_SPOTS + " "
            + _COMMENT_RULES + " The finding is on the assignment statement."
        ),
        why=(
            "The guide: \"Inline comments explain magic numbers and why values are chosen\" (§3): "
            "`MINIMUM_TRAFFIC = 0.01 # Gbps; arbitrarily chosen, but will yield a minimal cluster`, "
            "`MASTER_NODE_COUNT = 3 # Recommended number in docs`. It is opt-in because many codebases "
            "name their numbers without explaining each one."
        ),
        bad="CAPACITY_BUFFER_FACTOR = 1.25",
        good="CAPACITY_BUFFER_FACTOR = 1.25  # Arbitrarily chosen",
        exemptions=(
            "the self-explaining numbers `0`, `1` and `-1` (by value, so `0.0`, `1.0` and `-1.0` too), written "
            "alone",
            "values that involve a name (`DAY = 24 * HOUR`): they are built from a named constant",
            "`True`/`False` (booleans are not magic numbers), strings and every other value",
            "names that are not SCREAMING_SNAKE_CASE (CHS203 handles those) and names in classes and functions",
            "an attribute docstring: a string statement on the line directly after the assignment",
        ),
        mirror="partial",
        mirror_notes=(
            "Comments are found by their place among the statement's siblings, as rules cannot see line numbers. So "
            "the pack takes as documentation, where the plugin does not: the first comment after the constant even "
            "when it stands on a later line (the comment above the next statement, or a comment after blank lines); "
            "the nearest comment before the constant even when it ends the line of the statement above (`A = 1  # why` "
            "documents `B = 2` on the next line) or stands behind blank lines, including a comment that ends the "
            "previous block; for the first statement of a block, the comment of the block's header line (`else:  # "
            "POSIX`); a docstring above or an attribute docstring below with blank lines in between. Statements after "
            "a `;` that ends the previous line count as sharing that line. The pack flags where the plugin does not: a "
            "0 or 1 spelled with a mantissa and an exponent that must be multiplied out (`10e-1`, `0.1e1`). Test "
            "files: the pack skips the default test-file names only (`**/test_*.py`, `**/*_test.py`, `**/conftest.py`; "
            "`chs-test-files` cannot change it), and since ast-grep's `*` also matches `/` it skips every file below a "
            "folder whose name starts with `test_` too. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: PLR2004 (magic-value-comparison) flags magic numbers in comparisons, not constants",
        decisions=(
            "\"Directly above\" is the single line right above the statement's first line; a comment block "
            "counts when it ends there, and a group comment above several constants documents only the first. "
            "The module docstring counts when it ends right above the constant. A comment on any line of a "
            "multi-line statement counts, as does a comment after a `;` on the same line. `A = B = 500` is "
            "reported once, naming the first SCREAMING_SNAKE_CASE target. Shifts and bitwise operators count "
            "as arithmetic (`MAX_SIZE = 1 << 20` is as magic as `1048576`). `1 - 1` is arithmetic and is not "
            "exempt; only a lone (signed) literal of value 0, 1 or -1 is. " + _NO_SOURCE
        ),
    )
)

CHS651 = register(
    Rule(
        code="CHS651",
        message="data literal '{name}' spans {count} lines with no provenance comment; say where the data comes "
        "from in a comment above it",
        summary="large module-level data literal without a provenance comment",
        section="§3 Inline Comments for Provenance",
        what=(
            "Opt-in; not in test files. Flags a module-level assignment to a name (also inside module-level blocks "
            "such as `if`/`try`; annotated assignments included) whose value is a list, tuple, set or dict "
            "display, or such a display wrapped in `frozenset(...)`, `set(...)`, `tuple(...)`, `list(...)` or "
            "`dict(...)`, that holds data (more than half of its leaves, the values its nested displays bottom "
            "out in, are literal strings, numbers, booleans or None) and spans at least "
            "`chs-max-undocumented-literal-lines` lines (default 20), when no provenance is found. Provenance "
            "is a comment in the module's header comment block (the comment lines before the first statement "
            "other than the module docstring, except a shebang and a coding line); a comment on the statement's "
            "first line or on the lines between it and the literal's first element; the nearest comment line "
            "above the statement, with only blank lines in between (a comment at the end of the previous "
            "statement's line belongs to that statement); or " + _DOCSTRING_SPOTS + " " + _COMMENT_RULES
            + " The finding is on the assignment statement."
        ),
        why=(
            "The guide: \"When data is generated or derived from external sources (AI, documentation, "
            "conversations), include inline comments documenting the source and method. This aids future "
            "maintenance and verification.\" Its example: `# This JSON blob was created with some prompt "
            "engineering and manually pasting portions of the OCSF documentation into a GenAI prompt.` above "
            "`OCSF_EVENT_CLASSES = [...]`."
        ),
        bad="OCSF_EVENT_CLASSES = [\n    {\"name\": \"file_activity\", \"uid\": 1001},\n    ...  # 300 more lines\n]",
        good=(
            "# This JSON blob was created with some prompt engineering and manually pasting portions of the OCSF\n"
            "# documentation into a GenAI prompt.\n#\n# See: https://schema.ocsf.io/1.1.0/\n"
            "OCSF_EVENT_CLASSES = [\n    {\"name\": \"file_activity\", \"uid\": 1001},\n    ...\n]"
        ),
        exemptions=(
            "literals shorter than the threshold",
            "tables of names or calls, such as dispatch tables (`{\"cwd\": os.getcwd, ...}`): when at most half of "
            "the leaves are literal constants, the literal is code, not data",
            "dunder targets such as `__all__` (the list of exported names documents itself)",
            "comprehensions, calls other than the five container constructors, strings (prompt templates are "
            "prose, not data) and assignments to attributes or subscripts",
            "an attribute docstring: a string statement on the line directly after the literal",
        ),
        options=("chs-max-undocumented-literal-lines",),
        mirror="partial",
        mirror_notes=(
            "The threshold is fixed at 20 lines: `chs-max-undocumented-literal-lines` cannot change the pack. The pack "
            "takes a literal for data when all its leaves are literal constants, the plugin when more than half are: "
            "mixed tables (`[\"a\", \"b\", DEFAULT]`) are flagged by the plugin only. Comments are found by their "
            "place among the statement's siblings, as rules cannot see line numbers, so the pack also takes as "
            "provenance: the nearest comment above even when it ends the line of the statement above (`A = \"x\"  # "
            "why`); for the first statement of a block, the comment of the block's header line (`else:  # POSIX`); a "
            "docstring directly above or below with blank lines in between; a comment at the end of the module "
            "docstring's last line. It does not take a comment on the statement's first line that comes after the "
            "literal's first element starts (`X = [\"a\",  # why` or `X = {\"a\":  # why`), which the plugin does. "
            "Statements after a `;` that ends the previous line count as sharing that line. The shebang and the coding "
            "line are recognised as the first one or two nodes of the file, not by their line numbers (1; 1 or 2): "
            "after leading blank lines they are judged differently. Test files: the pack skips the default test-file "
            "names only (`**/test_*.py`, `**/*_test.py`, `**/conftest.py`; `chs-test-files` cannot change it), and "
            "since ast-grep's `*` also matches `/` it skips every file below a folder whose name starts with `test_` "
            "too. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: no ruff rule asks for comments on data",
        decisions=(
            "Any comment text counts as provenance (the guide's provenance comments are free text such as "
            "\"# Pulled from ...\"); only tool directives do not. So a license header silences the rule for the "
            "whole file. The module docstring is not part of the header comment block (it usually describes "
            "the module, not the data), but counts like any docstring when it ends directly above the "
            "literal. Unlike CHS650, blank lines may separate a data literal from its comment: the gap above a "
            "large literal holds nothing else. A comment inside the literal before its first element counts as "
            "being on its first line; "
            "comments on the elements do not. The threshold counts the lines of the literal itself, from its "
            "opening to its closing bracket, and a literal of exactly that many lines is reported. " + _NO_SOURCE
        ),
    )
)


@dataclass(frozen=True)
class _Neighbours:
    """Where a statement stands in its block."""

    previous: Optional[ast.stmt]  # The statement before it in the same statement list
    following: Optional[ast.stmt]  # The statement after it in the same statement list
    code_end_before: int  # The last line of code before it (previous statement or block header); 0 at the top


class ConstantsDocsRules(Family):
    rules = (CHS650, CHS651)
    runs_on = "non-tests"

    def setup(self) -> None:
        self._neighbours: Dict[int, Dict[int, _Neighbours]] = {}  # id(parent) -> id(statement) -> neighbours
        self._line_code_end: Dict[Tuple[int, int], int] = {}  # (id(parent), line) -> last code line before it
        # (first line, last line) -> (byte column tokenized from, comments found as (line, byte column, text))
        self._comment_cache: Dict[Tuple[int, int], Tuple[int, List[Tuple[int, int, str]]]] = {}
        self._module: Optional[ast.Module] = None
        self._header_documented: Optional[bool] = None

    @visits(ast.Module)
    def module(self, node: ast.Module, parent: Optional[ast.AST]) -> None:
        self._module = node

    # -- CHS650 -------------------------------------------------------------------------------------------

    @visits(ast.Assign, ast.AnnAssign, code="CHS650")
    def numeric_constant(self, node: Union[ast.Assign, ast.AnnAssign], parent: Optional[ast.AST]) -> None:
        if self.walk.scopes or node.value is None or parent is None:
            return
        name = _first_constant_name(node)
        if name is None or not is_unexplained_number(node.value):
            return
        if not self._has_source(node) or self._is_documented_on_own_lines(node):
            return
        if self._is_documented_around(node, parent):
            return
        self.report(CHS650, node, name=name)

    def _is_documented_on_own_lines(self, node: ast.stmt) -> bool:
        comments = self._comments(node.lineno, node.col_offset, node.end_lineno)  # type: ignore[arg-type]
        return any(is_documenting_comment(text) for text in comments)

    # -- CHS651 -------------------------------------------------------------------------------------------

    @visits(ast.Assign, ast.AnnAssign, code="CHS651")
    def data_literal(self, node: Union[ast.Assign, ast.AnnAssign], parent: Optional[ast.AST]) -> None:
        if self.walk.scopes or node.value is None or parent is None:
            return
        count = node.value.end_lineno - node.value.lineno + 1  # type: ignore[operator]
        if count < self.file.options.max_undocumented_literal_lines:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [target.id for target in targets if isinstance(target, ast.Name) and not is_dunder(target.id)]
        if not names:
            return
        literal = _data_literal(node.value)
        if literal is None or not self._has_source(node):
            return
        if self._is_documented_at_opening(node, literal) or self._is_documented_around(node, parent, True):
            return
        if self._is_header_documented():
            return
        self.report(CHS651, node, name=names[0], count=count)

    def _is_documented_at_opening(self, node: ast.stmt, literal: ast.expr) -> bool:
        """A comment on the statement's first line, or between it and the literal's first element."""
        first = _first_element(literal)
        last_line = node.lineno if first is None else max(node.lineno, first.lineno - 1)
        comments = self._comments(node.lineno, node.col_offset, last_line)
        return any(is_documenting_comment(text) for text in comments)

    def _is_header_documented(self) -> bool:
        """Whether the module's header comment block (comments before the first statement but the docstring)
        says anything."""
        if self._header_documented is None:
            self._header_documented = False if self._module is None else _header_has_comment(
                self._module, self.file.lines
            )
        return self._header_documented

    # -- shared -------------------------------------------------------------------------------------------

    def _has_source(self, node: ast.stmt) -> bool:
        """Comments can only be judged when the source lines are at hand and cover the statement."""
        return len(self.file.lines) >= node.end_lineno  # type: ignore[operator]

    def _is_documented_around(self, node: ast.stmt, parent: ast.AST, across_blank_lines: bool = False) -> bool:
        """A comment line or docstring directly above, or an attribute docstring directly below.

        With ``across_blank_lines``, blank lines may stand between the comment and the statement (never code).
        """
        neighbours = self._neighbours_of(node, parent)
        if neighbours is None:
            return True  # Not found in its parent's statement lists: cannot judge, so stay quiet
        above = node.lineno - 1
        code_end = self._code_end_before_line(node, parent, neighbours)
        comment_line = above
        text = self.file.line(comment_line).strip()
        while across_blank_lines and not text and comment_line - 1 > code_end:
            comment_line -= 1
            text = self.file.line(comment_line).strip()
        if comment_line > code_end and text.startswith("#") and is_documenting_comment(text):
            return True
        previous, following = neighbours.previous, neighbours.following
        if previous is not None and _is_string_statement(previous) and previous.end_lineno == above:
            return True
        return following is not None and _is_string_statement(following) and following.lineno == (
            node.end_lineno + 1  # type: ignore[operator]
        )

    def _code_end_before_line(self, node: ast.stmt, parent: ast.AST, neighbours: _Neighbours) -> int:
        """The last line of code before the line ``node`` starts on.

        When statements share the line (`A = 2; B = 3`), that is the code before the first of them; when one of
        them starts on an earlier line, the line above is code, and the statement's own line is returned.
        """
        line = node.lineno
        if neighbours.code_end_before < line:
            return neighbours.code_end_before
        key = (id(parent), line)
        code_end = self._line_code_end.get(key)
        if code_end is None:
            code_end = line  # The block's header or a multi-line statement ends on this line
            current = neighbours
            while current.previous is not None and current.previous.lineno == line:
                found = self._neighbours_of(current.previous, parent)
                if found is None:
                    break
                current = found
                if current.code_end_before < line:
                    code_end = current.code_end_before
                    break
            self._line_code_end[key] = code_end
        return code_end

    def _neighbours_of(self, node: ast.stmt, parent: ast.AST) -> Optional[_Neighbours]:
        table = self._neighbours.get(id(parent))
        if table is None:
            table = self._neighbours[id(parent)] = neighbour_table(parent)
        return table.get(id(node))

    def _comments(self, first_line: int, byte_column: int, last_line: int) -> List[str]:
        """The comments from (first_line, byte_column) to the end of last_line; strings are skipped.

        Statements that share their lines share one tokenization: it starts at the leftmost statement asked
        about (they come in source order), and later ones keep the comments from their own column on, so a
        line of thousands of statements is read once.
        """
        key = (first_line, last_line)
        cached = self._comment_cache.get(key)
        if cached is None or cached[0] > byte_column:
            cached = self._comment_cache[key] = (
                byte_column, comments_in(self.file.lines, first_line, byte_column, last_line)
            )
        return [text for line, column, text in cached[1] if line > first_line or column >= byte_column]


def is_unexplained_number(value: ast.expr) -> bool:
    """A number or arithmetic of numbers only, other than a lone 0, 1 or -1."""
    operand = value.operand if isinstance(value, ast.UnaryOp) and isinstance(value.op, _SIGNS) else value
    if isinstance(operand, ast.Constant) and _is_number(operand.value):
        return operand.value not in SELF_EXPLAINING_NUMBERS
    pending: List[ast.expr] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Constant):
            if not _is_number(node.value):
                return False
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            pending.append(node.operand)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC_OPERATORS):
            pending.append(node.left)
            pending.append(node.right)
        else:
            return False
    return True


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, complex)) and not isinstance(value, bool)


def _first_constant_name(node: Union[ast.Assign, ast.AnnAssign]) -> Optional[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Name) and is_constant_name(target.id):
            return target.id
    return None


def is_constant_name(name: str) -> bool:
    """SCREAMING_SNAKE_CASE with at least one letter (`_` and `__` are not constants)."""
    return is_screaming_snake_case(name) and any(char.isalpha() for char in name) and not is_dunder(name)


def _data_literal(value: ast.expr) -> Optional[ast.expr]:
    """The display a value is, or wraps in one builtin container constructor, when it holds data; else None."""
    if (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _CONTAINER_CONSTRUCTORS
        and len(value.args) == 1 and not value.keywords
    ):
        value = value.args[0]
    if isinstance(value, _DISPLAYS) and is_mostly_constant(value):
        return value
    return None


def is_mostly_constant(literal: ast.expr) -> bool:
    """Whether more than half of a display's leaves are literal constants (strings, numbers, booleans, None).

    Leaves are what nested displays bottom out in; `-1` is a constant, and a `**mapping` entry is a leaf that is
    not. A table of names or calls (`{"subject": UniqueHeader, ...}`, a dispatch table) is code, not data.
    """
    constants = leaves = 0
    pending: List[ast.AST] = [literal]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            pending.extend(node.elts)
            continue
        if isinstance(node, ast.Dict):
            pending.extend(node.values)
            for key in node.keys:
                if key is None:
                    leaves += 1  # `**mapping`
                else:
                    pending.append(key)
            continue
        leaves += 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, _SIGNS):
            node = node.operand
        if isinstance(node, ast.Constant):
            constants += 1
    return constants * 2 > leaves


def _first_element(literal: ast.expr) -> Optional[ast.expr]:
    if isinstance(literal, ast.Dict):
        if not literal.values:
            return None
        key = literal.keys[0]
        return key if key is not None else literal.values[0]  # `{**base, ...}` has no key
    elements = literal.elts  # type: ignore[attr-defined]
    return elements[0] if elements else None


def _is_string_statement(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def is_documenting_comment(comment: str) -> bool:
    """Whether a comment says something to a reader: some part of it (between `#`s) is text that is not a tool
    directive."""
    return any(part.strip() and not _TOOL_DIRECTIVE.match(part) for part in comment.split("#"))


def comments_in(lines: Sequence[str], first_line: int, byte_column: int,
                last_line: int) -> List[Tuple[int, int, str]]:
    """The comments from (first_line, byte_column) to the end of last_line (1-based lines, UTF-8 byte columns),
    as (line, byte column, text).

    Only these lines are tokenized, starting where a statement starts; the tokenizer stops with an error at
    the end of the slice when a bracket or a string is still open, after having yielded every token before.
    """
    if first_line < 1 or last_line > len(lines) or first_line > last_line:
        return []
    first = lines[first_line - 1].encode("utf-8")[byte_column:].decode("utf-8", "replace")
    chunk = [first, *lines[first_line:last_line]]
    comments: List[Tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(chunk)).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                offset = byte_column if row == 1 else 0
                line_text = chunk[row - 1]
                comments.append((first_line + row - 1, offset + len(line_text[:column].encode("utf-8")), token.string))
    except (tokenize.TokenError, SyntaxError):
        pass  # An open bracket or string at the end of the slice: the comments before it are all found
    return comments


def neighbour_table(parent: ast.AST) -> Dict[int, _Neighbours]:
    """For each statement in ``parent``'s statement lists: its neighbours and where the code before it ends.

    The parent's fields are read in order (they are in source order for every block type), keeping the last
    line of code seen so far, so the whole table costs one pass over the parent's direct children.
    """
    table: Dict[int, _Neighbours] = {}
    code_end = 0 if isinstance(parent, ast.Module) else getattr(parent, "lineno", 0)
    for field in parent._fields:
        value = getattr(parent, field, None)
        if isinstance(value, list):
            holds_statements = field in STATEMENT_FIELDS
            for index, item in enumerate(value):
                if holds_statements and isinstance(item, ast.stmt):
                    previous = value[index - 1] if index else None
                    following = value[index + 1] if index + 1 < len(value) else None
                    table[id(item)] = _Neighbours(previous, following, code_end)
                code_end = max(code_end, _last_line(item))
        elif isinstance(value, ast.AST):
            code_end = max(code_end, _last_line(value))
    return table


def _last_line(node: object) -> int:
    """A node's last line; for nodes without positions (`withitem`, `match_case`), that of their children."""
    end = getattr(node, "end_lineno", None)
    if end is not None:
        return end
    last = 0
    for field in getattr(node, "_fields", ()):
        value = getattr(node, field, None)
        children = value if isinstance(value, list) else [value]
        for child in children:
            last = max(last, getattr(child, "end_lineno", None) or 0)
    return last


def _header_has_comment(module: ast.Module, lines: Sequence[str]) -> bool:
    """Any comment that says something before the module's first statement (the docstring aside)."""
    body = module.body
    docstring: Optional[Tuple[int, int]] = None
    first_code = body[0] if body else None
    if body and _is_string_statement(body[0]):
        docstring = (body[0].lineno, body[0].end_lineno)  # type: ignore[assignment]
        first_code = body[1] if len(body) > 1 else None
    stop = first_code.lineno if first_code is not None else len(lines) + 1
    for number in range(1, min(stop, len(lines) + 1)):
        if docstring is not None and docstring[0] <= number <= docstring[1]:
            continue
        text = lines[number - 1].strip()
        if not text.startswith("#"):
            continue
        if number == 1 and text.startswith("#!"):
            continue
        if number <= 2 and _CODING_COOKIE.match(text):
            continue
        if is_documenting_comment(text):
            return True
    return False
