import importlib.util
import os
import pathlib
import sys
import unittest.mock as mock
from typing import Iterator

import pytest

import chris_style.imports as imports
from chris_style.imports import ImportClassifier, ImportKind


def _clear_caches() -> None:
    imports.stdlib_module_names.cache_clear()
    imports.project_root.cache_clear()
    imports.project_module_names.cache_clear()
    imports._listing.cache_clear()


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # Every test builds its own projects under tmp_path; nothing may leak between tests through the caches.
    _clear_caches()
    yield
    _clear_caches()


def _make(root: pathlib.Path, *relative_paths: str) -> pathlib.Path:
    """Create empty files (and folders, for paths ending in '/') under ``root``; returns ``root``."""
    for relative_path in relative_paths:
        path = root / relative_path
        if relative_path.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    return root


def test_WHEN_stdlib_names_read_from_disk_THEN_core_modules_found():
    # Run our test
    actual = set(imports._stdlib_names_from_disk())

    # Check our results
    expected = {"os", "json", "logging", "__future__", "sys"}
    assert expected == expected & actual
    assert False == ("pytest" in actual)  # Installed in site-packages, which is not the standard library
    assert False == ("site-packages" in actual)


def test_WHEN_stdlib_names_read_from_disk_THEN_other_platforms_modules_included():
    # Run our test
    actual = set(imports._stdlib_names_from_disk())

    # Check our results
    expected = {"winreg", "msvcrt", "winsound"}
    assert expected == expected & actual


def test_WHEN_stdlib_names_requested_AND_no_sys_stdlib_module_names_THEN_read_from_disk():
    # Set up our test
    with mock.patch.object(imports.sys, "stdlib_module_names", None, create=True):
        with mock.patch.object(imports, "_stdlib_names_from_disk", wraps=imports._stdlib_names_from_disk) as mock_disk:
            # Run our test
            actual = imports.stdlib_module_names()

    # Check our results
    assert 1 == mock_disk.call_count
    expected = {"os", "json", "logging", "__future__", "sys"}
    assert expected == expected & actual


@pytest.mark.skipif(sys.version_info < (3, 10), reason="sys.stdlib_module_names is new in Python 3.10")
def test_WHEN_stdlib_names_read_from_disk_THEN_every_importable_stdlib_module_found():
    # Set up our test
    # Modules this interpreter was built without are in sys.stdlib_module_names but cannot be found on disk;
    # the two frozen import machinery modules exist only inside the interpreter.
    importable = {
        name for name in sys.stdlib_module_names
        if importlib.util.find_spec(name) is not None and not name.startswith("_frozen_importlib")
    }

    # Run our test
    actual = set(imports._stdlib_names_from_disk())

    # Check our results
    expected = set()
    assert expected == importable - actual


def test_WHEN_stdlib_names_requested_THEN_cached_frozenset():
    # Run our test
    actual = imports.stdlib_module_names()

    # Check our results
    assert frozenset == type(actual)
    assert actual is imports.stdlib_module_names()
    expected = {"os", "json", "logging", "__future__", "sys"}
    assert expected == expected & actual


@pytest.mark.parametrize("marker", imports.PROJECT_MARKERS)
def test_WHEN_project_root_searched_AND_marker_file_above_THEN_its_folder_returned(tmp_path, marker):
    # Set up our test
    project = _make(tmp_path / "project", marker, "app/views/")

    # Run our test
    actual = imports.project_root(str(project / "app" / "views"))

    # Check our results
    expected = str(project)
    assert expected == actual


def test_WHEN_project_root_searched_AND_git_is_a_folder_THEN_its_parent_returned(tmp_path):
    # Set up our test
    project = _make(tmp_path / "project", ".git/", "app/")

    # Run our test
    actual = imports.project_root(str(project / "app"))

    # Check our results
    expected = str(project)
    assert expected == actual


