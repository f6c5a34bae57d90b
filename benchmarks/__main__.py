"""`python -m benchmarks NAME [options]`: `web` (list pages), `pdf` (registers and annexes), `contracts` (checker
speed against text extraction), `contracts_evaluate` (checker verdicts against labelled contracts) , `jobs`
(exports through the task queue: click to link, annex throughput with 1 and 2 workers), `sheets` (importing a
CNIL-layout workbook) or `reminders` (the periodic reminder run, twice)."""

import importlib
import sys

COMMANDS = ("web", "pdf", "contracts", "contracts_evaluate", "jobs", "sheets", "reminders")

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
    sys.exit(importlib.import_module(f"benchmarks.{sys.argv[1]}").main(sys.argv[2:]))
