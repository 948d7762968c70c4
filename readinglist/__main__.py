"""`python -m readinglist` runs the command line."""

import sys

from readinglist.launch import main

if __name__ == "__main__":  # not when a child process (an import) starts from here
    sys.exit(main())
