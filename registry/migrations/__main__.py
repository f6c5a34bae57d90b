"""`python -m registry.migrations revision -m MESSAGE` (or `merge`): write a revision without loading the app.

The app cannot always start while a revision is missing (code that runs at start-up may query a table
the migrations do not create yet), so the revision is written from the models alone.
"""

import argparse

from registry import migrations


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m registry.migrations")
    sub = parser.add_subparsers(dest="command", required=True)
    rev = sub.add_parser("revision", help="autogenerate the next revision from the models")
    rev.add_argument("-m", "--message", required=True, help="what changed, e.g. 'contract documents'")
    sub.add_parser("merge", help="join the heads left by two branches that each added a revision")
    args = parser.parse_args(argv)
    if args.command == "merge":
        for path in migrations.merge_heads():
            print(f"Wrote {path}.")
        return
    written = migrations.new_revision(args.message)
    if not written:
        print("The migrations already match the models: nothing written.")
    for path in written:
        print(f"Wrote {path}: read it before committing (a rename shows as a drop and an add).")


if __name__ == "__main__":
    main()
