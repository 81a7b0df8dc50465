import os
import sysconfig
import textwrap
import unittest.mock as mock
from typing import Dict, List, Sequence, Tuple

import pytest
from ast_grep_py import SgRoot

from chris_style.sg.matcher import FILE_BODY, IGNORE_MARKER, Matcher, SgFinding, _wrap_batch, _wrapped_apart, \
    batchable, compile_glob, ignore_comments, indent_at, lean_config, reindent, wrap_config, wrappable
from chris_style.sg.pack import PACK_DIR, PackRule, load_pack
from chris_style.sg.runner import decode_source, discover, syntax_error
from test_chris_style.sg.support import CliFinding, ast_grep_findings, write, write_pack

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNTHETIC_PACK = os.path.join(REPO_ROOT, "benchmarks", "synthetic_pack")

Key = Tuple[str, str, int, int, int, int, str, object]

SAMPLE = textwrap.dedent('''\
    import logging


    def test_bad(values: dict[str, int], names: list[str]) -> set[int]:
        logging.info("counted %s", values)
        logging.getLogger("x").info("fine")
        print(names)
        return set()


    def test_WHEN_named_THEN_fine() -> None:
        logging.debug("débug é")  # two non-ASCII characters before the match on the next line
        x = {"é": logging.error("ü")}
''')


def _key(path: str, finding: SgFinding) -> Key:
    replacement = finding.fix.replacement if finding.fix is not None else None
    return path, finding.code, finding.line - 1, finding.column, finding.end_line - 1, finding.end_column, \
        finding.message, replacement


def _cli_key(finding: CliFinding) -> Key:
    return finding.path, finding.code, finding.line, finding.column, finding.end_line, finding.end_column, \
        finding.message, finding.replacement


def _matcher_findings(matcher: Matcher, folder: str, paths: Sequence[str]) -> List[Key]:
    found = []
    for path in paths:
        with open(os.path.join(folder, path), encoding="utf-8", newline="") as handle:
            text = handle.read()
        found.extend(_key(path, finding) for finding in matcher.check(text, path))
    return sorted(found)


# TEST: globs, as the CLI matches files/ignores

GLOBS = ["**/test_*.py", "test_*.py", "pkg*x.py", "pkg/**", "**/sub/*.py", "{a,b}.py", "[ab].py", "[!a].py",
         "?.py", "tests/**/*.py", "*.py", "pkg/*.py", "**", "pkg/**/x.py", "*_test.py", "**/conftest.py", "pkg/s?b/*",
         "**/*.py", "p*/test_*"]
GLOB_FILES = ["test_top.py", "pkg/test_in.py", "pkg/sub/x.py", "pkg/sub/test_deep.py", "a.py", "b.py", "ab.py",
              "tests/unit/t.py", "x_test.py", "pkg/conftest.py", "conftest.py", "pkg/x.py"]


def test_WHEN_files_globs_matched_THEN_same_files_as_ast_grep_cli(tmp_path):
    # Set up our test
    rules = {
        f"G{index:02d}": f"id: G{index:02d}\nlanguage: python\nseverity: warning\nmessage: m\n"
                         f"files: [{glob!r}]\nrule:\n  kind: expression_statement\n"
        for index, glob in enumerate(GLOBS)
    }
    write_pack(str(tmp_path), rules=rules, utils={})
    for path in GLOB_FILES:
        write(str(tmp_path), path, "x\n")

    # Run our test
    actual = sorted(
        (f"G{index:02d}", path) for index, glob in enumerate(GLOBS) for path in GLOB_FILES
        if compile_glob(glob).fullmatch(path)
    )

    # Check our results
    expected = sorted((finding.code, finding.path) for finding in ast_grep_findings(str(tmp_path), GLOB_FILES))
    assert expected == actual


@pytest.mark.parametrize(
    "glob, path, expected",
    [("**/test_*.py", "test_x.py", True), ("**/test_*.py", "a/b/test_x.py", True), ("test_*.py", "a/test_x.py", False),
     ("a*c", "a/b/c", True), ("a?c", "a/c", True), ("{x,y}.py", "y.py", True), ("[!x].py", "x.py", False),
     ("\\*.py", "*.py", True), ("\\*.py", "a.py", False), ("a/**", "a/b/c", True), ("a/**", "a", False)],
)
def test_WHEN_glob_compiled_THEN_whole_path_matched_with_star_crossing_folders(glob, path, expected):
    # Run our test / Check our results
    assert expected == bool(compile_glob(glob).fullmatch(path))


