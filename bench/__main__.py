"""`python -m bench`: the whole side-by-side comparison (see bench/run.py)."""

import sys

from bench.run import main

sys.exit(main())
