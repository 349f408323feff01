"""bin/ferry.lkrn booted by QEMU's -kernel: console, memory, input.

Each scenario boots

    qemu-system-x86_64 -accel tcg -m 512 -kernel bin/ferry.lkrn \\
        -display none -serial stdio

(-serial stdio is the harness's serial chardev: see tests/lib/qemu.py),
presses Ctrl-B at the banner's offer and talks to the command line over
the serial port.  The VGA text screen is read with lib.screen.
"""

import re

from lib.console import output_lines
from lib.ferry import (CTRL_B_OFFER, PROMPT, PROMPT_PATTERN, banner_pattern,
                       boot_to_prompt, run_command)
from lib.registry import TestFailure, check, check_equal, test

#: The image under test
LKRN = "bin/ferry.lkrn"
#: Seconds QEMU may take to exit after "poweroff"
POWEROFF_TIMEOUT_S = 10
#: Hard limit per scenario
SCENARIO_TIMEOUT_S = 90


def boot_lkrn(ctx, memory_mb=512, **options):
    """Start QEMU on the lkrn image."""
    return ctx.qemu("-kernel", ctx.image(LKRN), memory_mb=memory_mb,
                    **options)


def check_poweroff(vm):
    """Run "poweroff" and check that QEMU exits by itself, cleanly."""
    vm.send("poweroff\r")
    status = vm.wait_exit(POWEROFF_TIMEOUT_S)
    check_equal(status, 0, "QEMU's exit status after poweroff")


def console_scenario(ctx, machine=None):
    """Banner, a command on serial and on the VGA screen, then poweroff."""
    version = ctx.version
    with boot_lkrn(ctx, machine=machine) as vm:
        banner = boot_to_prompt(vm, version)
        ctx.note("banner: %r" % banner)
        check_equal(run_command(vm, "echo hello"), ["hello"],
                    "output of 'echo hello'")
        # The same on the screen: the console writes to VGA too
        screen = vm.expect_screen(
            lambda lines: "hello" in lines and any(
                re.match(r"Ferry %s\b" % re.escape(version), line)
                for line in lines),
            "the banner and 'hello'", timeout=5)
        check(PROMPT + "echo hello" in screen,
              "the screen lacks the line %r" % (PROMPT + "echo hello"))
        check(any(CTRL_B_OFFER in line for line in screen),
              "the screen lacks %r" % CTRL_B_OFFER)
        check_poweroff(vm)


@test("lkrn-console", quick=True, timeout_s=SCENARIO_TIMEOUT_S)
def lkrn_console(ctx):
    """Banner, prompt and echo on serial and VGA; poweroff ends QEMU."""
    console_scenario(ctx)


@test("lkrn-q35", timeout_s=SCENARIO_TIMEOUT_S)
def lkrn_q35(ctx):
    """The console scenario on the Q35 chipset (ICH9 power-off)."""
    console_scenario(ctx, machine="q35")


#: A memory-map region line: "0x...-0x... <type>" (C's "%#llx" prints
#: zero without the "0x")
REGION_LINE = re.compile(
    r"\s*((?:0x)?[0-9a-fA-F]+)\s*-\s*((?:0x)?[0-9a-fA-F]+)\s+(\S.*?)\s*")
#: The total line some versions print: "usable: N MiB"
USABLE_TOTAL_LINE = re.compile(r"\s*usable\s*:\s*(\d+)\s*MiB\s*",
                               re.IGNORECASE)
#: A pool line naming its range: "heap: 0x...-0x..."
POOL_LINE = re.compile(
    r"\s*(heap|image[ a-z]*?)\s*:\s*(0x[0-9a-fA-F]+)\s*-\s*(0x[0-9a-fA-F]+)"
    r".*", re.IGNORECASE)


def region_length(start, end):
    """Length of a range printed with an inclusive end (0x...fff) or not."""
    return end - start + (1 if end & 0x3FF == 0x3FF else 0)


