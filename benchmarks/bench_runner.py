"""Benchmark ``chris-style check`` against ``ast-grep scan`` with the same pack on the same files.

Both run as subprocesses on every core the machine gives (``--jobs``), writing JSON to /dev/null; the
runner gets exactly the rules the CLI runs (every rule whose severity is not ``off``). The files are the
``.py`` files the runner discovers under ``--folder`` (default: the running interpreter's standard library,
without site-packages), given to both tools by name. Each tool runs ``--repeat`` times, alternating, and
the fastest wall time of each counts. The runner's peak RSS (largest process of its tree) is read with
``resource.getrusage(RUSAGE_CHILDREN)`` in a separate wrapper process, so that nothing else counts.

The pack defaults to the installed one (``--pack synthetic``: ``benchmarks/synthetic_pack``, 30 rules of
varied kinds). Measured on the 2-core development machine, quiet, CPython 3.11.7 stdlib (1,788 files),
installed pack (31 default rules): ``ast-grep scan`` 23.96 s wall, the runner 33.52 s (1.40 x).

    python benchmarks/bench_runner.py [--folder DIR] [--pack SGCONFIG|installed|synthetic] [--repeat N] [--jobs N]
"""
import argparse
import logging
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

from chris_style.sg.pack import PACK_DIR, SGCONFIG_NAME, Pack, load_pack, sgconfig_text
from chris_style.sg.runner import default_jobs, discover

logger = logging.getLogger(__name__)

TARGET_RATIO = 1.5  # The runner may take at most this much of ast-grep scan's wall time
SYNTHETIC_PACK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic_pack")
STDLIB_SKIPPED = ("site-packages", "dist-packages")
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'rb') as arguments:\n"
    "    command = arguments.read().decode('utf-8').split('\\0')\n"
    "subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
)


@dataclass
class Timing:
    """The fastest wall time of one tool, and its CPU time (user + system, all processes) in that run."""

    wall: float = float("inf")
    cpu: float = 0.0


def stdlib_folder() -> str:
    return sysconfig.get_paths()["stdlib"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_run(command: Sequence[str], timing: Timing) -> None:
    cpu_before = _children_cpu()
    start = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if completed.returncode not in (0, 1, 2) or b"Traceback" in completed.stderr:
        raise RuntimeError(f"{command[0]} exited {completed.returncode}: {completed.stderr.decode(errors='replace')}")
    if wall < timing.wall:
        timing.wall = wall
        timing.cpu = _children_cpu() - cpu_before


def _peak_rss_kib(command: Sequence[str], scratch: str) -> int:
    """The largest resident set size (KiB) of any process of the command's tree."""
    arguments = os.path.join(scratch, "rss-command")
    with open(arguments, "wb") as handle:
        handle.write("\0".join(command).encode("utf-8"))
    completed = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, arguments], capture_output=True, text=True)
    return int(completed.stdout.strip() or 0)


def runner_command(sgconfig: str, rule_ids: Sequence[str], jobs: int, files: Sequence[str]) -> List[str]:
    return [
        sys.executable, "-m", "chris_style", "check", "--pack", sgconfig, "--select", ",".join(rule_ids),
        "--format", "json", "--jobs", str(jobs), *files,
    ]


def cli_command(sgconfig: str, jobs: int, files: Sequence[str]) -> List[str]:
    return ["ast-grep", "scan", "--config", sgconfig, "--json=stream", "--threads", str(jobs), *files]


def run_benchmark(pack: Pack, files: Sequence[str], repeat: int, jobs: int) -> None:
    rule_ids = [rule.id for rule in pack.rules if not rule.opt_in]
    with tempfile.TemporaryDirectory() as scratch:
        sgconfig = os.path.join(scratch, SGCONFIG_NAME)
        with open(sgconfig, "w", encoding="utf-8") as handle:
            handle.write(sgconfig_text(pack.root, "benchmark"))
        runner = runner_command(pack.sgconfig, rule_ids, jobs, files)
        cli = cli_command(sgconfig, jobs, files)
        runner_timing, cli_timing = Timing(), Timing()
        for attempt in range(max(repeat, 1)):
            _timed_run(cli, cli_timing)
            _timed_run(runner, runner_timing)
            logger.debug(f"pass {attempt + 1}: runner {runner_timing.wall:.2f} s, ast-grep {cli_timing.wall:.2f} s")
        runner_rss = _peak_rss_kib(runner, scratch)
        cli_rss = _peak_rss_kib(cli, scratch)
    ratio = runner_timing.wall / cli_timing.wall
    logger.info(f"files: {len(files)}; rules: {len(rule_ids)}; jobs: {jobs}; Python {sys.version.split()[0]}")
    logger.info(f"ast-grep scan : {cli_timing.wall:7.2f} s wall, {cli_timing.cpu:7.2f} s CPU, "
                f"peak RSS {cli_rss / 1024:6.1f} MiB")
    logger.info(f"chris-style   : {runner_timing.wall:7.2f} s wall, {runner_timing.cpu:7.2f} s CPU, "
                f"peak RSS {runner_rss / 1024:6.1f} MiB")
    logger.info(f"ratio (wall)  : {ratio:.2f} x ast-grep scan (target <= {TARGET_RATIO})")
    logger.info("PASS" if ratio <= TARGET_RATIO else "FAIL")


def _parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--folder", default=None, help="the folder to check (default: the standard library)")
    parser.add_argument("--pack", default="installed",
                        help="an sgconfig.yml or its folder, 'installed' for the installed pack (the default), or "
                             "'synthetic' for benchmarks/synthetic_pack (30 rules of varied kinds)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool; the fastest counts")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes/threads for both tools")
    parser.add_argument("--limit", type=int, default=None, help="check only the first N files")
    parser.add_argument("--verbose", action="store_true", help="log each pass")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    logger.setLevel(logging.DEBUG if arguments.verbose else logging.INFO)
    if shutil.which("ast-grep") is None:
        logger.error("ast-grep is not installed (pip install ast-grep-cli)")
        return 2
    named = {"installed": PACK_DIR, "synthetic": SYNTHETIC_PACK}
    pack = load_pack(named.get(arguments.pack, arguments.pack))
    folder = arguments.folder or stdlib_folder()
    files = discover([folder], STDLIB_SKIPPED)
    if arguments.limit is not None:
        files = files[:arguments.limit]
    if not files:
        logger.error(f"no Python file under {folder}")
        return 2
    run_benchmark(pack, files, arguments.repeat, arguments.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
