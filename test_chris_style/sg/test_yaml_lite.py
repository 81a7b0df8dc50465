import glob
import os
import re
import textwrap
from typing import Any, List

import hypothesis
import hypothesis.strategies as st
import pytest
import yaml

from chris_style.sg.yaml_lite import YamlSubsetError, load_yaml, resolve_plain

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"


class _Yaml12Loader(yaml.SafeLoader):
    """PyYAML reading plain scalars with YAML 1.2's core schema, as the ast-grep CLI (serde_yaml) does."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Yaml12Loader.add_implicit_resolver(
    INT_TAG, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Yaml12Loader.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Yaml12Loader.add_implicit_resolver(NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node)
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    return int(value, 10)


_Yaml12Loader.add_constructor(INT_TAG, _construct_int)


def _pyyaml_12(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass


def _repository_yaml_files() -> List[str]:
    patterns = ("chris_style/pack/**/*.yml", "benchmarks/synthetic_pack/**/*.yml")
    return sorted(path for pattern in patterns for path in glob.glob(os.path.join(REPO_ROOT, pattern), recursive=True))


DOCUMENTS = [
    # Block mappings and sequences, comments, a sequence at its key's indentation, compact entries
    """\
    # a comment
    id: CHS103   # trailing comment
    language: python
    files: ["**/test_*.py", '**/*_test.py']
    rule:
      kind: subscript
      all:
      - has: {kind: identifier, regex: "^(dict|list)$"}
      - not:
          inside:
            kind: call
            stopBy: end
      - - nested
        - list
    empty:
    zero: 0
    """,
    # Block scalars: literal and folded, every chomping, an indentation digit, more-indented lines
    """\
    literal: |
      line one
        indented
      line three

    strip: |-
      stripped
    keep: |+
      kept

    folded: >
      folded into
      one line

      new paragraph
        kept as is
      end
    folded_strip: >-
      a
      b
    digit: |2
        two more spaces
    last: x
    """,
    # Quoted scalars: escapes, folding over lines, '' inside single quotes
    """\
    double: "tab\\there \\u00e9 \\x41 \\"quoted\\" back\\\\slash"
    single: 'it''s here'
    folded_double: "first
      second

      third"
    escaped_break: "no \\
      space"
    folded_single: 'a
      b'
    colon_in_quotes: "a: b"
    hash_in_quotes: 'x # not a comment'
    """,
    # Flow collections over several lines, nested, with comments and a trailing comma
    """\
    flow: [a, b,   # comment
      [c, d], {e: f, g: [1, 2]},
      "h, i", 'j]',
    ]
    mapping: {one: 1, two: "2", three}
    empty_list: []
    empty_map: {}
    """,
    # YAML 1.2 core scalars
    """\
    severity: off
    yes_word: yes
    octal: 0o17
    hex: 0x1F
    decimal_leading_zero: 012
    float: 1.5
    exponent: 1e3
    infinity: -.inf
    null_tilde: ~
    null_word: Null
    boolean: TRUE
    text: $F($$$ARGS)
    url: http://example.com/a:b
    """,
    # A document marker, a plain scalar over several lines, CRLF is handled by the test below
    """\
    ---
    message: use typing.$ALIAS instead of builtin
      $BUILTIN[...] in annotations

      second paragraph
    note: "§2 Typing"
    """,
    # A top-level sequence of mappings, with deeper nesting
    """\
    - id: a
      rule:
        any:
          - pattern: print($$$)
          - pattern: "exec($$$)"
    - id: b
    -
      - deep
    """,
]


# TEST: the differential suite


@pytest.mark.parametrize("document", DOCUMENTS, ids=[f"document_{index}" for index in range(len(DOCUMENTS))])
def test_WHEN_document_in_subset_loaded_THEN_same_value_as_pyyaml(document):
    # Set up our test
    text = textwrap.dedent(document)

    # Run our test
    actual = load_yaml(text)

    # Check our results
    expected = _pyyaml_12(text)
    assert expected == actual


@pytest.mark.parametrize("path", _repository_yaml_files(), ids=os.path.basename)
def test_WHEN_repository_yaml_file_loaded_THEN_same_value_as_pyyaml(path):
    # Set up our test
    with open(path, encoding="utf-8") as handle:
        text = handle.read()

    # Run our test
    actual = load_yaml(text, path)

    # Check our results
    assert _pyyaml_12(text) == actual


def test_WHEN_repository_yaml_files_listed_THEN_pack_and_synthetic_pack_found():
    # Run our test
    names = {os.path.relpath(path, REPO_ROOT) for path in _repository_yaml_files()}

    # Check our results
    assert os.path.join("chris_style", "pack", "sgconfig.yml") in names
    assert os.path.join("benchmarks", "synthetic_pack", "sgconfig.yml") in names


def test_WHEN_text_has_crlf_line_ends_or_bom_THEN_same_value_as_with_lf():
    # Set up our test
    text = textwrap.dedent(DOCUMENTS[1])

    # Run our test
    actual = load_yaml("\ufeff" + text.replace("\n", "\r\n"))

    # Check our results
    assert load_yaml(text) == actual


# TEST: YAML 1.2 scalars, as the CLI reads them


@pytest.mark.parametrize(
    "text, expected",
    [("off", "off"), ("yes", "yes"), ("No", "No"), ("true", True), ("False", False), ("~", None), ("", None),
     ("null", None), ("12", 12), ("-3", -3), ("012", 12), ("0o17", 15), ("0x1f", 31), ("1.5", 1.5),
     ("1e3", 1000.0), (".5", 0.5), ("-.inf", float("-inf")), ("0b101", "0b101"), ("1_000", "1_000"),
     ("12:30", "12:30"), ("$X", "$X")],
)
def test_WHEN_plain_scalar_resolved_THEN_yaml_1_2_core_schema_value(text, expected):
    # Run our test / Check our results
    assert expected == resolve_plain(text)


def test_WHEN_severity_off_loaded_THEN_string_off_not_false():
    # Run our test
    actual = load_yaml("severity: off\n")

    # Check our results
    assert {"severity": "off"} == actual


# TEST: outside the subset: one line naming the source, the line and the problem


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("a: &anchor 1\n", 1, "anchors are not supported"),
        ("a: 1\nb: *anchor\n", 2, "aliases are not supported"),
        ("a: !tag 1\n", 1, "tags are not supported"),
        ("%YAML 1.2\n---\na: 1\n", 1, "directives are not supported"),
        ("a: 1\n---\nb: 2\n", 2, "several documents in one file are not supported"),
        ("? complex\n: key\n", 1, "complex '?' keys are not supported"),
        ("a:\n\tb: 1\n", 2, "tabs are not allowed in indentation"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
        ("a: {b: 1, b: 2}\n", 1, "duplicate key 'b'"),
        ('a: "open\n', 1, "unterminated quoted scalar"),
        ("a: [1, 2\n", 1, "unterminated flow collection"),
        ("a: b: c\n", 1, "mapping values are not allowed here (quote the text)"),
        ("a:\n  b: 1\n c: 2\n", 3, "bad indentation"),
        ("a: [1,, 2]\n", 1, "empty entry in a flow collection"),
        ('a: "\\q"\n', 1, "unknown escape sequence '\\q'"),
        ("a: - b\n", 1, "a block sequence cannot start on the line of its key"),
        ("- a\nb: 1\n", 2, "expected a '- ' sequence entry at this indentation"),
        ("a: |x\n  b\n", 1, "bad block scalar header '|x'"),
    ],
)
def test_WHEN_text_outside_subset_loaded_THEN_yaml_subset_error_names_source_line_and_problem(text, line, problem):
    # Run our test
    with pytest.raises(YamlSubsetError) as raised:
        load_yaml(text, "rules/x.yml")

    # Check our results
    assert f"rules/x.yml:{line}: {problem}" == str(raised.value)


# TEST: no recursion


def test_WHEN_deeply_nested_document_loaded_THEN_no_recursion_limit():
    # Set up our test
    depth = 5000
    block = "".join(f"{'  ' * level}k{level}:\n" for level in range(depth)) + f"{'  ' * depth}leaf\n"
    flow = "x: " + "[" * depth + "1" + "]" * depth + "\n"

    # Run our test
    block_value = load_yaml(block)
    flow_value = load_yaml(flow)

    # Check our results
    for level in range(depth):
        block_value = block_value[f"k{level}"]
    assert "leaf" == block_value
    flow_value = flow_value["x"]
    for _ in range(depth):
        flow_value = flow_value[0]
    assert 1 == flow_value


# TEST: the round-trip property


def _subset_string(text: str) -> bool:
    """Strings PyYAML writes plain although YAML 1.2 reads them as another type (PyYAML decides what to
    quote with YAML 1.1's rules) are left out: the subset reads them as the CLI does."""
    if isinstance(resolve_plain(text), str):
        return True
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) != STR_TAG


