"""Fuzz both engines with hypothesmith programs: the long run of ``test_chris_style/test_robustness.py``.

Each program that ``compile()`` accepts goes through the flake8 plugin as flake8 calls it (options parsed by
flake8, every rule on, opt-in ones included) and/or through the runner's FileChecker (every pack rule), under a
test and a non-test file name. A crash is an exception, a ``CHS000`` finding, or an ``E902``/``E999`` line on a
program Python compiles; hypothesis shrinks it to a minimal program, which is printed. Exit 1 on a crash.

    python benchmarks/fuzz.py --examples 5000 --engine plugin|runner|both [--generator grammar|node|both]
"""
import argparse
import ast
import logging
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import hypothesis
import hypothesis.strategies as st
import hypothesmith
from flake8.options.parse_args import parse_args

from chris_style.plugin import Plugin
from chris_style.registry import opt_in_codes
from chris_style.sg.pack import default_pack
from chris_style.sg.runner import CheckRequest, FileChecker, FileTask

logger = logging.getLogger(__name__)

FILE_NAMES = ("module.py", "pkg/sub_module.py", "test_module.py", "tests/test_things.py", "conftest.py", "setup.py")
FAILURE_CODES = ("CHS000", "E902", "E999")


class EngineCrashed(Exception):
    """An engine failed on a program Python compiles."""


@dataclass
class Counts:
    generated: int = 0
    rejected: int = 0  # Programs compile() refuses
    checked: int = 0
    crashes: List[Tuple[str, str, str]] = field(default_factory=list)  # (file name, program, problem)


def compiles(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fuzz>", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


class Engines:
    """The plugin and/or the runner, ready to check one program at a time."""

    def __init__(self, engine: str, folder: str):
        self.engine = engine
        self.folder = folder
        self.checker: Optional[FileChecker] = None
        if engine in ("plugin", "both"):
            parse_args(["--isolated", "--select=CHS", f"--extend-select={','.join(opt_in_codes())}"])
        if engine in ("runner", "both"):
            pack = default_pack()
            self.checker = FileChecker(CheckRequest(pack.sgconfig, tuple(rule.id for rule in pack.rules), folder), pack)

    def problems(self, source: str, filename: str) -> List[str]:
        found: List[str] = []
        if self.engine in ("plugin", "both"):
            found.extend(f"plugin: {problem}" for problem in self.plugin_problems(source, filename))
        if self.checker is not None:
            found.extend(f"runner: {problem}" for problem in self.runner_problems(source, filename))
        return found

    @staticmethod
    def plugin_problems(source: str, filename: str) -> List[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
        try:
            findings = list(Plugin(tree, filename, source.splitlines(keepends=True)).run())
        except Exception as exc:  # noqa: B902 - any exception is the crash being looked for
            return [f"{type(exc).__name__}: {exc}"]
        return [message for _, _, message, _ in findings if message.startswith(FAILURE_CODES)]

    def runner_problems(self, source: str, filename: str) -> List[str]:
        assert self.checker is not None
        path = os.path.join(self.folder, filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(source)
        result = self.checker.check(FileTask(path, filename))
        problems = [f"{report.code} {report.message}" for report in result.reports if report.code in FAILURE_CODES]
        if result.failed and not problems:
            problems.append("failed without a report")
        return problems


def fuzz(engines: Engines, generator: str, examples: int) -> Counts:
    """Check ``examples`` programs; on a crash, hypothesis shrinks it and the last (minimal) one is kept."""
    counts = Counts()
    programs = hypothesmith.from_grammar() if generator == "grammar" else hypothesmith.from_node()

    @hypothesis.settings(max_examples=examples, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(source=programs, filename=st.sampled_from(FILE_NAMES))
    def check(source: str, filename: str) -> None:
        counts.generated += 1
        if not compiles(source):
            counts.rejected += 1
            hypothesis.reject()
        counts.checked += 1
        problems = engines.problems(source, filename)
        if problems:
            counts.crashes.append((filename, source, "; ".join(problems)))
            raise EngineCrashed(problems[0])

    try:
        check()
    except EngineCrashed:
        pass  # counts.crashes ends with the minimal program
    except hypothesis.errors.Unsatisfiable:
        logger.warning(f"{generator}: no generated program compiled")
    return counts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="programs per generator (default: 1000)")
    parser.add_argument("--engine", choices=("plugin", "runner", "both"), default="both")
    parser.add_argument("--generator", choices=("grammar", "node", "both"), default="both",
                        help="hypothesmith.from_grammar(), from_node() (about 0.3 s a program), or both")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="fuzz: %(message)s")
    warnings.simplefilter("ignore", SyntaxWarning)  # hypothesmith compiles what it generates, warnings and all
    generators = ("grammar", "node") if arguments.generator == "both" else (arguments.generator,)
    crashed = False
    with tempfile.TemporaryDirectory() as folder:
        engines = Engines(arguments.engine, folder)
        for generator in generators:
            started = time.perf_counter()
            counts = fuzz(engines, generator, arguments.examples)
            seconds = time.perf_counter() - started
            sys.stdout.write(f"{generator}: engine {arguments.engine}: {counts.generated} programs generated, "
                             f"{counts.rejected} rejected by compile(), {counts.checked} checked (shrinking "
                             f"included) in {seconds:.1f} s: {'CRASH' if counts.crashes else 'no crash'}\n")
            if counts.crashes:
                crashed = True
                filename, source, problem = counts.crashes[-1]
                sys.stdout.write(f"  minimal program ({filename}): {problem}\n")
                sys.stdout.write("".join(f"    | {line}\n" for line in source.splitlines()) or "    | (empty)\n")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
