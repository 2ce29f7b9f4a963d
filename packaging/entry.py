"""The frozen bundle's entry point: the `bonuspos` command, exactly as pip installs it.

PyInstaller needs a script, not a `module:function` entry point; this is that script.
"""

import sys

from bonuspos.cli import main

if __name__ == "__main__":
    sys.exit(main())