# NEL and the Unicode line and paragraph separators: PyYAML itself does not read them back unchanged.
_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029")
_TEXT = st.text(_CHARACTERS, max_size=40).filter(_subset_string)
# Keys PyYAML writes as simple keys: not empty, on one line, short.
_KEYS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x85\u2028\u2029"),
                min_size=1, max_size=20).filter(_subset_string)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), _TEXT)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(_KEYS, children, max_size=5)),
    max_leaves=30,
)
_DOCUMENTS = st.one_of(st.lists(_VALUES, max_size=5), st.dictionaries(_KEYS, _VALUES, max_size=5))


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    document=_DOCUMENTS,
    flow_style=st.sampled_from([False, None]),
    width=st.sampled_from([20, 80, 1000]),
    allow_unicode=st.booleans(),
    indent=st.sampled_from([2, 4]),
)
def test_WHEN_pyyaml_dump_loaded_THEN_same_value_as_pyyaml_load(document, flow_style, width, allow_unicode, indent):
    # Set up our test
    text = yaml.safe_dump(document, default_flow_style=flow_style, width=width, allow_unicode=allow_unicode,
                          indent=indent)

    # Run our test
    actual = load_yaml(text)

    # Check our results
    assert yaml.safe_load(text) == actual
    assert document == actual
