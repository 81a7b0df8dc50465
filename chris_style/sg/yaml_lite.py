"""A reader for the subset of YAML that the ast-grep pack is written in (see the pack conventions).

Supported: block mappings and sequences (including sequences at the indentation of their parent key and
compact ``- key: value`` / ``- - item`` entries), flow sequences and mappings (``[a, b]``, ``{a: b}``, nested,
over several lines), plain, single-quoted and double-quoted scalars (over several lines, folded as YAML
folds them; every double-quote escape), ``|`` and ``>`` block scalars with ``-``/``+`` chomping and an
optional indentation digit, comments, and one document (an optional leading ``---``).

Plain scalars are resolved with YAML 1.2's core schema, as the ast-grep CLI (serde_yaml) reads them:
``null``/``~``/empty, ``true``/``false``, integers (decimal, ``0o`` octal, ``0x`` hex) and floats. So
``severity: off`` is the string ``"off"`` here and in the CLI, where PyYAML (YAML 1.1) would read ``False``.

Anything else (anchors, aliases, tags, directives, complex ``?`` keys, several documents, tabs used for
indentation, duplicate keys) raises ``YamlSubsetError`` naming the source, the line and the problem.
The parser keeps its own stack of open collections: nesting depth is not limited by Python's recursion.
"""
import logging
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

logger = logging.getLogger(__name__)

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")

_SIMPLE_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}
_FLOW_INDICATORS = ",[]{}"
_UNSUPPORTED_STARTS = {
    "&": "anchors are not supported",
    "*": "aliases are not supported",
    "!": "tags are not supported",
    "%": "directives are not supported",
    "@": "'@' cannot start a plain scalar",
    "`": "'`' cannot start a plain scalar",
}
_ROOT_INDENT = -1
_NO_KEY = object()


class YamlSubsetError(Exception):
    def __init__(self, source: str, line: int, problem: str):
        super().__init__(f"{source}:{line}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


def load_yaml(text: str, source: str = "<string>") -> Any:
    """The value of a one-document YAML text written in the supported subset."""
    return _Parser(text, source).parse()


def resolve_plain(text: str) -> Any:
    """A plain scalar's value under YAML 1.2's core schema."""
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text


@dataclass
class _Frame:
    """An open block collection."""

    indent: int
    value: Union[Dict[Any, Any], List[Any]]

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)


@dataclass
class _Slot:
    """A place waiting for a node: a mapping value, a sequence item or the document itself."""

    frame: Optional[_Frame]  # None for the document
    key: Any  # The mapping key or the sequence index
    min_indent: int  # A node that fills the slot starts at this column or deeper
    same_indent_sequence: Optional[int] = None  # A mapping value may be a sequence at the key's own column

    @property
    def parent_indent(self) -> int:
        return self.frame.indent if self.frame is not None else _ROOT_INDENT


@dataclass
class _FlowFrame:
    """An open flow collection and what it expects next."""

    value: Union[Dict[Any, Any], List[Any]]
    expect: str  # "item", "separator", "colon" (after a mapping key) or "value"
    key: Any = _NO_KEY
    line: int = 0


