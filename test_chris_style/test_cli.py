import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

from chris_style import __version__
from chris_style.cli import main
from chris_style.docs import rule_doc
from chris_style.registry import all_rules, get_rule
from chris_style.ruff_config import render as render_ruff_config
from chris_style.sg.yaml_lite import load_yaml
from test_chris_style.sg.support import ast_grep_findings, run_ast_grep, write, write_pack

SYNTAX_COLUMN = 8 if sys.version_info >= (3, 10) else 7  # flake8's E999 column for "def f(:"
SOURCE = textwrap.dedent('''\
    import logging


    def test_bad(values: dict[str, int]) -> None:
        logging.info("counted %s", values)
        print(values)
''')


def _project(tmp_path: pathlib.Path, source: str = SOURCE) -> str:
    folder = str(tmp_path)
    write_pack(os.path.join(folder, "pack"))
    write(folder, "setup.py", "")
    write(folder, "pkg/test_mod.py", source)
    write(folder, "pkg/clean.py", "x = 1\n")
    return folder


def test_WHEN_check_finds_nothing_THEN_exit_0_AND_no_output(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "pkg/clean.py"])

    # Check our results
    assert (0, "", "") == (status, *capsys.readouterr())


def test_WHEN_check_finds_problems_THEN_exit_1_AND_flake8_lines_sorted(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "pkg"])

    # Check our results
    expected = (
        "pkg/test_mod.py:4:1: CHS903 name the test 'test_bad' test_WHEN_..._THEN_...\n"
        "pkg/test_mod.py:4:22: CHS901 use typing.Dict instead of builtin dict[...]\n"
        "pkg/test_mod.py:5:5: CHS902 call the module's logger, not logging.info(\"counted %s\")\n"
    )
    assert (1, expected) == (status, capsys.readouterr().out)


def test_WHEN_no_path_given_THEN_current_folder_checked_as_flake8_names_it(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(os.path.join(folder, "pkg"))

    # Run our test
    status = main(["check", "--pack", "../pack", "--select", "CHS901"])

    # Check our results
    expected = "./test_mod.py:4:22: CHS901 use typing.Dict instead of builtin dict[...]\n"
    assert (1, expected) == (status, capsys.readouterr().out)


def test_WHEN_selection_given_THEN_prefixes_and_opt_in_codes_apply(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(folder)

    # TEST: an ignore prefix and an opt-in rule turned on by its full code
    status = main(["check", "--pack", "pack", "--ignore", "CHS90", "--extend-select", "CHS950", "pkg"])
    assert (1, "pkg/test_mod.py:6:5: CHS950 call to print\n") == (status, capsys.readouterr().out)

    # TEST: a family prefix leaves the opt-in rule off
    status = main(["check", "--pack", "pack", "--select", "CHS95", "pkg"])
    assert (0, "") == (status, capsys.readouterr().out)


def test_WHEN_pyproject_has_settings_THEN_used_AND_command_line_wins(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "pyproject.toml", '[tool.chris_style]\nselect = ["CHS901"]\nexclude = ["clean.py"]\n')
    monkeypatch.chdir(folder)

    # TEST: the settings
    assert 1 == main(["check", "--pack", "pack", "pkg"])
    assert ["CHS901"] == [line.split()[1] for line in capsys.readouterr().out.splitlines()]

    # TEST: the command line wins
    assert 1 == main(["check", "--pack", "pack", "--select", "CHS902", "pkg"])
    assert ["CHS902"] == [line.split()[1] for line in capsys.readouterr().out.splitlines()]


def test_WHEN_files_are_broken_THEN_one_line_each_AND_exit_2_AND_other_findings_kept(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    (tmp_path / "pkg" / "undecodable.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "pkg" / "syntax.py").write_bytes(b"def f(:\n")
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "--select", "CHS901", "pkg", "missing.py"])

    # Check our results
    out, err = capsys.readouterr()
    expected = [
        "missing.py:0:1: E902 FileNotFoundError: [Errno 2] No such file or directory: 'missing.py'",
        f"pkg/syntax.py:1:{SYNTAX_COLUMN}: E999 SyntaxError: invalid syntax",
        "pkg/test_mod.py:4:22: CHS901 use typing.Dict instead of builtin dict[...]",
        "pkg/undecodable.py:1:6: E902 UnicodeDecodeError: utf-8 cannot decode byte 0xff (invalid start byte); "
        "declare the file's encoding or save it as UTF-8",
    ]
    assert (2, expected, "") == (status, out.splitlines(), err)


def test_WHEN_only_syntax_errors_found_THEN_exit_1_like_flake8(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "broken.py", "def f(:\n")
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "broken.py"])

    # Check our results
    assert (1, f"broken.py:1:{SYNTAX_COLUMN}: E999 SyntaxError: invalid syntax\n") == (status, capsys.readouterr().out)


@pytest.mark.parametrize("output_format", ["json", "sarif", "github"])
def test_WHEN_format_chosen_THEN_findings_written_in_it(tmp_path, monkeypatch, capsys, output_format):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "--select", "CHS901", "--format", output_format, "pkg"])

    # Check our results
    out = capsys.readouterr().out
    assert 1 == status
    if output_format == "json":
        assert [("pkg/test_mod.py", 4, 22, "CHS901")] == [
            (item["filename"], item["line"], item["column"], item["code"]) for item in json.loads(out)]
    elif output_format == "sarif":
        run = json.loads(out)["runs"][0]
        assert ["CHS901"] == [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        assert ["CHS901"] == [result["ruleId"] for result in run["results"]]
    else:
        assert "::warning file=pkg/test_mod.py,line=4,col=22,endLine=4,endColumn=36,title=CHS901::use typing.Dict " \
               "instead of builtin dict[...]\n" == out


def test_WHEN_statistics_asked_THEN_counts_follow_the_findings(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "pkg/more.py", "a: dict[str, int]\nb: list[int]\n")
    monkeypatch.chdir(folder)

    # Run our test
    main(["check", "--pack", "pack", "--statistics", "pkg"])

    # Check our results
    lines = capsys.readouterr().out.splitlines()
    expected = [
        "3     CHS901 use typing.Dict instead of builtin dict[...]",
        "1     CHS902 call the module's logger, not logging.info(\"counted %s\")",
        "1     CHS903 name the test 'test_bad' test_WHEN_..._THEN_...",
    ]
    assert expected == lines[-3:]
    assert 8 == len(lines)


def test_WHEN_fix_asked_THEN_file_fixed_AND_change_reported_on_stderr_AND_rest_printed(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "--fix", "pkg"])

    # Check our results
    out, err = capsys.readouterr()
    assert "pkg/test_mod.py: fixed 1 finding (CHS901 x1)\n" == err
    assert 2 == len(out.splitlines())
    assert 1 == status
    assert "def test_bad(values: Dict[str, int]) -> None:" in (tmp_path / "pkg" / "test_mod.py").read_text()


