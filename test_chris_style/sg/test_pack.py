import json
import os
import textwrap

import pytest
import yaml

from chris_style.sg.pack import PACK_DIR, InvalidPack, SgconfigExists, default_pack, load_pack, root_kinds, \
    sgconfig_text, write_sgconfig
from chris_style.sg.yaml_lite import load_yaml
from test_chris_style.sg.support import RULES, UTILS, run_ast_grep, write, write_pack

MINIMAL_RULE = """\
id: CHS999
language: python
severity: warning
message: call
rule:
  kind: call
"""


def test_WHEN_pack_loaded_THEN_rules_sorted_with_every_field_AND_global_utils_read(tmp_path):
    # Set up our test
    sgconfig = write_pack(str(tmp_path))

    # Run our test
    pack = load_pack(sgconfig)

    # Check our results
    assert ["CHS901", "CHS902", "CHS903", "CHS950"] == [rule.id for rule in pack.rules]
    assert ["root-logger-call"] == list(pack.utils)
    assert str(tmp_path) == pack.root
    rule = pack.rule("CHS903")
    expected = (("function_definition",), "warning", ("**/test_*.py",), ())
    assert expected == (rule.kinds, rule.severity, rule.files, rule.ignores)
    assert "name the test '$NAME' test_WHEN_..._THEN_..." == rule.message
    assert os.path.join(str(tmp_path), "rules", "CHS903.yml") == rule.path
    assert "$UPPER$PARAMETERS" == pack.rule("CHS901").fix
    assert {"NAME": {"regex": "^(debug|info|warning|error|exception|critical)$"}} == pack.rule("CHS902").constraints
    assert ["has-text"] == list(pack.rule("CHS902").utils)
    assert (True, False) == (pack.rule("CHS950").opt_in, rule.opt_in)


def test_WHEN_folder_given_instead_of_sgconfig_THEN_same_pack(tmp_path):
    # Set up our test
    sgconfig = write_pack(str(tmp_path))

    # Run our test
    actual = load_pack(str(tmp_path))

    # Check our results
    assert load_pack(sgconfig) == actual


def test_WHEN_rule_dirs_nested_AND_yaml_extension_THEN_read_recursively_like_the_cli(tmp_path):
    # Set up our test
    write_pack(str(tmp_path), rules={})
    write(str(tmp_path), "rules/deep/er/CHS998.yaml", MINIMAL_RULE.replace("CHS999", "CHS998"))
    write(str(tmp_path), "rules/.hidden.yml", MINIMAL_RULE)
    write(str(tmp_path), "rules/notes.txt", "not a rule")

    # Run our test
    pack = load_pack(str(tmp_path))

    # Check our results
    assert ["CHS998", "CHS999"] == [rule.id for rule in pack.rules]


def test_WHEN_installed_pack_loaded_THEN_every_rule_declares_its_root_kind():
    # Run our test
    pack = default_pack()

    # Check our results
    assert os.path.join(PACK_DIR, "sgconfig.yml") == pack.sgconfig
    assert [] == [rule.id for rule in pack.rules if not rule.kinds]


@pytest.mark.parametrize(
    "rule, expected",
    [({"kind": "call"}, ("call",)), ({"all": [{"kind": "call"}, {"has": {}}]}, ("call",)), ({"pattern": "f()"}, ()),
     ({"all": [{"has": {"kind": "call"}}]}, ()), ({"any": [{"kind": "call"}]}, ("call",)),
     ({"any": [{"kind": "call"}, {"all": [{"kind": "string"}]}, {"any": [{"kind": "call"}, {"kind": "list"}]}]},
      ("call", "string", "list")),
     ({"any": [{"kind": "call"}, {"pattern": "f()"}]}, ()), ({"any": []}, ()), ("call", ())],
)
def test_WHEN_root_kinds_read_THEN_top_level_kind_first_all_item_or_every_any_item(rule, expected):
    # Run our test / Check our results
    assert expected == root_kinds(rule)


# TEST: what the runner refuses, with one line naming the file (and what the CLI does with the same pack)

