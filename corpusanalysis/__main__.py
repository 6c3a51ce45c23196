"""`python -m corpusanalysis`: the command line (see :mod:`corpusanalysis.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