def test_WHEN_project_root_searched_AND_markers_nested_THEN_nearest_one_wins(tmp_path):
    # Set up our test
    outer = _make(tmp_path / "repo", ".git/", "service/setup.py", "service/app/")

    # TEST: the file's own folder holds a marker
    actual = imports.project_root(str(outer / "service"))
    expected = str(outer / "service")
    assert expected == actual

    # TEST: a folder below the inner project
    actual = imports.project_root(str(outer / "service" / "app"))
    assert expected == actual


def test_WHEN_project_root_searched_AND_no_marker_anywhere_THEN_none(tmp_path):
    # Set up our test
    folder = _make(tmp_path, "a/b/") / "a" / "b"

    # Run our test
    with mock.patch.object(imports.os.path, "exists", return_value=False):
        actual = imports.project_root(str(folder))

    # Check our results
    assert None is actual


def test_WHEN_project_names_listed_THEN_packages_and_modules_found(tmp_path):
    # Set up our test
    project = _make(
        tmp_path / "project",
        "setup.py",
        "shipping/__init__.py",
        "billing.py",
        "stubs_only.pyi",
        "docs/conf.py",  # A folder without __init__.py is not a package
        "my-script.py",  # Not an identifier, so not importable
        "README.md",
        "__pycache__/shipping.cpython-311.pyc",
        "site-packages/requests/__init__.py",
    )

    # Run our test
    actual = imports.project_module_names(str(project))

    # Check our results
    expected = frozenset({"setup", "shipping", "billing", "stubs_only"})
    assert expected == actual


def test_WHEN_project_names_listed_AND_src_layout_THEN_packages_under_src_found(tmp_path):
    # Set up our test
    project = _make(tmp_path / "project", "pyproject.toml", "src/shipping/__init__.py", "src/shipping/rates.py")

    # Run our test
    actual = imports.project_module_names(str(project / "src" / "shipping"))

    # Check our results
    assert True == ("shipping" in actual)


def test_WHEN_project_names_listed_AND_folders_between_root_and_file_THEN_their_modules_found(tmp_path):
    # Set up our test
    project = _make(
        tmp_path / "project",
        ".git/",
        "playground/manage.py",
        "playground/playground_api/__init__.py",
        "playground/playground_api/views.py",
        "scripts/helpers.py",  # Not between the root and the file
    )

    # Run our test
    actual = imports.project_module_names(str(project / "playground" / "playground_api"))

    # Check our results
    expected = frozenset({"manage", "playground_api", "__init__", "views"})
    assert expected == actual


def test_WHEN_project_names_listed_AND_no_marker_THEN_working_directory_is_root(tmp_path, monkeypatch):
    # Set up our test
    cwd_project = _make(tmp_path / "proj", "shipping/__init__.py")
    # A sibling whose path starts with the same characters, but is not inside the working directory
    other = _make(tmp_path / "proj2", "app/helpers.py") / "app"
    monkeypatch.chdir(cwd_project)

    # Run our test
    with mock.patch.object(imports, "project_root", return_value=None):
        actual = imports.project_module_names(str(other))

    # Check our results
    expected = frozenset({"shipping"})
    assert expected == actual


def test_WHEN_project_names_listed_twice_THEN_each_folder_listed_once(tmp_path):
    # Set up our test
    project = _make(tmp_path / "project", "setup.py", "shipping/__init__.py", "tools/report.py")
    imports.stdlib_module_names()  # On Python 3.9 the first call lists the standard library's folders
    real_scandir = os.scandir

    # Run our test
    with mock.patch.object(imports.os, "scandir", wraps=real_scandir) as mock_scandir:
        first = imports.project_module_names(str(project / "shipping"))
        second = imports.project_module_names(str(project / "shipping"))
        imports.project_module_names(str(project / "tools"))
        ImportClassifier(str(project / "tools" / "report.py"), ()).classify("shipping")
        ImportClassifier(str(project / "tools" / "other.py"), ()).classify("shipping")

    # Check our results
    assert first == second
    expected = sorted(str(folder) for folder in (project, project / "src", project / "shipping", project / "tools"))
    assert expected == sorted(str(call.args[0]) for call in mock_scandir.call_args_list)