# TEST: the matcher against the CLI on the sample pack


def test_WHEN_sample_pack_runs_THEN_same_findings_messages_and_fixes_as_ast_grep_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder)
    write(folder, "pkg/test_sample.py", SAMPLE)
    write(folder, "pkg/sample.py", SAMPLE)
    paths = ["pkg/sample.py", "pkg/test_sample.py"]
    matcher = Matcher(load_pack(folder), ["CHS901", "CHS902", "CHS903", "CHS950"])

    # Run our test
    actual = _matcher_findings(matcher, folder, paths)

    # Check our results
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, paths, ["--warning=CHS950"]))
    assert expected == actual
    assert {"CHS901", "CHS902", "CHS903", "CHS950"} == {key[1] for key in actual}


def test_WHEN_severity_off_AND_rule_not_selected_THEN_rule_skipped(tmp_path):
    # Set up our test
    write_pack(str(tmp_path))
    pack = load_pack(str(tmp_path))

    # TEST: by default, every rule but the opt-in one
    assert ["CHS901", "CHS902", "CHS903"] == Matcher(pack).rule_ids

    # TEST: selected by id, the opt-in rule runs
    assert ["CHS950"] == Matcher(pack, ["CHS950"]).rule_ids
    assert {"CHS950"} == {finding.code for finding in Matcher(pack, ["CHS950"]).check("print(1)\n", "a.py")}


def test_WHEN_rule_limited_to_test_files_THEN_only_paths_matching_its_glob_checked(tmp_path):
    # Set up our test
    write_pack(str(tmp_path))
    matcher = Matcher(load_pack(str(tmp_path)), ["CHS903"])
    source = "def test_bad() -> None:\n    pass\n"

    # Run our test
    actual = [(path, [finding.code for finding in matcher.check(source, path)])
              for path in ("test_a.py", "pkg/test_a.py", "pkg/a.py", "pkg/a_test.py")]

    # Check our results
    expected = [("test_a.py", ["CHS903"]), ("pkg/test_a.py", ["CHS903"]), ("pkg/a.py", []), ("pkg/a_test.py", [])]
    assert expected == actual


# TEST: rules merged into one config keep their own metavariables, constraints and utils

COLLIDING_RULES = {
    "R1": """\
        id: R1
        language: python
        severity: warning
        message: one $F($A)
        rule:
          kind: call
          pattern: $F($A)
          has:
            field: arguments
            has:
              matches: literal
        constraints:
          A:
            regex: ^1
        utils:
          literal:
            kind: integer
        """,
    "R2": """\
        id: R2
        language: python
        severity: warning
        message: two $F($A)
        rule:
          kind: call
          pattern: $F($A)
          has:
            field: arguments
            has:
              matches: literal
        constraints:
          A:
            regex: ^.2
        utils:
          literal:
            kind: string
        """,
    "R3": """\
        id: R3
        language: python
        severity: warning
        message: three [$$$A] [$A] [$_B]
        rule:
          kind: call
          pattern: $F($$$A)
        fix: $F  (  $$$A  )
        """,
    "R4": """\
        id: R4
        language: python
        severity: warning
        message: four $A
        rule:
          kind: call
          pattern: print("x $A")
        """,
    "R5": """\
        id: R5
        language: python
        severity: warning
        message: five $A $B
        rule:
          kind: binary_operator
          pattern: $A + $A
        transform:
          B:
            substring:
              source: $A
              startChar: 1
        """,
}
COLLIDING_SOURCE = 'f(1)\ng("2")\nh(12)\nk("12")\nprint("x $A")\nprint("x y")\nz = a + a\nz = a + b\nm(1, 2)\n'


def test_WHEN_rules_share_metavariable_and_util_names_THEN_each_keeps_its_own_like_the_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules=COLLIDING_RULES, utils={})
    write(folder, "sample.py", COLLIDING_SOURCE)
    matcher = Matcher(load_pack(folder))

    # Run our test
    actual = _matcher_findings(matcher, folder, ["sample.py"])

    # Check our results
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, ["sample.py"]))
    assert expected == actual
    assert {"R1", "R2", "R3", "R5"} == {key[1] for key in actual}


