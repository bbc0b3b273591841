"""Entry point of the Python bridge the Cyclical LR extension runs; the runner itself is
cyclical_lr/bridge.py, in the package beside this file (see its docstring for the protocol)."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cyclical_lr.bridge import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv))