@pytest.mark.parametrize(
    "arguments, message",
    [(["check", "--jobs", "0"], "invalid value '0': not a whole number of at least 1"),
     (["check", "--format", "xml"], "invalid choice: 'xml'"),
     (["nonsense"], "invalid choice: 'nonsense'")],
)
def test_WHEN_usage_is_wrong_THEN_exit_2_with_argparse_message(capsys, arguments, message):
    # Run our test
    with pytest.raises(SystemExit) as raised:
        main(arguments)

    # Check our results
    assert 2 == raised.value.code
    assert message in capsys.readouterr().err


def test_WHEN_no_command_given_THEN_help_AND_exit_2(capsys):
    # Run our test
    status = main([])

    # Check our results
    assert 2 == status
    assert "check" in capsys.readouterr().err


def test_WHEN_pack_does_not_load_THEN_one_line_AND_exit_2(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "pack/rules/bad.yml", "id: X\nlanguage: python\nrule:\n  kind: call\nbogus: 1\n")
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "pkg"])

    # Check our results
    out, err = capsys.readouterr()
    assert (2, "") == (status, out)
    assert err.startswith(f"chris-style: error: {os.path.join(folder, 'pack', 'rules', 'bad.yml')}: unknown field "
                          "`bogus`")
    assert 1 == len(err.splitlines())


def test_WHEN_pyproject_settings_invalid_THEN_one_line_AND_exit_2(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "pyproject.toml", "[tool.chris_style]\nfoo = 1\n")
    monkeypatch.chdir(folder)

    # Run our test
    status = main(["check", "--pack", "pack", "pkg"])

    # Check our results
    err = capsys.readouterr().err
    assert 2 == status
    assert err.startswith("chris-style: error: ") and "unknown key 'foo'" in err and 1 == len(err.splitlines())


# TEST: against the real ast-grep CLI, in a subprocess


