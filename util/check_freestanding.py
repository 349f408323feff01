#!/usr/bin/env python3
"""Check that freestanding objects use nothing from the C library.

On the host build Ferry is linked with libc (only arch/host talks to
Linux), so a function that Ferry forgot to define would silently bind to
libc's and hide a bug that the machine builds would show.  This lists
every symbol the freestanding objects need, and fails if one is defined
neither by Ferry's objects nor by the given libraries.

usage: check_freestanding.py OBJS... -- LIBS_AND_HOST_OBJS...
"""
import subprocess
import sys

# Symbols the compiler itself may reference
ALLOWED_PREFIXES = ("__asan_", "__ubsan_", "__sanitizer_", "__tsan_")
ALLOWED = {"_GLOBAL_OFFSET_TABLE_", "__stack_chk_fail", "__dso_handle"}


def symbols(paths, defined):
    """Return the set of symbols defined (or undefined) in paths."""
    if not paths:
        return set()
    args = ["nm", "-A", "--defined-only" if defined else "--undefined-only"]
    out = subprocess.run(args + paths, capture_output=True, text=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if defined and len(fields) >= 3 and fields[-2] in "uvwVW":
            names.add(fields[-1])
        elif defined and len(fields) >= 3:
            names.add(fields[-1])
        elif not defined and fields:
            names.add(fields[-1].split("@")[0])
    return names


def main():
    split = sys.argv.index("--")
    freestanding = sys.argv[1:split]
    others = sys.argv[split + 1:]
    needed = symbols(freestanding, defined=False)
    provided = symbols(freestanding, defined=True) | \
        symbols(others, defined=True)
    missing = sorted(name for name in needed - provided
                     if name not in ALLOWED
                     and not name.startswith(ALLOWED_PREFIXES))
    if missing:
        sys.stderr.write("freestanding code uses symbols Ferry does not "
                         "define (they would come from libc):\n  %s\n"
                         % "\n  ".join(missing))
        sys.exit(1)


if __name__ == "__main__":
    main()
