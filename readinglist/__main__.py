"""`python -m readinglist` runs the command line."""

import sys

from readinglist.cli import main

sys.exit(main())
