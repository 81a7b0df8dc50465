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
    install_requires=[
        "flake8>=6",
        "importlib-metadata",
    ],
    extras_require={
        "test": [
            "flake8-bugbear",
            "hypothesis",
            "pytest",
        ],
    },
    entry_points={
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