def test_WHEN_rule_has_metavariable_inside_longer_string_THEN_it_runs_alone_and_others_merge(tmp_path):
    # Set up our test
    write_pack(str(tmp_path), rules=COLLIDING_RULES, utils={})

    # Run our test
    matcher = Matcher(load_pack(str(tmp_path)))

    # Check our results
    expected = {"R1": True, "R2": True, "R3": True, "R4": False, "R5": True}
    assert expected == {compiled.rule.id: compiled.mergeable for compiled in matcher.rules}


def test_WHEN_every_rule_alone_THEN_same_findings_as_all_rules_merged(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules=COLLIDING_RULES, utils={})
    pack = load_pack(folder)

    # Run our test
    alone = sorted(finding for rule in pack.rules for finding in
                   [_key("s", item) for item in Matcher(pack, [rule.id]).check(COLLIDING_SOURCE, "s")])

    # Check our results
    merged = sorted(_key("s", item) for item in Matcher(pack).check(COLLIDING_SOURCE, "s"))
    assert alone == merged


# TEST: messages and fixes, re-indented as the CLI does

FIX_RULES = {
    "F1": """\
        id: F1
        language: python
        severity: warning
        message: swap $ACTUAL and $EXPECTED
        rule:
          kind: assert_statement
          pattern: assert $ACTUAL == $EXPECTED
        fix: assert $EXPECTED == $ACTUAL
        """,
    "F2": """\
        id: F2
        language: python
        severity: warning
        message: "wrap: $$$ARGS"
        rule:
          kind: call
          pattern: wrap($$$ARGS)
        transform:
          UP:
            convert:
              source: $$$ARGS
              toCase: upperCase
        fix: |-
          wrapped(
              $$$ARGS,
          ) + $UP
        """,
}
FIX_SOURCE = textwrap.dedent('''\
    def f():
        assert actual == {
            "a": 1,
        }
        if x:
            y = wrap(a,
                     b)
        z = wrap(c)
''')


def test_WHEN_messages_and_fixes_rendered_THEN_same_text_as_ast_grep_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules=FIX_RULES, utils={})
    write(folder, "sample.py", FIX_SOURCE)

    # Run our test
    actual = _matcher_findings(Matcher(load_pack(folder)), folder, ["sample.py"])

    # Check our results
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, ["sample.py"]))
    assert expected == actual
    assert 3 == len(actual)


@pytest.mark.parametrize(
    "text, offset, expected",
    [("    x", 4, 4), ("a\n    b", 6, 4), ("a\n  y = b", 8, 2), ("\t  x", 3, 0), ("x" * 600 + "y", 601, 0),
     ("    " + "x" * 600, 604, 0), ("  " + "x" * 100, 102, 2)],
)
def test_WHEN_indent_at_offset_measured_THEN_leading_spaces_of_the_line_as_ast_grep_counts(text, offset, expected):
    # Run our test / Check our results
    assert expected == indent_at(text, offset)


@pytest.mark.parametrize(
    "value, original, indent, expected",
    [("a", 4, 0, "a"), ("a\n      b", 4, 0, "a\n  b"), ("a\n  b", 0, 4, "a\n      b"), ("a\nb", 2, 0, "a\nb"),
     ("a\n    b\n  c", 4, 4, "a\n    b\n  c")],
)
def test_WHEN_value_reindented_THEN_lines_after_first_shifted(value, original, indent, expected):
    # Run our test / Check our results
    assert expected == reindent(value, original, indent)


# TEST: # ast-grep-ignore, as the CLI reads it

