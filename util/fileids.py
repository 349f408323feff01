#!/usr/bin/env python3
"""Assign every source file a stable number for its error codes.

config/file-ids.txt lists source paths, one per line; a file's number is
its line number.  New source files are appended (in sorted order), so a
file keeps its number for as long as it keeps its path.  Writes a make
fragment defining FILE_ID_<path> for each file.

usage: fileids.py REGISTRY OUTPUT.mk SOURCE...
"""
import fcntl
import os
import sys


def main():
    registry, output, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
    # Several builds may run at once: one at a time reads and appends
    with open(registry, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        known = []
        for line in f:
            if line.strip() and line.strip() not in known:
                known.append(line.strip())
        seen = set(known)
        new = sorted(s for s in set(sources) if s not in seen)
        for path in new:
            f.write(path + "\n")
        known += new
    if len(known) > 0xffff:
        sys.exit("fileids: more than 65535 source files")
    text = "".join("FILE_ID_%s := %d\n" % (path, index)
                   for index, path in enumerate(known, start=1))
    os.makedirs(os.path.dirname(output), exist_ok=True)
    old = open(output).read() if os.path.exists(output) else None
    if old != text:
        with open(output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
