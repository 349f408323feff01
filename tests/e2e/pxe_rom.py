"""Option ROMs and the PXE images under QEMU (SeaBIOS, QEMU's iPXE ROMs).

  - the e1000 ROM (bin/8086100e.rom as the NIC's romfile) moves its
    packed body to PMM memory at POST, keeping a stub of 2 KiB in
    the option-ROM area, runs Ferry from its BEV and, with no boot file
    from DHCP, returns to the BIOS, which tries its next boot device;
  - a test build that finds no PMM (build/test-roms/8086100e-nopmm.rom)
    keeps the whole ROM in the option-ROM area and still runs;
  - "exit" at the ROM's prompt, and a NIC without link, give the boot
    back to the BIOS;
  - bin/ferry.kpxe and bin/ferry.pxe, loaded by QEMU's own PXE ROM (an
    iPXE build) from QEMU's TFTP server, reach Ferry's prompt;
  - the e1000 ROM fits in 64 KiB.

SeaBIOS's own messages ("Booting from ROM...") go to its debug port,
which these tests keep in a file.
"""

import os
import re
import shutil
import time

from lib.ferry import (CTRL_B_OFFER, PROMPT, PROMPT_PATTERN, boot_to_prompt,
                       run_command)
from lib.registry import check, test

#: SeaBIOS's debug port (QEMU isa-debugcon)
DEBUGCON_PORT = "0x402"
#: The largest option ROM the size target allows
ROM_MAX_BYTES = 64 * 1024


def seabios_log(ctx):
    """QEMU arguments that keep SeaBIOS's debug output, and its path."""
    path = os.path.join(ctx.tmpdir, "seabios.log")
    return path, ["-chardev", "file,id=seabios,path=%s" % path,
                  "-device", "isa-debugcon,iobase=%s,chardev=seabios"
                  % DEBUGCON_PORT]


def wait_for_file_text(path, text, timeout):
    """Wait until a file contains text; return its contents."""
    deadline = time.monotonic() + timeout
    contents = ""
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, errors="replace") as log:
                contents = log.read()
            if text in contents:
                return contents
        time.sleep(0.5)
    return contents


def option_rom_segments(contents):
    """The segments SeaBIOS ran option ROMs at after its VGA BIOS, in
    order (from its "Running option rom at SSSS:0003" lines)."""
    after = contents.split("Scan for option roms", 1)[-1]
    return [int(seg, 16) for seg in
            re.findall(r"Running option rom at ([0-9a-f]{4}):0003", after)]


def rom_kept_bytes(contents):
    """Bytes the first option ROM kept in the upper memory area: the
    distance to the next ROM SeaBIOS placed (QEMU always adds one,
    kvmvapic.bin), or None if there is no next one."""
    segments = option_rom_segments(contents)
    if len(segments) < 2:
        return None
    return (segments[1] - segments[0]) * 16


def rom_boot_to_bios(ctx, rom, *extra, before=None, link=True):
    """Boot a ROM (no boot file from DHCP) until the BIOS goes on to its
    next boot device; return (serial output, SeaBIOS log).

    @v rom     ROM file (repository-relative)
    @v extra   More QEMU arguments
    @v before  Called with the VM once the banner is shown, or None
    @v link    The NIC has link (else QEMU starts with it down)
    """
    path, debug = seabios_log(ctx)
    args = ["-device", "e1000,id=nic0,netdev=n0,romfile=%s" % ctx.image(rom),
            "-netdev", "user,id=n0", "-boot", "n", *debug, *extra]
    if not link:
        args.append("-S")
    with ctx.qemu(*args) as vm:
        if not link:
            vm.hmp("set_link nic0 off")
            vm.qmp.command("cont")
        banner = vm.expect(r"Ferry[^\r\n]*pcbios", 60, what="Ferry's banner")
        ctx.note("banner: %r" % banner.group(0))
        if before:
            before(vm)
        vm.expect(r"Returning to the BIOS|returning to the BIOS", 90,
                  what="the return to the BIOS")
        contents = wait_for_file_text(path, "Booting from Floppy", 30)
        output = vm.output
    check("Booting from ROM" in contents,
          "SeaBIOS never booted the ROM's BEV")
    after = contents.split("Booting from ROM", 1)[-1]
    check("Booting from Floppy" in after or "Booting from Hard Disk" in after,
          "SeaBIOS did not go on to its next boot device")
    return output, contents