def test_WHEN_run_as_command_THEN_same_findings_as_ast_grep_scan_AND_no_traceback(tmp_path):
    # Set up our test
    folder = _project(tmp_path)
    write(folder, "sgconfig.yml", "ruleDirs: [pack/rules]\nutilDirs: [pack/utils]\n")

    # Run our test
    result = subprocess.run([sys.executable, "-m", "chris_style", "check", "--pack", "pack", "--select", "CHS9",
                             "--extend-select", "CHS950", "--format", "json", "pkg"],
                            cwd=folder, capture_output=True, text=True, timeout=120)

    # Check our results
    actual = sorted((item["filename"], item["line"], item["column"], item["code"], item["message"])
                    for item in json.loads(result.stdout))
    expected = sorted((finding.path, finding.line + 1, finding.column + 1, finding.code, finding.message)
                      for finding in ast_grep_findings(folder, ["pkg"], ["--warning=CHS950"]))
    assert expected == actual
    assert ("", 1) == (result.stderr, result.returncode)


# TEST: sg-init


def test_WHEN_sg_init_run_THEN_sgconfig_written_at_project_root_AND_ast_grep_scan_applies_rules(
    tmp_path, monkeypatch, capsys
):
    # Set up our test
    folder = _project(tmp_path)
    pack = os.path.join(str(tmp_path), "pack")
    monkeypatch.chdir(os.path.join(folder, "pkg"))

    # Run our test
    status = main(["sg-init", "--pack", pack])

    # Check our results
    path = os.path.join(folder, "sgconfig.yml")
    assert (0, f"wrote {path}: `ast-grep scan` and `ast-grep lsp` there now apply the rules in {pack}\n") == \
        (status, capsys.readouterr().out)
    with open(path, encoding="utf-8") as handle:
        assert [os.path.join(pack, "rules")] == load_yaml(handle.read())["ruleDirs"]
    codes = sorted(finding.code for finding in ast_grep_findings(folder, ["pkg"]))
    assert ["CHS901", "CHS902", "CHS903"] == codes


