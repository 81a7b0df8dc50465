"""The flake8 plugin: flake8 hands each parsed file to ``Plugin``; findings come back as flake8 expects them."""
import argparse
import ast
import logging
import sys
from typing import Any, ClassVar, Iterator, List, Optional, Sequence, Tuple, Type

from chris_style import __version__
from chris_style.collect import FileFacts
from chris_style.context import FileContext
from chris_style.engine import INTERNAL_ERROR_CODE, Engine, Finding
from chris_style.options import InvalidOptionValue, Options, add_flake8_options, options_from_flake8
from chris_style.registry import opt_in_codes
from chris_style.rules import FAMILIES

logger = logging.getLogger(__name__)

ENGINE = Engine([FileFacts, *FAMILIES])
_OPT_IN_CODES = frozenset(opt_in_codes())


def check_tree(tree: ast.AST, filename: str, options: Options, lines: Optional[Sequence[str]] = None) -> List[Finding]:
    """All findings for one parsed file, sorted by position: the in-process entry point.

    Opt-in rules run only when ``options.enabled_opt_in`` names them.
    """
    file = FileContext(filename, options, lines)
    disabled = _OPT_IN_CODES - options.enabled_opt_in
    findings = ENGINE.run(tree, file, disabled)
    if disabled:
        findings = [finding for finding in findings if finding[2][:6] not in disabled]
    return sorted(findings)


class Plugin:
    """flake8 ``tree`` plugin for every CHS code (entry point ``CHS``)."""

    name = "chris_style"
    version = __version__
    options: ClassVar[Options] = Options()
    _registered_twice: ClassVar[bool] = False
    _last_tree_id: ClassVar[int] = 0

    def __init__(self, tree: ast.AST, filename: str = "(none)", lines: Optional[Sequence[str]] = None):
        self._tree = tree
        self._filename = filename
        self._lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        try:
            add_flake8_options(option_manager)
        except argparse.ArgumentError:
            # A second copy of this distribution on sys.path (a stale *.egg-info next to an installed copy,
            # under another spelling of its name) registers the plugin twice; the options already exist.
            logger.debug("chris_style options already registered by another copy of the plugin")
            cls._registered_twice = True
            return
        option_manager.extend_default_ignore(opt_in_codes())

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        try:
            cls.options = options_from_flake8(options, opt_in_codes())
        except InvalidOptionValue as exc:
            # One line, like flake8's own option errors, instead of a traceback.
            sys.stderr.write(f"flake8: error: {exc}\n")
            raise SystemExit(2) from None

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        if self._registered_twice:
            # flake8 runs each registration on the same tree object, one after the other: report once.
            if Plugin._last_tree_id == id(self._tree):
                return
            Plugin._last_tree_id = id(self._tree)
        try:
            findings = check_tree(self._tree, self._filename, self.options, self._lines)
        except Exception as exc:  # noqa: B902 - the last guard: a bug outside any rule must not abort flake8
            logger.debug(f"{self._filename}: the engine failed", exc_info=exc)
            findings = [(1, 0, f"{INTERNAL_ERROR_CODE} internal error in the engine: {type(exc).__name__}: {exc}")]
        for line, column, message in findings:
            yield line, column, message, type(self)
