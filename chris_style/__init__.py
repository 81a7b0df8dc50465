"""chris_style: lint rules for Chris's Python Coding Style Guide (flake8 plugin and ast-grep pack)."""
import importlib_metadata

try:
    __version__ = importlib_metadata.version("chris_style")
except importlib_metadata.PackageNotFoundError:  # Running from a source tree that was never installed
    __version__ = "0+unknown"