def test_WHEN_sg_init_finds_existing_sgconfig_THEN_exit_2_with_one_line_unless_forced(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    existing = write(folder, "sgconfig.yml", "ruleDirs: [mine]\n")
    monkeypatch.chdir(folder)

    # TEST: refused
    status = main(["sg-init", "--pack", "pack"])
    out, err = capsys.readouterr()
    expected = (2, "", f"chris-style: error: {existing} already exists; use --force to overwrite it\n")
    assert expected == (status, out, err)

    # TEST: forced
    assert 0 == main(["sg-init", "--pack", "pack", "--force"])
    with open(existing, encoding="utf-8") as handle:
        assert [os.path.join(folder, "pack", "rules")] == load_yaml(handle.read())["ruleDirs"]


def test_WHEN_sg_init_given_root_THEN_written_there(tmp_path, monkeypatch, capsys):
    # Set up our test
    folder = _project(tmp_path)
    other = os.path.join(str(tmp_path), "elsewhere")
    os.makedirs(other)

    # TEST: the root given
    assert 0 == main(["sg-init", "--pack", os.path.join(folder, "pack", "sgconfig.yml"), "--root", other])
    assert os.path.isfile(os.path.join(other, "sgconfig.yml"))

    # TEST: a root that is no folder
    assert 2 == main(["sg-init", "--pack", os.path.join(folder, "pack"), "--root", os.path.join(other, "nope")])
    assert "is not a folder" in capsys.readouterr().err


def test_WHEN_installed_pack_used_by_sg_init_THEN_ast_grep_cli_loads_it(tmp_path, monkeypatch, capsys):
    # Set up our test
    write(str(tmp_path), "pyproject.toml", "")
    write(str(tmp_path), "mod.py", "x = 1\n")
    monkeypatch.chdir(str(tmp_path))

    # Run our test
    status = main(["sg-init"])

    # Check our results
    result = run_ast_grep(str(tmp_path), ["scan", "mod.py"])
    assert (0, 0) == (status, result.returncode), result.stderr


def test_WHEN_version_asked_THEN_package_version(capsys):
    # Run our test
    with pytest.raises(SystemExit):
        main(["--version"])

    # Check our results
    assert f"chris-style {__version__}\n" == capsys.readouterr().out


# -- rules, rule --------------------------------------------------------------------------------------------

# The console script pip installs next to the environment's python (a missing script fails the tests that use it)
CHRIS_STYLE = shutil.which("chris-style", path=os.path.dirname(sys.executable)) or "chris-style"


def test_WHEN_rules_listed_THEN_header_AND_one_line_per_rule_in_code_order(capsys):
    # Run our test
    status = main(["rules"])

    # Check our results
    lines = capsys.readouterr().out.splitlines()
    expected = [("code", "default", "mirror")] + [
        (rule.code, "on" if rule.default_on else "off", rule.mirror) for rule in all_rules()
    ]
    assert (0, expected) == (status, [tuple(line.split()[:3]) for line in lines])
    assert sorted(lines[1:]) == lines[1:]


def test_WHEN_rules_listed_as_json_THEN_one_object_per_rule(capsys):
    # Run our test
    status = main(["rules", "--format", "json"])

    # Check our results
    entries = json.loads(capsys.readouterr().out)
    expected = [[rule.code, "on" if rule.default_on else "off", rule.mirror, rule.summary, rule.section, rule.ruff]
                for rule in all_rules()]
    keys = ["code", "default", "mirror", "summary", "section", "ruff"]
    assert (0, expected) == (status, [[entry[key] for key in keys] for entry in entries])


@pytest.mark.parametrize("typed", ["CHS150", "chs150", " Chs150 "])
def test_WHEN_rule_asked_in_any_case_THEN_its_docs_printed(capsys, typed):
    # Run our test
    status = main(["rule", typed])

    # Check our results
    out, err = capsys.readouterr()
    assert (0, "") == (status, err)
    assert out.startswith(f"## CHS150: {get_rule('CHS150').summary}\n")
    assert "--extend-select=CHS150" in out
    assert rule_doc(get_rule("CHS150")) == out


def test_WHEN_rule_asked_with_unknown_code_THEN_exit_2_AND_one_line_on_stderr(capsys):
    # Run our test
    status = main(["rule", "chs999"])

    # Check our results
    expected = (2, "", "chris-style: error: unknown rule code 'chs999' (`chris-style rules` lists them)\n")
    assert expected == (status, *capsys.readouterr())


# TEST: through the installed console script, in a subprocess


def test_WHEN_console_script_lists_rules_THEN_exit_0_AND_every_code():
    # Run our test
    result = subprocess.run([CHRIS_STYLE, "rules"], capture_output=True, text=True, encoding="utf-8", timeout=60)

    # Check our results
    expected = (0, "", [rule.code for rule in all_rules()])
    assert expected == (result.returncode, result.stderr, [line.split()[0] for line in result.stdout.splitlines()[1:]])


def test_WHEN_console_script_asked_for_unknown_rule_THEN_exit_2_AND_one_line_AND_no_traceback():
    # Run our test
    result = subprocess.run([CHRIS_STYLE, "rule", "CHS999"], capture_output=True, text=True, encoding="utf-8",
                            timeout=60)

    # Check our results
    expected = (2, "", ["chris-style: error: unknown rule code 'CHS999' (`chris-style rules` lists them)"])
    assert expected == (result.returncode, result.stdout, result.stderr.splitlines())


def test_WHEN_console_script_prints_rule_THEN_same_text_as_docs():
    # Run our test
    result = subprocess.run([CHRIS_STYLE, "rule", "chs301"], capture_output=True, text=True, encoding="utf-8",
                            timeout=60)

    # Check our results
    assert (0, rule_doc(get_rule("CHS301"))) == (result.returncode, result.stdout)


# TEST: ruff-config


def test_WHEN_ruff_config_help_asked_THEN_options_described_AND_exit_0(capsys):
    # Run our test
    with pytest.raises(SystemExit) as exit_info:
        main(["ruff-config", "--help"])

    # Check our results
    output = capsys.readouterr().out
    assert (0, True, True) == (exit_info.value.code, "--pyproject" in output, "--extend FILE" in output)


@pytest.mark.parametrize("arguments, expected_text", [
    ([], lambda: render_ruff_config()),
    (["--pyproject"], lambda: render_ruff_config(pyproject=True)),
    (["--extend", "pyproject.toml"], lambda: render_ruff_config(extend="pyproject.toml")),
])
def test_WHEN_ruff_config_run_THEN_settings_printed_AND_exit_0(capsys, arguments, expected_text):
    # Run our test
    status = main(["ruff-config"] + arguments)

    # Check our results
    captured = capsys.readouterr()
    assert (0, expected_text(), "") == (status, captured.out, captured.err)


def test_WHEN_console_script_writes_ruff_toml_THEN_ruff_finds_AND_uses_it(tmp_path):
    # Set up our test
    write(str(tmp_path), "module.py", "x = 1  # noqa: CHS101\n")

    # Run our test
    written = subprocess.run([CHRIS_STYLE, "ruff-config"], capture_output=True, text=True, encoding="utf-8", timeout=60)
    (tmp_path / "ruff.toml").write_text(written.stdout, encoding="utf-8")
    shown = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--show-settings", "module.py"],
                           cwd=str(tmp_path), capture_output=True, text=True, encoding="utf-8", timeout=60)

    # Check our results
    assert (0, "") == (written.returncode, written.stderr)
    assert (0, "") == (shown.returncode, shown.stderr)
    assert f'Settings path: "{tmp_path / "ruff.toml"}"' == shown.stdout.splitlines()[1]
    assert "linter.external = [\n\tCHS,\n]" in shown.stdout
