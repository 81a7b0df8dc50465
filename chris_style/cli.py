"""The ``chris-style`` command: ``check`` runs the ast-grep pack with ast-grep-py (no other binary needed),
``sg-init`` points the ast-grep CLI and language server at the installed pack.

Exit status of ``check``: 0 when nothing is reported, 1 when findings (``E999`` syntax errors included, as
in flake8) are reported, 2 on errors: bad usage or settings, a pack that does not load, or a file that
cannot be read or decoded (``E902``) or that the runner failed on (``CHS000``); findings of the other files
are still reported. ``E902``, ``E999`` and ``CHS000`` are reported whatever ``--select``/``--ignore`` say.
"""
import argparse
import json
import logging
import os
import sys
from typing import Callable, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from chris_style import __version__
from chris_style.docs import rule_doc, rule_entry, rule_listing
from chris_style.registry import UnknownRuleCode, all_rules, get_rule
from chris_style.ruff_config import render as render_ruff_config
from chris_style.sg.formats import FORMATS, RuleInfo, Statistics, make_formatter, statistics_stream_is_stdout
from chris_style.sg.pack import PACK_DIR, SGCONFIG_NAME, InvalidPack, Pack, SgconfigExists, default_pack, load_pack, \
    write_sgconfig
from chris_style.sg.runner import DEFAULT_SELECT, CheckRequest, FileResult, InvalidSettings, Selection, check_files, \
    default_jobs, discover, file_tasks, load_settings, normalize_patterns, parse_code_list, project_root, \
    summarize_fixes

logger = logging.getLogger(__name__)

PROGRAM = "chris-style"
EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

Command = Tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


class UsageError(Exception):
    """A problem with the command line or the settings: one line, exit status 2."""


def main(argv: Optional[List[str]] = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(arguments, "verbose", False) else logging.WARNING,
                        format=f"{PROGRAM}: %(message)s", stream=sys.stderr)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return _COMMANDS[arguments.command][2](arguments)
    except (UsageError, InvalidPack, InvalidSettings, SgconfigExists) as exc:
        sys.stderr.write(f"{PROGRAM}: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, without a traceback at interpreter exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Chris's Python Coding Style Guide: the ast-grep rule pack, run without the ast-grep binary.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, _) in _COMMANDS.items():
        configure(subparsers.add_parser(name, help=help_text, description=help_text))
    return parser


# -- check --------------------------------------------------------------------------------------------------


def _configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files and folders to check (default: .)")
    parser.add_argument("--select", help="comma-separated codes or prefixes to report (default: CHS)")
    parser.add_argument("--extend-select", help="codes added to --select; opt-in rules (severity off in the pack) "
                                                "need their full code here or in --select")
    parser.add_argument("--ignore", help="comma-separated codes or prefixes not to report")
    parser.add_argument("--extend-ignore", help="codes added to --ignore")
    parser.add_argument("--exclude", help="comma-separated globs of files and folders to skip (base name or path, "
                                          "as flake8's --exclude)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--statistics", action="store_true", help="count findings per code after the findings")
    parser.add_argument("--fix", action="store_true",
                        help="apply the fixes of rules that have one and say on stderr what changed")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None,
                        help="worker processes (default: the number of CPUs)")
    parser.add_argument("--pack", help=f"an {SGCONFIG_NAME} (or its folder) to use instead of the installed pack")
    parser.add_argument("--verbose", action="store_true", help="log what the runner does on stderr")


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value!r}: not a whole number of at least 1")
    return int(value)


def _run_check(arguments: argparse.Namespace) -> int:
    cwd = os.getcwd()
    settings, _ = load_settings(cwd)
    selection = Selection(
        select=_codes(arguments.select, settings.get("select"), DEFAULT_SELECT),
        extend_select=_codes(arguments.extend_select, settings.get("extend-select"), ()),
        ignore=_codes(arguments.ignore, settings.get("ignore"), ()),
        extend_ignore=_codes(arguments.extend_ignore, settings.get("extend-ignore"), ()),
    )
    if arguments.exclude is not None:
        exclude = normalize_patterns(parse_code_list(arguments.exclude), cwd)
    else:
        exclude = settings.get("exclude", ())
    pack = load_pack(arguments.pack) if arguments.pack else default_pack()
    root = project_root(cwd)
    request = CheckRequest(pack.sgconfig, tuple(selection.rule_ids(pack)), root, arguments.fix)
    tasks = file_tasks(discover(arguments.paths or ["."], exclude), root)
    jobs = arguments.jobs or default_jobs()
    return _report(check_files(tasks, request, jobs, pack), arguments.format, arguments.statistics,
                   _rule_infos(pack, request.rule_ids))


def _codes(command_line: Optional[str], configured: Optional[Tuple[str, ...]], default: Tuple[str, ...]
           ) -> Tuple[str, ...]:
    """The command line wins over pyproject.toml, which wins over the default."""
    if command_line is not None:
        return parse_code_list(command_line)
    if configured is not None:
        return configured
    return default


