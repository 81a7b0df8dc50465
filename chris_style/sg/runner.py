"""``chris-style check``: the pack's rules over files and folders, reported the way flake8 reports.

For each file: read the bytes, decode them as Python does (PEP 263: BOM, coding cookie, else UTF-8), check
the syntax with Python's own parser, parse once with tree-sitter, run the matcher, drop the findings that
``# noqa`` (flake8's semantics) or ``# ast-grep-ignore`` (the CLI's) suppress, and convert ast-grep's
code point columns to the UTF-8 byte columns flake8 prints.

A file that cannot be read or decoded gets one ``E902`` line; a file Python cannot parse gets flake8's
``E999`` line and no rule findings; a failure inside the matcher gets one ``CHS000`` line. The other files
are checked as usual. Files are spread over worker processes (the pack is loaded once per worker) and
their results come back in path order, one file at a time, so memory does not grow with the run.
"""
import ast
import bisect
import concurrent.futures
import fnmatch
import functools
import io
import logging
import os
import re
import symtable
import sys
import tokenize
import warnings
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from chris_style.sg.matcher import BATCH_CHARACTERS, Matcher, SgFinding, short_error
from chris_style.sg.pack import Pack, load_pack

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised by tox on 3.9 and 3.10
    import tomli as tomllib

logger = logging.getLogger(__name__)

