import ast
import os
import textwrap
from typing import List, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.context import FileContext
from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.packaging import (
    PackagingRules,
    _display_name,
    _metadata_declares_python_requires,
    requirement_name,
)

PACKAGING_CODES = ("CHS901", "CHS902")
NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
REQUIREMENT_NAMES = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from(NAME_CHARACTERS),
    st.text(alphabet=NAME_CHARACTERS + "-_.", max_size=8),
    st.sampled_from(NAME_CHARACTERS),
)
SUFFIXES = st.sampled_from(
    ["", ">=1.26", " == 2.0", "~=1.4", "!=3", "[socks]", "[crt,s3] >= 1", "; python_version < '3.8'",
     " @ https://example.com/x.tar.gz", " (>=1.0)"]
)


def _findings(source: str, filename: str = "setup.py") -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of each CHS9 finding, as flake8 prints them."""
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), filename, Options(), source.splitlines(keepends=True))
    return [
        (line, column + 1, message.split(" ", 1)[0])
        for line, column, message in findings if message.startswith(PACKAGING_CODES)
    ]


def _messages(source: str, filename: str = "setup.py") -> List[str]:
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), filename, Options(), source.splitlines(keepends=True))
    return [message for _, _, message in findings if message.startswith(PACKAGING_CODES)]


def _setup_with_requirements(requirements: List[str]) -> str:
    elements = "".join(f"        {requirement!r},\n" for requirement in requirements)
    return (
        f"import setuptools\n\nsetuptools.setup(\n    install_requires=[\n{elements}    ],\n"
        "    python_requires='>=3.9',\n)\n"
    )


# -- which files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename, expected",
    [("setup.py", True), ("pkg/setup.py", True), ("/abs/project/setup.py", True), ("setup.cfg", False),
     ("setup_helpers.py", False), ("my_setup.py", False), ("Setup.py", False), ("stdin", False)],
)
def test_WHEN_applies_to_called_THEN_only_files_named_setup_py(filename, expected):
    # Run our test
    actual = PackagingRules.applies_to(FileContext(filename, Options()))

    # Check our results
    assert expected == actual


def test_WHEN_file_not_named_setup_py_THEN_no_finding():
    # Run our test
    actual = _findings("from setuptools import setup\nsetup(name='x', install_requires=['b', 'a'])\n", "build.py")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


# -- CHS901 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requirement, expected",
    [
        ("boto3", "boto3"),
        ("boto3>=1.26", "boto3"),
        ("  Requests[socks] ==2.31 ", "requests"),
        ("pytest_cov", "pytest-cov"),
        ("Zope.Interface", "zope-interface"),
        ("a__b--c..d", "a-b-c-d"),
        ("importlib-metadata; python_version < '3.10'", "importlib-metadata"),
        ("langchain @ https://example.com/langchain.tar.gz", "langchain"),
        ("foo (>=1.0)", "foo"),
        ("x", "x"),
        ("", None),
        ("   ", None),
        ("git+https://example.com/x.git", None),
        ("-e .", None),
        ("./local/path", None),
        ("foo-", None),
        ("foo bar", None),
    ],
)
def test_WHEN_requirement_name_called_THEN_pep_503_name_or_none(requirement, expected):
    # Run our test
    actual = requirement_name(requirement)

    # Check our results
    assert expected == actual


def test_WHEN_display_name_called_THEN_name_as_written_or_stripped_text():
    # TEST: a requirement
    assert "Requests" == _display_name(" Requests[socks]>=2")

    # TEST: not a requirement
    assert "git+https://x" == _display_name(" git+https://x ")


def test_WHEN_install_requires_unsorted_THEN_first_out_of_order_element_reported_once():
    # Set up our test
    source = _setup_with_requirements(["boto3", "ruff", "requests", "click", "pexpect"])

    # TEST: position of `requests` (line 7, the element's column)
    assert [(7, 9, "CHS901")] == _findings(source)

    # TEST: message
    expected = ["CHS901 install_requires is not in alphabetical order: 'requests' should come before 'ruff'"]
    assert expected == _messages(source)


def test_WHEN_install_requires_sorted_THEN_no_finding():
    # Run our test
    actual = _findings(_setup_with_requirements(
        ["aws-cdk-lib", "Boto3[crt]>=1", "boto3-stubs", "Django", "pytest", "pytest-cov", "pytest_mock", "ruff"]
    ))

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_install_requires_has_non_string_elements_THEN_each_run_checked_alone():
    # TEST: a name between two unsorted strings
    assert [] == _findings(
        "import setuptools\nsetuptools.setup(install_requires=['b', EXTRA, 'a'], python_requires='>=3.9')\n"
    )

    # TEST: unsorted strings after the name
    assert [(2, 48, "CHS901")] == _findings(
        "import setuptools\nsetuptools.setup(install_requires=[EXTRA, 'b', 'a'], python_requires='>=3.9')\n"
    )

    # TEST: bytes, numbers and None split the list too
    assert [] == _findings(
        "import setuptools\nsetuptools.setup(install_requires=['b', b'x', 'a', None, 'A'], python_requires='>=3.9')\n"
    )


def test_WHEN_install_requires_is_a_tuple_THEN_checked_like_a_list():
    # Run our test
    actual = _findings("import setuptools\nsetuptools.setup(install_requires=('b', 'a'), python_requires='>=3.9')\n")

    # Check our results
    expected = [(2, 41, "CHS901")]
    assert expected == actual


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    requirements=st.lists(st.tuples(REQUIREMENT_NAMES, SUFFIXES), min_size=2, max_size=8),
    data=st.data(),
)
def test_WHEN_requirements_sorted_by_name_THEN_no_finding_AND_one_swapped_pair_is_reported(requirements, data):
    # Set up our test
    ordered = sorted(requirements, key=lambda pair: requirement_name(pair[0]))
    texts = [name + suffix for name, suffix in ordered]
    keys = [requirement_name(text) for text in texts]
    hypothesis.assume(len(set(keys)) > 1)
    swap_at = data.draw(st.sampled_from([index for index in range(len(keys) - 1) if keys[index] != keys[index + 1]]))
    swapped = list(texts)
    swapped[swap_at], swapped[swap_at + 1] = swapped[swap_at + 1], swapped[swap_at]

    # TEST: sorted by normalised name
    assert [] == _findings(_setup_with_requirements(texts))

    # TEST: one adjacent pair swapped: reported at the element that moved up (line 5 is the first element)
    assert [(5 + swap_at + 1, 9, "CHS901")] == _findings(_setup_with_requirements(swapped))


# -- CHS902 -------------------------------------------------------------------------------------------------


def test_WHEN_setup_call_lacks_python_requires_THEN_reported_at_the_call():
    # Set up our test
    source = """
        import setuptools

        setuptools.setup(
            name="manage_arkime",
        )
    """

    # TEST: position
    assert [(4, 1, "CHS902")] == _findings(source)

    # TEST: message
    expected = [
        "CHS902 'setuptools.setup(...)' has no python_requires; add python_requires=\">=3.x\" with the oldest "
        "Python supported"
    ]
    assert expected == _messages(source)


@pytest.mark.parametrize(
    "imports, call",
    [
        ("from setuptools import setup", "setup"),
        ("from setuptools import setup as make", "make"),
        ("import setuptools", "setuptools.setup"),
        ("import setuptools as st", "st.setup"),
        ("import setuptools.command", "setuptools.setup"),
        ("from setuptools import *", "setup"),
        ("try:\n    from setuptools import setup\nexcept ImportError:\n    from distutils.core import setup", "setup"),
        ("if True:\n    import setuptools", "setuptools.setup"),
    ],
)
def test_WHEN_setuptools_setup_imported_THEN_call_recognised(imports, call):
    # Run our test
    actual = _findings(f"{imports}\n\n{call}(name='x')\n")

    # Check our results
    expected = [(imports.count("\n") + 3, 1, "CHS902")]
    assert expected == actual


@pytest.mark.parametrize(
    "imports, call",
    [
        ("from distutils.core import setup", "setup"),
        ("", "setup"),
        ("import setuptools.command as setuptools", "setuptools.setup"),
        ("from setuptools import setup as make", "setup"),
        ("import setuptools", "setuptools.command.setup"),
        ("from setuptools import *\nfrom distutils.core import setup", "setup"),
        ("from setuptools import *\nimport setup", "setup"),
        ("from setuptools import *\nimport helpers as setup", "setup"),
        ("from setuptools import *\n\n\ndef setup(**metadata: str) -> None:\n    pass", "setup"),
        ("from setuptools import *\n\n\nclass setup:\n    pass", "setup"),
        ("from .setuptools import setup", "setup"),
        ("import setuptools", "setuptools.setup()()"),
    ],
)
def test_WHEN_setup_is_not_setuptools_THEN_no_finding(imports, call):
    # Run our test
    actual = _findings(f"{imports}\n\n{call}(name='x')\n")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_star_import_AND_method_named_setup_THEN_call_still_recognised():
    # Run our test: a method named `setup` does not shadow the module-level name
    actual = _findings("""
        from setuptools import *


        class Helper:
            def setup(self) -> None:
                pass


        setup(name="x")
    """)

    # Check our results
    expected = [(10, 1, "CHS902")]
    assert expected == actual


def test_WHEN_setup_call_may_get_python_requires_elsewhere_THEN_no_finding():
    # TEST: python_requires given
    assert [] == _findings("import setuptools\nsetuptools.setup(name='x', python_requires='>=3.9')\n")

    # TEST: ** unpacking
    assert [] == _findings("import setuptools\nsetuptools.setup(name='x', **metadata)\n")

    # TEST: a shim with no arguments
    assert [] == _findings("import setuptools\nsetuptools.setup()\n")

    # TEST: a positional argument alone still counts as an argument
    assert [(2, 1, "CHS902")] == _findings("import setuptools\nsetuptools.setup(*arguments)\n")


@pytest.mark.parametrize(
    "metadata_file, text, expected",
    [
        ("setup.cfg", "[options]\npython_requires = >=3.9\n", True),
        ("setup.cfg", "[options]\n  python_requires=>=3.9\n", True),
        ("setup.cfg", "[metadata]\npython-requires = >=3.9\n", True),
        ("setup.cfg", "[options]\n# python_requires = >=3.9\n", False),
        ("setup.cfg", "[options]\ninstall_requires = boto3\n", False),
        ("pyproject.toml", "[project]\nrequires-python = \">=3.9\"\n", True),
        ("pyproject.toml", "[project]\nname = \"x\"\n", False),
        ("pyproject.toml", "[project]\npython_requires = \">=3.9\"\n", False),
    ],
)
def test_WHEN_metadata_file_next_to_setup_py_THEN_its_python_requires_counts(tmp_path, metadata_file, text, expected):
    # Set up our test
    (tmp_path / metadata_file).write_text(text, encoding="utf-8")
    setup_py = os.path.join(str(tmp_path), "setup.py")

    # TEST: the helper
    assert expected == _metadata_declares_python_requires(setup_py)

    # TEST: the rule
    findings = _findings("import setuptools\nsetuptools.setup(name='x')\n", setup_py)
    assert expected == (findings == [])


def test_WHEN_no_metadata_files_THEN_helper_false(tmp_path):
    # TEST: an empty folder
    assert False == _metadata_declares_python_requires(os.path.join(str(tmp_path), "setup.py"))

    # TEST: a folder named like a metadata file is not readable as one
    (tmp_path / "setup.cfg").mkdir()
    assert False == _metadata_declares_python_requires(os.path.join(str(tmp_path), "setup.py"))


def test_WHEN_repository_setup_py_checked_THEN_it_passes_its_own_rules():
    # Set up our test
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "setup.py")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()

    # TEST: as it is
    assert [] == _findings(source, path)

    # TEST: the same call without python_requires is recognised
    without = "".join(line for line in source.splitlines(keepends=True) if "python_requires" not in line)
    assert ["CHS902"] == [code for _, _, code in _findings(without, path)]
