#!/usr/bin/env python3
"""Prints the server's functions that ran after start-up, one linker symbol a line.

Reads the callgrind files of scripts/code-layout.sh from the folder given: for each
server run, `callgrind.<pid>.1` holds start-up (dumped when the server printed that
it listens) and `callgrind.<pid>` the rest, which is what is listed. Only functions
of the server's own executable count; names are the mangled ones the linker knows.
"""

import pathlib
import re
import sys

DEFINITION = re.compile(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$")


def ran(path: pathlib.Path, executable: str) -> set[str]:
    objects: dict[str, str] = {}
    functions: dict[str, str] = {}
    current_object = None
    names = set()
    with path.open() as lines:
        for line in lines:
            match = DEFINITION.match(line.rstrip("\n"))
            if not match:
                continue
            callee, kind, number, name = match.groups()
            table = objects if kind == "ob" else functions
            if name is not None:
                table[number] = name
            if callee:
                continue
            if kind == "ob":
                current_object = objects.get(number)
            elif current_object and current_object.endswith("/" + executable):
                # A recursive function's deeper levels are named `f'2`, `f'3`…
                function = functions.get(number, "").split("'")[0]
                # Unnamed code (`0x…`) and valgrind's own entries (`(below main)`).
                if function and not function.startswith(("0x", "(")):
                    names.add(function)
    return names


def main() -> None:
    folder = pathlib.Path(sys.argv[1])
    executable = sys.argv[2] if len(sys.argv) > 2 else "chatalot-server"
    serving = [p for p in folder.glob("callgrind.*") if re.fullmatch(r"callgrind\.\d+", p.name)]
    if not serving:
        sys.exit(f"error: no callgrind output of a whole server run in {folder}")
    names: set[str] = set()
    for path in serving:
        if not (folder / f"{path.name}.1").exists():
            sys.exit(f"error: {path.name} has no start-up dump: did the server start?")
        names |= ran(path, executable)
    if len(names) < 1000:
        sys.exit(f"error: only {len(names)} functions ran: not a server's serving path")
    print("\n".join(sorted(names)))


if __name__ == "__main__":
    main()
