"""PXE network boot programs run from Ferry, with Ferry's PXE API.

chain-pxelinux (SPEC section 8): Ferry (bin/ferry.lkrn) autoboots on
QEMU's user network, whose DHCP names Debian's pxelinux.0 as the boot
file.  pxelinux finds PXENV+/!PXE, reads the DHCP packets Ferry kept
(GET CACHED INFO) and runs its own TFTP over Ferry's UDP calls: it loads
ldlinux.c32, pxelinux.cfg/default, the Debian test kernel and the lab
initrd, unloads the PXE stack and boots Linux, whose initrd prints
"BOOT-OK cmdline=..." with the config's APPEND line.

Bad input: an image too big for base memory is refused with one error
line, and the prompt comes back.
"""

import os
import re
import shutil

from lab import lab
from lib.ferry import ERROR_PATTERN, boot_to_prompt, run_command
from lib.registry import check, check_equal, test

#: Debian's pxelinux (package pxelinux) and its core module (syslinux-common)
PXELINUX = "/usr/lib/PXELINUX/pxelinux.0"
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
    for path in (PXELINUX, LDLINUX):
        check(os.path.exists(path), "%s is missing (apt-get install "
              "pxelinux syslinux-common)" % path)
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(os.path.join(tftp, "pxelinux.cfg"))
    shutil.copy(PXELINUX, os.path.join(tftp, "pxelinux.0"))
    shutil.copy(LDLINUX, os.path.join(tftp, "ldlinux.c32"))
    shutil.copy(lab.kernel(), os.path.join(tftp, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(tftp, "initrd.cpio"))
    with open(os.path.join(tftp, "pxelinux.cfg", "default"), "w") as f:
        f.write(PXELINUX_CONFIG)
    return tftp


@test("chain-pxelinux", timeout_s=300)
def chain_pxelinux(ctx):
    """Ferry autoboots pxelinux.0, which loads its config, the kernel and
    the initrd over TFTP through Ferry's PXE API and boots Linux."""
    tftp = tftp_folder(ctx)
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                  "-netdev", "user,id=n0,tftp=%s,bootfile=pxelinux.0" % tftp,
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
