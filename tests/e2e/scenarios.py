"""SPEC section 8's lkrn-slirp scenario, and the autoboot variants.

Ferry is not interrupted: it autoboots.  QEMU's user network gives DHCP
(with the boot file name) and TFTP; the kernel and initrds come over
HTTP from a server on this machine's loopback, which the guest reaches
as 10.0.2.2.  The test initrd's /init prints "BOOT-OK cmdline=..." (and
EXTRA-OK when the loader added /extra.cpio).
"""

import os
import re
import shutil
import socket
import subprocess
import sys

from lib.registry import test, check, check_equal, ROOT

sys.path.insert(0, os.path.join(ROOT, "tests"))
from lab import lab  # noqa: E402


class LoopbackHttp:
    """Python's http.server on a free loopback port, serving a folder."""

    def __init__(self, ctx, folder):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        log = open(os.path.join(ctx.log_dir, ctx.name + "-http.log"), "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port),
             "--bind", "127.0.0.1", "--directory", folder],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        ctx.note("http.server pid %d on port %d" % (self.process.pid,
                                                   self.port))

    def close(self):
        """Stop the server."""
        self.process.terminate()
        self.process.wait(timeout=10)


def autoboot(ctx, script, boot_file="boot.ipxe", nic="e1000", files=(),
             start=None):
    """Autoboot Ferry with a boot script; return the cmdline Linux shows.

    @v script     The #!ipxe script, with {http} for the HTTP base URI
    @v boot_file  What DHCP names as the boot file ({http} allowed)
    @v nic        QEMU NIC model (with options, e.g. a romfile)
    @v files      Extra (name, path) files for the HTTP server
    @v start      QEMU arguments that start Ferry (default: -kernel lkrn)
    @ret (cmdline, vm)
    """
    www = os.path.join(ctx.tmpdir, "www")
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    shutil.copy(lab.kernel(), os.path.join(www, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(www, "initrd.cpio"))
    for name, path in files:
        shutil.copy(path, os.path.join(www, name))
    server = LoopbackHttp(ctx, www)
    try:
        base = "http://10.0.2.2:%d" % server.port
        text = script.format(http=base)
        for folder in (tftp, www):
            with open(os.path.join(folder, "boot.ipxe"), "w") as f:
                f.write(text)
        if start is None:
            start = ["-kernel", ctx.image("bin/ferry.lkrn")]
        vm = ctx.qemu(*start,
                      "-netdev", "user,id=n0,tftp=%s,bootfile=%s"
                      % (tftp, boot_file.format(http=base)),
                      "-device", "%s,netdev=n0" % nic, memory_mb=512)
        match = vm.expect(r"BOOT-OK cmdline=([^\r\n]*)\r?\n", timeout=150,
                          what="Linux's BOOT-OK line")
        return match.group(1), vm
    finally:
        server.close()


BOOT_SCRIPT = """#!ipxe
kernel {http}/vmlinuz console=ttyS0 scenario=lkrn-slirp
initrd {http}/initrd.cpio
boot
"""


@test("lkrn-slirp", timeout_s=240)
def lkrn_slirp(ctx):
    """DHCP and TFTP from QEMU's user network, a #!ipxe script, Debian's
    kernel and the test initrd over HTTP: Linux shows BOOT-OK."""
    cmdline, vm = autoboot(ctx, BOOT_SCRIPT)
    check_equal(cmdline, "console=ttyS0 scenario=lkrn-slirp",
                "the kernel's command line")
    vm.wait_exit(timeout=30)


@test("lkrn-slirp-virtio", timeout_s=240)
def lkrn_slirp_virtio(ctx):
    """The same over virtio-net."""
    cmdline, vm = autoboot(ctx, BOOT_SCRIPT, nic="virtio-net-pci")
    check_equal(cmdline, "console=ttyS0 scenario=lkrn-slirp",
                "the kernel's command line")


@test("lkrn-slirp-two-initrds", timeout_s=240)
def lkrn_slirp_two_initrds(ctx):
    """Two initrds, the second named extra.cpio: the init sees it."""
    extra = os.path.join(ctx.tmpdir, "extra-data")
    with open(extra, "w") as f:
        f.write("extra\n")
    script = """#!ipxe
kernel {http}/vmlinuz console=ttyS0 two=initrds
initrd {http}/initrd.cpio
initrd --name extra.cpio {http}/extra-data
boot
"""
    cmdline, vm = autoboot(ctx, script, files=[("extra-data", extra)])
    check_equal(cmdline, "console=ttyS0 two=initrds",
                "the kernel's command line")
    check("EXTRA-OK" in vm.output, "the init did not find /extra.cpio")


@test("lkrn-slirp-gzip-initrd", timeout_s=240)
def lkrn_slirp_gzip(ctx):
    """A gzip-compressed initrd is unpacked on fetch and boots."""
    script = """#!ipxe
kernel {http}/vmlinuz console=ttyS0 gzip=yes
initrd {http}/initrd.cpio.gz
boot
"""
    cmdline, _ = autoboot(ctx, script, files=[
        ("initrd.cpio.gz", lab.initrd(gzip_compressed=True))])
    check_equal(cmdline, "console=ttyS0 gzip=yes", "the kernel's command line")


@test("autoboot-http-filename", timeout_s=240)
def autoboot_http_filename(ctx):
    """DHCP's boot file given as an http:// URI boots Linux."""
    cmdline, _ = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp", "http-uri"),
                          boot_file="{http}/boot.ipxe")
    check_equal(cmdline, "console=ttyS0 scenario=http-uri",
                "the kernel's command line")


