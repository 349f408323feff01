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
#: The MAC address of the NIC the PXE ROM boots from
BOOT_MAC = "52:54:00:c0:00:02"
#: A 1.44 MB floppy image
FLOPPY_BYTES = 1474560
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


def pxe_chain_linux(ctx, image, name, devices=()):
    """QEMU's PXE ROM loads bin/test/<image>; Ferry boots Linux.

    @v image    "ferry.kpxe" or "ferry.pxe"
    @v name     The scenario name put on the kernel command line
    @v devices  QEMU arguments for devices before the NIC on the tap
    @ret (vm, exchanges)  The VM, and the DHCP exchanges dnsmasq logged
    """
    www = os.path.join(ctx.tmpdir, "www")
    tftp = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    shutil.copy(lab.kernel(), os.path.join(www, "vmlinuz"))
    shutil.copy(lab.initrd(), os.path.join(www, "initrd.cpio"))
    test_image = os.path.join(ROOT, "bin", "test", image)
    check(os.path.isfile(test_image), "bin/test/%s is not built (make "
          "bin/test/%s, or make test)" % (image, image))
    shutil.copy(test_image, os.path.join(tftp, image))
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
        vm = ctx.qemu(*devices, "-netdev", "tap,id=n0,ifname=%s,script=no,"
                      "downscript=no" % TAP,
                      "-device", "e1000,netdev=n0,mac=%s" % BOOT_MAC,
                      "-boot", "n",
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


@test("pxe-chain-boot-nic-first", timeout_s=330)
def pxe_chain_boot_nic_first(ctx):
    """Two e1000 NICs, the first with no PXE ROM and nothing behind it:
    the PXE ROM of the second loads ferry.pxe, and Ferry, which knows
    that NIC from the ROM's cached DHCPACK, tries it first (rather than
    waiting out DHCP on net0) and boots Linux from it."""
    vm, exchanges = pxe_chain_linux(
        ctx, "ferry.pxe", "boot-nic-first",
        devices=["-device", "e1000,romfile=,mac=52:54:00:c0:00:01"])
    check_two_stages(exchanges, "ferry.pxe")
    configuring = re.findall(r"Configuring \((\S+) ([0-9a-f:]+)\)",
                             vm.output)
    check(configuring and configuring[0] == ("net1", BOOT_MAC),
          "Ferry did not start with the PXE ROM's NIC (net1 %s): %r"
          % (BOOT_MAC, configuring))


def boot_sector(ctx, source, defines=()):
    """Assemble one of tests/lab/'s boot sectors; return its bytes."""
    out = os.path.join(ctx.tmpdir, os.path.basename(source) + ".bin")
    subprocess.run(["nasm", "-f", "bin"] + ["-D%s" % d for d in defines] +
                   ["-o", out, os.path.join(ROOT, "tests", "lab", source)],
                   check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def kpxe_bad_rom(ctx, fake_pxenv):
    """Start ferry.kpxe from tests/lab/kpxe_loader.nasm on the first hard
    disk, with a floppy whose boot sector says NEXT-DEVICE-OK as the
    BIOS's next boot device.

    @v fake_pxenv  Hand over a PXENV+ whose calls all fail (else none)
    @ret (vm, lines)  The VM once the floppy booted, and Ferry's error
                      lines
    """
    with open(ctx.image("bin/ferry.kpxe"), "rb") as f:
        image = f.read()
    image += b"\0" * (-len(image) % 512)
    defines = ["IMAGE_SECTORS=%d" % (len(image) // 512)]
    if fake_pxenv:
        defines.append("FAKE_PXENV")
    disk = os.path.join(ctx.tmpdir, "kpxe-disk.img")
    with open(disk, "wb") as f:
        f.write(boot_sector(ctx, "kpxe_loader.nasm", defines))
        f.write(image)
    floppy = os.path.join(ctx.tmpdir, "next-floppy.img")
    with open(floppy, "wb") as f:
        f.write(boot_sector(ctx, "next_device.nasm"))
        f.write(b"\0" * (FLOPPY_BYTES - 512))
    seabios = os.path.join(ctx.log_dir, ctx.name + "-seabios.log")
    vm = ctx.qemu(
        "-drive", "file=%s,format=raw,if=none,id=d0" % disk,
        "-device", "ide-hd,drive=d0,bootindex=0",
        "-drive", "file=%s,format=raw,if=floppy" % floppy, "-nic", "none",
        "-chardev", "file,id=seabios,path=%s" % seabios,
        "-device", "isa-debugcon,iobase=%s,chardev=seabios" % DEBUGCON_PORT)
    vm.expect(r"KPXE-LOADER: calling the image", timeout=60,
              what="the loader calling ferry.kpxe")
    start = vm.position
    vm.expect_exact("NEXT-DEVICE-OK", timeout=40)
    lines = re.findall(r"error 0x[0-9a-f]{8}: [^\r\n]*", vm.output[start:])
    with open(seabios, errors="replace") as log:
        boots = re.findall(r"Booting from [^\r\n]*", log.read())
    ctx.note("SeaBIOS: %r" % boots)
    check(boots[:1] == ["Booting from Hard Disk..."]
          and "Booting from Floppy..." in boots[1:],
          "SeaBIOS did not go from the hard disk to the floppy: %r" % boots)
    return vm, lines


@test("kpxe-without-pxe-rom", timeout_s=120)
def kpxe_without_pxe_rom(ctx):
    """ferry.kpxe started with no PXENV+ and no !PXE (a boot sector
    calls it at 0000:7C00): one error line, then Ferry gives the boot
    back to the BIOS itself (INT 18h), which boots its next device."""
    vm, lines = kpxe_bad_rom(ctx, fake_pxenv=False)
    check(len(lines) == 1 and re.match(
        r"error 0x[0-9a-f]{8}: No PXE API found .*\(ferry.kpxe needs a "
        r"PXE ROM: handing the boot back to the BIOS\)$", lines[0]),
        "not the one error line expected: %r" % lines)
    check("KPXE-LOADER: the image returned" not in vm.output,
          "Ferry returned to a caller that is no PXE ROM")


@test("kpxe-pxe-rom-without-undi", timeout_s=120)
def kpxe_pxe_rom_without_undi(ctx):
    """ferry.kpxe handed a PXENV+ whose UNDI calls all fail: it says why
    and returns to the caller (the PXE ROM), which goes back to the
    BIOS; the BIOS boots its next device."""
    vm, lines = kpxe_bad_rom(ctx, fake_pxenv=True)
    check(any("PXE ROM has no UNDI API (UNDI)" in line for line in lines),
          "no error line saying UNDI failed: %r" % lines)
    check(any("returning to the PXE ROM" in line for line in lines),
          "no line saying Ferry returns to the PXE ROM: %r" % lines)
    check(len(lines) <= 2, "more error lines than expected: %r" % lines)
    check("KPXE-LOADER: the image returned" in vm.output,
          "Ferry did not return to the PXE ROM that called it")
