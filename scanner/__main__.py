import os
import sys

# `python -m promguard` puts the current folder first on sys.path; the folder being scanned must
# not be able to shadow the modules promguard or its plugins import.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from promguard.cli import main  # noqa: E402

sys.exit(main())
