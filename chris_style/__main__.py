"""``python -m chris_style``: the ``chris-style`` command."""
import sys

from chris_style.cli import main

if __name__ == "__main__":
    sys.exit(main())
