"""Per-file facts shared by the rule families: the path, test-file status, lines, imports and classes.

Everything here is either cheap or lazy. Import bindings and module-level classes are filled in by the
engine's core collector during the single traversal, so rules should read them from their ``finish``
step (when the whole file has been seen).
"""
import ast
import fnmatch
import io
import logging
import os
import tokenize
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence

from chris_style.imports import ImportClassifier, ImportKind
from chris_style.options import Options

logger = logging.getLogger(__name__)

STDIN_NAMES = ("-", "stdin")

# Bases that mark a class without giving it framework hooks (RULES.md, "external base").
MARKER_BASES = frozenset(
    {
        "ABC", "Generic", "Protocol", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum",
        "NamedTuple", "TypedDict", "object",
        "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BufferError",
        "EOFError", "ImportError", "ModuleNotFoundError", "LookupError", "IndexError", "KeyError",
        "MemoryError", "NameError", "OSError", "EnvironmentError", "IOError", "RuntimeError",
        "NotImplementedError", "RecursionError", "SyntaxError", "SystemError", "TypeError", "ValueError",
        "UnicodeError", "UnicodeDecodeError", "UnicodeEncodeError", "ConnectionError", "TimeoutError",
        "FileExistsError", "FileNotFoundError", "PermissionError", "StopIteration",
        "Warning", "UserWarning", "DeprecationWarning", "RuntimeWarning",
    }
)


@dataclass(frozen=True)
class ImportBinding:
    """A name bound by an import statement."""

    name: str  # The name bound in the file
    module: str  # The module imported from (``a.b`` for ``import a.b as c`` and ``from a.b import c``)
    imported: Optional[str]  # The imported attribute for ``from`` imports, else None
    kind: ImportKind
    node: ast.stmt


class FunctionInfo:
    """Facts about one function or lambda, gathered by the engine's collector during the walk."""

    __slots__ = ("node", "enclosing", "returns_value", "yields")

    def __init__(self, node: ast.AST, enclosing: Sequence[ast.AST]):
        self.node = node
        self.enclosing = tuple(enclosing)  # Enclosing scopes, innermost last
        self.returns_value = False
        self.yields = False

    @property
    def owner_class(self) -> Optional[ast.ClassDef]:
        if self.enclosing and isinstance(self.enclosing[-1], ast.ClassDef):
            return self.enclosing[-1]
        return None

    @property
    def nested_in_function(self) -> bool:
        return any(not isinstance(scope, ast.ClassDef) for scope in self.enclosing)

    def is_public_hook(self, file: "FileContext") -> bool:
        """A public method of a class with an external base: its signature belongs to the framework."""
        owner = self.owner_class
        name = getattr(self.node, "name", "")
        return owner is not None and bool(name) and not name.startswith("_") and file.is_external_class(owner)