REJECTED = {
    "unknown top-level key": (
        MINIMAL_RULE + "guide: x\n",
        "unknown field `guide`, expected one of id, language, rule, constraints, utils, transform, fix, rewriters, "
        "message, note, severity, labels, files, ignores, url, metadata (custom data goes under 'metadata:')",
        True,
    ),
    # The CLI names a rule without id after its file; the pack conventions require the id.
    "missing id": (MINIMAL_RULE.replace("id: CHS999\n", ""), "missing field `id`", False),
    "missing language": (MINIMAL_RULE.replace("language: python\n", ""), "missing field `language`", True),
    "undefined util": (
        MINIMAL_RULE + "  matches: nowhere\n", "rule CHS999 uses util rule 'nowhere', which is not defined", True,
    ),
    "no root kind": (
        MINIMAL_RULE.replace("  kind: call\n", "  pattern: f()\n"),
        "rule CHS999 has no root 'kind' (required at the top of 'rule', as the first item of a top-level 'all:', "
        "or in every item of a top-level 'any:', so the runner can group rules by node kind)",
        False,
    ),
    "bad severity": (
        MINIMAL_RULE.replace("warning", "fatal"),
        "severity 'fatal' is not one of hint, info, warning, error, off",
        True,
    ),
    "other language": (
        MINIMAL_RULE.replace("python", "rust"),
        "language 'rust' is not supported: the runner checks Python only",
        False,
    ),
    "files not a list": (MINIMAL_RULE + "files: 3\n", "'files' must be a list of glob strings", True),
    "yaml outside subset": (MINIMAL_RULE + "note: &a x\n", "line 7: anchors are not supported", False),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_WHEN_rule_file_invalid_THEN_invalid_pack_names_file_and_problem(tmp_path, case):
    # Set up our test
    text, problem, _ = REJECTED[case]
    write_pack(str(tmp_path), rules={"CHS999": text}, utils={})

    # Run our test
    with pytest.raises(InvalidPack) as raised:
        load_pack(str(tmp_path))

    # Check our results
    assert f"{os.path.join(str(tmp_path), 'rules', 'CHS999.yml')}: {problem}" == str(raised.value)


@pytest.mark.parametrize("case", sorted(case for case, (_, _, cli_rejects) in REJECTED.items() if cli_rejects))
def test_WHEN_rule_file_invalid_THEN_ast_grep_cli_refuses_it_too(tmp_path, case):
    # Set up our test
    text, _, _ = REJECTED[case]
    write_pack(str(tmp_path), rules={"CHS999": text}, utils={})
    write(str(tmp_path), "sample.py", "f()\n")

    # Run our test
    result = run_ast_grep(str(tmp_path), ["scan", "sample.py"])

    # Check our results
    assert 0 != result.returncode


def test_WHEN_two_rules_share_an_id_THEN_invalid_pack(tmp_path):
    # Set up our test
    write_pack(str(tmp_path), rules={"a": MINIMAL_RULE, "b": MINIMAL_RULE}, utils={})

    # Run our test
    with pytest.raises(InvalidPack) as raised:
        load_pack(str(tmp_path))

    # Check our results
    first, second = (os.path.join(str(tmp_path), "rules", name) for name in ("a.yml", "b.yml"))
    assert f"{second}: duplicate rule id 'CHS999' (also in {first})" == str(raised.value)


@pytest.mark.parametrize(
    "util_text, problem",
    [("id: a(b)\nlanguage: python\nrule:\n  kind: call\n", "util id 'a(b)' must not contain any of ( ) , ="),
     ("language: python\nrule:\n  kind: call\n", "missing field `id`"),
     ("id: u\nlanguage: python\n", "missing field `rule` (a rule object)")],
)
def test_WHEN_util_file_invalid_THEN_invalid_pack(tmp_path, util_text, problem):
    # Set up our test
    write_pack(str(tmp_path), rules={}, utils={"u": util_text})

    # Run our test
    with pytest.raises(InvalidPack) as raised:
        load_pack(str(tmp_path))

    # Check our results
    assert f"{os.path.join(str(tmp_path), 'utils', 'u.yml')}: {problem}" == str(raised.value)


def test_WHEN_rule_dir_missing_THEN_invalid_pack_like_the_cli(tmp_path):
    # Set up our test
    sgconfig = write(str(tmp_path), "sgconfig.yml", "ruleDirs: [nowhere]\n")
    write(str(tmp_path), "sample.py", "f()\n")

    # Run our test
    with pytest.raises(InvalidPack) as raised:
        load_pack(sgconfig)

    # Check our results
    assert f"{sgconfig}: cannot read rule directory {os.path.join(str(tmp_path), 'nowhere')}" == str(raised.value)
    assert 0 != run_ast_grep(str(tmp_path), ["scan", "sample.py"]).returncode


def test_WHEN_sgconfig_has_unknown_key_THEN_ignored_like_the_cli(tmp_path):
    # Set up our test
    write_pack(str(tmp_path), sgconfig="ruleDirs: [rules]\nutilDirs: [utils]\nlanguageGlobs: {}\nother: 1\n")

    # Run our test
    pack = load_pack(str(tmp_path))

    # Check our results
    assert 4 == len(pack.rules)


# TEST: sg-init's sgconfig


def test_WHEN_sgconfig_written_THEN_absolute_rule_and_util_dirs_of_the_pack(tmp_path):
    # Set up our test
    pack_dir = os.path.join(str(tmp_path), "odd pack: 'x' #1 é")
    write_pack(pack_dir)
    project = os.path.join(str(tmp_path), "project")
    os.makedirs(project)

    # Run our test
    path = write_sgconfig(project, pack_dir, "1.2.3")

    # Check our results
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    expected = {"ruleDirs": [os.path.join(pack_dir, "rules")], "utilDirs": [os.path.join(pack_dir, "utils")]}
    assert expected == load_yaml(text)
    assert expected == yaml.safe_load(text)
    assert text.startswith("# Written by `chris-style sg-init` (chris_style 1.2.3)")
    assert [rule.id for rule in load_pack(pack_dir).rules] == [rule.id for rule in load_pack(path).rules]


def test_WHEN_sgconfig_exists_THEN_refused_unless_forced(tmp_path):
    # Set up our test
    pack_dir = os.path.join(str(tmp_path), "pack")
    write_pack(pack_dir)
    existing = write(str(tmp_path), "sgconfig.yml", "ruleDirs: [mine]\n")

    # TEST: without force the file stays as it was
    with pytest.raises(SgconfigExists) as raised:
        write_sgconfig(str(tmp_path), pack_dir, "1")
    assert f"{existing} already exists; use --force to overwrite it" == str(raised.value)
    with open(existing, encoding="utf-8") as handle:
        assert "ruleDirs: [mine]\n" == handle.read()

    # TEST: with force it is replaced
    write_sgconfig(str(tmp_path), pack_dir, "1", force=True)
    with open(existing, encoding="utf-8") as handle:
        assert [os.path.join(pack_dir, "rules")] == load_yaml(handle.read())["ruleDirs"]


def test_WHEN_sgconfig_text_made_for_installed_pack_THEN_points_at_package_folders():
    # Run our test
    actual = load_yaml(sgconfig_text(PACK_DIR, "0"))

    # Check our results
    expected = {"ruleDirs": [os.path.join(PACK_DIR, "rules")], "utilDirs": [os.path.join(PACK_DIR, "utils")]}
    assert expected == actual
    assert all(os.path.isdir(folder) for folder in (*actual["ruleDirs"], *actual["utilDirs"]))


def test_WHEN_sample_rules_read_THEN_valid_yaml_for_the_cli_test_command(tmp_path):
    # Set up our test
    write_pack(str(tmp_path))
    for name in RULES:
        rule_test = {"id": name, "valid": ["x = 1"], "invalid": []}
        write(str(tmp_path), f"rule-tests/{name}-test.yml", json.dumps(rule_test))
    write(str(tmp_path), "sgconfig.yml", textwrap.dedent("""\
        ruleDirs: [rules]
        utilDirs: [utils]
        testConfigs: [{testDir: rule-tests}]
        """))

    # Run our test
    result = run_ast_grep(str(tmp_path), ["test", "--skip-snapshot-tests"])

    # Check our results
    assert 0 == result.returncode, result.stdout + result.stderr
    assert sorted(UTILS) == sorted(load_pack(str(tmp_path)).utils)