def _rule_infos(pack: Pack, rule_ids: Sequence[str]) -> List[RuleInfo]:
    chosen = set(rule_ids)
    return [
        RuleInfo(rule.id, rule.message, "warning" if rule.severity == "off" else rule.severity)
        for rule in pack.rules if rule.id in chosen
    ]


def _report(results: Iterable[FileResult], format_name: str, statistics: bool, rules: Sequence[RuleInfo]) -> int:
    formatter = make_formatter(format_name, sys.stdout, rules)
    counts = Statistics()
    failed = found = False
    formatter.start()
    for result in results:
        formatter.add(result)
        for report in result.reports:
            counts.record(report)
        found = found or bool(result.reports)
        failed = failed or result.failed
        summary = summarize_fixes(result)
        for line in ([summary] if summary else []) + result.fix_problems:
            sys.stderr.write(line + "\n")
    formatter.finish()
    if statistics:
        stream: TextIO = sys.stdout if statistics_stream_is_stdout(format_name) else sys.stderr
        for line in counts.lines():
            stream.write(line + "\n")
    sys.stdout.flush()
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if found else EXIT_CLEAN


# -- sg-init ------------------------------------------------------------------------------------------------


def _configure_sg_init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", help="the project folder (default: the nearest folder upwards with pyproject.toml, "
                                       "setup.py, setup.cfg or .git, else the current folder)")
    parser.add_argument("--force", action="store_true", help=f"overwrite an existing {SGCONFIG_NAME}")
    parser.add_argument("--pack", help=f"the folder of the pack to point at (default: the installed pack, {PACK_DIR})")


def _run_sg_init(arguments: argparse.Namespace) -> int:
    root = os.path.abspath(arguments.root) if arguments.root else project_root(os.getcwd())
    if not os.path.isdir(root):
        raise UsageError(f"--root: {root} is not a folder")
    pack_dir = os.path.abspath(arguments.pack) if arguments.pack else PACK_DIR
    if os.path.basename(pack_dir) == SGCONFIG_NAME:
        pack_dir = os.path.dirname(pack_dir)
    load_pack(os.path.join(pack_dir, SGCONFIG_NAME))  # A pack that does not load is not worth pointing at
    path = write_sgconfig(root, pack_dir, __version__, arguments.force)
    sys.stdout.write(f"wrote {path}: `ast-grep scan` and `ast-grep lsp` there now apply the rules in {pack_dir}\n")
    return EXIT_CLEAN


# -- rules, rule ------------------------------------------------------------------------------------------


def _configure_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default): a header, then one aligned line per rule: code, default (on/off), "
                             "ast-grep mirror (full/partial/none), summary; json: a list of objects")


def _run_rules(arguments: argparse.Namespace) -> int:
    rules = all_rules()
    if arguments.format == "json":
        sys.stdout.write(json.dumps([rule_entry(rule) for rule in rules], indent=2) + "\n")
    else:
        sys.stdout.write(rule_listing(rules))
    return EXIT_CLEAN


def _configure_rule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code such as CHS101 (any case)")


def _run_rule(arguments: argparse.Namespace) -> int:
    try:
        rule = get_rule(arguments.code.strip().upper())
    except UnknownRuleCode:
        raise UsageError(f"unknown rule code {arguments.code!r} (`{PROGRAM} rules` lists them)") from None
    sys.stdout.write(rule_doc(rule))
    return EXIT_CLEAN


# -- ruff-config --------------------------------------------------------------------------------------------


def _configure_ruff_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pyproject", action="store_true",
                        help="print [tool.ruff] tables for pyproject.toml instead of a ruff.toml")
    parser.add_argument("--extend", metavar="FILE",
                        help="layer these settings on FILE (ruff's `extend`, relative to the written file), e.g. "
                             "your pyproject.toml: its `select` then keeps these ignores")


def _run_ruff_config(arguments: argparse.Namespace) -> int:
    sys.stdout.write(render_ruff_config(pyproject=arguments.pyproject, extend=arguments.extend))
    return EXIT_CLEAN


_COMMANDS: Dict[str, Command] = {
    "check": ("check files with the chris_style ast-grep rules, reporting as flake8 does", _configure_check,
              _run_check),
    "sg-init": (f"write an {SGCONFIG_NAME} at the project root that points at the installed rule pack",
                _configure_sg_init, _run_sg_init),
    "ruff-config": ("print ruff settings for the guide: keep `# noqa: CHS...`, select the ruff rules nearest to the "
                    "CHS rules the pack lacks, ignore ruff rules that contradict the guide", _configure_ruff_config,
                    _run_ruff_config),
    "rules": ("list every rule: code, default on/off, ast-grep mirror status, summary", _configure_rules, _run_rules),
    "rule": ("print a rule's full docs (what, why, examples, exemptions, options, how to turn it on, mirror, ruff)",
             _configure_rule, _run_rule),
}