@test("lkrn-memmap", timeout_s=SCENARIO_TIMEOUT_S)
def lkrn_memmap(ctx):
    """memmap with 2 GiB: the E820 map, the heap and the image area."""
    memory_mb = 2048
    with boot_lkrn(ctx, memory_mb=memory_mb) as vm:
        boot_to_prompt(vm, ctx.version)
        lines = run_command(vm, "memmap")
    check(lines, "memmap printed nothing")
    usable = []
    pools = {}
    printed_total_mib = None
    for line in lines:
        match = USABLE_TOTAL_LINE.fullmatch(line)
        if match:
            printed_total_mib = int(match.group(1))
            continue
        match = POOL_LINE.fullmatch(line)
        if match:
            kind = "heap" if match.group(1).lower() == "heap" else "image"
            pools.setdefault(kind, []).append(
                (int(match.group(2), 16), int(match.group(3), 16)))
            continue
        match = REGION_LINE.fullmatch(line)
        if match and "usable" in match.group(3).lower():
            usable.append((int(match.group(1), 16), int(match.group(2), 16)))
    check(usable, "no 'usable' region lines in: %r" % lines[:10])
    total = sum(region_length(start, end) for start, end in usable)
    ctx.note("usable regions: %s = %d MiB" % (
        ", ".join("%#x-%#x" % region for region in usable), total >> 20))
    check(total >= int(1.9 * (1 << 30)),
          "only %d MiB usable with -m %d" % (total >> 20, memory_mb))
    if printed_total_mib is not None:
        check(abs(printed_total_mib - (total >> 20)) <= 1,
              "memmap says %d MiB usable, its regions add up to %d MiB"
              % (printed_total_mib, total >> 20))
    check(total <= memory_mb << 20,
          "%d MiB usable is more than the %d MiB the machine has"
          % (total >> 20, memory_mb))
    for first, second in zip(sorted(usable), sorted(usable)[1:]):
        check(first[1] < second[0], "usable regions %#x-%#x and %#x-%#x "
              "overlap" % (first + second))
    for kind in ("heap", "image"):
        check(kind in pools, "no '%s: start-end' line in: %r"
              % ("heap" if kind == "heap" else "image area", lines))
    for kind, ranges in pools.items():
        for start, end in ranges:
            check(start < end, "%s range %#x-%#x is empty" % (kind, start,
                                                               end))
            check(any(low <= start and end <= high for low, high in usable),
                  "%s range %#x-%#x is not inside usable memory"
                  % (kind, start, end))
    for heap_start, heap_end in pools["heap"]:
        for image_start, image_end in pools["image"]:
            check(heap_end < image_start or image_end < heap_start,
                  "heap %#x-%#x overlaps the image area %#x-%#x"
                  % (heap_start, heap_end, image_start, image_end))


@test("lkrn-badinput", timeout_s=SCENARIO_TIMEOUT_S)
def lkrn_badinput(ctx):
    """Unknown command, Ctrl-C, line editing and history over serial."""
    with boot_lkrn(ctx) as vm:
        boot_to_prompt(vm, ctx.version)

        # An unknown command: one error line naming it, then a prompt
        lines = run_command(vm, "frobnicate --now")
        check_equal(len(lines), 1, "lines printed for an unknown command "
                    "(%r)" % lines)
        check(re.search(r"\bfrobnicate\b", lines[0]),
              "the error does not name the command: %r" % lines[0])

        # Ctrl-C on a half-typed line: a fresh prompt, the line dropped
        vm.send("echo bad")
        vm.send_key("ctrl-c")
        vm.expect(PROMPT_PATTERN, timeout=10, what="a prompt after Ctrl-C")
        check_equal(run_command(vm, "echo good"), ["good"],
                    "output after Ctrl-C")

        # Left and Backspace: "ecXo hi" becomes "echo hi"
        vm.send("ecXo hi")
        for _ in range(4):
            vm.send_key("left")
        vm.send_key("backspace")
        check_equal(run_command(vm, "h"), ["hi"],
                    "output of 'ecXo hi' edited to 'echo hi'")

        # Home and End: "cho there" becomes "echo there!"
        vm.send("cho there")
        vm.send_key("home")
        vm.send("e")
        vm.send_key("end")
        check_equal(run_command(vm, "!"), ["there!"],
                    "output of 'cho there' edited to 'echo there!'")

        # History: Up twice recalls "echo hi" (the line before the last)
        vm.send_key("up")
        vm.send_key("up")
        check_equal(run_command(vm, ""), ["hi"], "output of the recalled "
                    "'echo hi'")

        shown = output_lines(vm.output)
        for line in ("echo hi", "echo there!"):
            check(PROMPT + line in shown,
                  "the edited line never read %r on the terminal"
                  % (PROMPT + line))
        check("bad" not in shown, "the cancelled 'echo bad' ran")
        check(not any("echo bad" in line and "good" in line
                      for line in shown),
              "Ctrl-C did not start a fresh line")


@test("lkrn-nographic", timeout_s=SCENARIO_TIMEOUT_S)
def lkrn_nographic(ctx):
    """With -nographic, each banner line reaches serial exactly once."""
    version = ctx.version
    with boot_lkrn(ctx, nographic=True) as vm:
        boot_to_prompt(vm, version)
        check_equal(run_command(vm, "echo once"), ["once"],
                    "output of 'echo once'")
        output = vm.output
        check_poweroff(vm)
    banners = re.findall(banner_pattern(version), output)
    check_equal(len(banners), 1, "banner lines 'Ferry %s' on serial"
                % version)
    check_equal(output.count(CTRL_B_OFFER), 1,
                "times %r appears on serial" % CTRL_B_OFFER)
    check_equal(output_lines(output).count("once"), 1,
                "lines 'once' on serial")
    features = [line for line in output_lines(output)
                if line.startswith("Features:")]
    if len(features) > 1:
        raise TestFailure("the features line appears %d times on serial"
                          % len(features))