@test("rom-e1000-returns-to-bios", timeout_s=150)
def rom_e1000_returns(ctx):
    """The e1000 ROM moves its decompressor and packed body to PMM memory
    at POST, keeping a stub of 2 KiB (at most 4 KiB) in the option-ROM
    area; it boots Ferry from the PMM copy, and with no boot file it gives
    the boot back."""
    output, contents = rom_boot_to_bios(ctx, "bin/8086100e.rom")
    check("body unpacked from PMM memory" in output,
          "the body was not unpacked from PMM memory")
    kept = rom_kept_bytes(contents)
    ctx.note("option-ROM area kept by the ROM: %s bytes" % kept)
    check(kept is not None, "SeaBIOS placed no ROM after Ferry's, so "
          "what Ferry kept cannot be measured")
    check(kept <= 4096, "the ROM kept %d bytes of the option-ROM area "
          "(its stub is at most 4096)" % kept)


@test("rom-e1000-no-pmm", timeout_s=150)
def rom_e1000_no_pmm(ctx):
    """A BIOS without PMM (a test build of the e1000 ROM that looks for
    another signature): the whole ROM stays in the option-ROM area, it
    says so, Ferry still runs from it and gives the boot back."""
    rom = "build/test-roms/8086100e-nopmm.rom"
    output, contents = rom_boot_to_bios(ctx, rom)
    check("the option-ROM area (no PMM)" in output,
          "Ferry did not say it ran without PMM")
    kept = rom_kept_bytes(contents)
    ctx.note("option-ROM area kept by the ROM: %s bytes" % kept)
    check(kept is not None and kept >= os.path.getsize(ctx.image(rom)),
          "without PMM the ROM must stay whole (kept %s bytes)" % kept)


@test("rom-e1000-exit", timeout_s=150)
def rom_e1000_exit(ctx):
    """At the ROM's prompt, a command the ROM leaves out (config/rom.mk)
    says so; "exit" returns to the BIOS, which goes on to its next boot
    device."""
    def exit_at_prompt(vm):
        vm.expect_exact(CTRL_B_OFFER, timeout=10)
        vm.send_key("ctrl-b")
        vm.expect(PROMPT_PATTERN, timeout=10, what="prompt %r" % PROMPT)
        lines = run_command(vm, "ping 10.0.2.2")
        check(any(re.search(r"error 0x[0-9a-f]{8}: Command not in this "
                            r"build \(ping\)", line) for line in lines),
              "ping (left out of ROMs) printed %r" % lines)
        vm.send("exit\r")
    output, _ = rom_boot_to_bios(ctx, "bin/8086100e.rom",
                                 before=exit_at_prompt)
    check("Returning to the BIOS for its next boot device" in output,
          "Ferry did not say it returns to the BIOS")
    check("Configuring" not in output, "Ferry autobooted instead")


@test("rom-e1000-no-link", timeout_s=150)
def rom_e1000_no_link(ctx):
    """A NIC without link: Ferry says so and gives the boot back to the
    BIOS within its link wait (15 s), not after DHCP's timeouts."""
    start = time.monotonic()
    output, _ = rom_boot_to_bios(ctx, "bin/8086100e.rom", link=False)
    ctx.note("boot to BIOS took %.0f s" % (time.monotonic() - start))
    check(re.search(r"error 0x[0-9a-f]{8}: (No link|Link down) \(net0\)",
                    output),
          "no clear link error: %r" % output[-400:])


