"""The corpus run (benchmarks/corpus.py): files through both engines, crashes and rejected files counted."""
import os
from types import ModuleType
from typing import Dict, Tuple

import pytest
import unittest.mock as mock

import chris_style.plugin
import chris_style.sg.runner
from test_chris_style.benchmark_support import load_benchmark

FILES = {
    "good.py": b"try:\n    pass\nexcept:\n    pass\n",
    "bad_syntax.py": b"def broken(:\n    pass\n",
    "bad_encoding.py": b"text = '\xff'\n",
}


def _corpus() -> ModuleType:
    return load_benchmark("corpus")


def _write_files(folder: str, files: Dict[str, bytes]) -> Dict[str, str]:
    paths = {}
    for name, data in files.items():
        paths[name] = os.path.join(folder, name)
        with open(paths[name], "wb") as handle:
            handle.write(data)
    return paths


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Tuple[ModuleType, Dict[str, str], object]:
    """One run of both engines over FILES (building the runner's matcher takes seconds)."""
    corpus = _corpus()
    paths = _write_files(str(tmp_path_factory.mktemp("corpus")), FILES)
    return corpus, paths, corpus.run_corpus(sorted(paths.values()), jobs=1)


def test_WHEN_files_python_rejects_are_run_THEN_runner_rejects_them_and_plugin_skips_what_flake8_cannot_parse(
        corpus_run):
    # Set up our test
    _, paths, result = corpus_run
    rejected = {paths["bad_syntax.py"], paths["bad_encoding.py"]}

    # Run our test
    actual = (result.python_rejects, result.plugin.rejected, result.runner.rejected)

    # Check our results: flake8 reads an undecodable file as latin-1 and parses it, so the plugin skips only the
    # syntax error
    assert (rejected, {paths["bad_syntax.py"]}, rejected) == actual
    assert ([], []) == (result.crashes, result.mismatches)
    assert (1, 1, 1) == (result.plugin.codes["CHS404"], result.runner.codes["CHS404"], result.runner.codes["E999"])
    assert (3, 3) == (result.plugin.files, result.runner.files)


def test_WHEN_result_reported_THEN_counts_per_code_side_by_side_and_pass_line(corpus_run, capsys):
    # Set up our test
    corpus, _, result = corpus_run

    # Run our test
    corpus._report(result, "corpus")

    # Check our results
    output = capsys.readouterr().out.splitlines()
    assert ["CHS404", "1", "1"] == next(line.split() for line in output if line.startswith("CHS404"))
    assert ["E999", "0", "1"] == next(line.split() for line in output if line.startswith("E999"))
    assert "PASS: no crash, no mismatch" == output[-1]


def test_WHEN_engines_fail_on_a_file_THEN_each_failure_is_a_crash_and_main_exits_1(tmp_path, capsys):
    # Set up our test
    corpus = _corpus()
    paths = _write_files(str(tmp_path), {"good.py": FILES["good.py"]})
    failure = RuntimeError("boom")

    # Run our test
    with mock.patch.object(chris_style.plugin, "check_tree", side_effect=failure), \
            mock.patch.object(chris_style.sg.runner, "Matcher") as matcher_class:
        matcher_class.return_value.check_many.side_effect = failure
        matcher_class.return_value.check.side_effect = failure
        status = corpus.main(["--paths", paths["good.py"], "--jobs", "1"])

    # Check our results
    output = capsys.readouterr().out.splitlines()
    assert 1 == status
    assert output[-3].startswith(f"plugin: {paths['good.py']}:1: CHS000")
    assert output[-2].startswith(f"runner: {paths['good.py']}:1: CHS000")
    assert "FAIL: 2 crashes, 0 mismatches" == output[-1]


@pytest.mark.slow
def test_WHEN_whole_stdlib_runs_through_both_engines_THEN_no_crash_and_runner_rejects_exactly_what_python_rejects():
    # Set up our test
    corpus = _corpus()
    paths = corpus.stdlib_paths()

    # Run our test
    result = corpus.run_corpus(paths, jobs=2)

    # Check our results
    assert [] == result.crashes
    assert [] == result.mismatches
    assert (len(paths), len(paths)) == (result.plugin.files, result.runner.files)
    assert 1000 < len(paths)