READ_ERROR_CODE = "E902"
SYNTAX_ERROR_CODE = "E999"
INTERNAL_ERROR_CODE = "CHS000"
DEFAULT_SELECT = ("CHS",)
PYTHON_SUFFIX = ".py"
SKIPPED_FOLDERS = (
    ".git", ".hg", ".svn", ".bzr", "CVS", ".tox", ".nox", ".eggs", "*.egg", "*.egg-info", "venv", ".venv",
    "build", "dist", "__pycache__",
)
VIRTUALENV_MARKER = "pyvenv.cfg"
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
PYPROJECT = "pyproject.toml"
CONFIG_TABLE = "chris_style"
CONFIG_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "exclude")
MAX_FIX_ROUNDS = 5
PARALLEL_MIN_FILES = 8  # Below this, starting worker processes costs more than it saves
CHUNK_FILES = 256  # Files a worker checks at a time, at most (see _chunks)
# flake8's own pattern (flake8/defaults.py), so "# noqa" means exactly what it means to flake8.
NOQA_INLINE_REGEXP = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_COMMA_SEPARATED = re.compile(r"[,\s]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONE_LINE_FEED = re.compile(r"(?<!\r)\n")


class InvalidSettings(Exception):
    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")


@dataclass
class Report:
    """One line of output. Lines are 1-based; ``column`` is 1-based in UTF-8 bytes as flake8 prints it,
    ``char_column`` 1-based in code points; end columns point just past the end."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = "warning"
    end_line: int = 0
    end_column: int = 0
    char_column: int = 0
    end_char_column: int = 0

    def __reduce__(self) -> Tuple[type, Tuple[Any, ...]]:
        # Pickled as a plain tuple of fields: worker processes send tens of thousands of these.
        return Report, (self.path, self.line, self.column, self.code, self.message, self.severity, self.end_line,
                        self.end_column, self.char_column, self.end_char_column)


@dataclass
class FileResult:
    """Everything one file produced: reports in position order, fixes applied, problems met."""

    path: str
    reports: List[Report] = field(default_factory=list)
    failed: bool = False  # The file could not be read or decoded, or the runner failed on it
    fixed: Dict[str, int] = field(default_factory=dict)  # Code -> number of findings fixed
    fix_problems: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """``--select``/``--ignore`` and friends, resolved the way flake8 resolves them."""

    select: Tuple[str, ...] = DEFAULT_SELECT
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    extend_ignore: Tuple[str, ...] = ()

    def is_selected(self, code: str, opt_in: bool = False) -> bool:
        """The longest matching prefix decides (an equal ignore wins); an opt-in rule also needs its full
        code in ``select``/``extend-select``, as the flake8 plugin requires."""
        chosen = (*self.select, *self.extend_select)
        if opt_in and code not in chosen:
            return False
        selected = max((len(prefix) for prefix in chosen if code.startswith(prefix)), default=-1)
        ignored = max((len(prefix) for prefix in (*self.ignore, *self.extend_ignore) if code.startswith(prefix)),
                      default=-1)
        return selected >= 0 and selected > ignored

    def rule_ids(self, pack: Pack) -> List[str]:
        return [rule.id for rule in pack.rules if self.is_selected(rule.id, rule.opt_in)]


@dataclass(frozen=True)
class CheckRequest:
    """What a worker needs to check files: picklable, so each worker builds its own matcher."""

    sgconfig: str
    rule_ids: Tuple[str, ...]
    glob_root: str  # ``files``/``ignores`` globs are matched against paths relative to this folder
    fix: bool = False


@dataclass(frozen=True)
class FileTask:
    path: str  # As shown in the output
    glob_path: str  # As the globs see it


# -- settings ---------------------------------------------------------------------------------------------


def parse_code_list(value: Any) -> Tuple[str, ...]:
    """A comma or whitespace separated list (or a TOML list of such strings)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    codes: List[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected text, found {item!r}")
        codes.extend(part.strip() for part in _COMMA_SEPARATED.split(item) if part.strip())
    return tuple(codes)


def find_upwards(start: str, names: Sequence[str]) -> Optional[str]:
    """The nearest folder from ``start`` upwards that holds one of ``names``."""
    folder = os.path.abspath(start)
    while True:
        if any(os.path.exists(os.path.join(folder, name)) for name in names):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def project_root(start: str) -> str:
    """The project's root: the nearest folder upwards with pyproject.toml, setup.py, setup.cfg or .git."""
    return find_upwards(start, PROJECT_MARKERS) or os.path.abspath(start)


def load_settings(start: str) -> Tuple[Dict[str, Tuple[str, ...]], Optional[str]]:
    """``[tool.chris_style]`` of the nearest pyproject.toml: key -> values, and the file's path."""
    folder = find_upwards(start, (PYPROJECT,))
    if folder is None:
        return {}, None
    path = os.path.join(folder, PYPROJECT)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidSettings(path, f"cannot read it: {exc}") from None
    table = data.get("tool", {}).get(CONFIG_TABLE, {})
    if not isinstance(table, dict):
        raise InvalidSettings(path, f"[tool.{CONFIG_TABLE}] must be a table")
    settings: Dict[str, Tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in CONFIG_KEYS:
            known = ", ".join(CONFIG_KEYS)
            raise InvalidSettings(path, f"unknown key '{key}' in [tool.{CONFIG_TABLE}] (known: {known})")
        try:
            settings[key] = parse_code_list(value)
        except ValueError as exc:
            raise InvalidSettings(path, f"[tool.{CONFIG_TABLE}] {key}: {exc}") from None
    if "exclude" in settings:
        settings["exclude"] = normalize_patterns(settings["exclude"], folder)
    return settings, path


def normalize_patterns(patterns: Sequence[str], parent: str) -> Tuple[str, ...]:
    """flake8's normalisation of ``--exclude``: patterns with a '/' become absolute paths under ``parent``."""
    normalized = []
    for pattern in patterns:
        if pattern == "." or "/" in pattern or (os.altsep and os.altsep in pattern):
            pattern = os.path.abspath(os.path.join(parent, pattern))
        normalized.append(pattern.rstrip("/" + (os.altsep or "")))
    return tuple(normalized)


# -- finding the files ------------------------------------------------------------------------------------


def discover(paths: Sequence[str], exclude: Sequence[str]) -> List[str]:
    """The files to check, sorted as flake8 sorts its output: explicit files always; under folders, the
    ``.py`` files outside the skipped folders and ``exclude`` (flake8's matching: the base name or the
    absolute path). Folders are walked without recursion and symlinked folders are not followed."""
    found = set()
    visited_folders = set()
    for path in paths:
        if not os.path.isdir(path):
            found.add(path)
            continue
        pending = [path]
        while pending:
            folder = pending.pop()
            real = os.path.realpath(folder)
            if real in visited_folders:
                continue
            visited_folders.add(real)
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:
                logger.debug(f"{folder}: cannot list it ({exc})")
                continue
            for entry in entries:
                joined = os.path.join(folder, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if not _skipped_folder(joined, entry.name, exclude):
                        pending.append(joined)
                elif entry.name.endswith(PYTHON_SUFFIX) and not _excluded(joined, exclude):
                    found.add(joined)
    return sorted(found)


def _skipped_folder(path: str, name: str, exclude: Sequence[str]) -> bool:
    if any(fnmatch.fnmatch(name, pattern) for pattern in SKIPPED_FOLDERS):
        return True
    if os.path.exists(os.path.join(path, VIRTUALENV_MARKER)):
        return True
    return _excluded(path, exclude)


def _excluded(path: str, exclude: Sequence[str]) -> bool:
    if not exclude:
        return False
    basename = os.path.basename(path)
    if basename not in (".", "..") and any(fnmatch.fnmatch(basename, pattern) for pattern in exclude):
        return True
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute, pattern) for pattern in exclude)


def glob_path(path: str, glob_root: str) -> str:
    """The path the ``files``/``ignores`` globs see: relative to ``glob_root`` when inside it (as the CLI
    strips its sgconfig folder), else the path as given; always with '/'."""
    absolute = os.path.abspath(path)
    root = os.path.abspath(glob_root)
    if absolute.startswith(root.rstrip(os.sep) + os.sep):
        relative = os.path.relpath(absolute, root)
    else:
        relative = os.path.normpath(path)
    return relative.replace(os.sep, "/")


# -- checking one file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str  # Python codec name; "utf-8-sig" keeps the BOM when writing back


class UndecodableSource(Exception):
    def __init__(self, line: int, column: int, problem: str):
        super().__init__(problem)
        self.line = line
        self.column = column
        self.problem = problem


def decode_source(data: bytes) -> DecodedSource:
    """The text of a Python file as Python reads it (BOM, then a coding cookie in the first two lines, else
    UTF-8); raises UndecodableSource with the position of the problem."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" in str(exc):
            encoding = "utf-8"  # Undecodable bytes in the first two lines: report them below
        else:
            raise UndecodableSource(1, 1, f"SyntaxError: {exc}") from None
    try:
        return DecodedSource(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start:exc.start + 1].hex()
        name = "utf-8" if encoding == "utf-8-sig" else encoding
        raise UndecodableSource(line, column, f"UnicodeDecodeError: {name} cannot decode byte 0x{bad} ({exc.reason}); "
                                              "declare the file's encoding or save it as UTF-8") from None
    except LookupError as exc:
        raise UndecodableSource(1, 1, f"LookupError: {exc}") from None


def syntax_error(text: str) -> Optional[Tuple[int, int, str]]:
    """flake8's E999 for a source Python cannot parse: (line, 1-based column as flake8 prints it, text)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # Python's parser without building Python objects: a third cheaper than ast.parse or compile.
            symtable.symtable(text, "<file>", "exec")
            return None
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            pass
        try:
            ast.parse(text)  # flake8 parses with ast: an error only the symbol table finds is no E999
        except SyntaxError as exc:
            row, column = _syntax_error_position(exc)
            return row, column + 1, f"{SYNTAX_ERROR_CODE} {type(exc).__name__}: {exc.args[0]}"
        except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
            return 1, 1, f"{SYNTAX_ERROR_CODE} {type(exc).__name__}: {exc}"
    return None


def _syntax_error_position(exc: SyntaxError) -> Tuple[int, int]:
    """flake8's (checker._extract_syntax_information) row and 0-based column of a SyntaxError."""
    if not (len(exc.args) > 1 and exc.args[1] and len(exc.args[1]) > 2):
        return 1, 0
    token = exc.args[1]
    row, column = token[1] or 1, token[2] or 0
    if column > 0 and len(token) == 4 and token[3] is not None:
        # Python 3.9 and older: a 4-item token ending with the text parsed so far; flake8 counts from it.
        lines = token[3].rstrip("\n").split("\n")
        row -= len(lines) - 1
        column = min(column, len(lines[0])) - 1
    elif column > 0 and len(token) == 4:
        column -= 1
    return row, column


def noqa_suppresses(line_text: str, code: str) -> bool:
    """Whether a physical (or joined logical) line's ``# noqa`` covers ``code``, exactly as in flake8."""
    match = NOQA_INLINE_REGEXP.search(line_text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = [item.strip() for item in _COMMA_SEPARATED.split(codes_text) if item.strip()]
    return code in codes or code.startswith(tuple(codes))


def noqa_line_mapping(lines: Sequence[str]) -> Dict[int, str]:
    """flake8's map from a line to the text searched for ``# noqa``: the lines of a multi-line token
    (a triple-quoted string) or of a backslash-continued line are searched together."""
    mapping: Dict[int, str] = {}
    try:
        tokens = list(tokenize.generate_tokens(functools.partial(next, iter(lines), "")))
    except (tokenize.TokenError, SyntaxError):
        return mapping
    first = len(lines) + 2
    last = -1
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first = min(first, token.start[0])
        last = max(last, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[first - 1:last])
            mapping.update(dict.fromkeys(range(first, last + 1), joined))
            first, last = len(lines) + 2, -1
    return mapping


class LineTable:
    """Line starts of a text as Python and flake8 count lines (\\n, \\r\\n and \\r end a line)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def position(self, offset: int) -> Tuple[int, int]:
        """(1-based line, 0-based code point column) of a code point offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1]

    def line_text(self, number: int) -> str:
        if not 0 < number <= len(self.starts):
            return ""
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[self.starts[number - 1]:end]


class Positions:
    """flake8 positions of ast-grep matches in one text: ast-grep counts lines at \\n only, which is
    Python's count unless a lone \\r ends a line (then a LineTable counts); columns become UTF-8 bytes."""

    def __init__(self, text: str):
        self.text = text
        self.ascii = text.isascii()
        self.table = LineTable(text) if "\r" in text and text.count("\r") != text.count("\r\n") else None

    def of(self, offset: int, line: int, column: int) -> Tuple[int, int, int]:
        """(1-based line, 0-based code point column, 0-based byte column) of the code point ``offset``,
        which ast-grep placed at (1-based) ``line`` and (code point) ``column``."""
        if self.table is not None:
            line, column = self.table.position(offset)
        if self.ascii:
            return line, column, column
        return line, column, len(self.text[offset - column:offset].encode("utf-8"))


class FileChecker:
    """Checks one file at a time with one matcher (one per worker process)."""

    def __init__(self, request: CheckRequest, pack: Optional[Pack] = None):
        self.request = request
        self.pack = pack if pack is not None else load_pack(request.sgconfig)
        self.matcher = Matcher(self.pack, request.rule_ids)

    def check(self, task: FileTask) -> FileResult:
        return self.check_many([task])[0]

    def check_many(self, tasks: Sequence[FileTask]) -> List[FileResult]:
        """Results for the tasks, in order. The files Python can parse are matched together (the matcher
        parses them as few trees); a failure is retried file by file so that it stays with its file."""
        prepared = [self._prepare(task) for task in tasks]
        ready = [(task, result, source) for task, (result, source) in zip(tasks, prepared) if source is not None]
        found: Optional[List[List[SgFinding]]] = None
        try:
            found = self.matcher.check_many([(source.text, task.glob_path) for task, _, source in ready])
        except BaseException as exc:  # noqa: B902 - retried file by file below, where it is reported
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            logger.debug("matching several files failed; checking them one by one", exc_info=exc)
        for position, (task, result, source) in enumerate(ready):
            try:
                findings = found[position] if found is not None else self.matcher.check(source.text, task.glob_path)
                self._finish(task, source, self._without_noqa(source.text, findings), result)
            except BaseException as exc:  # noqa: B902 - one file's failure (even a Rust panic) must not end the run
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                logger.debug(f"{task.path}: the runner failed", exc_info=exc)
                result.reports = []
                _failed(result, 1, 1, f"{INTERNAL_ERROR_CODE} internal error: {short_error(exc)}")
        return [result for result, _ in prepared]

    def _prepare(self, task: FileTask) -> Tuple[FileResult, Optional[DecodedSource]]:
        """The file decoded, or its E902/E999 result (with no source to match)."""
        result = FileResult(task.path)
        try:
            with open(task.path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            return _failed(result, 0, 1, f"{READ_ERROR_CODE} {type(exc).__name__}: {exc}"), None
        try:
            source = decode_source(data)
        except UndecodableSource as exc:
            return _failed(result, exc.line, exc.column, f"{READ_ERROR_CODE} {exc.problem}"), None
        problem = syntax_error(source.text)
        if problem is None:
            return result, source
        row, column, message = problem
        if not noqa_suppresses(LineTable(source.text).line_text(row), SYNTAX_ERROR_CODE):
            _failed(result, row, column, message)
        return result, None

    def _finish(self, task: FileTask, source: DecodedSource, findings: List[SgFinding], result: FileResult) -> None:
        text = source.text
        if self.request.fix and any(finding.fix is not None for finding in findings):
            text, findings = self._fix(task, source, findings, result)
        positions = Positions(text)
        result.reports = [self._report(task.path, positions, finding) for finding in findings]

    def _findings(self, text: str, path: str) -> List[SgFinding]:
        return self._without_noqa(text, self.matcher.check(text, path))

    @staticmethod
    def _without_noqa(text: str, findings: List[SgFinding]) -> List[SgFinding]:
        """The findings that no ``# noqa`` comment covers (flake8's semantics)."""
        if not findings or not NOQA_INLINE_REGEXP.search(text):
            return findings
        lines = io.StringIO(text, newline=None).readlines()
        mapping = noqa_line_mapping(lines)
        positions = Positions(text)
        kept = []
        for finding in findings:
            line = positions.of(finding.start, finding.line, finding.column)[0]
            searched = mapping.get(line)
            if searched is None:
                searched = lines[line - 1] if line <= len(lines) else ""
            if not noqa_suppresses(searched, finding.code):
                kept.append(finding)
        return kept

    def _report(self, path: str, positions: Positions, finding: SgFinding) -> Report:
        line, char_column, byte_column = positions.of(finding.start, finding.line, finding.column)
        end_line, end_char_column, end_byte_column = positions.of(finding.end, finding.end_line, finding.end_column)
        return Report(
            path=path,
            line=line,
            column=byte_column + 1,
            code=finding.code,
            message=finding.message,
            severity="warning" if finding.severity == "off" else finding.severity,
            end_line=end_line,
            end_column=end_byte_column + 1,
            char_column=char_column + 1,
            end_char_column=end_char_column + 1,
        )

    def _fix(self, task: FileTask, source: DecodedSource, findings: List[SgFinding], result: FileResult
             ) -> Tuple[str, List[SgFinding]]:
        """Apply fixes until none is left (at most MAX_FIX_ROUNDS rounds), write the file back in its own
        encoding, and return the final text and findings."""
        text = source.text
        fixed: Counter = Counter()
        for _ in range(MAX_FIX_ROUNDS):
            new_text, applied = apply_edits(text, [finding for finding in findings if finding.fix is not None])
            if not applied:
                break
            if syntax_error(new_text) is not None:
                codes = ", ".join(sorted({finding.code for finding in applied}))
                result.fix_problems.append(f"{task.path}: fixes not applied ({codes}): the result would not parse")
                break
            text = new_text
            fixed.update(finding.code for finding in applied)
            findings = self._findings(text, task.glob_path)
            if not any(finding.fix is not None for finding in findings):
                break
        if not fixed:
            return text, findings
        try:
            encoded = text.encode(source.encoding)
            with open(task.path, "wb") as handle:
                handle.write(encoded)
        except (OSError, UnicodeEncodeError, LookupError) as exc:
            result.fix_problems.append(f"{task.path}: fixes not written: {type(exc).__name__}: {exc}")
            return source.text, self._findings(source.text, task.glob_path)
        result.fixed = dict(sorted(fixed.items()))
        return text, findings


def apply_edits(text: str, findings: Sequence[SgFinding]) -> Tuple[str, List[SgFinding]]:
    """The text with every fix that overlaps no earlier one applied (by position, then code), and the
    findings whose fixes were applied. Line breaks in replacements follow the file's (CRLF stays CRLF)."""
    crlf = "\r\n" in text
    applied: List[SgFinding] = []
    pieces: List[str] = []
    position = 0
    last_zero_width = -1
    for finding in sorted(findings, key=lambda item: (item.fix.start, item.fix.end, item.code)):
        edit = finding.fix
        if edit is None or edit.start < position or (edit.start == edit.end == last_zero_width):
            continue
        if text[edit.start:edit.end] == edit.replacement:
            continue
        replacement = _LONE_LINE_FEED.sub("\r\n", edit.replacement) if crlf else edit.replacement
        pieces.append(text[position:edit.start])
        pieces.append(replacement)
        position = edit.end
        if edit.start == edit.end:
            last_zero_width = edit.start
        applied.append(finding)
    pieces.append(text[position:])
    return "".join(pieces), applied


def _failed(result: FileResult, line: int, column: int, message: str) -> FileResult:
    code, text = message.split(" ", 1)
    result.reports.append(Report(result.path, line, column, code, text, "error"))
    result.failed = code != SYNTAX_ERROR_CODE
    return result


# -- running over many files ------------------------------------------------------------------------------

_WORKER: Optional[FileChecker] = None


def _start_worker(request: CheckRequest) -> None:
    global _WORKER
    _WORKER = FileChecker(request)


def _check_chunk_in_worker(tasks: List[FileTask]) -> List[FileResult]:
    assert _WORKER is not None
    return _WORKER.check_many(tasks)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def check_files(tasks: Sequence[FileTask], request: CheckRequest, jobs: int, pack: Optional[Pack] = None
                ) -> Iterator[FileResult]:
    """Results for every task, in the tasks' order: in worker processes for more than a handful of files,
    a chunk of files at a time (the matcher parses a chunk's files as few trees)."""
    chunks = _chunks(tasks)
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        checker = FileChecker(request, pack)
        for chunk in chunks:
            yield from checker.check_many(chunk)
        return
    done = 0
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                                    initargs=(request,)) as pool:
            for results in pool.map(_check_chunk_in_worker, chunks):
                done += 1
                yield from results
    except BrokenProcessPool:
        logger.warning("a worker process died; checking the remaining files one at a time")
        yield from _check_one_at_a_time([task for chunk in chunks[done:] for task in chunk], request)


def _check_one_at_a_time(tasks: Sequence[FileTask], request: CheckRequest) -> Iterator[FileResult]:
    """Results for every task, each file checked alone in one worker process: a file that kills the worker
    (a crash in native code, which no ``except`` catches) gets a ``CHS000`` line, and a new worker checks the
    files after it."""
    remaining = list(tasks)
    while remaining:
        done = 0
        try:
            with concurrent.futures.ProcessPoolExecutor(max_workers=1, initializer=_start_worker,
                                                        initargs=(request,)) as pool:
                for results in pool.map(_check_chunk_in_worker, [[task] for task in remaining]):
                    done += 1
                    yield from results
            return
        except BrokenProcessPool:
            crashed = remaining[done]
            logger.warning(f"the worker process died on {crashed.path}")
            yield _failed(FileResult(crashed.path), 1, 1,
                          f"{INTERNAL_ERROR_CODE} internal error: the checker crashed on this file (its worker "
                          "process died); the file is not checked")
            remaining = remaining[done + 1:]


def _chunks(tasks: Sequence[FileTask]) -> List[List[FileTask]]:
    """Consecutive tasks whose files add up to about one batch of the matcher (``BATCH_CHARACTERS`` bytes),
    at most ``CHUNK_FILES`` files: the matcher compiles its rules once per batch, so smaller chunks would
    compile them more often, larger ones would balance the work between processes worse."""
    chunks: List[List[FileTask]] = []
    chunk: List[FileTask] = []
    size = 0
    for task in tasks:
        try:
            length = os.path.getsize(task.path)
        except OSError:
            length = 0
        if chunk and (size + length > BATCH_CHARACTERS or len(chunk) >= CHUNK_FILES):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(task)
        size += length
    if chunk:
        chunks.append(chunk)
    return chunks


def file_tasks(paths: Iterable[str], glob_root: str) -> List[FileTask]:
    return [FileTask(path, glob_path(path, glob_root)) for path in paths]


def summarize_fixes(result: FileResult) -> Optional[str]:
    """``path: fixed N findings (CHS103 x2, CHS502 x1)``, or None when nothing was fixed."""
    if not result.fixed:
        return None
    total = sum(result.fixed.values())
    detail = ", ".join(f"{code} x{count}" for code, count in result.fixed.items())
    noun = "finding" if total == 1 else "findings"
    return f"{result.path}: fixed {total} {noun} ({detail})"
