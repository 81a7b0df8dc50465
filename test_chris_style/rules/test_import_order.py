import ast
import sys
import textwrap
from typing import List, Optional, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.import_order import _is_skipped_block

GUIDE_ORDER = "; the guide's order is stdlib, third-party, first-party, one blank line between groups"


def _findings(source: str, filename: str = "module.py", from_disk: bool = False) -> List[Tuple[int, int, str]]:
    """CHS3 (and internal error) findings as (line, 1-based column, message): ``mypkg`` first-party, CHS350 on.

    The source's lines are handed over as flake8 does, unless ``from_disk`` (then the file is read).
    """
    source = textwrap.dedent(source)
    lines: Optional[List[str]] = None if from_disk else source.splitlines(keepends=True)
    options = Options(first_party=("mypkg",), enabled_opt_in=frozenset({"CHS350"}))
    findings = check_tree(ast.parse(source), filename, options, lines)
    return [(line, column + 1, message) for line, column, message in findings if message.startswith(("CHS3", "CHS0"))]


def _first_statement(source: str) -> ast.stmt:
    return ast.parse(textwrap.dedent(source)).body[0]


def test_WHEN_external_import_below_first_party_THEN_messages_name_the_module():
    # TEST: a third-party import
    actual = _findings(
        """\
        from mypkg import models
        import requests
        """
    )
    expected = [
        (2, 1, "CHS302 external import 'requests' stands below first-party imports; move it above them"),
        (2, 1, "CHS350 third-party import 'requests' after first-party imports" + GUIDE_ORDER),
    ]
    assert expected == actual

    # TEST: `import a, b` is named by its first module
    actual = _findings(
        """\
        from . import models
        import os.path, sys
        """
    )
    expected = [
        (2, 1, "CHS302 external import 'os.path' stands below first-party imports; move it above them"),
        (2, 1, "CHS350 stdlib import 'os.path' after first-party imports" + GUIDE_ORDER),
    ]
    assert expected == actual


def test_WHEN_first_party_import_directly_after_external_THEN_messages_name_the_module():
    # TEST: an absolute first-party import
    actual = _findings(
        """\
        import requests
        from mypkg.models import Parcel
        """
    )
    expected = [
        (2, 1, "CHS303 separate first-party import 'mypkg.models' from the external imports above it with a blank "
               "line"),
        (2, 1, "CHS350 no blank line between the third-party and first-party import groups" + GUIDE_ORDER),
    ]
    assert expected == actual

    # TEST: a relative import is named with its dots
    actual = _findings(
        """\
        import requests

        import os
        from ..models import Parcel
        """
    )
    expected = [
        (3, 1, "CHS350 stdlib import 'os' after third-party imports" + GUIDE_ORDER),
        (4, 1, "CHS303 separate first-party import '..models' from the external imports above it with a blank line"),
    ]
    assert expected == actual


def test_WHEN_blank_lines_wrong_THEN_strict_message_says_which():
    # TEST: a blank line inside a group
    actual = _findings("import json\n\nimport os\n")
    expected = [(3, 1, "CHS350 blank line inside the stdlib import group" + GUIDE_ORDER)]
    assert expected == actual

    # TEST: no blank line between two groups
    actual = _findings("import json\nimport requests\n")
    expected = [(2, 1, "CHS350 no blank line between the stdlib and third-party import groups" + GUIDE_ORDER)]
    assert expected == actual

    # TEST: three blank lines between two groups
    actual = _findings("import requests\n\n\n\nimport mypkg\n")
    expected = [(5, 1, "CHS350 3 blank lines between the third-party and first-party import groups" + GUIDE_ORDER)]
    assert expected == actual

    # TEST: a comment line and a blank line between two groups count as one blank line
    actual = _findings("import json\n\n# Ours\nimport mypkg\n")
    expected = []
    assert expected == actual


def test_WHEN_wildcard_import_THEN_message_shows_the_import():
    # Run our test
    actual = _findings("from ..shared.models import *\n")

    # Check our results
    expected = [(1, 1, "CHS301 import names explicitly instead of 'from ..shared.models import *'")]
    assert expected == actual


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is new in Python 3.11")
def test_WHEN_try_star_block_holds_only_imports_THEN_skipped_and_block_goes_on():
    # Run our test
    actual = _findings(
        """\
        from mypkg import models

        try:
            import ujson
        except* ImportError:
            ujson = None
        import os
        """
    )

    # Check our results
    expected = [
        (7, 1, "CHS302 external import 'os' stands below first-party imports; move it above them"),
        (7, 1, "CHS350 stdlib import 'os' after first-party imports" + GUIDE_ORDER),
    ]
    assert expected == actual


