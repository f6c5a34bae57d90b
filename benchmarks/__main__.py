"""`python -m benchmarks pdf [--small]`."""

import sys

from benchmarks import pdf

COMMANDS = {"pdf": pdf.main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