@test("make-demo", timeout_s=400)
def make_demo(ctx):
    """The demo (tests/demo.py, what "make demo" runs) boots Linux from
    its menu, driven by keys, to the greeting."""
    result = subprocess.run([sys.executable, "tests/demo.py"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=380)
    ctx.log.write(result.stdout + result.stderr)
    check(result.returncode == 0, "the demo failed: %s"
          % (result.stdout + result.stderr)[-500:])
    check("Hello from Linux, network-booted by Ferry!" in result.stdout,
          "the demo did not reach Linux's greeting")


@test("autoboot-kernel-404", timeout_s=200)
def autoboot_kernel_404(ctx):
    """A kernel URI that 404s: one error line naming it, nothing booted,
    and the command line afterwards."""
    script = """#!ipxe
kernel {http}/no-such-vmlinuz console=ttyS0
initrd {http}/initrd.cpio
boot
"""
    www = os.path.join(ctx.tmpdir, "www")
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    server = LoopbackHttp(ctx, www)
    try:
        base = "http://10.0.2.2:%d" % server.port
        with open(os.path.join(tftp, "boot.ipxe"), "w") as f:
            f.write(script.format(http=base))
        vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                      "-netdev", "user,id=n0,tftp=%s,bootfile=boot.ipxe"
                      % tftp, "-device", "e1000,netdev=n0")
        vm.expect(r"error 0x[0-9a-f]{8}: HTTP 404[^\r\n]*\(%s/no-such-vmlinuz\)"
                  % re.escape(base), timeout=120,
                  what="the 404 error line naming the kernel URI")
        vm.expect(r"ferry> ", timeout=30, what="the command line after it")
        check("BOOT-OK" not in vm.output, "something booted")
    finally:
        server.close()


@test("autoboot-second-nic", timeout_s=300)
def autoboot_second_nic(ctx):
    """Two NICs, only the second with a DHCP server: Ferry gives up on
    the first and boots Linux from the second."""
    from lib.netns import Netns
    www = os.path.join(ctx.tmpdir, "www")
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    shutil.copy(lab.kernel(), os.path.join(www, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(www, "initrd.cpio"))
    with Netns(ctx) as ns:
        # net0: a tap with nobody behind it; net1: QEMU's user network,
        # whose 10.0.2.2 is this namespace's loopback, where HTTP runs
        ns.run("ip", "tuntap", "add", "dev", "fdead0", "mode", "tap")
        ns.run("ip", "link", "set", "fdead0", "up")
        ns.start([sys.executable, "-m", "http.server", "8080", "--bind",
                  "127.0.0.1", "--directory", www],
                 "%s-http.log" % ctx.name)
        with open(os.path.join(tftp, "boot.ipxe"), "w") as f:
            f.write(BOOT_SCRIPT.format(http="http://10.0.2.2:8080")
                    .replace("lkrn-slirp", "second-nic"))
        vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                      "-netdev", "tap,id=n0,ifname=fdead0,script=no,"
                      "downscript=no", "-device", "e1000,netdev=n0",
                      "-netdev", "user,id=n1,tftp=%s,bootfile=boot.ipxe"
                      % tftp, "-device", "e1000,netdev=n1", netns=ns.name)
        match = vm.expect(r"BOOT-OK cmdline=([^\r\n]*)\r?\n", timeout=240,
                          what="Linux's BOOT-OK line")
        check_equal(match.group(1), "console=ttyS0 scenario=second-nic",
                    "the kernel's command line")
        check(re.search(r"net1: booting", vm.output),
              "Ferry did not boot from net1")


