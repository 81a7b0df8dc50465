import subprocess
import sys

from chris_style import __version__


def test_WHEN_package_run_as_module_THEN_chris_style_command_answers():
    # Run our test
    result = subprocess.run([sys.executable, "-m", "chris_style", "--version"], capture_output=True, text=True,
                            timeout=60)

    # Check our results
    assert (0, f"chris-style {__version__}\n") == (result.returncode, result.stdout)


def test_WHEN_package_run_as_module_without_command_THEN_help_on_stderr_AND_exit_2():
    # Run our test
    result = subprocess.run([sys.executable, "-m", "chris_style"], capture_output=True, text=True, timeout=60)

    # Check our results
    assert (2, "") == (result.returncode, result.stdout)
    assert "sg-init" in result.stderr