IGNORE_RULES = {
    "CHS901": "id: CHS901\nlanguage: python\nseverity: warning\nmessage: print\nrule:\n  kind: call\n"
              "  pattern: print($$$)\n",
    "CHS902": "id: CHS902\nlanguage: python\nseverity: warning\nmessage: call $F\nrule:\n  kind: call\n"
              "  pattern: $F($$$)\n",
}
IGNORE_SOURCE = textwrap.dedent('''\
    print(1)  # ast-grep-ignore
    print(2)  # ast-grep-ignore: CHS901
    print(3)  # ast-grep-ignore: CHS901, CHS902
    # ast-grep-ignore
    print(4)
    # ast-grep-ignore: CHS902
    print(5)
    print(6)
    print(8)  #ast-grep-ignore
    print(9)  # ast-grep-ignore:CHS901,CHS902
    print(10)  # AST-GREP-IGNORE
    print(11)  # ast-grep-ignore: CHS90
    print(
      12)  # ast-grep-ignore
    print(13,
      print(14))  # ast-grep-ignore
    print(15)  # noqa # ast-grep-ignore
    # ast-grep-ignore: CHS901
    # comment
    print(16)
    print(17)  # ast-grep-ignore: CHS901 CHS902
    print(18)  # ast-grep-ignore: CHS901,
    print(19)  # ast-grep-ignore CHS901
    print(20)  # ast-grep-ignore: CHS903
    print(21)  # x ast-grep-ignore
    print(22)  # ast-grep-ignore:  CHS901 ,  CHS902
    print(23)  #  ast-grep-ignore
    print(24)  # ast-grep-ignore : CHS901
    print(25)  # ast-grep-ignore:
    print(26)  # ast-grep-ignore-foo
    foo(print(27),
        print(28))  # ast-grep-ignore
    if print(29):  # ast-grep-ignore
        print(30)
    def f():  # ast-grep-ignore
        print(31)
    # ast-grep-ignore: CHS901
    print(32)  # ast-grep-ignore: CHS902
    print(33); print(34)  # ast-grep-ignore
    if x:
        print(35)  # ast-grep-ignore
''')


def test_WHEN_ast_grep_ignore_comments_present_THEN_same_findings_suppressed_as_the_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules=IGNORE_RULES, utils={})
    write(folder, "sample.py", IGNORE_SOURCE)

    # Run our test
    actual = _matcher_findings(Matcher(load_pack(folder)), folder, ["sample.py"])

    # Check our results
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, ["sample.py"]))
    assert expected == actual
    assert 25 < len(actual) < 60


def test_WHEN_ignore_comments_read_THEN_line_to_codes_map(tmp_path):
    # Set up our test
    from ast_grep_py import SgRoot
    source = "x = 1  # ast-grep-ignore\n# ast-grep-ignore: A, B\ny = 2\nz = 3  # ast-grep-ignore:\n"

    # Run our test
    actual = ignore_comments(SgRoot(source, "python").root())

    # Check our results
    assert {0: None, 2: frozenset({"A", "B"})} == actual
    assert "ast-grep-ignore" == IGNORE_MARKER


# TEST: several files matched as one tree


def _stdlib_sources(count: int) -> List[Tuple[str, str]]:
    folder = sysconfig.get_paths()["stdlib"]
    sources = []
    for path in discover([os.path.join(folder, "email"), os.path.join(folder, "json"), os.path.join(folder, "asyncio")],
                         ("site-packages",)):
        with open(path, "rb") as handle:
            text = decode_source(handle.read()).text
        if syntax_error(text) is None:
            sources.append((text, os.path.relpath(path, folder)))
    return sources[:count]


def _keys(findings: List[SgFinding]) -> List[Key]:
    return [_key("", finding) for finding in findings]


def test_WHEN_files_checked_together_THEN_same_findings_as_one_by_one():
    # Set up our test
    matcher = Matcher(load_pack(SYNTHETIC_PACK))
    sources = _stdlib_sources(60) + [
        ("", "empty.py"), ("x = 1", "no_newline.py"), ("if x:\n    y()\n# c\n", "c.py"),
        ("# ast-grep-ignore\nprint(1)\n", "ignored.py"), ("x = 1\r\nprint(2)\r\n", "crlf.py"),
    ]

    # Run our test
    together = matcher.check_many(sources)

    # Check our results
    one_by_one = [matcher.check(text, path) for text, path in sources]
    assert [_keys(findings) for findings in one_by_one] == [_keys(findings) for findings in together]
    assert 100 < sum(len(findings) for findings in together)


