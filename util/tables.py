#!/usr/bin/env python3
"""Print what each linker table holds.

Tables are sections named ferry_tbl_<table>_<order> in the object files;
this lists, per table, the entries of every object linked into a build,
in the order the linker lays them out (by section name, then link
order).

usage: tables.py BUILD_DIR...   (e.g. build/host build/pcbios)
"""
import collections
import os
import re
import subprocess
import sys

SECTION = re.compile(r"^ferry_tbl_(.+)_(\d\d)$")


def table_entries(obj):
    """Yield (table, order, symbol) for each table entry in an object."""
    out = subprocess.run(["objdump", "-t", obj], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 6:
            continue
        match = SECTION.match(fields[-3])
        if not match or match.group(2) in ("00", "99"):
            continue
        if fields[-1].startswith("__table_") or fields[-1] == fields[-3]:
            continue
        yield match.group(1), match.group(2), fields[-1]


def main():
    for build in sys.argv[1:]:
        if not os.path.isdir(build):
            continue
        objs = sorted(os.path.join(root, name)
                      for root, _, names in os.walk(build)
                      for name in names if name.endswith(".o"))
        tables = collections.defaultdict(list)
        for obj in objs:
            for table, order, symbol in table_entries(obj):
                tables[table].append((order, symbol,
                                      os.path.relpath(obj, build)))
        print("== %s" % build)
        for table in sorted(tables):
            entries = sorted(tables[table], key=lambda e: e[0])
            print("%s (%d):" % (table, len(entries)))
            for order, symbol, obj in entries:
                print("  %s %-32s %s" % (order, symbol, obj))


if __name__ == "__main__":
    main()
