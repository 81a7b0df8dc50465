"""Run every ``.py`` file of the standard library through both engines; any crash fails the run.

The plugin runs as flake8 runs it: flake8 parses the options (``--select=CHS`` plus every opt-in code), reads
each file with its own ``FileProcessor`` (latin-1 fallback included), builds the tree and calls the plugin
through its ``FileChecker`` as ``run_ast_checks`` does. Only the CHS tree plugin is run (pycodestyle and
pyflakes would test nothing of ours), and the findings are counted without flake8's ``# noqa`` bookkeeping
(which tokenizes every file with findings: more than half the time). A file flake8 cannot read or parse is
skipped, as flake8 skips its plugins there.

The runner runs as ``chris-style check`` runs it: ``check_files`` with the installed pack, every rule
(opt-in included), on every core (``--jobs``).

A crash is an exception out of either engine, a ``CHS000`` finding, or a runner worker process dying. A
mismatch is a file Python cannot compile that the runner does not report as E999/E902, or one Python
compiles that the runner rejects. Prints the counts per engine and per code; exit status 1 on any crash
or mismatch.

    python benchmarks/corpus.py [--jobs N] [--limit N] [--paths FILE_OR_DIR ...]
"""
import argparse
import ast
import logging
import os
import resource
import sys
import sysconfig
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from flake8.checker import FileChecker as Flake8FileChecker
from flake8.exceptions import PluginExecutionFailed
from flake8.options.parse_args import parse_args
from flake8.plugins.finder import Checkers

import chris_style.sg.runner as runner_module
from chris_style.plugin import Plugin
from chris_style.registry import opt_in_codes
from chris_style.sg.pack import PACK_DIR, load_pack
from chris_style.sg.runner import CheckRequest, Selection, check_files, default_jobs, file_tasks

logger = logging.getLogger(__name__)

INTERNAL_ERROR_CODE = "CHS000"
REJECTION_CODES = ("E902", "E999")
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})
PLUGIN = "plugin"
RUNNER = "runner"


class NoChrisStylePlugin(Exception):
    def __init__(self):
        super().__init__("flake8 did not load the chris_style plugin: is the package installed?")


@dataclass
class EngineRun:
    """What one engine did with the corpus."""

    name: str
    files: int = 0
    rejected: Set[str] = field(default_factory=set)  # Files the engine could not read or parse
    codes: Counter = field(default_factory=Counter)
    crashes: List[str] = field(default_factory=list)
    seconds: float = 0.0  # Wall time
    cpu_seconds: float = 0.0  # User + system time, this process and its finished children


@dataclass
class CorpusResult:
    file_count: int
    plugin: EngineRun
    runner: EngineRun
    python_rejects: Set[str]
    mismatches: List[str]

    @property
    def crashes(self) -> List[str]:
        return [f"{engine.name}: {crash}" for engine in (self.plugin, self.runner) for crash in engine.crashes]

    @property
    def passed(self) -> bool:
        return not self.crashes and not self.mismatches


class _WarningCollector(logging.Handler):
    """Keeps the runner's warnings: "a worker process died" is a crash too."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stdlib_paths() -> List[str]:
    """Every ``.py`` file of the running interpreter's standard library, without site-packages."""
    return python_files([sysconfig.get_paths()["stdlib"]])


def python_files(paths: Sequence[str]) -> List[str]:
    """Files given by name, and every ``.py`` file under folders given by name, sorted per folder."""
    found: List[str] = []
    for path in paths:
        found.extend(sorted(_python_files_under(path)) if os.path.isdir(path) else [path])
    return found


def _python_files_under(root: str) -> Iterator[str]:
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]
        yield from (os.path.join(folder, name) for name in files if name.endswith(".py"))


def python_rejects(path: str) -> bool:
    """True when Python itself cannot read, decode (PEP 263) or parse the file."""
    try:
        with open(path, "rb") as handle:
            compile(handle.read(), path, "exec", ast.PyCF_ONLY_AST)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):  # UnicodeError is a ValueError
        return True
    return False


def _flake8_setup() -> Tuple[Checkers, argparse.Namespace]:
    """flake8's options parsed as for ``flake8 --select=CHS --extend-select=<every opt-in code>``, which
    hands them to the plugin; the checkers hold the CHS tree plugin only."""
    argv = ["--isolated", "--select=CHS", f"--extend-select={','.join(opt_in_codes())}"]
    plugins, options = parse_args(argv)
    ours = [loaded for loaded in plugins.checkers.tree if loaded.obj is Plugin]
    if not ours:
        raise NoChrisStylePlugin()
    return Checkers(tree=ours[:1], logical_line=[], physical_line=[]), options


def run_plugin(paths: Sequence[str]) -> EngineRun:
    run = EngineRun(PLUGIN)
    previous_options = Plugin.options
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    try:
        checkers, options = _flake8_setup()
        for path in paths:
            _plugin_on_file(path, checkers, options, run)
    finally:
        Plugin.options = previous_options  # parse_options set the class-wide options
    run.seconds, run.cpu_seconds = time.perf_counter() - start, _cpu_seconds() - cpu_start
    return run


