"""`python -m benchmarks NAME [options]`: NAME is `web` (list pages) or `pdf` (registers and annexes)."""

import importlib
import sys

COMMANDS = ("web", "pdf")

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
    importlib.import_module(f"benchmarks.{sys.argv[1]}").main(sys.argv[2:])
