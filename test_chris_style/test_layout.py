"""The test tree mirrors the package module by module (the guide's aws-aio layout)."""
import os

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "chris_style")
TESTS = os.path.dirname(os.path.abspath(__file__))


def test_WHEN_package_listed_THEN_every_module_has_a_mirrored_test_module():
    # Set up our test
    missing = []

    # Run our test
    for folder, _, files in os.walk(PACKAGE):
        relative = os.path.relpath(folder, PACKAGE)
        for name in files:
            if not name.endswith(".py") or name == "__init__.py":
                continue
            test_name = "test_" + name.lstrip("_")
            if not os.path.isfile(os.path.normpath(os.path.join(TESTS, relative, test_name))):
                missing.append(os.path.join(relative, name))

    # Check our results
    assert [] == missing
