"""Benchmark ``flake8 --select=CHS`` with the CHS plugin loaded against flake8 without it, on a stdlib subset.

flake8 runs every loaded tree plugin on every file whatever ``--select`` says (``FileChecker.run_ast_checks``
loops over all of them; the selection only filters what is reported), so ``--select=E,W,F`` against
``--select=E,W,F,CHS`` would measure nothing. "Without the plugin" therefore means the plugin not loaded:
both runs start flake8 from this interpreter through a small wrapper that keeps only the plugins of the
named distributions, namely what ``pip install flake8`` brings (flake8's reporters, pycodestyle, pyflakes,
mccabe), plus chris_style in one of the two. Other installed plugins (flake8-bugbear) are left out of both.

Both commands run once to warm up, then ``--repeat`` times, alternating, with ``-j`` processes; the fastest wall
time of each counts. Bytecode caching is on (in a temporary folder), as for an installed package: a machine with
PYTHONDONTWRITEBYTECODE=1 would make every run of an editable install compile chris_style from source. Exit
status 0 whatever the ratio: timings are too noisy to fail a CI run on.

    python benchmarks/bench_flake8.py [--files N] [--jobs N] [--repeat R]
"""
import argparse
import os
import resource
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

TARGET_RATIO = 1.10  # flake8 with the plugin may take at most 10% more wall time than without it
FLAKE8_OWN = ("flake8", "pycodestyle", "pyflakes", "mccabe")  # What `pip install flake8` brings
CHRIS_STYLE = "chris-style"
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})
# Runs flake8's own main() after narrowing plugin discovery to the distributions named in argv[1].
WRAPPER = (
    "import sys\n"
    "import flake8.plugins.finder as finder\n"
    "from flake8.main.cli import main\n"
    "from flake8.utils import normalize_pypi_name\n"
    "kept = set(sys.argv[1].split(','))\n"
    "found = finder.find_plugins\n"
    "finder.find_plugins = lambda *args: [plugin for plugin in found(*args)\n"
    "                                     if normalize_pypi_name(plugin.package) in kept]\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


class Flake8Failed(Exception):
    def __init__(self, command: Sequence[str], status: int, stderr: str):
        super().__init__(f"{' '.join(command[:6])} ... exited {status}: {stderr.strip()[-2000:]}")


@dataclass
class Timing:
    """The fastest wall time of one command, and its CPU time (user + system, all processes) in that run."""

    wall: float = float("inf")
    cpu: float = 0.0


def flake8_command(with_plugin: bool, arguments: Sequence[str]) -> List[str]:
    """flake8 from this interpreter, with only flake8's own plugins, and the CHS plugin when asked."""
    kept = (*FLAKE8_OWN, CHRIS_STYLE) if with_plugin else FLAKE8_OWN
    return [sys.executable, "-c", WRAPPER, ",".join(kept), "--isolated", *arguments]


def loaded_plugins(with_plugin: bool) -> str:
    """flake8's ``--version`` line as the wrapper sets it up: shows which plugins are loaded."""
    completed = subprocess.run(flake8_command(with_plugin, ["--version"]), capture_output=True, text=True)
    return " ".join(completed.stdout.split())


def stdlib_sample(count: int) -> List[str]:
    """``count`` files spread evenly over the sorted standard library (without site-packages)."""
    paths: List[str] = []
    for folder, subfolders, files in os.walk(sysconfig.get_paths()["stdlib"]):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]
        paths.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    paths.sort()
    step = max(1, len(paths) // max(count, 1))
    return paths[::step][:count]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bytecode_cache_env(folder: str) -> Dict[str, str]:
    """This process's environment with bytecode caching on, the caches kept under ``folder``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = folder
    return env


def timed_run(command: Sequence[str], timing: Timing, env: Dict[str, str], stdin: Optional[bytes] = None) -> None:
    """Run the command once; keep its wall and CPU time in ``timing`` when it is the fastest so far."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    completed = subprocess.run(command, input=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if completed.returncode not in (0, 1) or b"Traceback" in completed.stderr:
        raise Flake8Failed(command, completed.returncode, completed.stderr.decode(errors="replace"))
    if wall < timing.wall:
        timing.wall, timing.cpu = wall, _children_cpu() - cpu_before


def run_benchmark(files: Sequence[str], jobs: int, repeat: int) -> float:
    """Print both timings side by side and return the ratio (with / without)."""
    arguments = ["--select=CHS", f"--jobs={jobs}", *files]
    without, with_plugin = Timing(), Timing()
    with tempfile.TemporaryDirectory() as cache:
        env = bytecode_cache_env(cache)
        for with_chris_style in (False, True):  # Warm up: fill the bytecode caches and the file system cache
            timed_run(flake8_command(with_chris_style, arguments), Timing(), env)
        for _ in range(max(repeat, 1)):
            timed_run(flake8_command(False, arguments), without, env)
            timed_run(flake8_command(True, arguments), with_plugin, env)
    ratio = with_plugin.wall / without.wall
    write = sys.stdout.write
    write(f"files: {len(files)} from the stdlib; -j {jobs}; best of {repeat}; Python {sys.version.split()[0]}; "
          f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}\n")
    write(f"without: {loaded_plugins(False)}\n")
    write(f"with   : {loaded_plugins(True)}\n")
    write(f"flake8 --select=CHS without the plugin: {without.wall:7.2f} s wall, {without.cpu:7.2f} s CPU\n")
    write(f"flake8 --select=CHS with the plugin   : {with_plugin.wall:7.2f} s wall, {with_plugin.cpu:7.2f} s CPU\n")
    write(f"ratio (wall): {ratio:.3f}, plugin's share {(ratio - 1) * 100:+.1f}% (target <= "
          f"+{(TARGET_RATIO - 1) * 100:.0f}%); CPU ratio {with_plugin.cpu / max(without.cpu, 1e-9):.3f}\n")
    write("PASS\n" if ratio <= TARGET_RATIO else "FAIL\n")
    return ratio


def _parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=300, help="stdlib files to lint (spread evenly)")
    parser.add_argument("--jobs", type=int, default=2, help="flake8's -j")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the fastest counts")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parse_arguments(argv)
    files = stdlib_sample(arguments.files)
    if not files:
        sys.stderr.write("no stdlib file found\n")
        return 2
    run_benchmark(files, arguments.jobs, arguments.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