def test_WHEN_installed_pack_checks_files_together_THEN_same_findings_as_one_by_one():
    # Set up our test
    pack = load_pack(PACK_DIR)
    matcher = Matcher(pack, [rule.id for rule in pack.rules])  # Opt-in rules too
    sources = _stdlib_sources(50) + [
        (text, f"test_{index}.py") for index, (text, _) in enumerate(_stdlib_sources(12))
    ] + [("import os\n\nLIMIT = 3\n\n\ndef f(x):\n    print(x)\n", "last.py")]

    # Run our test
    together = matcher.check_many(sources)

    # Check our results
    one_by_one = [matcher.check(text, path) for text, path in sources]
    assert [_keys(findings) for findings in one_by_one] == [_keys(findings) for findings in together]
    assert 30 < sum(wrappable(text) for text, _ in sources)
    assert 500 < sum(len(findings) for findings in together)


def test_WHEN_batch_tree_crosses_file_boundary_THEN_files_checked_one_by_one():
    # Set up our test
    matcher = Matcher(load_pack(SYNTHETIC_PACK))
    sources = _stdlib_sources(6)

    # Run our test
    with mock.patch("chris_style.sg.matcher._wrapped_apart", return_value=False) as stay_apart:
        together = matcher.check_many(sources)

    # Check our results
    assert 1 <= stay_apart.call_count
    assert [_keys(matcher.check(text, path)) for text, path in sources] == [_keys(findings) for findings in together]


def _rule(rule: Dict[str, object], utils: Dict[str, object] = None) -> PackRule:
    return PackRule(id="X", language="python", severity="warning", message="", note=None, files=(), ignores=(),
                    rule=rule, utils=utils or {})


@pytest.mark.parametrize(
    "rule, expected",
    [({"kind": "call", "pattern": "f()"}, True),
     ({"kind": "call", "inside": {"kind": "function_definition", "stopBy": "end"}}, True),
     ({"kind": "call", "inside": {"kind": "module"}}, True),
     ({"kind": "assignment", "precedes": {"kind": "for_statement"}}, True),
     ({"kind": "call", "nthChild": 1}, True),
     ({"kind": "module", "has": {"kind": "call"}}, False),
     ({"any": [{"kind": "call"}, {"kind": "module"}]}, False),
     ({"kind": "call", "range": {"start": {"line": 0, "column": 0}, "end": {"line": 0, "column": 3}}}, False),
     ({"kind": "call", "matches": "u"}, False),
     ({"kind": "call", "matches": "v"}, True)],
)
def test_WHEN_rule_classified_THEN_batchable_unless_it_matches_the_module_or_uses_positions(rule, expected):
    # Run our test / Check our results
    utils = {"u": {"kind": "call", "range": {"start": {"line": 0, "column": 0}, "end": {"line": 0, "column": 3}}},
             "v": {"kind": "call", "inside": {"kind": "module", "stopBy": "end"}}}
    assert expected == batchable(_rule(rule), utils)


def test_WHEN_config_wrapped_THEN_module_is_the_file_body_AND_searches_up_stop_there():
    # Set up our test
    config = {
        "rule": {"kind": "call", "inside": {"kind": "module", "stopBy": "end", "has": {"kind": "import_statement"}},
                 "not": {"inside": {"kind": "class_definition", "stopBy": {"kind": "function_definition"}}}},
        "utils": {"top": {"kind": "identifier", "inside": {"kind": "expression_statement",
                                                           "inside": {"kind": "module"}}}},
    }

    # Run our test
    actual = wrap_config(config)

    # Check our results
    expected_rule = {
        "kind": "call",
        "inside": {"all": [FILE_BODY, {"has": {"kind": "import_statement"}}], "stopBy": FILE_BODY},
        "not": {"inside": {"kind": "class_definition",
                           "stopBy": {"any": [{"kind": "function_definition"}, FILE_BODY]}}},
    }
    assert expected_rule == actual["rule"]
    expected_util = {"kind": "identifier", "inside": {"kind": "expression_statement", "inside": FILE_BODY}}
    assert expected_util == actual["utils"]["top"]
    assert "module" == config["rule"]["inside"]["kind"]  # The caller's config is left alone