@test("iso-cdrom", timeout_s=240)
def iso_cdrom(ctx):
    """bin/ferry.iso as a CD-ROM boots Linux over the network."""
    cmdline, _ = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp", "iso"),
                          start=["-cdrom", ctx.image("bin/ferry.iso"),
                                 "-boot", "d"])
    check_equal(cmdline, "console=ttyS0 scenario=iso",
                "the kernel's command line")


@test("usb-disk", timeout_s=240)
def usb_disk(ctx):
    """bin/ferry.usb as a disk boots Linux over the network."""
    cmdline, _ = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp", "usb"),
                          start=["-drive", "file=%s,format=raw,snapshot=on"
                                 % ctx.image("bin/ferry.usb")])
    check_equal(cmdline, "console=ttyS0 scenario=usb",
                "the kernel's command line")


@test("rom-e1000", timeout_s=240)
def rom_e1000(ctx):
    """The e1000 option ROM, booted by SeaBIOS from the NIC, boots Linux
    over the network."""
    cmdline, _ = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp", "rom"),
                          nic="e1000,romfile=%s"
                          % ctx.image("bin/8086100e.rom"),
                          start=["-boot", "n"])
    check_equal(cmdline, "console=ttyS0 scenario=rom",
                "the kernel's command line")


@test("rom-e1000-two-nics", timeout_s=300)
def rom_e1000_two_nics(ctx):
    """Ferry's e1000 ROM on the first NIC, which has no DHCP server, and
    Ferry's virtio-net ROM on the second, which has one: the first gives
    up and hands back to the BIOS, which boots the second ROM, and Linux
    comes up from the second NIC."""
    start = ["-boot", "n",
             # the first NIC's network: a hub port with nobody behind it
             "-netdev", "hubport,id=nowhere,hubid=7",
             "-device", "e1000,netdev=nowhere,addr=3,romfile=%s"
             % ctx.image("bin/8086100e.rom")]
    cmdline, vm = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp",
                                                    "two-nics"),
                           nic="virtio-net-pci,addr=4,romfile=%s"
                           % ctx.image("bin/1af41000.rom"), start=start)
    check_equal(cmdline, "console=ttyS0 scenario=two-nics",
                "the kernel's command line")
    output = vm.output
    back = output.find("returning to the BIOS for its next boot device")
    check(back >= 0, "the first ROM did not hand the boot back to the BIOS")
    banners = [m.start() for m in re.finditer(r"Ferry[^\r\n]*pcbios",
                                              output)]
    check(len(banners) == 2 and banners[0] < back < banners[1],
          "expected the first ROM's Ferry, its return to the BIOS, then the "
          "second ROM's Ferry; banners at %r, return at %d"
          % (banners, back))


def register_rom(name, device, rom):
    """Register the Linux-boot scenario of one more option ROM."""
    @test("rom-%s" % name, timeout_s=240)
    def rom_test(ctx):
        cmdline, _ = autoboot(ctx, BOOT_SCRIPT.replace("lkrn-slirp", name),
                              nic="%s,romfile=%s" % (device,
                                                     ctx.image(rom)),
                              start=["-boot", "n"])
        check_equal(cmdline, "console=ttyS0 scenario=%s" % name,
                    "the kernel's command line")
    rom_test.__doc__ = ("The %s option ROM, booted by SeaBIOS, boots "
                        "Linux over the network." % name)


register_rom("virtio", "virtio-net-pci", "bin/1af41000.rom")
register_rom("rtl8139", "rtl8139", "bin/10ec8139.rom")
