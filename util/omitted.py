#!/usr/bin/env python3
"""Write stand-ins for the commands a build leaves out.

A build that leaves sources out (config/rom.mk) would otherwise answer
"Command not found" for their commands.  This reads those sources, finds
each command they register (a "struct command NAME __command = { .name =
"..." " definition), and writes a C file registering, under the same
names, commands that run command_not_built() (core/command.c), which
says the command is not in this build.

usage: omitted.py OUTPUT.c [SOURCE...]
"""
import re
import sys

COMMAND = re.compile(r'struct\s+command\s+\w+\s+__command\s*=\s*\{\s*'
                     r'\.name\s*=\s*"([^"]+)"')


def main():
    output, sources = sys.argv[1], sys.argv[2:]
    names = []
    for path in sources:
        with open(path) as f:
            for name in COMMAND.findall(f.read()):
                if name not in names:
                    names.append(name)
    lines = ["/* Made by util/omitted.py: commands this build leaves out */",
             "",
             '#include "core/command.h"',
             ""]
    for number, name in enumerate(sorted(names)):
        lines += ["struct command omitted_command_%d __command = {" % number,
                  '\t.name = "%s",' % name,
                  '\t.usage = "%s (not in this build)",' % name,
                  "\t.exec = command_not_built,",
                  "};",
                  ""]
    text = "\n".join(lines)
    try:
        with open(output) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