def _plugin_on_file(path: str, checkers: Checkers, options: argparse.Namespace, run: EngineRun) -> None:
    run.files += 1
    try:
        checker = Flake8FileChecker(filename=path, plugins=checkers, options=options)
        if checker.processor is None:  # flake8 reports E902 and runs no plugin
            run.rejected.add(path)
            return
        if not checker.should_process:  # "# flake8: noqa" in the file
            return
        tree = checker.processor.build_ast()
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # flake8 reports E999: no plugin runs
        run.rejected.add(path)
        return
    try:
        for loaded in checkers.tree:  # As FileChecker.run_ast_checks, less its report() calls
            for line, _, text, _ in checker.run_check(loaded, tree=tree).run():
                code = text.split(" ", 1)[0]
                run.codes[code] += 1
                if code == INTERNAL_ERROR_CODE:
                    run.crashes.append(f"{path}:{line}: {text}")
    except PluginExecutionFailed as exc:
        run.crashes.append(f"{path}: {exc}")
    except Exception as exc:  # noqa: B902 - anything else is a crash, counted with its file
        run.crashes.append(f"{path}: {type(exc).__name__}: {exc}")


def run_runner(paths: Sequence[str], jobs: int) -> EngineRun:
    run = EngineRun(RUNNER)
    pack = load_pack(PACK_DIR)
    opt_in = tuple(rule.id for rule in pack.rules if rule.opt_in)
    request = CheckRequest(pack.sgconfig, tuple(Selection(extend_select=opt_in).rule_ids(pack)), _common_root(paths))
    collector = _WarningCollector()
    runner_module.logger.addHandler(collector)
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    try:
        for result in check_files(file_tasks(paths, request.glob_root), request, jobs, pack):
            run.files += 1
            for report in result.reports:
                run.codes[report.code] += 1
                if report.code in REJECTION_CODES:
                    run.rejected.add(result.path)
                elif report.code == INTERNAL_ERROR_CODE:
                    run.crashes.append(f"{result.path}:{report.line}: {report.code} {report.message}")
    except Exception as exc:  # noqa: B902 - the run ended early: a crash
        run.crashes.append(f"the run stopped after {run.files} files: {type(exc).__name__}: {exc}")
    finally:
        runner_module.logger.removeHandler(collector)
    run.seconds, run.cpu_seconds = time.perf_counter() - start, _cpu_seconds() - cpu_start
    run.crashes.extend(f"runner warning: {message}" for message in collector.messages)
    return run


def _common_root(paths: Sequence[str]) -> str:
    if not paths:
        return os.getcwd()
    root = os.path.commonpath([os.path.abspath(path) for path in paths])
    return root if os.path.isdir(root) else os.path.dirname(root)


def run_corpus(paths: Sequence[str], jobs: int) -> CorpusResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Invalid escape sequences in old test files warn at parse time
        plugin = run_plugin(paths)
        runner = run_runner(paths, jobs)
        # A file both engines parse is one Python parses: only the others need Python's own verdict.
        doubtful = sorted(plugin.rejected | runner.rejected)
        rejects = {path for path in doubtful if python_rejects(path)}
    mismatches = [f"{path}: Python cannot compile it, yet the runner gave no E999/E902"
                  for path in sorted(rejects - runner.rejected)]
    mismatches.extend(f"{path}: the runner rejected it, yet Python compiles it"
                      for path in sorted(runner.rejected - rejects))
    return CorpusResult(len(paths), plugin, runner, rejects, mismatches)


def _report(result: CorpusResult, root: str) -> None:
    write = sys.stdout.write
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    write(f"Python {sys.version.split()[0]}, {root}: {result.file_count} files, "
          f"{len(result.python_rejects)} that Python cannot compile; load average {load}\n")
    for engine in (result.plugin, result.runner):
        write(f"{engine.name}: {engine.files} files, {len(engine.rejected)} rejected (E902/E999), "
              f"{sum(engine.codes.values())} findings, {len(engine.crashes)} crashes, "
              f"{engine.seconds:.1f} s wall, {engine.cpu_seconds:.1f} s CPU\n")
    write(f"{'code':<8}{PLUGIN:>10}{RUNNER:>10}\n")
    for code in sorted({*result.plugin.codes, *result.runner.codes}):
        write(f"{code:<8}{result.plugin.codes.get(code, 0):>10}{result.runner.codes.get(code, 0):>10}\n")
    for line in (*result.crashes, *result.mismatches):
        write(f"{line}\n")
    write("PASS: no crash, no mismatch\n" if result.passed else
          f"FAIL: {len(result.crashes)} crashes, {len(result.mismatches)} mismatches\n")


def _parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--paths", nargs="+", help="files or folders (default: the standard library)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="runner worker processes")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parse_arguments(argv)
    paths = python_files(arguments.paths) if arguments.paths else stdlib_paths()
    paths = paths[:arguments.limit] if arguments.limit is not None else paths
    if not paths:
        sys.stderr.write("no Python file to check\n")
        return 2
    result = run_corpus(paths, arguments.jobs)
    _report(result, ", ".join(arguments.paths) if arguments.paths else sysconfig.get_paths()["stdlib"])
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