WRAPPING_SOURCES = [
    ('"""Doc."""\nimport os\n\n\ndef f(x):\n    return """a\nb"""\n', "a.py"),
    ("x = 1\r\nprint(x)\r\n", "crlf.py"),
    ("# a leading comment\nimport os\n", "comment.py"),
    ("if True:\n\tx = 1\n", "tabs.py"),
    ("", "empty.py"),
    ("\n\n  \n", "blank.py"),
    ("\n\nx = 'é' ; y = 2", "no_newline.py"),
]


def test_WHEN_file_wrappable_THEN_statement_first_AND_no_tabs_form_feeds_or_lone_carriage_returns():
    # Run our test
    actual = {path: wrappable(text) for text, path in WRAPPING_SOURCES}

    # Check our results
    expected = {"a.py": True, "crlf.py": True, "comment.py": False, "tabs.py": False, "empty.py": False,
                "blank.py": False, "no_newline.py": True}
    assert expected == actual
    assert False is wrappable("x = 1\f\n")
    assert False is wrappable("x = 1\ry = 2\n")


def test_WHEN_files_wrapped_THEN_positions_map_back_to_each_file():
    # Set up our test
    sources = [(text, path) for text, path in WRAPPING_SOURCES if wrappable(text)]

    # Run our test
    files, text = _wrap_batch(list(range(len(sources))), sources)
    root = SgRoot(text, "python").root()

    # Check our results
    assert True is _wrapped_apart(root, files)
    for wrapped, (source, _) in zip(files, sources):
        for node in root.find_all(kind="identifier"):
            if wrapped.content_start <= node.range().start.index < wrapped.end:
                line, column, start = wrapped.locate(node.range().start)
                _, _, end = wrapped.locate(node.range().end)
                assert node.text() == source[start:end]
                assert source.split("\n")[line][column:].startswith(node.text())


def test_WHEN_pack_has_sibling_rule_THEN_it_runs_per_file_AND_results_match_the_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    rules = dict(IGNORE_RULES)
    rules["CHS904"] = ("id: CHS904\nlanguage: python\nseverity: warning\nmessage: list then loop\nrule:\n"
                       "  kind: expression_statement\n  has:\n    kind: assignment\n    pattern: $X = []\n"
                       "  precedes:\n    kind: for_statement\n")
    write_pack(folder, rules=rules, utils={})
    sources = {"a.py": "x = []\n", "b.py": "for y in z:\n    print(y)\n", "c.py": "x = []\nfor y in z:\n    f(y)\n"}
    for path, text in sources.items():
        write(folder, path, text)
    matcher = Matcher(load_pack(folder))

    # Run our test
    together = matcher.check_many([(text, path) for path, text in sources.items()])

    # Check our results
    actual = sorted(_key(path, finding) for path, findings in zip(sources, together) for finding in findings)
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, list(sources)))
    assert expected == actual
    assert ["c.py"] == [key[0] for key in actual if key[1] == "CHS904"]


def test_WHEN_tree_is_deep_THEN_matched_without_recursion_error():
    # Set up our test
    source = "x = " + " + ".join(["1"] * 5000) + "\nprint(x)\n"
    matcher = Matcher(load_pack(SYNTHETIC_PACK))

    # Run our test
    actual = matcher.check(source, "deep.py")

    # Check our results
    assert ["SYN001"] == [finding.code for finding in actual]


def test_WHEN_synthetic_pack_runs_on_stdlib_sample_THEN_same_findings_as_ast_grep_scan():
    # Set up our test
    stdlib = sysconfig.get_paths()["stdlib"]
    paths = [os.path.relpath(path, stdlib) for path in discover([os.path.join(stdlib, "email")], ())]
    sources = []
    for path in paths:
        with open(os.path.join(stdlib, path), "rb") as handle:
            sources.append((decode_source(handle.read()).text, path))
    matcher = Matcher(load_pack(SYNTHETIC_PACK))

    # Run our test
    together = matcher.check_many(sources)

    # Check our results
    actual = sorted(_key(path, finding) for (_, path), findings in zip(sources, together) for finding in findings)
    expected = sorted(_cli_key(finding) for finding in
                      ast_grep_findings(stdlib, paths, ["--config", os.path.join(SYNTHETIC_PACK, "sgconfig.yml")]))
    assert expected == actual
    assert 500 < len(actual)


