"""PXE network boot programs run from Ferry, with Ferry's PXE API.

chain-pxelinux (SPEC section 8): Ferry (bin/ferry.lkrn) autoboots on
QEMU's user network, whose DHCP names Debian's pxelinux.0 as the boot
file.  pxelinux finds PXENV+/!PXE, reads the DHCP packets Ferry kept
(GET CACHED INFO) and runs its own TFTP over Ferry's UDP calls: it loads
ldlinux.c32, pxelinux.cfg/default, the Debian test kernel and the lab
initrd, unloads the PXE stack and boots Linux, whose initrd prints
"BOOT-OK cmdline=..." with the config's APPEND line.

nbp-api: a small NBP of the tests' own (tests/lab/pxe_test_nbp.asm)
checks PXENV+, !PXE and INT 1Ah, makes GET CACHED INFO, TFTP and INT 15h
calls, and bad ones: an unknown opcode, a parameter block outside base
memory, an unknown packet type, a UDP WRITE whose buffer runs past base
memory, a TFTP OPEN of a missing file, a READ FILE into Ferry's own
(hidden) memory.  It prints what it got over COM1 and returns; Ferry
carries on and runs it a second time.

Bad input: an image too big for base memory is refused with one error
line, and the prompt comes back.
"""

import os
import re
import shutil
import subprocess

from lab import lab
from lib.ferry import ERROR_PATTERN, boot_to_prompt, run_command
from lib.registry import ROOT, check, check_equal, test

#: Debian's pxelinux (package pxelinux) and its core module (syslinux-common)
PXELINUX = "/usr/lib/PXELINUX/pxelinux.0"
#: The same with its own network stack (lwIP) on the UNDI calls
LPXELINUX = "/usr/lib/PXELINUX/lpxelinux.0"
LDLINUX = "/usr/lib/syslinux/modules/bios/ldlinux.c32"

#: The APPEND line of the pxelinux configuration
APPEND = "console=ttyS0 initrd=initrd.cpio scenario=chain-pxelinux"

#: pxelinux's configuration: boot the kernel at once, no prompt
PXELINUX_CONFIG = """DEFAULT linux
PROMPT 0
LABEL linux
  KERNEL vmlinuz
  APPEND %s
""" % APPEND


def tftp_folder(ctx):
    """The TFTP root pxelinux boots from.

    @ret folder   Path
    """
    for path in (PXELINUX, LPXELINUX, LDLINUX):
        check(os.path.exists(path), "%s is missing (apt-get install "
              "pxelinux syslinux-common)" % path)
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(os.path.join(tftp, "pxelinux.cfg"))
    shutil.copy(PXELINUX, os.path.join(tftp, "pxelinux.0"))
    shutil.copy(LPXELINUX, os.path.join(tftp, "lpxelinux.0"))
    shutil.copy(LDLINUX, os.path.join(tftp, "ldlinux.c32"))
    shutil.copy(lab.kernel(), os.path.join(tftp, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(tftp, "initrd.cpio"))
    with open(os.path.join(tftp, "pxelinux.cfg", "default"), "w") as f:
        f.write(PXELINUX_CONFIG)
    return tftp


def boot_pxelinux(ctx, boot_file):
    """Autoboot Ferry with a boot file that leads to pxelinux; check Linux.

    @v boot_file   What DHCP names as the boot file (in the TFTP root)
    """
    tftp = tftp_folder(ctx)
    with open(os.path.join(tftp, "chain.ipxe"), "w") as f:
        f.write("#!ipxe\nchain tftp://10.0.2.2/pxelinux.0\n")
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                  "-netdev", "user,id=n0,tftp=%s,bootfile=%s"
                  % (tftp, boot_file),
                  "-device", "e1000,netdev=n0", memory_mb=512)
    with vm:
        match = vm.expect(r"BOOT-OK cmdline=([^\r\n]*)\r?\n", timeout=240,
                          what="Linux's BOOT-OK line")
        cmdline = match.group(1)
        # pxelinux puts BOOT_IMAGE= first; the APPEND line follows as is
        check(cmdline.endswith(APPEND),
              "the kernel's command line %r lacks the APPEND line %r"
              % (cmdline, APPEND))
        check("BOOT_IMAGE=vmlinuz" in cmdline,
              "the command line %r does not come from pxelinux" % cmdline)
        errors = re.findall(ERROR_PATTERN, vm.output)
        check_equal(errors, [], "error lines from Ferry")
        vm.wait_exit(timeout=30)


@test("chain-pxelinux", timeout_s=300)
def chain_pxelinux(ctx):
    """Ferry autoboots pxelinux.0, which loads its config, the kernel and
    the initrd over TFTP through Ferry's PXE API and boots Linux."""
    boot_pxelinux(ctx, "pxelinux.0")


@test("chain-lpxelinux", timeout_s=300)
def chain_lpxelinux(ctx):
    """lpxelinux.0 runs its own TCP/IP stack on Ferry's UNDI calls (raw
    frames) and boots Linux the same way."""
    boot_pxelinux(ctx, "lpxelinux.0")


