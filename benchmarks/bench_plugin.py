"""Benchmark the CHS plugin against ``ast.parse`` (and flake8-bugbear) over the standard library.

Each file is read, parsed and checked one at a time, exactly as flake8 hands it to a tree plugin
(``Plugin(tree=..., filename=..., lines=...)`` then ``list(plugin.run())``); the tree is dropped before the
next file, since garbage collection over thousands of live trees would distort the timings (the sources are
read once and kept as text). The whole loop runs ``--repeat`` times and the minimum total of each engine is
kept. Exit status 0 whatever the ratio: timings are too noisy to fail a CI run on.

    python benchmarks/bench_plugin.py [--limit N] [--repeat R] [--paths FILE_OR_DIR ...]
"""
import argparse
import ast
import io
import logging
import os
import sys
import sysconfig
import time
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from chris_style.plugin import Plugin

logger = logging.getLogger(__name__)

TARGET_RATIO = 0.6  # CHS may cost at most this much of ast.parse on the same files
PARSE = "ast.parse"
CHS = "CHS"
BUGBEAR = "bugbear"
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})
INTERNAL_ERROR_CODE = "CHS000"

Checker = Callable[[ast.AST, str, List[str]], int]


@dataclass
class OtherPlugin:
    """A plugin to compare with: how to run it on one file, and how to free what it keeps between files."""

    check: Checker
    release: Callable[[], None]


@dataclass
class SourceFile:
    """One readable, parseable file: its path, text and lines as flake8 would hand them over."""

    path: str
    source: str
    lines: List[str]


@dataclass
class PassTimes:
    """The seconds each engine spent in one pass over every file, and per file for CHS."""

    totals: Dict[str, float] = field(default_factory=dict)
    chs_per_file: Dict[str, Tuple[float, float]] = field(default_factory=dict)  # path -> (parse, CHS)
    internal_errors: List[Tuple[str, int]] = field(default_factory=list)  # (path, line) of CHS000 findings


@dataclass
class BenchmarkResult:
    """The minimum total per engine over all passes, and the files that could not be used."""

    file_count: int
    undecodable: int
    unparseable: int
    totals: Dict[str, float]
    slowest: List[Tuple[str, float, float]]  # (path, parse seconds, CHS seconds), most over budget first
    internal_errors: List[Tuple[str, int]]

    def ratio(self, engine: str) -> float:
        return self.totals[engine] / self.totals[PARSE] if self.totals.get(PARSE) else float("nan")

    @property
    def passed(self) -> bool:
        return self.ratio(CHS) <= TARGET_RATIO


def stdlib_paths() -> List[str]:
    """Every ``.py`` file of the running interpreter's standard library, ``test/`` folders included."""
    root = sysconfig.get_paths()["stdlib"]
    return sorted(_python_files_under(root))


def _python_files_under(root: str) -> Iterator[str]:
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name for name in subfolders
            if name not in SKIPPED_DIRS and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def expand_paths(paths: Sequence[str]) -> List[str]:
    """Files given by name, and the ``.py`` files under folders given by name."""
    found: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(sorted(_python_files_under(path)))
        else:
            found.append(path)
    return found


