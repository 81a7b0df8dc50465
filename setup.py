import setuptools

with open("README.md", encoding="utf-8") as readme:
    long_description = readme.read()

setuptools.setup(
    name="chris_style",
    version="0.1.0",
    description="flake8 plugin (CHS codes) enforcing Chris's Python Coding Style Guide",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=setuptools.find_packages(include=["chris_style", "chris_style.*"]),
    # The ast-grep rule pack is package data: chris-style check and chris-style sg-init read it from here.
    package_data={
        "chris_style": ["pack/*.yml", "pack/*/*.yml", "pack/*/*.yaml", "pack/*/README.md"],
    },
    install_requires=[
        # Python 3.9 has ast-grep-py wheels up to 0.39.7 only (newer releases would build from source with Rust).
        "ast-grep-py>=0.39.7,<=0.39.7; python_version < '3.10'",
        "ast-grep-py>=0.39.7; python_version >= '3.10'",
        "flake8>=6",
        "importlib-metadata",
        "tomli; python_version < '3.11'",
    ],
    extras_require={
        "test": [
            "ast-grep-cli==0.51.1",
            "flake8-bugbear",
            "hypothesis",
            "hypothesmith",
            "pre-commit",
            "pytest",
            "python-lsp-server",
            "pyyaml",
            "ruff==0.17.6",
        ],
    },
    entry_points={
        "console_scripts": [
            "chris-style = chris_style.cli:main",
        ],
        "flake8.extension": [
            "CHS = chris_style.plugin:Plugin",
        ],
    },
    python_requires=">=3.9",
    classifiers=[
        "Framework :: Flake8",
        "Programming Language :: Python :: 3",
        "Topic :: Software Development :: Quality Assurance",
    ],
)
