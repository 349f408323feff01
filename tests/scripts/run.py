#!/usr/bin/env python3
"""The script suite: iPXE scripts run by bin/host/ferry, output compared.

Each test is a script NAME.ipxe in this directory with:

  NAME.expected  what the console shows at the end (required): the output
                 replayed on an 80x25 terminal (tests/scripts/run.py's
                 Terminal), lines that scrolled off followed by the
                 screen, trailing blanks removed.  Colours are not
                 compared; text, cursor movement and erasing are.
  NAME.status    the exit status (default 0)
  NAME.input     keyboard input, with Python escapes (\\x1b[B for Down,
                 \\r for Enter, \\x03 for Ctrl-C); written at once, and
                 standard input stays open until Ferry exits
  NAME.args      further arguments for bin/host/ferry, whitespace-separated
                 (e.g. --dry-run, to check what a script would boot)
  NAME.mask      regular expressions, one a line; what they match in the
                 transcript is replaced by "*" before comparing (for
                 download speeds and the like)

Some tests are generated here (GENERATED) because their scripts are too
big or too odd to keep as files: a 1 MiB line, NUL bytes, invalid UTF-8,
10,000 lines.

Ferry runs in this directory, with FERRY_SMBIOS_DIR pointing at SMBIOS
tables made by make_smbios(), so ${product} and friends are fixed.

    python3 tests/scripts/run.py [--filter REGEX] [--update] [--verbose]

--update rewrites NAME.expected and NAME.status from what Ferry does
(check the diff before committing).  The last line printed is
"N passed, N failed"; the exit status is 1 if any test failed or none ran.
"""

import argparse
import codecs
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

#: This directory
HERE = os.path.dirname(os.path.abspath(__file__))
#: The repository
ROOT = os.path.dirname(os.path.dirname(HERE))
#: The program under test
FERRY = os.path.join(ROOT, "bin", "host", "ferry")
#: Longest a test may run, in seconds
TIMEOUT_S = 20


class Terminal:
    """A small VT100: enough of ECMA-48 to replay Ferry's output.

    Keeps the lines that scroll off the top, so that the transcript of a
    whole run can be compared, not only the last screen.
    """

    def __init__(self, columns=80, rows=25):
        self.columns = columns
        self.rows = rows
        self.history = []
        self.screen = [[" "] * columns for _ in range(rows)]
        self.row = 0
        self.column = 0
        self.wrap_pending = False
        self.saved = (0, 0)

    def _line_feed(self):
        if self.row == self.rows - 1:
            self.history.append(self.screen.pop(0))
            self.screen.append([" "] * self.columns)
        else:
            self.row += 1

    def _put(self, char):
        if self.wrap_pending:
            self.column = 0
            self._line_feed()
            self.wrap_pending = False
        self.screen[self.row][self.column] = char
        if self.column == self.columns - 1:
            self.wrap_pending = True
        else:
            self.column += 1

    def _clamp(self):
        self.row = max(0, min(self.rows - 1, self.row))
        self.column = max(0, min(self.columns - 1, self.column))
        self.wrap_pending = False

    def _csi(self, params, final):
        numbers = [int(p) if p.isdigit() else 0
                   for p in params.lstrip("?").split(";")] if params else []
        first = numbers[0] if numbers else 0
        count = max(1, first)
        if final == "A":
            self.row -= count
        elif final == "B":
            self.row += count
        elif final == "C":
            self.column += count
        elif final == "D":
            self.column -= count
        elif final == "G":
            self.column = count - 1
        elif final in "Hf":
            row = numbers[0] if len(numbers) > 0 and numbers[0] else 1
            column = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.column = row - 1, column - 1
        elif final == "J":
            self._clamp()
            if first == 0:
                self.screen[self.row][self.column:] = \
                    [" "] * (self.columns - self.column)
                for row in range(self.row + 1, self.rows):
                    self.screen[row] = [" "] * self.columns
            elif first == 1:
                for row in range(0, self.row):
                    self.screen[row] = [" "] * self.columns
                self.screen[self.row][:self.column + 1] = \
                    [" "] * (self.column + 1)
            else:
                self.screen = [[" "] * self.columns
                               for _ in range(self.rows)]
        elif final == "K":
            self._clamp()
            line = self.screen[self.row]
            if first == 0:
                line[self.column:] = [" "] * (self.columns - self.column)
            elif first == 1:
                line[:self.column + 1] = [" "] * (self.column + 1)
            else:
                self.screen[self.row] = [" "] * self.columns
        elif final == "X":
            self._clamp()
            for column in range(self.column,
                                min(self.columns, self.column + count)):
                self.screen[self.row][column] = " "
        elif final == "s":
            self.saved = (self.row, self.column)
        elif final == "u":
            self.row, self.column = self.saved
        # Colours (m), cursor visibility (h, l) and others: no text
        self._clamp()

    def feed(self, text):
        """Replay output.

        @v text  Output, decoded
        """
        pos = 0
        while pos < len(text):
            char = text[pos]
            if char == "\x1b":
                match = re.match(r"\x1b\[([0-9;?]*)[ -/]*([@-~])",
                                 text[pos:])
                if match:
                    self._csi(match.group(1), match.group(2))
                    pos += match.end()
                    continue
                pos += 2
                continue
            pos += 1
            if char == "\r":
                self.column = 0
                self.wrap_pending = False
            elif char == "\n":
                self._line_feed()
                self.wrap_pending = False
            elif char == "\b":
                if self.wrap_pending:
                    self.wrap_pending = False
                else:
                    self.column = max(0, self.column - 1)
            elif char == "\t":
                self.column = min(self.columns - 1, (self.column + 8) & ~7)
            elif char == "\x07" or ord(char) < 0x20:
                continue
            else:
                self._put(char)

    def transcript(self):
        """What scrolled off, then the screen, trailing blanks removed.

        @ret text  Lines joined by newlines, ending with one
        """
        lines = ["".join(line).rstrip()
                 for line in self.history + self.screen]
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines) + "\n"