class FileContext:
    def __init__(self, filename: str, options: Options, lines: Optional[Sequence[str]] = None):
        self.filename = filename
        self.options = options
        self.is_stdin = filename in STDIN_NAMES
        self.basename = os.path.basename(filename)
        self.is_test = is_test_file(filename, options.test_files)
        self._lines = lines
        self.classifier = ImportClassifier(filename, options.first_party)
        self.imports: Dict[str, ImportBinding] = {}
        self.classes: Dict[str, ast.ClassDef] = {}
        self.functions: Dict[int, FunctionInfo] = {}  # id(node) -> facts, for functions and lambdas in order
        self._external_classes: Dict[str, bool] = {}

    @property
    def lines(self) -> Sequence[str]:
        """The file's lines (as flake8 hands them over); read from disk only when not given."""
        if self._lines is None:
            self._lines = _read_lines(self.filename)
        return self._lines

    def line(self, number: int) -> str:
        """Line ``number`` (1-based), or '' when out of range."""
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def blank_lines_between(self, first_line: int, last_line: int) -> int:
        """How many lines strictly between the two line numbers are blank."""
        return sum(1 for number in range(first_line + 1, last_line) if not self.line(number).strip())

    def comment_after(self, line_number: int, byte_column: int) -> Optional[str]:
        """The comment that follows column ``byte_column`` on a line, if the rest of the line is one."""
        rest = self.line(line_number).encode("utf-8")[byte_column:].decode("utf-8", "replace").strip()
        return rest if rest.startswith("#") else None

    # -- classes ------------------------------------------------------------------------------------------

    def is_external_class(self, node: ast.ClassDef) -> bool:
        """Whether a class derives from a stdlib or third-party class, directly or via classes in this file.

        Marker bases (``ABC``, ``Generic[...]``, ``Protocol``, enums, ``NamedTuple``, ``TypedDict``,
        ``object``, builtin exceptions) do not count. Call it once the whole file has been walked.
        """
        known = self._external_classes
        if id(node) in known:
            return known[id(node)]
        # Depth-first over same-file bases, remembering who led to whom: when an external base turns up,
        # every class on the path to it is external; when none does, no class reached is. Each class is
        # resolved once per file, so a long chain of subclasses stays linear.
        led_by: Dict[int, Optional[ast.ClassDef]] = {id(node): None}
        pending: List[ast.ClassDef] = [node]
        while pending:
            current = pending.pop()
            found = known.get(id(current)) is True or any(
                self._classify_base(base) is True for base in current.bases
            )
            if found:
                step: Optional[ast.ClassDef] = current
                while step is not None:
                    known[id(step)] = True
                    step = led_by[id(step)]
                return True
            if id(current) in known:
                continue  # Known not external
            for base in current.bases:
                verdict = self._classify_base(base)
                if isinstance(verdict, ast.ClassDef) and id(verdict) not in led_by:
                    led_by[id(verdict)] = current
                    pending.append(verdict)
        for class_id in led_by:
            known[class_id] = False
        return False

    def _classify_base(self, base: ast.expr) -> object:
        """True for an external base, a ClassDef for a same-file base, None otherwise."""
        if isinstance(base, ast.Subscript):
            base = base.value
        names = dotted_name(base)
        if names is None or names[-1] in MARKER_BASES:
            return None
        binding = self.imports.get(names[0])
        if binding is not None:
            if len(names) == 1 and binding.imported in MARKER_BASES:
                return None
            return True if binding.kind.is_external else None
        if len(names) == 1:
            return self.classes.get(names[0])
        return None

    def classify_module(self, module: str, level: int = 0) -> ImportKind:
        return self.classifier.classify(module, level)


def is_test_file(filename: str, patterns: Sequence[str]) -> bool:
    """Whether a file is a test file: a pattern without '/' matches the base name (``test_*.py``); one with
    '/' matches the end of the path (``tests/*.py`` matches ``/repo/tests/helpers.py``)."""
    path = filename.replace(os.sep, "/")
    basename = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatchcase(basename, pattern):
            return True
    return False


def dotted_name(node: ast.expr) -> Optional[List[str]]:
    """``a.b.c`` as ['a', 'b', 'c'] for Name/Attribute chains; None for anything else."""
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


def decorator_names(node: ast.AST) -> FrozenSet[str]:
    """Dotted names of a function's or class's decorators, calls unwrapped: ``@a.b(...)`` gives 'a.b'."""
    names = set()
    for decorator in getattr(node, "decorator_list", ()):
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        parts = dotted_name(decorator)
        if parts is not None:
            names.add(".".join(parts))
    return frozenset(names)


def _read_lines(filename: str) -> List[str]:
    if filename in STDIN_NAMES:
        return []
    try:
        with open(filename, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        logger.debug(f"Could not read {filename}: {exc}")
        return []
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        text = data.decode("utf-8", "replace")
    return split_lines(text)


def split_lines(text: str) -> List[str]:
    """Lines as Python and flake8 count them: only \\n, \\r\\n and \\r end a line.

    ``str.splitlines`` also splits at form feeds, U+2028 and others, which would shift every line number
    after them.
    """
    return io.StringIO(text, newline=None).readlines()