def test_WHEN_classifier_classifies_many_imports_THEN_project_listed_once(tmp_path):
    # Set up our test
    project = _make(tmp_path / "project", "setup.py", "shipping/__init__.py")
    classifier = ImportClassifier(str(project / "shipping" / "rates.py"), ())

    # Run our test
    with mock.patch.object(imports, "_project_names_for_file", wraps=imports._project_names_for_file) as mock_names:
        kinds = [classifier.classify(module) for module in ("shipping", "requests", "boto3", "shipping.rates")]

    # Check our results
    assert [ImportKind.FIRST_PARTY, ImportKind.THIRD_PARTY, ImportKind.THIRD_PARTY, ImportKind.FIRST_PARTY] == kinds
    assert 1 == mock_names.call_count


def test_WHEN_import_classified_THEN_relative_before_option_before_stdlib_before_project_before_third_party(
    tmp_path,
):
    # Set up our test
    project = _make(tmp_path / "project", "setup.py", "shipping/__init__.py", "logging.py", "types/__init__.py")
    filename = str(project / "shipping" / "dispatch.py")

    # TEST: a relative import is first-party, whatever its name
    assert ImportKind.FIRST_PARTY == ImportClassifier(filename, ()).classify("os", level=1)
    assert ImportKind.FIRST_PARTY == ImportClassifier(filename, ()).classify("", level=2)

    # TEST: chs-first-party wins over the standard library
    assert ImportKind.FIRST_PARTY == ImportClassifier(filename, ("json",)).classify("json.decoder")

    # TEST: the standard library wins over a project module of the same name
    assert ImportKind.STDLIB == ImportClassifier(filename, ()).classify("logging")
    assert ImportKind.STDLIB == ImportClassifier(filename, ()).classify("types")

    # TEST: a project package is first-party, by its top-level name
    assert ImportKind.FIRST_PARTY == ImportClassifier(filename, ()).classify("shipping.carriers")

    # TEST: everything else is third-party
    assert ImportKind.THIRD_PARTY == ImportClassifier(filename, ()).classify("requests")
    assert ImportKind.THIRD_PARTY == ImportClassifier(filename, ()).classify("shippingx")


def test_WHEN_import_classified_AND_dotted_first_party_option_THEN_its_submodules_first_party(tmp_path):
    # Set up our test
    _make(tmp_path, "setup.py")
    classifier = ImportClassifier(str(tmp_path / "module.py"), ("company.billing",))

    # TEST: the named module
    assert ImportKind.FIRST_PARTY == classifier.classify("company.billing")

    # TEST: its submodules
    assert ImportKind.FIRST_PARTY == classifier.classify("company.billing.invoices")

    # TEST: a sibling module of the same top-level package is not named
    assert ImportKind.THIRD_PARTY == classifier.classify("company.billingx")
    assert ImportKind.THIRD_PARTY == classifier.classify("company.shipping")


@pytest.mark.parametrize("filename", ["-", "stdin"])
def test_WHEN_import_classified_AND_file_is_stdin_THEN_working_directory_project_used(tmp_path, monkeypatch, filename):
    # Set up our test
    project = _make(tmp_path / "project", "tox.ini", "shipping/__init__.py")
    monkeypatch.chdir(project)

    # Run our test
    actual = ImportClassifier(filename, ()).classify("shipping")

    # Check our results
    assert ImportKind.FIRST_PARTY == actual


def test_WHEN_import_kind_asked_if_external_THEN_only_first_party_is_not():
    # Run our test
    actual = {kind: kind.is_external for kind in ImportKind}

    # Check our results
    expected = {ImportKind.STDLIB: True, ImportKind.THIRD_PARTY: True, ImportKind.FIRST_PARTY: False}
    assert expected == actual
