import os

import pytest

from chris_style import docs
from chris_style.registry import all_rules

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


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

    # TEST: stale table gets rewritten
    assert 0 == docs.main(["--readme", str(readme)])
    expected = f"intro\n{docs.TABLE_START}\n{docs.rule_table()}{docs.TABLE_END}\nend\n"
    assert expected == readme.read_text(encoding="utf-8")

    # TEST: no markers: exit 2
    readme.write_text("nothing\n", encoding="utf-8")
    assert 2 == docs.main(["--readme", str(readme)])