def render(output):
    """Replay Ferry's output on a terminal.

    @v output  Bytes Ferry wrote
    @ret text  Transcript
    """
    terminal = Terminal()
    terminal.feed(output.decode("utf-8", errors="backslashreplace"))
    return terminal.transcript()


def make_smbios(directory):
    """Write SMBIOS 3.x tables with known values.

    @v directory  Where to write smbios_entry_point and DMI
    """
    def structure(kind, handle, formatted, strings):
        body = bytes([kind, 4 + len(formatted)]) + struct.pack("<H", handle)
        body += formatted
        if strings:
            body += b"".join(s.encode() + b"\0" for s in strings) + b"\0"
        else:
            body += b"\0\0"
        return body

    # Type 1: manufacturer 1, product 2, version 3, serial 4, UUID (first
    # three fields little-endian, as SMBIOS 2.6 and later store them),
    # wake-up type, SKU, family
    uuid = bytes.fromhex("78563412bc9af0de1122334455667788")
    system = structure(1, 0x100, bytes([1, 2, 3, 4]) + uuid + bytes([6, 0, 0]),
                       ["Ferry Test Systems", "Test Machine 9000", "1.0",
                        "SN-0001"])
    board = structure(2, 0x200, bytes([1, 2, 3, 4]),
                      ["Ferry Boards", "Board", "A", "BOARD-42"])
    enclosure = structure(3, 0x300, bytes([1, 3, 2, 3, 4]),
                          ["Ferry Cases", "1", "CASE-9", "ASSET-7"])
    end = structure(127, 0x7f00, b"", [])
    table = system + board + enclosure + end
    entry = bytearray(b"_SM3_" + bytes([0, 0x18, 3, 2, 0, 1, 0]) +
                      struct.pack("<IQ", len(table), 0))
    entry[5] = (-sum(entry)) & 0xff
    with open(os.path.join(directory, "smbios_entry_point"), "wb") as out:
        out.write(bytes(entry))
    with open(os.path.join(directory, "DMI"), "wb") as out:
        out.write(table)


def generated_tests():
    """Tests whose scripts are made here.

    @ret tests  {name: (script bytes, expected transcript, status)}
    """
    tests = {}
    tests["gen-1mib-line"] = (
        b"#!ipxe\necho before\necho " + b"x" * (1 << 20) + b"\necho after\n",
        "before\nerror 0x07001a01: Script line too long\n", 1)
    tests["gen-nul-bytes"] = (
        b"#!ipxe\necho before\necho a\0b\necho after\n",
        "before\nerror 0x16001a01: NUL byte in script\n", 1)
    tests["gen-invalid-utf8"] = (
        b"#!ipxe\nset bytes caf\xc3\xa9-\xff\xfe-\xc3\n"
        b"echo ${bytes}\necho ${bytes:hex}\n",
        "caf\u00e9-\\xff\\xfe-\\xc3\n63:61:66:c3:a9:2d:ff:fe:2d:c3\n", 0)
    lines = [b"#!ipxe", b"set n:int32 0"]
    lines += [b"inc n"] * 10000
    lines += [b"echo ${n}"]
    tests["gen-10000-lines"] = (b"\n".join(lines) + b"\n", "10000\n", 0)
    tests["gen-too-many-words"] = (
        b"#!ipxe\necho" + b" w" * 300 + b"\necho after\n",
        "error 0x07006201: Too many words on one line\n", 1)
    loop = b"#!ipxe\nset i:int32 0\n:loop\ninc i\n" \
        b"iseq ${i} 5000 || goto loop\necho looped ${i} times\n"
    tests["gen-goto-5000"] = (loop, "looped 5000 times\n", 0)
    nested = b"${" * 40 + b"x" + b"}" * 40
    tests["gen-deep-nesting"] = (
        b"#!ipxe\necho " + nested + b"\necho after\n",
        "error 0x28006201: ${...} nested too deeply (" + "${" * 40 + "x" +
        "}" * 40 + ")\n", 1)
    return tests


