"""The host suite: bin/host/ferry fed through standard input and argv.

Each case is one row of HOST_CASES: what goes in (standard input, all at
once and then closed; optionally a script file passed as the argument),
and what must come out.  Output is compared line by line after removing
ANSI escape sequences (output_lines() in tests/lib/console.py):

  lines     groups of regular expressions; each group must match whole,
            consecutive lines, and the groups must appear in order
  absent    regular expressions no whole line may match
  status    the exit status (Ferry exits at the end of its input)
  max_output  a bound on the output's size in bytes

Adding a case is adding a row.  Every case also checks that the banner
names the version in VERSION (unless it runs a script) and that the
program ended by itself within its time limit.
"""

import os
import re

from lib.console import output_lines
from lib.registry import TestFailure, check, check_equal, read_version, test

#: The prompt, as a regular expression
PROMPT = re.escape("ferry> ")

#: One mebibyte of a single character, with no line end
ONE_MIB_LINE = "x" * (1 << 20)


class HostCase:
    """One row of the host suite's table (see the module's comment)."""

    def __init__(self, name, doc, stdin="", script=None, lines=(),
                 absent=(), status=0, max_output=None, stderr=None,
                 argv=None):
        self.name = name
        self.doc = doc
        self.stdin = stdin
        self.script = script
        self.argv = argv
        self.lines = lines
        self.absent = absent
        self.status = status
        self.max_output = max_output
        self.stderr = stderr


HOST_CASES = [
    HostCase(
        "host-echo", "echo prints its arguments, then a fresh prompt",
        stdin="echo hello\n",
        lines=[[PROMPT + "echo hello", "hello", PROMPT]]),
    HostCase(
        "host-echo-words", "echo joins its words with single spaces",
        stdin="echo   one  two   three\n",
        lines=[["one two three"]]),
    HostCase(
        "host-script-whitespace", "spaces and tabs in a script separate words",
        script="#!ipxe\necho a \t b\t\tc  \n",
        lines=[["a b c"]]),
    HostCase(
        "host-prompt-on-start", "the command line starts with one prompt",
        stdin="",
        lines=[[PROMPT]], absent=[".*" + PROMPT + ".*" + PROMPT]),
    HostCase(
        "host-unknown-command",
        "an unknown command gives one error line naming it, then a prompt",
        stdin="frobnicate --now\necho still-here\n",
        lines=[[PROMPT + "frobnicate --now",
                r"(?!ferry> ).*\bfrobnicate\b.*",
                PROMPT + "echo still-here", "still-here", PROMPT]]),
    HostCase(
        "host-ctrl-c", "Ctrl-C drops a half-typed line and gives a prompt",
        stdin="echo bad\x03echo good\n",
        lines=[[PROMPT + "echo bad.*", PROMPT + "echo good", "good"]],
        absent=["bad"]),
    HostCase(
        "host-ctrl-c-empty", "Ctrl-C at an empty prompt gives a fresh prompt",
        stdin="\x03echo ok\n",
        lines=[[PROMPT + ".*", PROMPT + "echo ok", "ok", PROMPT]],
        absent=["error .*"]),
    HostCase(
        "host-long-line",
        "a 1 MiB line is refused with an error, not echoed, not run cut",
        stdin=ONE_MIB_LINE + "\necho after\n",
        lines=[[PROMPT + "x+", r"error 0x[0-9a-f]{8}: .*(?i:too long).*",
                PROMPT + "echo after", "after", PROMPT]],
        absent=[r"(?!ferry> )x+"],
        max_output=64 * 1024),
    HostCase(
        "host-line-editing",
        "Left, Backspace, Home and End edit the line over a serial link",
        stdin=("ecXo hi" + "\x1b[D" * 4 + "\x7f" + "h" + "\r" +
               "cho there" + "\x1b[H" + "e" + "\x1b[F" + "!" + "\r"),
        lines=[[PROMPT + "echo hi", "hi"], [PROMPT + "echo there!", "there!"]],
        absent=["error .*"]),
    HostCase(
        "host-history", "Up recalls earlier lines, Down goes back down",
        stdin=("echo one\necho two\necho three\n" +
               "\x1b[A\x1b[A\x1b[A\x1b[B\n" + "\x1b[A\n"),
        lines=[[PROMPT + "echo three", "three", PROMPT + "echo two", "two",
                PROMPT + "echo two", "two", PROMPT]]),
    HostCase(
        "host-script", "ferry SCRIPT runs the script and exits",
        script="#!ipxe\necho from-script\necho second line\n",
        lines=[["from-script", "second line"]],
        absent=[".*" + PROMPT + ".*"]),
    HostCase(
        "host-script-error",
        "a failing command stops the script with an error and status 1",
        script="#!ipxe\necho before\nnosuchcommand arg\necho after\n",
        lines=[["before", r".*\bnosuchcommand\b.*"]],
        absent=["after"], status=1),
    HostCase(
        "host-script-missing",
        "a script file that does not exist is an error, not a hang",
        argv=["/nonexistent/ferry-test.ipxe"], status=1,
        stderr=r"/nonexistent/ferry-test\.ipxe"),
    HostCase(
        "host-dry-run", "--dry-run records what would boot, then ends",
        script=("#!ipxe\nkernel http://192.0.2.1/vmlinuz console=ttyS0\n"
                "initrd --name extra.cpio http://192.0.2.1/extra.cpio\n"
                "boot\necho never reached\n"),
        argv=["--dry-run"],
        lines=[["dry-run: boot http://192.0.2.1/vmlinuz console=ttyS0",
                r"dry-run: initrd http://192\.0\.2\.1/extra\.cpio "
                r"\(extra\.cpio\)"]],
        absent=["never reached"]),
    HostCase(
        "host-chain-loop", "a script that chains itself stops with one error",
        script="#!ipxe\nchain file:///nonexistent-so-fails\n",
        lines=[[r"error 0x[0-9a-f]{8}: File not found "
                r"\(file:///nonexistent-so-fails\)"]],
        status=1),
]


