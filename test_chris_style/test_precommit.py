"""pre-commit: the hook manifest, the README's example config, and the hook run by the real pre-commit."""
import os
import re
import shlex
import shutil
import subprocess
import sys
from typing import Any, Dict, List

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(REPO_ROOT, ".pre-commit-hooks.yaml")
README = os.path.join(REPO_ROOT, "README.md")
BIN_DIR = os.path.dirname(sys.executable)
SAMPLE = "def load(path):\n    return path\n"
SAMPLE_FINDINGS = [
    "sample.py:1:1: CHS101 missing return annotation on 'load', which returns or yields a value; add '-> <type>'",
    "sample.py:1:10: CHS102 missing type annotation for parameter 'path'; add ': <type>'",
]


def _pre_commit(folder: str, *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real pre-commit, run in ``folder`` with a cache of its own next to it (not the user's)."""
    env = dict(os.environ, PATH=BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
               PRE_COMMIT_HOME=folder.rstrip(os.sep) + "-pre-commit-home")
    return subprocess.run([sys.executable, "-m", "pre_commit", *arguments], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _manifest_hooks() -> Dict[str, Dict[str, Any]]:
    with open(MANIFEST, encoding="utf-8") as handle:
        return {hook["id"]: hook for hook in yaml.safe_load(handle)}


def _readme_config() -> str:
    """The first ```yaml block of the README's "pre-commit" section."""
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    section = text.split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)


def _git(folder: str, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                    *arguments], cwd=folder, check=True, capture_output=True, timeout=60)


def _output_lines(result: subprocess.CompletedProcess) -> List[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("sample.py:")]


def test_WHEN_manifest_validated_THEN_pre_commit_accepts_it_AND_hook_runs_the_runner(tmp_path):
    # Set up our test
    bad_manifest = tmp_path / "bad-hooks.yaml"
    bad_manifest.write_text("- id: chris-style\n  name: chris-style\n  language: python\n", encoding="utf-8")

    # Run our test
    result = _pre_commit(str(tmp_path), "validate-manifest", MANIFEST)
    bad_result = _pre_commit(str(tmp_path), "validate-manifest", str(bad_manifest))

    # Check our results
    assert 0 == result.returncode, result.stdout + result.stderr
    assert 1 == bad_result.returncode
    assert "Missing required key: entry" in bad_result.stdout
    hook = _manifest_hooks()["chris-style"]
    assert "chris-style check" == hook["entry"]
    assert ("python", ["python"], False) == (hook["language"], hook["types"], hook["require_serial"])


def test_WHEN_hook_command_run_as_pre_commit_runs_it_THEN_findings_AND_exit_1(tmp_path):
    # Set up our test
    hook = _manifest_hooks()["chris-style"]
    (tmp_path / "sample.py").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "clean.py").write_text("", encoding="utf-8")
    entry = shlex.split(hook["entry"])
    command = [os.path.join(BIN_DIR, entry[0]), *entry[1:], *hook.get("args", [])]

    # Run our test
    result = subprocess.run([*command, "sample.py", "clean.py"], cwd=str(tmp_path), capture_output=True, text=True,
                            timeout=60)
    clean_result = subprocess.run([*command, "clean.py"], cwd=str(tmp_path), capture_output=True, text=True,
                                  timeout=60)

    # Check our results
    assert (1, SAMPLE_FINDINGS, "") == (result.returncode, _output_lines(result), result.stderr)
    assert (0, "", "") == (clean_result.returncode, clean_result.stdout, clean_result.stderr)


def test_WHEN_readme_config_validated_THEN_pre_commit_accepts_it_AND_it_names_the_manifest_hook(tmp_path):
    # Set up our test
    config = _readme_config()
    (tmp_path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(config.replace("hooks:", "hookz:", 1), encoding="utf-8")

    # Run our test
    result = _pre_commit(str(tmp_path), "validate-config", ".pre-commit-config.yaml")
    broken_result = _pre_commit(str(tmp_path), "validate-config", "broken.yaml")

    # Check our results
    assert (0, "", "") == (result.returncode, result.stdout, result.stderr)
    assert 1 == broken_result.returncode
    repos = {repo["repo"]: repo["hooks"] for repo in yaml.safe_load(config)["repos"]}
    ours = [hook["id"] for hooks in repos.values() for hook in hooks if hook["id"] != "flake8"]
    assert ["chris-style"] == [hook_id for hook_id in ours if hook_id in _manifest_hooks()]
    flake8_hook = repos["https://github.com/PyCQA/flake8"][0]
    assert (["--select=CHS"], ["chris_style"]) == (flake8_hook["args"], flake8_hook["additional_dependencies"])


@pytest.mark.slow
def test_WHEN_pre_commit_try_repo_runs_hook_from_local_copy_THEN_chs_findings_reported(tmp_path):
    # Set up our test: a committed copy of the package (pre-commit installs it into its own virtualenv with pip,
    # from the package index the machine is configured with) and a project with one staged file
    hooks_repo = str(tmp_path / "hooks_repo")
    shutil.copytree(os.path.join(REPO_ROOT, "chris_style"), os.path.join(hooks_repo, "chris_style"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("setup.py", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(os.path.join(REPO_ROOT, name), hooks_repo)
    _git(hooks_repo, "init", "-q")
    _git(hooks_repo, "add", "-A")
    _git(hooks_repo, "commit", "-q", "-m", "hooks")
    project = str(tmp_path / "project")
    os.mkdir(project)
    with open(os.path.join(project, "sample.py"), "w", encoding="utf-8") as handle:
        handle.write(SAMPLE)
    _git(project, "init", "-q")
    _git(project, "add", "sample.py")

    # Run our test
    result = _pre_commit(project, "try-repo", hooks_repo, "chris-style", "--files", "sample.py", timeout=240)

    # Check our results
    assert 1 == result.returncode, result.stdout + result.stderr
    assert SAMPLE_FINDINGS == _output_lines(result)