@test("rom-e1000-small-memory", timeout_s=120)
def rom_e1000_small_memory(ctx):
    """A machine with too little memory to unpack the ROM (24 MiB: the
    decompressor needs about 30): the prefix says so on the screen and
    gives the boot back to the BIOS instead of unpacking over nothing."""
    path, debug = seabios_log(ctx)
    with ctx.qemu("-device", "e1000,netdev=n0,romfile=%s"
                  % ctx.image("bin/8086100e.rom"),
                  "-netdev", "user,id=n0", "-boot", "n", *debug,
                  memory_mb=24) as vm:
        contents = wait_for_file_text(path, "Booting from Floppy", 90)
        after = contents.split("Booting from ROM", 1)[-1]
        check("Booting from ROM" in contents and
              "Booting from Floppy" in after,
              "SeaBIOS did not go on after the ROM's BEV")
        screen = "\n".join(vm.screen_text())
    check("Ferry: not enough memory above 1 MiB to unpack" in screen,
          "no message from the ROM on the screen")
    check("pcbios" not in vm.output, "Ferry started regardless")


@test("rom-e1000-size", timeout_s=30)
def rom_e1000_size(ctx):
    """The e1000 option ROM (DHCP, DNS, TFTP, HTTP, scripts and menus)
    fits in 64 KiB and is a whole number of 512-byte blocks."""
    size = os.path.getsize(ctx.image("bin/8086100e.rom"))
    ctx.note("bin/8086100e.rom: %d bytes (at most %d)"
             % (size, ROM_MAX_BYTES))
    check(size % 512 == 0, "ROM size %d is not a multiple of 512" % size)
    check(size <= ROM_MAX_BYTES, "bin/8086100e.rom is %d bytes, more "
          "than %d" % (size, ROM_MAX_BYTES))


def pxe_chain(ctx, image, leave):
    """QEMU's PXE ROM loads a Ferry PXE image by TFTP; reach the prompt,
    run ifstat, then "exit" and call leave(vm, SeaBIOS log path).

    @ret ifstat's output
    """
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(tftp)
    shutil.copy(ctx.image("bin/" + image), tftp)
    path, debug = seabios_log(ctx)
    with ctx.qemu("-device", "e1000,netdev=n0",
                  "-netdev", "user,id=n0,tftp=%s,bootfile=%s"
                  % (tftp, image), "-boot", "n", *debug) as vm:
        banner = boot_to_prompt(vm, ctx.version, timeout=90)
        check("pcbios" in banner, "banner %r does not say pcbios" % banner)
        lines = run_command(vm, "echo chained")
        check(lines == ["chained"], "echo printed %r" % lines)
        ifstat = "\n".join(run_command(vm, "ifstat"))
        vm.send("exit\r")
        leave(vm, path)
        return ifstat


def pxe_exit_to_rom(vm, path):
    """After "exit": back in the PXE ROM, which gives the boot back to
    the BIOS for its next device."""
    vm.expect_exact("Returning to the PXE ROM for its next boot device",
                    timeout=10)
    contents = wait_for_file_text(path, "Booting from Floppy", 60)
    after = contents.split("Booting from ROM", 1)[-1]
    check("Booting from Floppy" in after or "Booting from Hard Disk" in after,
          "SeaBIOS did not go on to its next boot device")


def pxe_exit_poweroff(vm, path):
    """After "exit" with the PXE stack unloaded: nobody to return to, so
    Ferry powers off."""
    vm.wait_exit(timeout=30)
    check("Returning to the PXE ROM" not in vm.output,
          "Ferry tried to return to the PXE ROM it unloaded")


@test("kpxe-chain-prompt", timeout_s=150)
def kpxe_chain_prompt(ctx):
    """bin/ferry.kpxe from QEMU's PXE ROM: the UNDI NIC and a prompt;
    "exit" returns to the PXE ROM and the BIOS goes on."""
    ifstat = pxe_chain(ctx, "ferry.kpxe", pxe_exit_to_rom)
    check("undi" in ifstat.lower() or "UNDI" in ifstat,
          "ifstat does not show the UNDI device: %r" % ifstat)


@test("pxe-chain-prompt", timeout_s=150)
def pxe_chain_prompt(ctx):
    """bin/ferry.pxe from QEMU's PXE ROM: native driver and a prompt;
    "exit" powers off (the PXE stack is gone)."""
    ifstat = pxe_chain(ctx, "ferry.pxe", pxe_exit_poweroff)
    check("undi" not in ifstat.lower(),
          "the PXE stack was not unloaded: %r" % ifstat)