def _read_source(path: str) -> Optional[SourceFile]:
    """The file decoded as Python does it (coding cookie or UTF-8), or None when it cannot be decoded."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (OSError, SyntaxError, LookupError, UnicodeDecodeError):
        return None
    return SourceFile(path, source, source.splitlines(keepends=True))


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _bugbear() -> Optional[OtherPlugin]:
    try:
        from bugbear import BugBearChecker
    except ImportError:
        logger.debug("flake8-bugbear is not installed: measuring CHS alone")
        return None

    # What flake8 hands over by default; options=None would make bugbear log for every optional B9 finding.
    options = argparse.Namespace(
        select=None, extend_select=None, extend_immutable_calls=[], classmethod_decorators=["classmethod"],
        max_doc_length=None,
    )

    def run_bugbear(tree: ast.AST, path: str, lines: List[str]) -> int:
        checker = BugBearChecker(tree=tree, filename=path, lines=lines, max_line_length=79, options=options)
        return len(list(checker.run()))

    def release() -> None:
        # BugBearChecker.should_warn is an lru_cache keyed on the checker: it keeps up to 128 checkers, and
        # their trees, alive. Across the stdlib that is ~350,000 live objects, and every full garbage
        # collection (0.3 s each, over 100 per pass) would be charged to whichever engine happens to run.
        cache_clear = getattr(BugBearChecker.should_warn, "cache_clear", None)
        if cache_clear is not None:
            cache_clear()

    return OtherPlugin(run_bugbear, release)


def _time_one_pass(files: Sequence[SourceFile], bugbear: Optional[OtherPlugin]) -> PassTimes:
    times = PassTimes(totals={PARSE: 0.0, CHS: 0.0})
    if bugbear is not None:
        times.totals[BUGBEAR] = 0.0
    clock = time.perf_counter
    for source_file in files:
        start = clock()
        tree = ast.parse(source_file.source)
        parsed = clock()
        plugin = Plugin(tree=tree, filename=source_file.path, lines=source_file.lines)
        findings = list(plugin.run())
        checked = clock()
        times.totals[PARSE] += parsed - start
        times.totals[CHS] += checked - parsed
        times.chs_per_file[source_file.path] = (parsed - start, checked - parsed)
        times.internal_errors.extend(
            (source_file.path, line) for line, _, message, _ in findings if message.startswith(INTERNAL_ERROR_CODE)
        )
        if bugbear is not None:
            start = clock()
            bugbear.check(tree, source_file.path, source_file.lines)
            times.totals[BUGBEAR] += clock() - start
            bugbear.release()
        del tree, plugin, findings  # One live tree at a time
    return times


def _usable_files(paths: Sequence[str]) -> Tuple[List[SourceFile], int, int]:
    """The files to measure, and how many could not be decoded or parsed (checked one tree at a time)."""
    files: List[SourceFile] = []
    undecodable = unparseable = 0
    for path in paths:
        source_file = _read_source(path)
        if source_file is None:
            undecodable += 1
        elif not _parses(source_file.source):
            unparseable += 1
        else:
            files.append(source_file)
    return files, undecodable, unparseable


def run_benchmark(paths: Sequence[str], repeat: int, top: int) -> BenchmarkResult:
    """Time every engine over ``paths``, ``repeat`` times, keeping each engine's minimum total."""
    files, undecodable, unparseable = _usable_files(paths)
    bugbear = _bugbear()
    best: Dict[str, float] = {}
    per_file: Dict[str, Tuple[float, float]] = {}
    internal_errors: List[Tuple[str, int]] = []
    for attempt in range(max(repeat, 1)):
        times = _time_one_pass(files, bugbear)
        logger.debug(f"pass {attempt + 1}: {times.totals}")
        for engine, seconds in times.totals.items():
            best[engine] = min(seconds, best.get(engine, seconds))
        for path, (parse_seconds, chs_seconds) in times.chs_per_file.items():
            previous = per_file.get(path, (parse_seconds, chs_seconds))
            per_file[path] = (min(previous[0], parse_seconds), min(previous[1], chs_seconds))
        internal_errors = times.internal_errors
    # The files that cost CHS the most time beyond its budget (TARGET_RATIO x their parse time).
    slowest = sorted(
        ((path, parse_seconds, chs_seconds) for path, (parse_seconds, chs_seconds) in per_file.items()),
        key=lambda entry: entry[2] - TARGET_RATIO * entry[1],
        reverse=True,
    )[:top]
    return BenchmarkResult(len(files), undecodable, unparseable, best, slowest, internal_errors)


def _report(result: BenchmarkResult) -> None:
    skipped = f"{result.undecodable} undecodable, {result.unparseable} rejected by ast.parse"
    logger.info(f"files: {result.file_count} measured ({skipped}); Python {sys.version.split()[0]}")
    for engine in (PARSE, CHS, BUGBEAR):
        if engine in result.totals:
            ratio = "" if engine == PARSE else f"  ({result.ratio(engine):.2f} x ast.parse)"
            logger.info(f"{engine:>10}: {result.totals[engine]:8.3f} s{ratio}")
    if result.slowest:
        logger.info("files most over the CHS budget (CHS/parse, parse s, CHS s):")
        for path, parse_seconds, chs_seconds in result.slowest:
            ratio = chs_seconds / max(parse_seconds, 1e-9)
            logger.info(f"  {ratio:6.2f}  {parse_seconds:.4f}  {chs_seconds:.4f}  {path}")
    for path, line in result.internal_errors:
        logger.info(f"{INTERNAL_ERROR_CODE} internal error reported in {path}:{line}")
    logger.info(f"target: CHS <= {TARGET_RATIO} x ast.parse")
    logger.info("PASS" if result.passed else "FAIL")


def _parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--paths", nargs="+", help="files or folders to measure (default: the standard library)")
    parser.add_argument("--limit", type=int, default=None, help="measure only the first N files")
    parser.add_argument("--repeat", type=int, default=3, help="passes over all files; the minimum counts")
    parser.add_argument("--top", type=int, default=5, help="list the N files that cost CHS the most beyond its budget")
    parser.add_argument("--verbose", action="store_true", help="log each pass's totals")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    logger.setLevel(logging.DEBUG if arguments.verbose else logging.INFO)
    paths = expand_paths(arguments.paths) if arguments.paths else stdlib_paths()
    if arguments.limit is not None:
        paths = paths[:arguments.limit]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Invalid escape sequences in old test files warn at parse time
        result = run_benchmark(paths, arguments.repeat, arguments.top)
    if not result.file_count:
        logger.error("no file to measure")
        return 2
    _report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