def test_WHEN_flake8_gives_no_lines_THEN_blank_lines_read_from_the_file(tmp_path):
    # Set up our test
    path = tmp_path / "module.py"
    path.write_text("import os\n\nfrom mypkg import models\nimport json\nfrom mypkg import views\n")

    # Run our test
    actual = [(line, column, message.split(" ", 1)[0]) for line, column, message in _findings(
        path.read_text(), filename=str(path), from_disk=True
    )]

    # Check our results
    expected = [(4, 1, "CHS302"), (4, 1, "CHS350"), (5, 1, "CHS303")]
    assert expected == actual


@pytest.mark.parametrize(
    "source, expected",
    [
        ("", []),
        ('"""Only a docstring."""\n', []),
        ("from __future__ import annotations\n", []),
        (
            '"""Docstring."""\nfrom __future__ import annotations\nimport mypkg\nimport os\n',
            [(4, 1, "CHS302"), (4, 1, "CHS350")],
        ),
        ("from . import *\n", [(1, 1, "CHS301")]),
        ("if TYPE_CHECKING:\n    import os\n", []),
        ("import os\nx = 1\nimport mypkg\nimport json\n", []),
        ("def f():\n    import mypkg\n    import os\n", []),
    ],
)
def test_WHEN_module_has_few_or_unusual_imports_THEN_only_expected_findings(source, expected):
    # Run our test
    actual = [(line, column, message.split(" ", 1)[0]) for line, column, message in _findings(source)]

    # Check our results
    assert expected == actual


@pytest.mark.parametrize(
    "source, expected",
    [
        ("if TYPE_CHECKING:\n    Alias = int\n    def f() -> None: ...\n", True),
        ("if typing.TYPE_CHECKING:\n    from a import b\n", True),
        ("try:\n    import ujson\nexcept ImportError:\n    ujson = None\n", True),
        ("try:\n    import ujson\nexcept ImportError:\n    pass\nelse:\n    import orjson\nfinally:\n    '''done'''\n",
         True),
        ("if sys.platform == 'win32':\n    import winreg\nelse:\n    import fcntl\n", True),
        ("if PY311:\n    import tomllib\nelif PY37:\n    import tomli as tomllib\nelse:\n    tomllib: Any = None\n",
         True),
        ("if PY311:\n    import tomllib\nelse:\n    try:\n        import tomli as tomllib\n    except ImportError:\n"
         "        tomllib = None\n", True),
        ("if PY311:\n    import tomllib\nelif PY37:\n    print('old Python')\n", False),
        ("try:\n    import ujson\nexcept ImportError:\n    raise SystemExit('pip install ujson')\n", False),
        ("if DEBUG:\n    print('debugging')\n", False),
        ("x = 1\n", False),
        ("import os\n", False),
    ],
)
def test_WHEN_statement_checked_for_skipped_block_THEN_only_import_blocks_skipped(source, expected):
    # Run our test
    actual = _is_skipped_block(_first_statement(source))

    # Check our results
    assert expected == actual


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(
    kinds=st.lists(st.sampled_from(["stdlib", "third-party", "first-party"]), min_size=1, max_size=8),
    blank_after=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_WHEN_import_blocks_generated_THEN_findings_match_an_independent_oracle(kinds, blank_after):
    # Set up our test
    modules = {"stdlib": "os", "third-party": "requests", "first-party": "mypkg"}
    lines: List[str] = []
    line_of: List[int] = []
    for index, kind in enumerate(kinds):
        lines.append(f"import {modules[kind]}\n")
        line_of.append(len(lines))
        if blank_after[index] and index < len(kinds) - 1:
            lines.append("\n")
    source = "".join(lines)
    options = Options(first_party=("mypkg",), enabled_opt_in=frozenset({"CHS350"}))

    # Run our test
    findings = check_tree(ast.parse(source), "mod.py", options, lines)
    actual = sorted((line, message.split()[0]) for line, _, message in findings)

    # Check our results: the rules' definitions, computed directly
    expected = []
    for index, kind in enumerate(kinds):
        if kind != "first-party" and "first-party" in kinds[:index]:
            expected.append((line_of[index], "CHS302"))
        blank = index > 0 and line_of[index] - line_of[index - 1] > 1
        if index > 0 and kind == "first-party" and kinds[index - 1] != "first-party" and not blank:
            expected.append((line_of[index], "CHS303"))
    rank = {"stdlib": 0, "third-party": 1, "first-party": 2}
    for index in range(1, len(kinds)):
        blank = line_of[index] - line_of[index - 1] > 1
        same = kinds[index] == kinds[index - 1]
        if rank[kinds[index]] < max(rank[kind] for kind in kinds[:index]) or blank == same:
            expected.append((line_of[index], "CHS350"))
            break
    assert sorted(expected) == actual