def find_group(lines, group, start):
    """Find consecutive lines matching a group of regular expressions.

    @v lines  Output lines
    @v group  Regular expressions, each to match a whole line
    @v start  First line to look at
    @ret index  Index after the group's last line, or None
    """
    for first in range(start, len(lines) - len(group) + 1):
        if all(re.fullmatch(pattern, lines[first + offset])
               for offset, pattern in enumerate(group)):
            return first + len(group)
    return None


def show(lines, limit=12):
    """The last few lines of output, for a failure message."""
    shown = [line if len(line) < 100 else line[:97] + "..."
             for line in lines[-limit:]]
    return " | ".join(repr(line) for line in shown)


def run_case(ctx, case):
    """Run one host case (see the module's comment)."""
    binary = ctx.image("bin/host/ferry")
    argv = [binary]
    if case.script is not None:
        path = os.path.join(ctx.tmpdir, "script.ipxe")
        with open(path, "w") as script:
            script.write(case.script)
        argv.append(path)
    if case.argv:
        argv += case.argv
    ferry = ctx.process(argv, stdin_data=case.stdin.encode("latin-1"),
                        name="ferry")
    status = ferry.wait_exit(min(20, ctx.timeout_s))
    output = ferry.output
    lines = output_lines(output)
    ctx.note("output lines:\n" + "\n".join(
        "| " + (line if len(line) < 200 else line[:197] + "...")
        for line in lines))

    if case.script is None and case.argv is None:
        version = read_version()
        banner = r"Ferry %s\b.*" % re.escape(version)
        check(any(re.fullmatch(banner, line) for line in lines),
              "no banner line 'Ferry %s ...' in: %s" % (version, show(lines)))
    position = 0
    for group in case.lines:
        found = find_group(lines, group, position)
        if found is None:
            raise TestFailure("no lines matching %r in order; output ends: %s"
                              % (group, show(lines)))
        position = found
    for pattern in case.absent:
        for line in lines:
            if re.fullmatch(pattern, line):
                raise TestFailure("unexpected line %r (matches %r)"
                                  % (line[:100], pattern))
    if case.max_output is not None:
        check(len(output) <= case.max_output,
              "printed %d bytes, more than %d" % (len(output),
                                                   case.max_output))
    if case.stderr is not None:
        check(re.search(case.stderr, ferry.stderr),
              "standard error lacks %r: %r" % (case.stderr, ferry.stderr))
    check_equal(status, case.status, "exit status")


def _register(case):
    """Register one row of the table as a test."""
    def run(ctx):
        run_case(ctx, case)
    run.__doc__ = case.doc
    test(case.name, suite="host", quick=True, timeout_s=30)(run)


for _case in HOST_CASES:
    _register(_case)
