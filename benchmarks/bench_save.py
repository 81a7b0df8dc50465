"""Benchmark lint-on-save: the CHS plugin on one ~2,000-line file, as flake8 runs it on standard input.

In-process: the file's lines as flake8 reads them from stdin, ``ast.parse`` of them, then the plugin with the
options flake8 parses for ``--select=CHS`` and the file name ``stdin`` (what an editor's ``flake8 -`` gives
it). Then ``flake8 --select=CHS -`` as a subprocess, the file on its standard input, with the plugin loaded
and without it (see bench_flake8.py for how the plugin is kept out, and why bytecode caching is turned on).
Each figure is the best of ``--repeat``, after one warm-up run.

The default file is the top-level standard library module whose length is nearest 2,000 lines.

    python benchmarks/bench_save.py [--file PATH] [--repeat R]
"""
import argparse
import ast
import io
import os
import sys
import sysconfig
import tempfile
import time
import tokenize
from typing import List, Optional, Sequence, Tuple

from flake8.options.parse_args import parse_args

from bench_flake8 import Timing, bytecode_cache_env, flake8_command, timed_run
from chris_style.plugin import Plugin

TARGET_LINES = 2000
STDIN_NAME = "stdin"


def stdlib_file_near(lines: int) -> str:
    """The top-level stdlib module whose line count is nearest ``lines``."""
    folder = sysconfig.get_paths()["stdlib"]
    candidates = sorted(name for name in os.listdir(folder) if name.endswith(".py"))
    return min((os.path.join(folder, name) for name in candidates), key=lambda path: abs(_line_count(path) - lines))


def _line_count(path: str) -> int:
    with open(path, "rb") as handle:
        return handle.read().count(b"\n")


def stdin_lines(data: bytes) -> List[str]:
    """The lines as flake8 reads them from stdin (``flake8.utils.stdin_get_lines``: PEP 263 decoding, universal
    newlines)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return list(io.StringIO(io.TextIOWrapper(io.BytesIO(data), encoding).read()))


def time_in_process(lines: List[str], repeat: int) -> Tuple[float, float, int]:
    """Best parse time, best plugin time, and the number of findings."""
    previous_options = Plugin.options
    parse_args(["--isolated", "--select=CHS"])  # flake8 hands its parsed options to Plugin.parse_options
    best_parse = best_plugin = float("inf")
    findings = 0
    try:
        for _ in range(max(repeat, 1)):
            start = time.perf_counter()
            tree = ast.parse("".join(lines))
            parsed = time.perf_counter()
            findings = len(list(Plugin(tree=tree, filename=STDIN_NAME, lines=lines).run()))
            checked = time.perf_counter()
            best_parse, best_plugin = min(best_parse, parsed - start), min(best_plugin, checked - parsed)
    finally:
        Plugin.options = previous_options
    return best_parse, best_plugin, findings


def _parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--file", default=None, help=f"the file (default: the stdlib module nearest {TARGET_LINES} "
                                                     "lines)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each measure; the fastest counts")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parse_arguments(argv)
    path = arguments.file or stdlib_file_near(TARGET_LINES)
    with open(path, "rb") as handle:
        data = handle.read()
    lines = stdin_lines(data)
    parse_seconds, plugin_seconds, findings = time_in_process(lines, arguments.repeat)
    command = ["--select=CHS", "-"]
    without, with_plugin = Timing(), Timing()
    with tempfile.TemporaryDirectory() as cache:
        env = bytecode_cache_env(cache)
        for with_chris_style in (False, True):  # Warm up: fill the bytecode caches
            timed_run(flake8_command(with_chris_style, command), Timing(), env, data)
        for _ in range(max(arguments.repeat, 1)):
            timed_run(flake8_command(False, command), without, env, data)
            timed_run(flake8_command(True, command), with_plugin, env, data)
    write = sys.stdout.write
    write(f"file: {path} ({len(lines)} lines, {findings} CHS findings); best of {arguments.repeat}; "
          f"Python {sys.version.split()[0]}; load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}\n")
    write(f"in process: ast.parse {parse_seconds * 1000:7.1f} ms, CHS plugin {plugin_seconds * 1000:7.1f} ms "
          f"({plugin_seconds / parse_seconds:.2f} x ast.parse)\n")
    write(f"flake8 --select=CHS - without the plugin: {without.wall * 1000:7.1f} ms wall\n")
    write(f"flake8 --select=CHS - with the plugin   : {with_plugin.wall * 1000:7.1f} ms wall "
          f"({(with_plugin.wall - without.wall) * 1000:+.1f} ms)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
