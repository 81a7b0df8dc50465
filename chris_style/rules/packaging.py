"""CHS9: packaging (§7 Dependencies & Tooling); files named setup.py only."""
import ast
import logging
import os
import re
from typing import List, Optional, Set

from chris_style.context import FileContext
from chris_style.engine import Family, at_end, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import PACK_NOTE_NFKC

logger = logging.getLogger(__name__)

SETUP_FILE_NAME = "setup.py"
SETUPTOOLS = "setuptools"
SETUP_FUNCTION = "setup"
INSTALL_REQUIRES = "install_requires"
PYTHON_REQUIRES = "python_requires"
# Sibling metadata files that can declare the minimum Python instead of the setup() call: (file, key pattern).
# setup.cfg keys may be dashed (`python-requires`, deprecated but read by setuptools and pbr).
METADATA_FILES = (
    ("setup.cfg", re.compile(r"^\s*python[-_]requires\s*=", re.MULTILINE)),
    ("pyproject.toml", re.compile(r"^\s*requires-python\s*=", re.MULTILINE)),
)
# A PEP 508 requirement starts with its name, followed by the end or by extras, a version, a marker or a URL.
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[\[(<>=!~;@])")
_NAME_SEPARATORS = re.compile(r"[-_.]+")

CHS901 = register(
    Rule(
        code="CHS901",
        message="install_requires is not in alphabetical order: '{name}' should come before '{previous}'",
        summary="`install_requires` list not sorted alphabetically",
        section="§7 Dependency Management",
        what=(
            "In a file named `setup.py`, flags the `install_requires=` keyword of a setuptools `setup(...)` call "
            "(recognised as for CHS902) when its value is a list or tuple literal whose requirement strings are "
            "not in alphabetical order. Requirements are compared by name only: extras (`requests[socks]`), "
            "version specifiers (`boto3>=1.26`), environment markers (`; python_version<\"3.8\"`) and URLs "
            "(`name @ https://...`) are dropped, and the name is normalised as PEP 503 does (lower case, runs "
            "of `-`, `_`, `.` read as one `-`). The finding is on the first requirement that sorts before the "
            "requirement just above it (one finding per list)."
        ),
        why=(
            "The guide's `setup.py` lists `install_requires` alphabetically: \"Package dependencies listed "
            "alphabetically in install_requires\" (§7). A sorted list shows a duplicate or a missing package at "
            "a glance and keeps merge conflicts apart. (The guide's own example slips once: `ruff` before "
            "`requests`.)"
        ),
        bad='setuptools.setup(\n    install_requires=[\n        "requests",\n        "boto3",\n    ],\n)',
        good='setuptools.setup(\n    install_requires=[\n        "boto3",\n        "requests",\n    ],\n)',
        exemptions=(
            "an `install_requires` that is not a list or tuple literal (a name, `sorted(...)`, a comprehension)",
            "elements that are not plain requirement strings (names, calls, `*` unpacking, f-strings, URLs "
            "without a name such as `git+https://...`): they split the list, and each run of strings between "
            "them is checked on its own",
            "equal names (`boto3`, `boto3>=1.26`) are in order whichever comes first",
        ),
        mirror="none",
        ruff="none: ruff does not read setup() calls (the nearest sort check is RUF022, unsorted __all__)",
        decisions=(
            "Names are normalised as PEP 503 does, so `pytest_cov` and `pytest-cov` sort alike; the order is "
            "that of the normalised names (`-` sorts before digits and letters, so `pytest` < `pytest-cov` < "
            "`pytestx`). Only adjacent strings are compared: a non-string element resets the comparison. "
            "Tuple literals are checked like lists; sets are unordered and skipped. `extras_require` is not "
            "checked."
        ),
    )
)

CHS902 = register(
    Rule(
        code="CHS902",
        message="'{call}(...)' has no python_requires; add python_requires=\">=3.x\" with the oldest Python supported",
        summary="`setup(...)` call without `python_requires`",
        section="§7 Dependency Management",
        what=(
            "In a file named `setup.py`, flags a setuptools `setup(...)` call with no `python_requires=` "
            "keyword. Recognised calls: `setup(...)` after `from setuptools import setup` (any alias, also "
            "inside `try:`/`if` blocks), or after `from setuptools import *` when `setup` is not imported from "
            "elsewhere or defined in the file; `setuptools.setup(...)` after `import setuptools` (any alias, "
            "or `import setuptools.<sub>`). The finding is on the call."
        ),
        why=(
            "The guide's `setup.py` ends with `python_requires=\">=3.9\"`: \"python_requires specifies minimum "
            "version\" (§7). Without it pip installs the package on interpreters it cannot run on."
        ),
        bad='setuptools.setup(\n    name="manage_arkime",\n    install_requires=["boto3"],\n)',
        good=(
            'setuptools.setup(\n    name="manage_arkime",\n    install_requires=["boto3"],\n'
            '    python_requires=">=3.9",\n)'
        ),
        exemptions=(
            "calls with `**` unpacking (`setup(**metadata)`), which may supply `python_requires`",
            "a `setup()` call with no arguments at all: a shim whose metadata lives in `setup.cfg` or "
            "`pyproject.toml`",
            "a `setup.py` next to a `setup.cfg` that sets `python_requires` (or `python-requires`) or a "
            "`pyproject.toml` that sets `requires-python`",
            "`setup` not from setuptools: `from distutils.core import setup`, a function defined in the file, "
            "or a name imported from nowhere",
        ),
        mirror="partial",
        mirror_notes=(
            "The pack cannot read the files next to `setup.py`: it flags a call that lacks `python_requires` even when "
            "a `setup.cfg` sets `python_requires` (or `python-requires`) or a `pyproject.toml` sets `requires-python`, "
            "where the plugin stays silent. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff does not check setup.py metadata",
        decisions=(
            "`distutils.core.setup` is not recognised: distutils knows neither `python_requires` nor "
            "`install_requires` (it warns 'Unknown distribution option') and is gone from Python 3.12. "
            "A bare `setup(...)` whose name is neither imported from setuptools nor star-imported from it is "
            "left alone. When `setup` is imported both from setuptools and from elsewhere (the `try: from "
            "setuptools import setup` / `except ImportError: from distutils.core import setup` fallback), the "
            "call counts as setuptools'. A `setup.cfg` / `pyproject.toml` is read only for files named "
            "`setup.py`, and only when the call lacks `python_requires`."
        ),
    )
)


class PackagingRules(Family):
    rules = (CHS901, CHS902)
    runs_on = "all"

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        return file.basename == SETUP_FILE_NAME

    def setup(self) -> None:
        self._calls: List[ast.Call] = []
        self._setup_names: Set[str] = set()  # Names bound to setuptools.setup
        self._setuptools_names: Set[str] = set()  # Names bound to the setuptools module
        self._other_setup_binding = False  # `setup` bound by another import or a local definition
        self._star_import = False  # `from setuptools import *`

    @visits(ast.Import)
    def import_(self, node: ast.Import, parent: Optional[ast.AST]) -> None:
        for alias in node.names:
            if alias.asname:
                if alias.name == SETUPTOOLS:
                    self._setuptools_names.add(alias.asname)
                elif alias.asname == SETUP_FUNCTION:
                    self._other_setup_binding = True
            elif alias.name.split(".", 1)[0] == SETUPTOOLS:
                self._setuptools_names.add(SETUPTOOLS)
            elif alias.name.split(".", 1)[0] == SETUP_FUNCTION:
                self._other_setup_binding = True

    @visits(ast.ImportFrom)
    def import_from(self, node: ast.ImportFrom, parent: Optional[ast.AST]) -> None:
        from_setuptools = node.level == 0 and node.module == SETUPTOOLS
        for alias in node.names:
            bound = alias.asname or alias.name
            if from_setuptools and alias.name == SETUP_FUNCTION:
                self._setup_names.add(bound)
            elif from_setuptools and alias.name == "*":
                self._star_import = True
            elif bound == SETUP_FUNCTION:
                self._other_setup_binding = True

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    def definition(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        if self.walk.at_module_level and node.name == SETUP_FUNCTION:  # type: ignore[attr-defined]
            self._other_setup_binding = True

    @visits(ast.Call)
    def call(self, node: ast.Call, parent: Optional[ast.AST]) -> None:
        func = node.func
        if type(func) is ast.Name or (type(func) is ast.Attribute and func.attr == SETUP_FUNCTION):
            self._calls.append(node)

    def _is_setup_call(self, call: ast.Call) -> bool:
        func = call.func
        if type(func) is ast.Name:
            name = func.id  # type: ignore[attr-defined]
            if name in self._setup_names:
                return True
            return name == SETUP_FUNCTION and self._star_import and not self._other_setup_binding
        value = func.value  # type: ignore[attr-defined]
        return type(value) is ast.Name and value.id in self._setuptools_names

    # -- CHS901 -----------------------------------------------------------------------------------------

    @at_end(code="CHS901")
    def unsorted_install_requires(self) -> None:
        for call in self._calls:
            if not self._is_setup_call(call):
                continue
            for keyword in call.keywords:
                if keyword.arg == INSTALL_REQUIRES and type(keyword.value) in (ast.List, ast.Tuple):
                    self._check_sorted(keyword.value.elts)  # type: ignore[attr-defined]

    def _check_sorted(self, elements: List[ast.expr]) -> None:
        previous: Optional[str] = None
        previous_text = ""
        for element in elements:
            name = None
            if type(element) is ast.Constant and isinstance(element.value, str):  # type: ignore[attr-defined]
                name = requirement_name(element.value)  # type: ignore[attr-defined]
            if name is None:
                previous = None  # Not a requirement string: the strings after it form a new run
                continue
            if previous is not None and name < previous:
                self.report(CHS901, element, name=_display_name(element.value), previous=previous_text)  # type: ignore
                return
            previous, previous_text = name, _display_name(element.value)  # type: ignore[attr-defined]

    # -- CHS902 -----------------------------------------------------------------------------------------

    @at_end(code="CHS902")
    def missing_python_requires(self) -> None:
        missing = [
            call for call in self._calls
            if self._is_setup_call(call) and (call.args or call.keywords)
            and all(keyword.arg not in (PYTHON_REQUIRES, None) for keyword in call.keywords)
        ]
        if missing and not _metadata_declares_python_requires(self.file.filename):
            for call in missing:
                call_text = ".".join(_call_name_parts(call.func))
                self.report(CHS902, call, call=call_text)


def requirement_name(requirement: str) -> Optional[str]:
    """The PEP 503 normalised name of a requirement string (`Pytest_Cov>=4` -> 'pytest-cov'); None if none."""
    match = _REQUIREMENT_NAME.match(requirement)
    if match is None:
        return None
    return _NAME_SEPARATORS.sub("-", match.group(1)).lower()


def _display_name(requirement: str) -> str:
    match = _REQUIREMENT_NAME.match(requirement)
    return match.group(1) if match else requirement.strip()


def _call_name_parts(func: ast.expr) -> List[str]:
    if type(func) is ast.Attribute:
        return [func.value.id, func.attr]  # type: ignore[attr-defined]
    return [func.id]  # type: ignore[attr-defined]


def _metadata_declares_python_requires(filename: str) -> bool:
    """Whether a setup.cfg or pyproject.toml next to the file declares the minimum Python."""
    folder = os.path.dirname(os.path.abspath(filename))
    for name, key_pattern in METADATA_FILES:
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        if key_pattern.search(text):
            return True
    return False
