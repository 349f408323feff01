"""The harness's own tests (suite "lib"), independent of Ferry.

The VGA screen reader is proven on pictures it draws itself and on the
boot screen of SeaBIOS, which QEMU shows before any Ferry code runs.
The console driver and the unit-report parser are checked on small
inputs whose right answers are known.
"""

import os
import re

from lib import screen
from lib.console import ConsoleClosed, ExpectTimeout, output_lines
from lib.registry import check, check_equal, test
from lib.unit import parse_report, parse_unit_output

#: The SeaBIOS image QEMU's default PC machine runs
SEABIOS_IMAGE = "/usr/share/seabios/bios-256k.bin"


@test("screen-synthetic", suite="lib", quick=True, timeout_s=60)
def screen_synthetic(ctx):
    """The screen reader reads back every printable character it drew."""
    printable = "".join(chr(code) for code in range(0x20, 0x7F))
    lines = [printable[:80], printable[80:], "  indented text_with_underscores",
             "ferry> echo hello", "hello", "box: \u2554\u2550\u2557 \u2591\u2592\u2593",
             "gjpqy|_~`'\"^"]
    expected = lines + [""] * (25 - len(lines))
    for cell_width in (9, 8):
        for colours in (((0xAA, 0xAA, 0xAA), (0, 0, 0)),
                        ((0xFF, 0xFF, 0x55), (0, 0, 0xAA))):
            picture = screen.render_text(
                lines, cell_width=cell_width, foreground=colours[0],
                background=colours[1], cursor=(len(lines[4]), 4))
            # Through the PPM encoder and parser, as screendump's files go
            picture = screen.Picture.from_ppm(picture.to_ppm())
            got = screen.read_text(picture)
            for row, (want, have) in enumerate(zip(expected, got)):
                check_equal(have, want, "row %d, %d-pixel cells, colours %s"
                            % (row, cell_width, colours))
    # A picture of the wrong size is refused, not read as blanks
    try:
        screen.read_text(screen.Picture(1024, 768, bytes(1024 * 768 * 3)))
    except screen.ScreenError:
        pass
    else:
        raise AssertionError("a 1024x768 picture was read as a text screen")


@test("screen-seabios", suite="lib", quick=True, timeout_s=90)
def screen_seabios(ctx):
    """The screen reader reads SeaBIOS's boot screen, with no Ferry code."""
    with open(SEABIOS_IMAGE, "rb") as bios:
        bios_image = bios.read()
    with ctx.qemu("-boot", "n", "-net", "none", memory_mb=128) as vm:
        lines = vm.expect_screen(
            lambda lines: "No bootable device." in lines,
            "SeaBIOS's 'No bootable device.'", timeout=60)
    match = re.fullmatch(r"SeaBIOS \(version ([^)]+)\)", lines[0])
    check(match, "first row is not SeaBIOS's banner: %r" % lines[0])
    version = match.group(1)
    check(version.encode() in bios_image,
          "version %r read from the screen is not in %s"
          % (version, SEABIOS_IMAGE))
    # SeaBIOS's own messages, in the order it tries the boot devices
    wanted = ["Booting from Floppy...",
              "Boot failed: could not read the boot disk",
              "Booting from DVD/CD...",
              "Boot failed: Could not read from CDROM (code 0003)",
              "Booting from Hard Disk...",
              "No bootable device."]
    found = [line for line in lines if line in wanted]
    check_equal(found, wanted[:3] + wanted[3:5] + [wanted[1], wanted[5]],
                "SeaBIOS's boot messages on the screen")


#: Debian's iPXE as a Linux kernel image (package ipxe)
IPXE_LKRN = "/usr/lib/ipxe/ipxe.lkrn"


@test("keyboard-ipxe", suite="lib", timeout_s=90)
def keyboard_ipxe(ctx):
    """Keys typed on the emulated keyboard reach Debian's iPXE's screen."""
    check(os.path.isfile(IPXE_LKRN), "%s is missing (apt-get install ipxe)"
          % IPXE_LKRN)
    text = "Typed_by-KEYBOARD 1+1 (ok)"
    with ctx.qemu("-kernel", IPXE_LKRN, "-net", "none", memory_mb=256) as vm:
        vm.expect_screen(
            lambda lines: any("Press Ctrl-B for the iPXE command line"
                              in line for line in lines),
            "iPXE's Ctrl-B offer", timeout=30)
        vm.press("ctrl", "b")
        vm.expect_screen(lambda lines: "iPXE>" in lines, "iPXE's prompt",
                         timeout=10)
        vm.type_keyboard("echo %s\r" % text)
        lines = vm.expect_screen(lambda lines: text in lines,
                                 "the echoed %r" % text, timeout=10)
    check("iPXE> echo " + text in lines,
          "the typed command line is not on the screen")


