import dataclasses
import os
import re

import pytest

from chris_style import docs
from chris_style.registry import all_rules, get_rule

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
RULES_DOC = os.path.join(ROOT, "docs", "rules.md")


def test_WHEN_readme_read_THEN_rule_table_matches_registry():
    # Set up our test
    with open(README, encoding="utf-8") as handle:
        actual = handle.read()

    # Run our test
    expected = docs.replace_table(actual, docs.rule_table())

    # Check our results
    assert expected == actual, "README.md's rule table is stale: run `python -m chris_style.docs`"


def test_WHEN_table_rendered_THEN_one_row_per_rule_with_default():
    # Run our test
    table = docs.rule_table().splitlines()

    # Check our results
    expected = [f"| {rule.code} | {'on' if rule.default_on else 'opt-in'} |" for rule in all_rules()]
    assert expected == [" | ".join(row.split(" | ")[:2]) + " |" for row in table[2:]]


def test_WHEN_table_replaced_AND_markers_missing_THEN_raises():
    with pytest.raises(docs.ReadmeMarkersMissing):
        docs.replace_table("no markers here", "| table |")


def test_WHEN_docs_main_runs_THEN_readme_rewritten_once(tmp_path):
    # Set up our test
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{docs.TABLE_START}\nold\n{docs.TABLE_END}\nend\n", encoding="utf-8")

    rules_doc = tmp_path / "docs" / "rules.md"
    arguments = ["--readme", str(readme), "--rules-doc", str(rules_doc)]

    # TEST: stale table gets rewritten, and the missing rules doc written in a new folder
    assert 0 == docs.main(arguments)
    expected = f"intro\n{docs.TABLE_START}\n{docs.rule_table()}{docs.TABLE_END}\nend\n"
    assert expected == readme.read_text(encoding="utf-8")
    assert docs.rules_document() == rules_doc.read_text(encoding="utf-8")

    # TEST: a stale rules doc gets rewritten
    rules_doc.write_text("old\n", encoding="utf-8")
    assert 0 == docs.main(arguments)
    assert docs.rules_document() == rules_doc.read_text(encoding="utf-8")

    # TEST: no markers: exit 2
    readme.write_text("nothing\n", encoding="utf-8")
    assert 2 == docs.main(arguments)


def test_WHEN_docs_main_runs_AND_files_current_THEN_nothing_written(tmp_path, capsys):
    # Set up our test
    readme = tmp_path / "README.md"
    readme.write_text(f"{docs.TABLE_START}\n{docs.rule_table()}{docs.TABLE_END}\n", encoding="utf-8")
    rules_doc = tmp_path / "rules.md"
    rules_doc.write_text(docs.rules_document(), encoding="utf-8")

    # Run our test
    status = docs.main(["--readme", str(readme), "--rules-doc", str(rules_doc)])

    # Check our results
    assert (0, "") == (status, capsys.readouterr().out)


def test_WHEN_rules_doc_read_THEN_matches_registry():
    # Set up our test
    with open(RULES_DOC, encoding="utf-8") as handle:
        actual = handle.read()

    # Run our test
    expected = docs.rules_document()

    # Check our results
    assert expected == actual, "docs/rules.md is stale: run `python -m chris_style.docs`"


def test_WHEN_rules_doc_rendered_THEN_contents_link_every_section_AND_each_rule_doc_appears_once():
    # Run our test
    document = docs.rules_document()

    # Check our results
    assert document.startswith(docs.RULES_DOC_TITLE + "\n")
    for rule in all_rules():
        anchor = rule.code.lower()
        assert 1 == document.count(f"[{rule.code}](#{anchor})"), rule.code
        assert 1 == document.count(f'<a id="{anchor}"></a>\n\n{docs.rule_doc(rule)}'), rule.code


