#!/usr/bin/env python3
"""The census of what foundry-lint could not check (issue 19): runs the linter with
`--select FL002` over each directory given and prints the notes grouped by cause.

    python3 bench/census.py [--bin PATH] DIR [DIR]...

A cause is the reason an unknown value gives (the part after "cannot check ...:" or inside the
parentheses of "was not checked: ..."), with names in backticks folded to `…` so that one cause
counts once however many parameters it hits; function names are kept (`function flatten`), since
an unimplemented function is a hole to fill, not a fact of the stack. Exits 1 when the linter
fails (exit 2) on a directory.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

FUNCTION = re.compile(r"function `([^`]*)`")


def cause(message: str) -> str:
    m = re.search(r"instances cannot be counted \((.*)\)$", message)
    if m:
        reason = m.group(1)
    else:
        reason = message.split(": ", 1)[1] if ": " in message else message
    functions = FUNCTION.findall(reason)
    folded = re.sub(r"`[^`]*`", "`…`", reason)
    if functions:
        folded += "  [" + ", ".join(sorted(set(functions))) + "]"
    return folded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--bin", default=os.path.join(here, "target/release/foundry-lint"))
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    total = collections.Counter()
    for d in args.dirs:
        run = subprocess.run(
            [args.bin, d, "--select", "FL002", "--format", "json", "--fail-on", "never"],
            capture_output=True,
            text=True,
        )
        if run.returncode >= 2:
            print(f"{d}: foundry-lint exited {run.returncode}: {run.stderr.strip()}", file=sys.stderr)
            return 1
        notes = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "FL002"]
        causes = collections.Counter(cause(f["message"]) for f in notes)
        total.update(causes)
        print(f"{d}: {len(notes)} notes")
    print(f"\nall: {sum(total.values())} notes, {len(total)} causes")
    for reason, n in total.most_common():
        print(f"{n:6}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
