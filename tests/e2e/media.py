"""Boot media: the CD image and the USB disk image under SeaBIOS.

Each boots Ferry from its medium to the command line and runs a command;
booting Linux over the network from them comes with the network stack.
"""

from lib.registry import test, check
from lib.ferry import boot_to_prompt, run_command


def boot_medium(ctx, *args):
    """Boot Ferry from a medium, check its banner and command line.

    @v args     QEMU arguments attaching the medium
    """
    with ctx.qemu(*args, "-net", "none") as vm:
        banner = boot_to_prompt(vm, ctx.version, timeout=60)
        check("pcbios" in banner, "banner %r does not say pcbios" % banner)
        lines = run_command(vm, "echo from the medium")
        check(lines == ["from the medium"], "echo printed %r" % lines)
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)


@test("iso-cdrom-boots-ferry", timeout_s=120)
def iso_cdrom(ctx):
    """bin/ferry.iso as a CD-ROM (El Torito, ISOLINUX) boots Ferry."""
    boot_medium(ctx, "-cdrom", ctx.image("bin/ferry.iso"), "-boot", "d")


@test("iso-as-disk-boots-ferry", timeout_s=120)
def iso_hybrid(ctx):
    """bin/ferry.iso written to a disk (isohybrid MBR) boots Ferry."""
    boot_medium(ctx, "-drive",
                "file=%s,format=raw,snapshot=on" % ctx.image("bin/ferry.iso"))


@test("usb-disk-boots-ferry", timeout_s=120)
def usb_disk(ctx):
    """bin/ferry.usb as a raw disk (MBR, FAT16, SYSLINUX) boots Ferry."""
    boot_medium(ctx, "-drive",
                "file=%s,format=raw,snapshot=on" % ctx.image("bin/ferry.usb"))
