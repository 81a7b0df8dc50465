"""Import classification: stdlib, third-party or first-party, as the guide's import groups use them.

First-party is, in this order: relative imports; names given with ``chs-first-party``; otherwise the
top-level packages and modules of the project being linted. The project root is the nearest folder above
the file holding ``setup.py``, ``pyproject.toml``, ``setup.cfg``, ``tox.ini`` or ``.git`` (else the working
directory). A name is first-party when it is a package (a folder with ``__init__.py``) or a module
(``name.py``) in the root, in ``root/src``, or in a folder between the root and the file (where Python
finds a script's siblings). The standard library wins over the project unless ``chs-first-party`` names
the module. Folder listings are cached, so a run lists each folder once, never once per file.
"""
import enum
import functools
import logging
import os
import sys
import sysconfig
from typing import FrozenSet, Iterable, List, Optional, Tuple

logger = logging.getLogger(__name__)

PROJECT_MARKERS = ("setup.py", "pyproject.toml", "setup.cfg", "tox.ini", ".git")
SOURCE_SUFFIXES = (".py", ".pyi")
# Standard library modules of other platforms (Windows, macOS), which a disk listing cannot find.
OTHER_PLATFORM_STDLIB = (
    "_msi", "_overlapped", "_scproxy", "_winapi", "msilib", "msvcrt", "nt", "winreg", "winsound",
)


class ImportKind(enum.Enum):
    STDLIB = "stdlib"
    THIRD_PARTY = "third-party"
    FIRST_PARTY = "first-party"

    @property
    def is_external(self) -> bool:
        return self is not ImportKind.FIRST_PARTY


@functools.lru_cache(maxsize=None)
def stdlib_module_names() -> FrozenSet[str]:
    """The running interpreter's standard library top-level names."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return frozenset(names)
    return frozenset(_stdlib_names_from_disk())  # Python 3.9 has no sys.stdlib_module_names


def _stdlib_names_from_disk() -> Iterable[str]:
    yield from sys.builtin_module_names
    yield "__future__"
    yield from OTHER_PLATFORM_STDLIB  # Not on this platform's disk, but in sys.stdlib_module_names on 3.10+
    for key in ("stdlib", "platstdlib"):
        folder = sysconfig.get_paths().get(key)
        if not folder or not os.path.isdir(folder):
            continue
        yield from _module_names_in(folder, include_namespace=True)
        dynload = os.path.join(folder, "lib-dynload")
        if os.path.isdir(dynload):
            yield from (entry.split(".", 1)[0] for entry in os.listdir(dynload))


def _module_names_in(folder: str, include_namespace: bool = False) -> List[str]:
    names: List[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return names
    for entry in entries:
        name, suffix = os.path.splitext(entry.name)
        try:
            if entry.is_dir():
                if entry.name.isidentifier() and entry.name not in ("site-packages", "__pycache__") and (
                    include_namespace or os.path.isfile(os.path.join(entry.path, "__init__.py"))
                ):
                    names.append(entry.name)
            elif suffix in SOURCE_SUFFIXES and name.isidentifier():
                names.append(name)
        except OSError:
            continue
    return names


@functools.lru_cache(maxsize=4096)
def _listing(folder: str) -> FrozenSet[str]:
    return frozenset(_module_names_in(folder))


@functools.lru_cache(maxsize=4096)
def project_root(folder: str) -> Optional[str]:
    """The nearest folder at or above ``folder`` that holds a project marker, or None."""
    current = folder
    while True:
        for marker in PROJECT_MARKERS:
            if os.path.exists(os.path.join(current, marker)):
                return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@functools.lru_cache(maxsize=4096)
def project_module_names(folder: str) -> FrozenSet[str]:
    """Top-level module names that Python code in ``folder`` would import from its own project."""
    root = project_root(folder) or os.getcwd()
    names = set(_listing(root)) | set(_listing(os.path.join(root, "src")))
    current = folder
    inside_root = root if root.endswith(os.sep) else root + os.sep
    # Folders between the root and the file: a script's siblings are importable (Django's manage.py layout).
    while len(current) > len(root) and current.startswith(inside_root):
        names |= _listing(current)
        current = os.path.dirname(current)
    return frozenset(names)


class ImportClassifier:
    """Classifies imports for one file; cheap to create, all folder work is cached process-wide."""

    def __init__(self, filename: str, first_party: Tuple[str, ...]):
        self._filename = filename
        self._first_party = frozenset(first_party)
        # A dotted name (`company.billing`) makes its submodules first-party too.
        self._first_party_packages = tuple(f"{name}." for name in first_party)
        self._project_names: Optional[FrozenSet[str]] = None

    def classify(self, module: str, level: int = 0) -> ImportKind:
        if level > 0:
            return ImportKind.FIRST_PARTY
        top = module.split(".", 1)[0]
        if top in self._first_party or module in self._first_party or module.startswith(self._first_party_packages):
            return ImportKind.FIRST_PARTY
        if top in stdlib_module_names():
            return ImportKind.STDLIB
        if top in self._project():
            return ImportKind.FIRST_PARTY
        return ImportKind.THIRD_PARTY

    def _project(self) -> FrozenSet[str]:
        if self._project_names is None:
            self._project_names = _project_names_for_file(self._filename)
        return self._project_names


def _project_names_for_file(filename: str) -> FrozenSet[str]:
    if filename in ("-", "stdin", ""):
        folder = os.getcwd()
    else:
        folder = os.path.dirname(os.path.abspath(filename))
    return project_module_names(folder)