class _Parser:
    def __init__(self, text: str, source: str):
        if text.startswith("\ufeff"):
            text = text[1:]
        self._source = source
        self._ends_with_newline = text.endswith(("\n", "\r"))
        self._lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
        if self._ends_with_newline and self._lines and self._lines[-1] == "":
            self._lines.pop()
        self._root: Any = None
        self._stack: List[_Frame] = []
        self._pending: Optional[_Slot] = _Slot(None, None, 0)

    def _error(self, index: int, problem: str) -> YamlSubsetError:
        return YamlSubsetError(self._source, index + 1, problem)

    # -- the document -----------------------------------------------------------------------------------

    def parse(self) -> Any:
        index = 0
        started = False
        while index < len(self._lines):
            line = self._lines[index]
            content = line.strip(" \t")
            if not content or content.startswith("#"):
                index += 1
                continue
            if _is_marker(line, "---"):
                if started:
                    raise self._error(index, "several documents in one file are not supported")
                started = True
                rest = line[3:].strip(" \t")
                if rest and not rest.startswith("#"):
                    raise self._error(index, "content on the '---' line is not supported")
                index += 1
                continue
            if _is_marker(line, "..."):
                self._check_only_comments_after(index + 1)
                break
            if line.startswith("%"):
                raise self._error(index, "directives are not supported")
            started = True
            index = self._parse_line(index, self._indent_of(index))
        return self._root

    def _check_only_comments_after(self, index: int) -> None:
        for later in range(index, len(self._lines)):
            content = self._lines[later].strip(" \t")
            if content and not content.startswith("#"):
                raise self._error(later, "several documents in one file are not supported")

    def _indent_of(self, index: int) -> int:
        line = self._lines[index]
        indent = len(line) - len(line.lstrip(" "))
        if line[indent:indent + 1] == "\t":
            raise self._error(index, "tabs are not allowed in indentation")
        return indent

    # -- block structure --------------------------------------------------------------------------------

    def _parse_line(self, index: int, column: int) -> int:
        """Parse the node(s) that start at ``column`` of line ``index``; returns the next line to read."""
        line = self._lines[index]
        while True:
            text = line[column:]
            if _is_dash(text):
                sequence = self._collection_at(index, column, is_sequence=True)
                after = _skip_blanks(line, column + 1)
                items = sequence.value
                assert isinstance(items, list)
                items.append(None)
                self._pending = _Slot(sequence, len(items) - 1, column + 1)
                rest = line[after:]
                if not rest or rest.startswith("#"):
                    return index + 1
                column = after
                continue
            if text.startswith("? ") or text == "?":
                raise self._error(index, "complex '?' keys are not supported")
            key_and_column = self._split_key(index, column)
            if key_and_column is not None:
                key, value_column = key_and_column
                mapping = self._collection_at(index, column, is_sequence=False)
                entries = mapping.value
                assert isinstance(entries, dict)
                if key in entries:
                    raise self._error(index, f"duplicate key {key!r}")
                entries[key] = None
                after = _skip_blanks(line, value_column)
                rest = line[after:]
                if not rest or rest.startswith("#"):
                    self._pending = _Slot(mapping, key, column + 1, same_indent_sequence=column)
                    return index + 1
                if _is_dash(rest):
                    raise self._error(index, "a block sequence cannot start on the line of its key")
                self._pending = None
                value, next_index = self._parse_value(index, after, column)
                entries[key] = value
                return next_index
            slot = self._pending
            if slot is None or column < slot.min_indent:
                raise self._error(index, "unexpected content (wrong indentation, or a value without a key)")
            self._pending = None
            value, next_index = self._parse_value(index, column, slot.parent_indent)
            self._fill(slot, value)
            return next_index

    def _collection_at(self, index: int, column: int, is_sequence: bool) -> _Frame:
        """The block collection that a ``- `` entry or ``key:`` at ``column`` belongs to (opened if new)."""
        slot = self._pending
        self._pending = None
        if slot is not None and (
            column >= slot.min_indent or (is_sequence and slot.same_indent_sequence == column)
        ):
            frame = _Frame(column, [] if is_sequence else {})
            self._fill(slot, frame.value)
            self._stack.append(frame)
            return frame
        while self._stack and self._stack[-1].indent > column:
            self._stack.pop()
        if (
            not is_sequence
            and len(self._stack) >= 2
            and self._stack[-1].is_sequence
            and self._stack[-1].indent == column
            and not self._stack[-2].is_sequence
            and self._stack[-2].indent == column
        ):
            self._stack.pop()  # The end of a sequence written at its parent key's column
        if not self._stack or self._stack[-1].indent != column:
            raise self._error(index, "bad indentation")
        frame = self._stack[-1]
        if frame.is_sequence != is_sequence:
            expected = "a '- ' sequence entry" if frame.is_sequence else "a 'key: value' entry"
            raise self._error(index, f"expected {expected} at this indentation")
        return frame

    def _fill(self, slot: _Slot, value: Any) -> None:
        if slot.frame is None:
            self._root = value
        else:
            slot.frame.value[slot.key] = value

    def _split_key(self, index: int, column: int) -> Optional[Tuple[Any, int]]:
        """The mapping key that starts at ``column`` and the column after its ``:``, or None."""
        line = self._lines[index]
        first = line[column:column + 1]
        if first in ("[", "{"):
            return None
        if first in ("'", '"'):
            key, end_index, end_column = self._parse_quoted(index, column)
            if end_index != index:
                return None
            after = _skip_blanks(line, end_column)
            if line[after:after + 1] == ":" and line[after + 1:after + 2] in ("", " ", "\t"):
                return key, after + 1
            return None
        position = column
        while position < len(line):
            character = line[position]
            if character == "#" and position > column and line[position - 1] in " \t":
                return None
            if character == ":" and line[position + 1:position + 2] in ("", " ", "\t"):
                text = line[column:position].rstrip(" \t")
                if not text:
                    raise self._error(index, "empty keys are not supported")
                self._check_plain_start(index, text)
                return resolve_plain(text), position + 1
            position += 1
        return None

    def _check_plain_start(self, index: int, text: str) -> None:
        problem = _UNSUPPORTED_STARTS.get(text[:1])
        if problem is not None:
            raise self._error(index, problem)
        if text[:1] in ("|", ">"):
            raise self._error(index, "a block scalar cannot be a key")

    # -- values -----------------------------------------------------------------------------------------

    def _parse_value(self, index: int, column: int, parent_indent: int) -> Tuple[Any, int]:
        """The node starting at ``column`` of line ``index`` (not a block collection); returns it and the
        next line to read."""
        line = self._lines[index]
        first = line[column]
        if first in ("[", "{"):
            value, end_index, end_column = self._parse_flow(index, column)
            self._check_rest_is_comment(end_index, end_column)
            return value, end_index + 1
        if first in ("'", '"'):
            value, end_index, end_column = self._parse_quoted(index, column)
            self._check_rest_is_comment(end_index, end_column)
            return value, end_index + 1
        if first in ("|", ">"):
            return self._parse_block_scalar(index, column, parent_indent)
        return self._parse_plain(index, column, parent_indent)

    def _check_rest_is_comment(self, index: int, column: int) -> None:
        line = self._lines[index]
        rest = line[column:]
        stripped = rest.lstrip(" \t")
        if not stripped:
            return
        if stripped.startswith("#") and len(stripped) < len(rest):
            return
        if stripped.startswith(":"):
            raise self._error(index, "mapping values are not allowed here")
        raise self._error(index, f"unexpected text after a value: {stripped!r}")

    def _parse_plain(self, index: int, column: int, parent_indent: int) -> Tuple[Any, int]:
        line = self._lines[index]
        first_text = line[column:]
        self._check_plain_start(index, first_text)
        if first_text[:2] in ("- ", ": ", "? "):
            raise self._error(index, f"a plain scalar cannot start with {first_text[:2]!r}")
        segment, has_comment = self._plain_segment(index, column)
        parts = [segment]
        last_index = index
        next_index = index + 1
        blank_lines = 0
        while not has_comment and next_index < len(self._lines):
            following = self._lines[next_index]
            content = following.strip(" \t")
            if not content:
                blank_lines += 1
                next_index += 1
                continue
            indent = len(following) - len(following.lstrip(" "))
            if indent <= parent_indent or content.startswith("#"):
                break
            if indent == 0 and (_is_marker(following, "---") or _is_marker(following, "...")):
                break
            segment, has_comment = self._plain_segment(next_index, _skip_blanks(following, indent))
            parts.append("\n" * blank_lines if blank_lines else " ")
            parts.append(segment)
            blank_lines = 0
            last_index = next_index
            next_index += 1
        if len(parts) == 1:
            return resolve_plain(parts[0]), last_index + 1
        return "".join(parts), last_index + 1

    def _plain_segment(self, index: int, column: int) -> Tuple[str, bool]:
        """One line's part of a plain scalar in block context, and whether a comment ends it."""
        line = self._lines[index]
        position = column
        while position < len(line):
            character = line[position]
            if character == "#" and position > column and line[position - 1] in " \t":
                return line[column:position].rstrip(" \t"), True
            if character == ":" and line[position + 1:position + 2] in ("", " ", "\t"):
                raise self._error(index, "mapping values are not allowed here (quote the text)")
            position += 1
        return line[column:].rstrip(" \t"), False

    def _parse_block_scalar(self, index: int, column: int, parent_indent: int) -> Tuple[str, int]:
        line = self._lines[index]
        style = line[column]
        chomping = "clip"
        explicit_indent: Optional[int] = None
        position = column + 1
        while position < len(line) and line[position] not in " \t":
            indicator = line[position]
            if indicator in "+-" and chomping == "clip":
                chomping = "keep" if indicator == "+" else "strip"
            elif indicator in "123456789" and explicit_indent is None:
                explicit_indent = int(indicator)
            else:
                raise self._error(index, f"bad block scalar header {line[column:].strip()!r}")
            position += 1
        self._check_rest_is_comment(index, position)
        content_indent: Optional[int] = None
        if explicit_indent is not None:
            content_indent = max(parent_indent, 0) + explicit_indent
        body: List[str] = []
        next_index = index + 1
        while next_index < len(self._lines):
            following = self._lines[next_index]
            indent = len(following) - len(following.lstrip(" "))
            if not following.strip(" "):
                body.append(following[content_indent:] if content_indent is not None else "")
                next_index += 1
                continue
            if content_indent is None:
                if indent <= parent_indent:
                    break
                content_indent = indent
            if indent < content_indent:
                break
            body.append(following[content_indent:])
            next_index += 1
        last_content = max((number for number, text in enumerate(body) if text), default=-1)
        content = body[:last_content + 1]
        trailing = len(body) - len(content)
        text = "\n".join(content) if style == "|" else _fold_block_lines(content)
        final_break = "\n" if content and (next_index < len(self._lines) or self._ends_with_newline) else ""
        if chomping == "strip":
            value = text
        elif chomping == "clip":
            value = text + final_break
        else:
            value = text + final_break + "\n" * trailing
        return value, next_index

    def _parse_quoted(self, index: int, column: int) -> Tuple[str, int, int]:
        """A quoted scalar starting at ``column``: its value, and the line and column just after it."""
        quote = self._lines[index][column]
        double = quote == '"'
        chunks: List[str] = []
        trailing_blanks = 0  # Unescaped spaces and tabs at the end of ``chunks``
        escaped_break = False
        line_index = index
        line = self._lines[line_index]
        position = column + 1
        while True:
            if position >= len(line):
                if not escaped_break and trailing_blanks:
                    del chunks[-trailing_blanks:]
                trailing_blanks = 0
                line_index += 1
                blank_lines = 0
                while line_index < len(self._lines) and not self._lines[line_index].strip(" \t"):
                    blank_lines += 1
                    line_index += 1
                if line_index >= len(self._lines):
                    raise self._error(index, "unterminated quoted scalar")
                if blank_lines:
                    chunks.append("\n" * blank_lines)
                elif not escaped_break:
                    chunks.append(" ")
                escaped_break = False
                line = self._lines[line_index]
                position = _skip_blanks(line, 0)
                continue
            character = line[position]
            if character == quote:
                if not double and line[position + 1:position + 2] == "'":
                    chunks.append("'")
                    trailing_blanks = 0
                    position += 2
                    continue
                return "".join(chunks), line_index, position + 1
            if double and character == "\\":
                if position + 1 >= len(line):
                    escaped_break = True
                    position += 1
                    continue
                escaped, position = self._escape(line_index, line, position + 1)
                chunks.append(escaped)
                trailing_blanks = 0
                continue
            chunks.append(character)
            trailing_blanks = trailing_blanks + 1 if character in " \t" else 0
            position += 1

    def _escape(self, index: int, line: str, position: int) -> Tuple[str, int]:
        """The character a double-quote escape stands for (``position`` is just after the backslash)."""
        code = line[position]
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code], position + 1
        length = _HEX_ESCAPE_LENGTHS.get(code)
        digits = line[position + 1:position + 1 + length] if length else ""
        if length and len(digits) == length and all(digit in "0123456789abcdefABCDEF" for digit in digits):
            return chr(int(digits, 16)), position + 1 + length
        raise self._error(index, f"unknown escape sequence '\\{line[position:position + 1 + (length or 0)]}'")

    # -- flow collections -------------------------------------------------------------------------------

    def _parse_flow(self, index: int, column: int) -> Tuple[Any, int, int]:
        """A flow collection starting at ``column``: its value, and the line and column just after it."""
        frames: List[_FlowFrame] = []
        line_index, position = index, column
        while True:
            line_index, position = self._skip_flow_blanks(index, line_index, position)
            line = self._lines[line_index]
            character = line[position]
            top = frames[-1] if frames else None
            if character in "[{":
                if top is not None and top.expect not in ("item", "value"):
                    raise self._error(line_index, f"unexpected {character!r} in a flow collection")
                if top is not None and top.expect == "item" and isinstance(top.value, dict):
                    raise self._error(line_index, "collections as mapping keys are not supported")
                frames.append(_FlowFrame([] if character == "[" else {}, "item", line=line_index))
                position += 1
                continue
            if top is None:
                raise self._error(line_index, "expected a flow collection")
            if character in "]}":
                if (character == "]") != isinstance(top.value, list):
                    raise self._error(line_index, f"unexpected {character!r} in a flow collection")
                if top.expect == "value":
                    raise self._error(line_index, "a flow mapping key needs a value after ':'")
                if top.key is not _NO_KEY:
                    self._add_flow_entry(line_index, top, None)
                frames.pop()
                position += 1
                if not frames:
                    return top.value, line_index, position
                self._deliver_flow_node(line_index, frames[-1], top.value)
                continue
            if character == ",":
                if top.expect == "value":
                    raise self._error(line_index, "a flow mapping key needs a value after ':'")
                if top.expect == "item":
                    raise self._error(line_index, "empty entry in a flow collection")
                if top.key is not _NO_KEY:
                    self._add_flow_entry(line_index, top, None)
                top.expect = "item"
                position += 1
                continue
            if character == ":" and top.expect == "colon":
                top.expect = "value"
                position += 1
                continue
            if top.expect not in ("item", "value"):
                raise self._error(line_index, f"expected ',' in a flow collection, found {character!r}")
            if character in ("'", '"'):
                node, line_index, position = self._parse_quoted(line_index, position)
            else:
                node, line_index, position = self._parse_flow_plain(line_index, position)
            self._deliver_flow_node(line_index, top, node)

    def _skip_flow_blanks(self, start_index: int, line_index: int, position: int) -> Tuple[int, int]:
        """The next line and column with flow content, past blanks, line ends and comments."""
        while True:
            line = self._lines[line_index]
            position = _skip_blanks(line, position)
            at_comment = position < len(line) and line[position] == "#" and (
                position == 0 or line[position - 1] in " \t"
            )
            if position < len(line) and not at_comment:
                return line_index, position
            line_index += 1
            position = 0
            if line_index >= len(self._lines):
                raise self._error(start_index, "unterminated flow collection")

    def _deliver_flow_node(self, line_index: int, frame: _FlowFrame, node: Any) -> None:
        if isinstance(frame.value, list):
            frame.value.append(node)
            frame.expect = "separator"
        elif frame.expect == "item":
            if isinstance(node, (dict, list)):
                raise self._error(line_index, "collections as mapping keys are not supported")
            frame.key = node
            frame.expect = "colon"
        else:
            self._add_flow_entry(line_index, frame, node)
            frame.expect = "separator"

    def _add_flow_entry(self, line_index: int, frame: _FlowFrame, value: Any) -> None:
        entries = frame.value
        assert isinstance(entries, dict)
        if frame.key in entries:
            raise self._error(line_index, f"duplicate key {frame.key!r}")
        entries[frame.key] = value
        frame.key = _NO_KEY

    def _parse_flow_plain(self, line_index: int, position: int) -> Tuple[Any, int, int]:
        """A plain scalar inside a flow collection, possibly folded over several lines."""
        line = self._lines[line_index]
        self._check_plain_start(line_index, line[position:])
        parts: List[str] = []
        while True:
            start = position
            ended = False
            while position < len(line):
                character = line[position]
                if character in _FLOW_INDICATORS or (character == "#" and line[position - 1] in " \t") or (
                    character == ":" and line[position + 1:position + 2] in ("", " ", "\t", *_FLOW_INDICATORS)
                ):
                    ended = True
                    break
                position += 1
            parts.append(line[start:position].strip(" \t"))
            if ended:
                break
            following_index = line_index + 1
            while following_index < len(self._lines) and not self._lines[following_index].strip(" \t"):
                following_index += 1
            if following_index >= len(self._lines):
                break
            following = self._lines[following_index].lstrip(" \t")
            if following[:1] in ("#", ":") or following[:1] in _FLOW_INDICATORS:
                break
            blank_lines = following_index - line_index - 1
            parts.append("\n" * blank_lines if blank_lines else " ")
            line_index = following_index
            line = self._lines[line_index]
            position = _skip_blanks(line, 0)
        if not parts[0]:
            raise self._error(line_index, "empty entry in a flow collection")
        text = "".join(parts)
        return (resolve_plain(text) if len(parts) == 1 else text), line_index, position


def _fold_block_lines(lines: List[str]) -> str:
    """The content of a ``>`` block scalar: line breaks between two plain lines become spaces, and empty
    lines or more-indented lines keep their breaks."""
    chunks: List[str] = []
    previous: Optional[str] = None
    empty_lines = 0
    for line in lines:
        if not line:
            empty_lines += 1
            continue
        if previous is None:
            chunks.append("\n" * empty_lines)
        elif previous[0] not in " \t" and line[0] not in " \t":
            chunks.append("\n" * empty_lines if empty_lines else " ")
        else:
            chunks.append("\n" * (empty_lines + 1))
        chunks.append(line)
        previous = line
        empty_lines = 0
    return "".join(chunks)


def _is_dash(text: str) -> bool:
    return text == "-" or text.startswith(("- ", "-\t"))


def _is_marker(line: str, marker: str) -> bool:
    return line.startswith(marker) and line[3:4] in ("", " ", "\t")


def _skip_blanks(line: str, position: int) -> int:
    while position < len(line) and line[position] in " \t":
        position += 1
    return position