@test("chain-pxelinux-from-script", timeout_s=300)
def chain_pxelinux_from_script(ctx):
    """The same from a script that chains pxelinux.0: the script's image
    stays in memory, hidden from pxelinux, and Linux still boots."""
    boot_pxelinux(ctx, "chain.ipxe")


@test("nbp-too-big", timeout_s=120)
def nbp_too_big(ctx):
    """An NBP bigger than free base memory: one error line, the prompt,
    and Ferry still works."""
    big = os.path.join(ctx.tmpdir, "big.0")
    with open(big, "wb") as out:
        # Code, not text: it would be taken for an NBP
        out.write(b"\xeb\xfe" + b"\x90" * (700 * 1024))
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"), "-no-reboot",
                  "-net", "none", "-fw_cfg",
                  "name=opt/ferry/big.0,file=%s" % big, memory_mb=256)
    with vm:
        boot_to_prompt(vm, ctx.version)
        lines = run_command(vm, "chain fw_cfg:opt/ferry/big.0", timeout=60)
        errors = [line for line in lines if re.search(ERROR_PATTERN, line)]
        check_equal(len(errors), 1, "error lines (output %r)" % lines)
        check(re.search(r"too big for free base memory", errors[0]),
              "the error %r does not say the NBP is too big" % errors[0])
        check_equal(run_command(vm, "echo still here"), ["still here"],
                    "output after the error")


#: The tests' own NBP
TEST_NBP_SOURCE = os.path.join(ROOT, "tests", "lab", "pxe_test_nbp.asm")

#: Length of the file the test NBP fetches (not a multiple of 512)
HELLO_LEN = 3000


def run_test_nbp(vm):
    """Chain the test NBP and check each line it prints.

    @v vm   QEMU at Ferry's prompt, with an address from DHCP
    """
    vm.send("chain tftp://10.0.2.2/test-nbp.0\r")
    vm.expect_line("NBP-START", timeout=60)
    for name in ("pxenv", "ppxe", "int1a", "cached", "unknown", "badptr"):
        vm.expect_line("%s=ok" % name, timeout=20)
    # PXENV_STATUS_UNSUPPORTED, OUT_OF_RESOURCES, TFTP_FILE_NOT_FOUND
    vm.expect_line("cached-type9 status=0003", timeout=20)
    vm.expect_line("udpwrite-overrun status=0006", timeout=20)
    vm.expect_line("tftp-missing status=003b", timeout=30)
    size = "%08x" % HELLO_LEN
    vm.expect_line("fsize status=0000 size=%s" % size, timeout=30)
    vm.expect_line("readfile status=0000 size=%s first=H" % size,
                   timeout=30)
    packets = (HELLO_LEN + 511) // 512
    vm.expect_line("tftpread status=0000 size=%s packets=%04x"
                   % (size, packets), timeout=30)
    match = vm.expect(r"e820 entries=([0-9a-f]{4}) hidden=([0-9a-f]{4})"
                      r"\r?\n", timeout=20, what="the E820 line")
    check_equal(int(match.group(2), 16), 1,
                "reserved ranges of 8 MiB or more above 1 MiB (Ferry's "
                "body and heap) in %r" % match.group(0))
    # PXENV_STATUS_OUT_OF_RESOURCES: the buffer is not the NBP's
    vm.expect_line("readfile-ferry status=0006", timeout=20)
    vm.expect_line("NBP-DONE", timeout=20)
    vm.expect(r"ferry> ", timeout=30, what="the prompt after the NBP")


@test("nbp-api", timeout_s=180)
def nbp_api(ctx):
    """A test NBP's PXE API calls get the right answers, it returns to
    Ferry, and Ferry runs it again."""
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(tftp)
    subprocess.run(["nasm", "-f", "bin", "-o",
                    os.path.join(tftp, "test-nbp.0"), TEST_NBP_SOURCE],
                   check=True)
    with open(os.path.join(tftp, "hello.txt"), "wb") as out:
        out.write(b"H" + bytes((i * 7) & 0xff for i in range(HELLO_LEN - 1)))
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"), "-no-reboot",
                  "-netdev", "user,id=n0,tftp=%s" % tftp,
                  "-device", "e1000,netdev=n0", memory_mb=256)
    with vm:
        boot_to_prompt(vm, ctx.version)
        lines = run_command(vm, "dhcp", timeout=60)
        errors = [line for line in lines if re.search(ERROR_PATTERN, line)]
        check_equal(errors, [], "errors from dhcp")
        run_test_nbp(vm)
        # Ferry's hooks are off, its image area rebuilt: again
        run_test_nbp(vm)
        check_equal(run_command(vm, "echo still here"), ["still here"],
                    "output after the NBP returned")
        check_equal(re.findall(ERROR_PATTERN, vm.output), [],
                    "error lines from Ferry")