def test_WHEN_rule_doc_rendered_THEN_every_field_appears():
    for rule in all_rules():
        # Run our test
        text = docs.rule_doc(rule)

        # Check our results
        assert text.startswith(f"## {rule.code}: {rule.summary}\n"), rule.code
        fields = [rule.section, rule.what, rule.why, rule.ruff, rule.mirror_notes, rule.decisions,
                  f"```python\n{rule.bad.rstrip()}\n```", f"```python\n{rule.good.rstrip()}\n```",
                  f"### ast-grep mirror: {rule.mirror}", *rule.exemptions, *(f"`{name}`" for name in rule.options)]
        missing = [field for field in fields if field not in text]
        assert [] == missing, rule.code


def test_WHEN_rule_doc_rendered_THEN_enable_text_only_for_opt_in_rules_AND_ast_grep_only_with_mirror():
    for rule in all_rules():
        # Run our test
        text = docs.rule_doc(rule)

        # Check our results
        opt_in = not rule.default_on
        mirrored = rule.mirror != "none"
        expected = (opt_in, opt_in and mirrored, opt_in and mirrored, not opt_in, not opt_in)
        actual = (f"--extend-select={rule.code}" in text, f"--warning={rule.code}" in text,
                  f"chris-style check --extend-select={rule.code}" in text,
                  f"--extend-ignore={rule.code}" in text, "### Default and how to turn it off" in text)
        assert expected == actual, rule.code


def test_WHEN_rule_without_exemptions_options_decisions_rendered_THEN_sections_say_none():
    # Set up our test
    rule = dataclasses.replace(get_rule("CHS150"), exemptions=(), options=(), decisions="")

    # Run our test
    text = docs.rule_doc(rule)

    # Check our results
    expected = ["### Exemptions", "### Options", "### Decisions where the guide is silent"]
    assert expected == [line for line in text.splitlines() if line.startswith("### ") and f"{line}\n\nNone.\n" in text]


def test_WHEN_rule_names_unknown_option_THEN_raises():
    # Set up our test
    rule = dataclasses.replace(get_rule("CHS651"), options=("chs-no-such-option",))

    # Run our test
    with pytest.raises(docs.UndocumentedOption, match="chs-no-such-option"):
        docs.rule_doc(rule)


def test_WHEN_option_docs_read_THEN_every_rule_option_declared_with_default_filled_in():
    # Run our test
    options = docs.option_docs()

    # Check our results
    used = sorted({name for rule in all_rules() for name in rule.options})
    assert used == sorted(name for name in used if name in options)
    assert "`test_*.py,*_test.py,conftest.py`" in options["chs-test-files"].help
    assert [] == [option.name for option in options.values() if "%(" in option.help or "chris_style:" in option.help]


def test_WHEN_message_has_placeholders_THEN_shown_as_angle_brackets_in_code_span():
    # Set up our test
    rule = dataclasses.replace(get_rule("CHS101"), message="bad `{name}` here")

    # Run our test
    text = docs.rule_doc(rule)

    # Check our results
    assert "- Finding: ``CHS101 bad `<name>` here``\n" in text


def test_WHEN_listing_rendered_THEN_header_AND_one_aligned_line_per_rule():
    # Set up our test
    rules = all_rules()

    # Run our test
    lines = docs.rule_listing(rules).splitlines()

    # Check our results
    expected = [["code", "default", "mirror", "summary"]] + [
        [rule.code, "on" if rule.default_on else "off", rule.mirror, rule.summary] for rule in rules
    ]
    assert expected == [re.split(r" {2,}", line, maxsplit=3) for line in lines]
    assert 1 == len({line.index(rule.summary) for line, rule in zip(lines[1:], rules)})


def test_WHEN_entry_built_THEN_json_fields_from_rule():
    # Set up our test
    rule = get_rule("CHS650")

    # Run our test
    entry = docs.rule_entry(rule)

    # Check our results
    expected = {"code": "CHS650", "default": "off", "mirror": rule.mirror, "summary": rule.summary,
                "section": rule.section, "ruff": rule.ruff}
    assert expected == {key: entry[key] for key in expected}
