"""SPEC section 8's kpxe-chain and pxe-chain: Linux through a PXE ROM.

QEMU's own PXE ROM (an iPXE build, SeaBIOS, -boot n) gets an address
and the boot file from dnsmasq on a tap device in a private network
namespace, and loads Ferry by TFTP; Ferry runs its own DHCP, is handed
a script URL on an HTTP server in the same namespace, and the script
boots Debian's kernel with the test initrd: "BOOT-OK cmdline=...".

QEMU's PXE ROM sends DHCP user class "iPXE", as Ferry does by default,
so the images under test are bin/test/ferry.kpxe and bin/test/ferry.pxe
(tests/e2e/images.mk): the same, with user class "FerryTest".  dnsmasq
tells the two stages apart by it (the loop guard docs/media.md
describes), and its --log-dhcp log shows that Ferry's own DHCP reached
it with Ferry's class.

The bad input: ferry.kpxe started with no PXE ROM at all (a boot sector
that loads it from a disk and calls it at 0000:7C00, handing over no
PXENV+ and no !PXE) says so in one line and gives the boot back to the
BIOS, which boots its next device.
"""

import os
import re
import shutil
import subprocess
import sys

from lib.netns import Netns, dnsmasq
from lib.registry import ROOT, check, check_equal, test

sys.path.insert(0, os.path.join(ROOT, "tests"))
from lab import lab  # noqa: E402

#: The user class of the test images (tests/e2e/images.mk)
TEST_USER_CLASS = "FerryTest"
#: The namespace's side of the tap, and the HTTP server's port on it
SERVER_ADDRESS = "192.0.2.1"
HTTP_PORT = 8080
#: The tap device QEMU's NIC is on (inside the test's own namespace)
TAP = "fchain0"
#: SeaBIOS's debug port (QEMU isa-debugcon)
DEBUGCON_PORT = "0x402"

BOOT_SCRIPT = """#!ipxe
kernel {http}/vmlinuz console=ttyS0 scenario={name}
initrd {http}/initrd.cpio
boot
"""


def dhcp_log_exchanges(log_text):
    """The DHCP exchanges in a dnsmasq --log-dhcp log, in order.

    dnsmasq starts each line about a packet with the exchange's
    transaction ID: "<xid> user class: ...", "<xid> tags: ...", "<xid>
    DHCPACK(...)", "<xid> sent size: .. option: 67 bootfile-name  ...".
    Returns a list of dicts, one per transaction ID, with the keys
    "user class", "tags", "bootfile" and "types" (the message types).
    """
    exchanges = {}
    order = []
    for line in log_text.splitlines():
        match = re.match(r"dnsmasq-dhcp(?:\[\d+\])?: (\d+) (.*)$", line)
        if not match:
            continue
        xid, rest = match.groups()
        if xid not in exchanges:
            exchanges[xid] = {"types": []}
            order.append(xid)
        exchange = exchanges[xid]
        for key in ("user class", "tags"):
            if rest.startswith(key + ": "):
                exchange[key] = rest[len(key) + 2:].strip()
        bootfile = re.search(r"option: 67 bootfile-name\s+(\S+)", rest)
        if bootfile:
            exchange["bootfile"] = bootfile.group(1)
        kind = re.match(r"(DHCP[A-Z]+)\(", rest)
        if kind:
            exchange["types"].append(kind.group(1))
    return [exchanges[xid] for xid in order]


def pxe_chain_linux(ctx, image, name):
    """QEMU's PXE ROM loads bin/test/<image>; Ferry boots Linux.

    @v image    "ferry.kpxe" or "ferry.pxe"
    @v name     The scenario name put on the kernel command line
    @ret (vm, exchanges)  The VM, and the DHCP exchanges dnsmasq logged
    """
    www = os.path.join(ctx.tmpdir, "www")
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    shutil.copy(lab.kernel(), os.path.join(www, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(www, "initrd.cpio"))
    shutil.copy(ctx.image("bin/test/" + image), os.path.join(tftp, image))
    http = "http://%s:%d" % (SERVER_ADDRESS, HTTP_PORT)
    with open(os.path.join(www, "boot.ipxe"), "w") as script:
        script.write(BOOT_SCRIPT.format(http=http, name=name))

    with Netns(ctx) as ns:
        ns.add_tap(TAP, SERVER_ADDRESS + "/24")
        ns.start([sys.executable, "-m", "http.server", str(HTTP_PORT),
                  "--bind", SERVER_ADDRESS, "--directory", www],
                 "%s-http.log" % ctx.name)
        # The loop guard: the PXE ROM gets Ferry, Ferry gets the script
        dnsmasq(ns, TAP, tftp_dir=tftp, extra=[
            "--dhcp-userclass=set:ferry,%s" % TEST_USER_CLASS,
            "--dhcp-boot=tag:!ferry,%s" % image,
            "--dhcp-boot=tag:ferry,%s/boot.ipxe" % http])
        vm = ctx.qemu("-netdev", "tap,id=n0,ifname=%s,script=no,"
                      "downscript=no" % TAP,
                      "-device", "e1000,netdev=n0", "-boot", "n",
                      netns=ns.name, memory_mb=512)
        match = vm.expect(r"BOOT-OK cmdline=([^\r\n]*)\r?\n", timeout=240,
                          what="Linux's BOOT-OK line")
        check_equal(match.group(1), "console=ttyS0 scenario=%s" % name,
                    "the kernel's command line")
    with open(os.path.join(ctx.log_dir, "%s-dnsmasq.log" % ctx.name),
              errors="replace") as log:
        exchanges = dhcp_log_exchanges(log.read())
    return vm, exchanges


def check_two_stages(exchanges, image):
    """Check dnsmasq gave the PXE ROM (user class iPXE) the image, and
    then acknowledged Ferry's own DHCP (user class FerryTest, tagged by
    the loop guard) with the script."""
    acked = [exchange for exchange in exchanges
             if "DHCPACK" in exchange["types"]]
    rom = [exchange for exchange in acked
           if exchange.get("user class") == "iPXE"
           and exchange.get("bootfile") == image]
    ferry = [exchange for exchange in acked
             if exchange.get("user class") == TEST_USER_CLASS
             and "ferry" in exchange.get("tags", "").split(", ")
             and exchange.get("bootfile", "").endswith("/boot.ipxe")]
    check(rom, "dnsmasq never gave the PXE ROM (user class iPXE) %s: %r"
          % (image, exchanges))
    check(ferry, "dnsmasq never acknowledged Ferry's own DHCP with user "
          "class %s and the script: %r" % (TEST_USER_CLASS, exchanges))
    check(acked.index(rom[0]) < acked.index(ferry[0]),
          "Ferry's DHCP came before the PXE ROM's")


@test("kpxe-chain", timeout_s=330)
def kpxe_chain(ctx):
    """QEMU's PXE ROM loads ferry.kpxe from dnsmasq; Ferry, on the UNDI
    device, runs its own DHCP, gets the script URL and boots Linux."""
    vm, exchanges = pxe_chain_linux(ctx, "ferry.kpxe", "kpxe-chain")
    check_two_stages(exchanges, "ferry.kpxe")
    check(re.search(r"net0: booting http://", vm.output),
          "Ferry did not boot the script from net0")


@test("pxe-chain", timeout_s=330)
def pxe_chain(ctx):
    """QEMU's PXE ROM loads ferry.pxe from dnsmasq; Ferry unloads the
    PXE stack, drives the e1000 natively and boots Linux."""
    vm, exchanges = pxe_chain_linux(ctx, "ferry.pxe", "pxe-chain")
    check_two_stages(exchanges, "ferry.pxe")