LEAN_SOURCE = textwrap.dedent('''\
    import os
    import logging as log

    def print_it(value):
        log.info("x")
        return os.path.join(value, "y")

    class Thing(os.PathLike):
        name = "print"
''')


def _lean_test_config() -> Dict[str, object]:
    return {
        "rule": {
            "kind": "identifier",
            "regex": "^(os|log|path)$",
            "inside": {"kind": "call", "regex": "^(log|os)", "stopBy": "end", "field": "function"},
            "not": {"matches": "used", "has": {"kind": "string", "regex": "^z$"}},
        },
        "utils": {
            "unused": {"regex": "^never$"},
            "used": {"any": [{"regex": "^(os|log|path)$", "inside": {"kind": "attribute", "field": "attribute"}},
                             {"kind": "string"}]},
        },
    }


def test_WHEN_config_made_lean_THEN_regexes_become_shared_utils_AND_unused_utils_dropped():
    # Run our test
    actual = lean_config(_lean_test_config())

    # Check our results
    names = {body["regex"]: name for name, body in actual["utils"].items() if "regex" in body}
    expected_rule = {
        "all": [
            {"kind": "identifier"},
            {"matches": names["^(os|log|path)$"]},
            {
                "inside": {"all": [{"kind": "call"}, {"matches": names["^(log|os)"]}], "stopBy": "end",
                           "field": "function"},
                "not": {"matches": "used", "has": {"all": [{"kind": "string"}, {"matches": names["^z$"]}]}},
            },
        ],
    }
    assert expected_rule == actual["rule"]
    expected_used = {"any": [
        {"all": [{"matches": names["^(os|log|path)$"]}, {"inside": {"kind": "attribute", "field": "attribute"}}]},
        {"kind": "string"},
    ]}
    assert expected_used == actual["utils"]["used"]
    assert {"^(os|log|path)$", "^(log|os)", "^z$"} == set(names)
    assert {"used", *names.values()} == set(actual["utils"])


def test_WHEN_config_made_lean_THEN_same_nodes_found():
    # Set up our test
    root = SgRoot(LEAN_SOURCE, "python").root()
    config = _lean_test_config()

    # Run our test
    expected = [node.range().start.index for node in root.find_all(config)]
    actual = [node.range().start.index for node in root.find_all(lean_config(config))]

    # Check our results
    assert 2 <= len(expected)
    assert expected == actual


MULTI_KIND_RULES = {
    "M1": """\
        id: M1
        language: python
        severity: warning
        message: one $NAME
        rule:
          any:
            - {kind: call, has: {field: function, pattern: $NAME}}
            - {kind: string, regex: '^"x'}
        """,
    "M2": """\
        id: M2
        language: python
        severity: warning
        message: two
        rule:
          kind: string
          regex: 'y"$'
        """,
    "M3": """\
        id: M3
        language: python
        severity: warning
        message: three $NAME
        rule:
          kind: call
          has: {field: arguments, has: {kind: integer, pattern: $NAME}}
        """,
}
MULTI_KIND_SOURCE = 'f(1)\ng("xy")\nh("ay")\nk("xa")\nm(x)\n'


def test_WHEN_rule_has_several_root_kinds_THEN_grouped_under_each_AND_same_findings_as_the_cli(tmp_path):
    # Set up our test
    folder = str(tmp_path)
    write_pack(folder, rules=MULTI_KIND_RULES, utils={})
    write(folder, "sample.py", MULTI_KIND_SOURCE)
    matcher = Matcher(load_pack(folder))

    # Run our test
    actual = _matcher_findings(matcher, folder, ["sample.py"])

    # Check our results
    expected = sorted(_cli_key(finding) for finding in ast_grep_findings(folder, ["sample.py"]))
    assert expected == actual
    assert ("call", "string") == matcher.rules[0].kinds
    expected_string_line = next(key[2] for key in expected if key[1] == "M2" and "xy" in MULTI_KIND_SOURCE)
    # TEST: the string "xy" is both M1's and M2's, the call f(1) both M1's and M3's
    assert ["M1", "M2"] == [key[1] for key in actual if key[2:4] == (expected_string_line, 2)]
    assert ["M1", "M3"] == [key[1] for key in actual if key[2:4] == (expected_string_line - 1, 0)]