@test("console-expect", suite="lib", quick=True, timeout_s=30)
def console_expect(ctx):
    """expect() matches each output once, times out, and sees the end."""
    cat = ctx.process(["cat"])
    cat.send("first line\nsecond\n", char_delay=0)
    cat.expect_line("first line", timeout=5)
    # The same text must not match twice
    try:
        cat.expect(r"first line", timeout=0.5)
    except ExpectTimeout as error:
        check("second" in str(error),
              "timeout message lacks the output's tail: %s" % error)
    else:
        raise AssertionError("expect() matched old output again")
    cat.expect_line("second", timeout=5)
    cat.send_key("left")
    cat.expect(re.escape("\x1b[D"), timeout=5)
    cat.close_stdin()
    check_equal(cat.wait_exit(5), 0, "cat's exit status")
    try:
        cat.expect("never", timeout=5)
    except ConsoleClosed:
        pass
    else:
        raise AssertionError("expect() after the end did not fail")
    # A program that hangs is killed at its hard timeout
    sleeper = ctx.process(["sleep", "60"], hard_timeout_s=1)
    try:
        sleeper.expect("never", timeout=30)
    except ConsoleClosed as error:
        check("hard timeout" in str(error),
              "the end of a hung program is not explained: %s" % error)
    else:
        raise AssertionError("expect() on a hung program did not fail")
    check_equal(output_lines("a\r\nb\x1b[1mold\rnew\x1b[0m\n"),
                ["a", "newd", ""], "output_lines, overwriting")
    check_equal(output_lines("ferry> ecXo hi" + "\x1b[1D" * 5 +
                             "o hi\x1b[K\x1b[4Dho hi\x1b[K\x1b[4D\r\n"),
                ["ferry> echo hi", ""], "output_lines, line editing")


@test("unit-report-parser", suite="lib", quick=True, timeout_s=10)
def unit_report_parser(ctx):
    """The unit and script report parser counts tests, catches bad runs."""
    good = "PASS strings\nPASS printf\n2 passed, 0 failed\n"
    check_equal(parse_unit_output(good, 0),
                [("unit/strings", True, ""), ("unit/printf", True, "")],
                "a clean run")
    failing = ("PASS strings\nFAIL printf: tests/unit/printf.c:12: "
               "got 'x'\n1 passed, 1 failed\n")
    check_equal(parse_unit_output(failing, 1),
                [("unit/strings", True, ""),
                 ("unit/printf", False, "tests/unit/printf.c:12: got 'x'")],
                "a run with a failure")
    scripts = ("PASS echo-basic (0.0 s)\nFAIL menu: output differs at line "
               "2\n1 passed, 1 failed\n")
    check_equal(parse_report(scripts, 1, "scripts"),
                [("scripts/echo-basic", True, ""),
                 ("scripts/menu", False, "output differs at line 2")],
                "a script suite run with timings and a failure")
    broken = {
        "sanitizer": ("PASS strings\n==1==ERROR: AddressSanitizer: "
                      "heap-buffer-overflow\n", 1),
        "ubsan": ("PASS a\nx.c:3:5: runtime error: signed integer overflow\n"
                  "1 passed, 0 failed\n", 0),
        "empty": ("", 0),
        "no tests": ("0 passed, 0 failed\n", 0),
        "no summary": ("PASS strings\n", 0),
        "wrong summary": ("PASS strings\n2 passed, 0 failed\n", 0),
        "bad status": ("PASS strings\n1 passed, 0 failed\n", 2),
        "signal": ("PASS strings\n", -11),
    }
    for what, (output, status) in broken.items():
        results = parse_unit_output(output, status)
        check(any(name == "unit" and not ok for name, ok, _ in results),
              "%s: not reported as a failure: %r" % (what, results))
