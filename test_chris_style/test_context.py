import ast
import unittest.mock as mock
from typing import Dict

from chris_style import context
from chris_style.collect import FileFacts
from chris_style.context import FileContext
from chris_style.engine import Engine
from chris_style.options import Options


def _file_with(source: str, filename: str = "mod.py") -> FileContext:
    file = FileContext(filename, Options(first_party=("mypkg",)), source.splitlines(keepends=True))
    Engine([FileFacts]).run(ast.parse(source), file)
    return file


def _classes(source: str) -> Dict[str, bool]:
    file = _file_with(source)
    return {name: file.is_external_class(node) for name, node in file.classes.items()}


def test_WHEN_file_named_THEN_test_status_follows_globs():
    # TEST: default globs
    assert True == FileContext("a/test_x.py", Options()).is_test
    assert True == FileContext("a/x_test.py", Options()).is_test
    assert True == FileContext("conftest.py", Options()).is_test
    assert False == FileContext("a/testing.py", Options()).is_test

    # TEST: custom globs
    assert True == FileContext("a/check_x.py", Options(test_files=("check_*.py",))).is_test

    # TEST: a glob with a folder matches the end of the path
    assert True == FileContext("/repo/tests/helpers.py", Options(test_files=("tests/*.py",))).is_test
    assert False == FileContext("/repo/src/helpers.py", Options(test_files=("tests/*.py",))).is_test


def test_WHEN_lines_not_given_THEN_read_from_disk_with_declared_encoding(tmp_path):
    # Set up our test
    path = tmp_path / "legacy.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1"))

    # Run our test
    actual = FileContext(str(path), Options()).line(2)

    # Check our results
    assert "NAME = 'caf\xe9'\n" == actual


def test_WHEN_lines_not_readable_THEN_empty():
    # TEST: missing file
    assert [] == list(FileContext("/nonexistent/x.py", Options()).lines)

    # TEST: stdin never read from disk
    with mock.patch("builtins.open") as mock_open:
        assert [] == list(FileContext("stdin", Options()).lines)
    assert [] == mock_open.call_args_list


def test_WHEN_lines_inspected_THEN_blank_lines_and_comments_found():
    # Set up our test
    file = FileContext("mod.py", Options(), ["import os\n", "\n", "# note\n", "X = 'é'  # why\n"])

    # TEST: one blank line between 1 and 3, none between 3 and 4
    assert (1, 0) == (file.blank_lines_between(1, 3), file.blank_lines_between(3, 4))

    # TEST: comment after a column counted in UTF-8 bytes ('é' is two bytes)
    assert "# why" == file.comment_after(4, len("X = 'é'".encode("utf-8")))

    # TEST: no comment, and lines out of range
    assert (None, "") == (file.comment_after(1, 9), file.line(99))


def test_WHEN_class_bases_resolved_THEN_external_only_for_imported_non_marker_bases():
    # Set up our test
    source = (
        "import logging\n"
        "from abc import ABC\n"
        "from enum import Enum\n"
        "from typing import Generic, TypeVar\n"
        "from rest_framework.views import APIView\n"
        "from mypkg.base import LocalBase\n"
        "T = TypeVar('T')\n"
        "class Formatter(logging.Formatter): pass\n"
        "class View(APIView): pass\n"
        "class SubView(View): pass\n"
        "class Abstract(ABC): pass\n"
        "class Color(Enum): pass\n"
        "class Box(Generic[T]): pass\n"
        "class Local(LocalBase): pass\n"
        "class Plain: pass\n"
        "class Error(ValueError): pass\n"
        "class Loop(Loop2): pass\n"
        "class Loop2(Loop): pass\n"
    )

    # Run our test
    actual = _classes(source)

    # Check our results
    expected = {
        "Formatter": True, "View": True, "SubView": True, "Abstract": False, "Color": False, "Box": False,
        "Local": False, "Plain": False, "Error": False, "Loop": False, "Loop2": False,
    }
    assert expected == actual


def test_WHEN_names_read_THEN_dotted_and_decorator_names_unwrap():
    # Set up our test
    function = ast.parse("@a.b.c(1)\n@d\n@e[0]\ndef f(): pass\n").body[0]

    # TEST: decorators, calls unwrapped, subscripts skipped
    assert frozenset({"a.b.c", "d"}) == context.decorator_names(function)

    # TEST: dotted names
    assert ["x", "y"] == context.dotted_name(ast.parse("x.y", mode="eval").body)
    assert None is context.dotted_name(ast.parse("x().y", mode="eval").body)


def test_WHEN_long_subclass_chain_resolved_THEN_each_base_classified_a_bounded_number_of_times():
    # Set up our test
    count = 400
    for root_base in ("logging.Formatter", "object"):
        source = f"import logging\nclass C0({root_base}): pass\n" + "".join(
            f"class C{index}(C{index - 1}): pass\n" for index in range(1, count)
        )
        file = _file_with(source)
        classes = list(file.classes.values())

        # Run our test: ask from the deepest subclass up, the worst order for a naive walk
        with mock.patch.object(FileContext, "_classify_base", autospec=True,
                               side_effect=FileContext._classify_base) as mock_classify:
            actual = {file.is_external_class(node) for node in reversed(classes)}

        # Check our results
        assert {root_base != "object"} == actual
        assert mock_classify.call_count <= 3 * count


def test_WHEN_file_has_unicode_line_separators_THEN_line_numbers_match_python(tmp_path):
    # Set up our test
    path = tmp_path / "separators.py"
    path.write_text("A = 'x\u2028y\x0cz'\r\nB = 1\rC = 2\n", encoding="utf-8")

    # Run our test
    file = FileContext(str(path), Options())

    # Check our results
    expected = ["A = 'x\u2028y\x0cz'\n", "B = 1\n", "C = 2\n"]
    assert expected == list(file.lines)
    assert 3 == len(ast.parse(path.read_bytes()).body)