def run_ferry(script_path, stdin, env, args=()):
    """Run Ferry on a script.

    @v script_path  Script file
    @v stdin        Bytes to type
    @v env          Environment
    @v args         Further arguments
    @ret (output, status, seconds)
    """
    start = time.monotonic()
    process = subprocess.Popen([FERRY, script_path] + list(args), cwd=HERE,
                               env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    if stdin:
        process.stdin.write(stdin)
        process.stdin.flush()
    try:
        output, _ = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return output, None, time.monotonic() - start
    return output, process.returncode, time.monotonic() - start


def read_optional(path, default=None):
    """Read a text file if it exists.

    @v path     Path
    @v default  Value if it does not
    @ret text
    """
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as text:
        return text.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filter", default="",
                        help="only tests whose name matches this regex")
    parser.add_argument("--update", action="store_true",
                        help="rewrite expected output from Ferry's")
    parser.add_argument("--verbose", action="store_true",
                        help="show the whole transcript of failures")
    args = parser.parse_args()

    if not os.access(FERRY, os.X_OK):
        print("bin/host/ferry is missing: run make bin/host/ferry first")
        print("0 passed, 1 failed")
        return 1

    names = sorted(name[:-len(".ipxe")] for name in os.listdir(HERE)
                   if name.endswith(".ipxe"))
    generated = generated_tests()
    names += sorted(generated)
    names = [name for name in names if re.search(args.filter, name)]

    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="ferry-scripts-") as tmp:
        make_smbios(tmp)
        env = dict(os.environ, FERRY_SMBIOS_DIR=tmp)
        for name in names:
            base = os.path.join(HERE, name)
            if name in generated:
                script, expected, status = generated[name]
                expected = render(expected.replace("\n", "\r\n").encode())
                path = os.path.join(tmp, name + ".ipxe")
                with open(path, "wb") as out:
                    out.write(script)
                stdin = b""
                masks = []
                extra_args = []
            else:
                path = base + ".ipxe"
                expected = read_optional(base + ".expected")
                status = int(read_optional(base + ".status", "0").strip())
                keys = read_optional(base + ".input", "")
                stdin = codecs.decode(keys.strip("\n"),
                                      "unicode_escape").encode("latin-1")
                masks = [line for line in
                         read_optional(base + ".mask", "").splitlines()
                         if line]
                extra_args = read_optional(base + ".args", "").split()
            output, actual_status, seconds = run_ferry(path, stdin, env,
                                                       extra_args)
            actual = render(output)
            for mask in masks:
                actual = re.sub(mask, "*", actual)
            if args.update and name not in generated:
                with open(base + ".expected", "w", encoding="utf-8") as out:
                    out.write(actual)
                if actual_status:
                    with open(base + ".status", "w") as out:
                        out.write("%d\n" % actual_status)
                elif os.path.exists(base + ".status"):
                    os.unlink(base + ".status")
                expected, status = actual, actual_status
            reason = None
            if actual_status is None:
                reason = "timed out after %d s" % TIMEOUT_S
            elif expected is None:
                reason = "no %s.expected" % name
            elif actual != expected:
                exp_lines = expected.splitlines()
                act_lines = actual.splitlines()
                line = next((i for i in range(max(len(exp_lines),
                                                  len(act_lines)))
                             if i >= len(exp_lines) or i >= len(act_lines)
                             or exp_lines[i] != act_lines[i]), 0)
                reason = "output differs at line %d: expected %r, got %r" % (
                    line + 1,
                    exp_lines[line] if line < len(exp_lines) else None,
                    act_lines[line] if line < len(act_lines) else None)
            elif actual_status != status:
                reason = "exit status %d, expected %d" % (actual_status,
                                                         status)
            if reason:
                failed += 1
                print("FAIL %s: %s" % (name, reason))
                if args.verbose:
                    sys.stdout.write(actual)
            else:
                passed += 1
                print("PASS %s (%.1f s)" % (name, seconds))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
