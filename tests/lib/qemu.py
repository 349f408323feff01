"""Run QEMU for a test: serial console, QMP, screen reading.

    with Qemu(ctx, "-kernel", "bin/ferry.lkrn", memory_mb=512) as vm:
        vm.expect(r"ferry> ")
        vm.send("echo hello\\r")
        vm.expect_line("hello")
        assert "hello" in vm.screen_text()

QEMU always runs under TCG (no KVM: the test machines share their cores
and may have none), with no display window.  The first serial port is
QEMU's standard input and output, so nothing it prints is lost even
before the test looks; with nographic=True QEMU's own -nographic set-up
is used instead (serial port and monitor multiplexed on stdio).  A QMP
socket in a private directory gives screendump, quit, system_reset and
human monitor commands.
"""

import os
import shutil
import tempfile
import time

from lib.console import Console, ExpectTimeout
from lib.qmp import QMP, QMPError
from lib import screen

#: The emulator
QEMU_BINARY = "qemu-system-x86_64"


class Qemu(Console):
    """A QEMU virtual machine whose first serial port is the console.

    @v ctx          The test's context (tests/lib/registry.TestContext):
                    gives the log, the hard timeout and the log folder
    @v args         Further QEMU arguments (e.g. "-kernel", path)
    @v memory_mb    Guest memory
    @v nographic    Use -nographic instead of -display none -serial stdio
    @v machine      Machine type (e.g. "q35"), or None for QEMU's default
    @v hard_timeout_s  Kill QEMU after this long (default: the test's)
    @v netns        Run QEMU inside this network namespace (for tap
                    devices there; see lib/netns.py), or None
    """

    def __init__(self, ctx, *args, memory_mb=512, nographic=False,
                 machine=None, hard_timeout_s=None, netns=None):
        self.ctx = ctx
        self.workdir = tempfile.mkdtemp(prefix="ferry-qemu-")
        self.qmp_path = os.path.join(self.workdir, "qmp.sock")
        self._qmp = None
        self.screenshots = 0
        argv = [QEMU_BINARY, "-accel", "tcg", "-m", str(memory_mb),
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        if machine:
            argv += ["-M", machine]
        if nographic:
            argv += ["-nographic"]
        else:
            argv += ["-display", "none", "-serial", "stdio",
                     "-monitor", "none"]
        argv += [str(arg) for arg in args]
        if netns:
            argv = ["ip", "netns", "exec", netns] + argv
        timeout = hard_timeout_s or ctx.timeout_s
        super().__init__(argv, ctx.log, hard_timeout_s=timeout,
                         cwd=ctx.root, name="qemu")

    # ---- QMP -----------------------------------------------------------

    @property
    def qmp(self):
        """The QMP connection, opened on first use."""
        if self._qmp is None:
            self._qmp = QMP(self.qmp_path)
        return self._qmp

    def hmp(self, command_line):
        """Run a human monitor command (e.g. "info registers").

        @ret text   Its output
        """
        return self.qmp.command("human-monitor-command",
                                command_line=command_line)

    def system_reset(self):
        """Press the reset button."""
        self.note("system_reset")
        self.qmp.command("system_reset")

    def quit(self):
        """Ask QEMU to exit."""
        self.note("quit")
        try:
            self.qmp.command("quit")
        except QMPError:
            pass  # QEMU may close the socket before it answers

    # ---- the keyboard --------------------------------------------------

    def press(self, *qcodes, hold_time_ms=50):
        """Press keys on the emulated PS/2 keyboard, together.

        @v qcodes   QEMU key codes, e.g. "ctrl", "b"; or "left", "ret"
        """
        self.note("keyboard: %s" % "+".join(qcodes))
        self.qmp.command("send-key", keys=[
            {"type": "qcode", "data": qcode} for qcode in qcodes],
            hold_time=hold_time_ms)

    def type_keyboard(self, text, key_delay=0.03):
        """Type text on the emulated keyboard (US layout).

        @v text       ASCII text; "\\r" or "\\n" presses Enter
        @v key_delay  Seconds between keys
        """
        self.note("keyboard types %r" % text)
        for char in text:
            qcodes = keyboard_qcodes(char)
            self.qmp.command("send-key", keys=[
                {"type": "qcode", "data": qcode} for qcode in qcodes])
            time.sleep(key_delay)

    # ---- the screen ----------------------------------------------------

    def screendump(self):
        """Take a picture of the display.

        A copy is kept in the test's log folder as <test>.screenN.png.

        @ret picture   A screen.Picture
        """
        self.screenshots += 1
        ppm_path = os.path.join(self.workdir, "screen.ppm")
        self.qmp.command("screendump", filename=ppm_path)
        picture = screen.Picture.from_file(ppm_path)
        os.unlink(ppm_path)
        png_path = os.path.join(self.ctx.log_dir, "%s.screen%d.png"
                                % (self.ctx.name, self.screenshots))
        with open(png_path, "wb") as png:
            png.write(picture.to_png())
        self.note("screendump -> %s" % os.path.relpath(png_path,
                                                        self.ctx.root))
        return picture

    def screen_text(self):
        """Read the text on the VGA text screen.

        @ret lines  25 strings, one per text row (trailing blanks removed)
        """
        lines = screen.read_text(self.screendump())
        self.note("screen text:\n" + "\n".join(
            "| " + line for line in lines).rstrip())
        return lines

    def expect_screen(self, predicate, description, timeout=5):
        """Wait until the screen's text satisfies a test.

        @v predicate    Function of the list of lines, true when satisfied
        @v description  What is awaited, for the error message
        @ret lines      The screen's text
        """
        deadline = time.monotonic() + timeout
        while True:
            lines = self.screen_text()
            if predicate(lines):
                return lines
            if time.monotonic() > deadline:
                raise ExpectTimeout("screen never showed %s; it shows:\n%s"
                                    % (description, "\n".join(lines)))
            time.sleep(0.3)

    # ---- ending --------------------------------------------------------

    def kill(self):
        """Stop QEMU (if running) and remove its private directory."""
        if self._qmp is not None:
            self._qmp.close()
        super().kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


#: Keys (QEMU qcodes) for characters that are not letters or digits, on
#: a US keyboard; a leading "shift" means with Shift held
_KEYBOARD_SYMBOLS = {
    " ": ("spc",), "\r": ("ret",), "\n": ("ret",), "\t": ("tab",),
    "\x7f": ("backspace",), "\x1b": ("esc",),
    "-": ("minus",), "=": ("equal",), "[": ("bracket_left",),
    "]": ("bracket_right",), "\\": ("backslash",), ";": ("semicolon",),
    "'": ("apostrophe",), "`": ("grave_accent",), ",": ("comma",),
    ".": ("dot",), "/": ("slash",),
    "!": ("shift", "1"), "@": ("shift", "2"), "#": ("shift", "3"),
    "$": ("shift", "4"), "%": ("shift", "5"), "^": ("shift", "6"),
    "&": ("shift", "7"), "*": ("shift", "8"), "(": ("shift", "9"),
    ")": ("shift", "0"), "_": ("shift", "minus"), "+": ("shift", "equal"),
    "{": ("shift", "bracket_left"), "}": ("shift", "bracket_right"),
    "|": ("shift", "backslash"), ":": ("shift", "semicolon"),
    '"': ("shift", "apostrophe"), "~": ("shift", "grave_accent"),
    "<": ("shift", "comma"), ">": ("shift", "dot"), "?": ("shift", "slash"),
}


def keyboard_qcodes(char):
    """The QEMU key codes that type a character on a US keyboard.

    @v char     One ASCII character (control characters other than Enter,
                Tab, Backspace and Escape as Ctrl+letter)
    @ret qcodes Tuple of qcodes to press together
    """
    if char in _KEYBOARD_SYMBOLS:
        return _KEYBOARD_SYMBOLS[char]
    if "a" <= char <= "z" or "0" <= char <= "9":
        return (char,)
    if "A" <= char <= "Z":
        return ("shift", char.lower())
    if "\x01" <= char <= "\x1a":
        return ("ctrl", chr(ord(char) + 0x60))
    raise ValueError("no key types %r" % char)
