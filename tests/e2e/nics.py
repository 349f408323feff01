"""Every NIC driver under QEMU: a DHCP lease from QEMU's user network and
from real dnsmasq in a network namespace, with traffic shown by ifstat."""

import re

from lib.registry import test, check
from lib.ferry import boot_to_prompt, run_command
from lib.netns import Netns, dnsmasq

#: QEMU device for each NIC, and the chip name ifstat shows
NICS = [
    ("virtio-net-pci", "virtio-legacy", "virtio-net legacy"),
    ("virtio-net-pci,disable-legacy=on", "virtio-modern",
     "virtio-net modern"),
    ("e1000", "e1000", "e1000 82540EM"),
    ("e1000e", "e1000e", "e1000 82574L"),
    ("rtl8139", "rtl8139", "rtl8139"),
]


def dhcp_and_ifstat(ctx, vm, chip, network):
    """Run dhcp and ifstat at the prompt and check both.

    @v chip     Chip name ifstat must show
    @v network  Expected address prefix ("10.0.2." or "192.0.2.")
    """
    boot_to_prompt(vm, ctx.version)
    lines = run_command(vm, "dhcp net0", timeout=90)
    text = "\n".join(lines)
    check(re.search(r"Configuring \(net0 52:54:00:12:34:56\).*ok", text),
          "dhcp did not report success: %r" % text[-300:])
    address = run_command(vm, "echo ${net0/ip}")
    check(address and address[0].startswith(network),
          "net0/ip is %r, not in %s*" % (address, network))
    stat = "\n".join(run_command(vm, "ifstat net0"))
    check(chip in stat, "ifstat does not name %r: %r" % (chip, stat))
    counters = re.search(r"TX:(\d+) TXE:(\d+) .*RX:(\d+) RXE:(\d+)", stat)
    check(counters, "no counters in ifstat: %r" % stat)
    tx, txe, rx, rxe = (int(x) for x in counters.groups())
    check(tx >= 2 and rx >= 2 and txe == 0 and rxe == 0,
          "ifstat counters look wrong: %r" % stat)
    vm.send("poweroff\r")
    vm.wait_exit(timeout=20)


def register(device, name, chip):
    """Register the two DHCP tests of one NIC."""
    @test("nic-%s-dhcp-slirp" % name, timeout_s=150)
    def slirp(ctx):
        """DHCP from QEMU's user network."""
        vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                      "-netdev", "user,id=n0",
                      "-device", "%s,netdev=n0" % device)
        dhcp_and_ifstat(ctx, vm, chip, "10.0.2.")
    slirp.__doc__ = "%s: DHCP lease from QEMU's user network" % name

    @test("nic-%s-dhcp-dnsmasq" % name, timeout_s=150)
    def namespace(ctx):
        """DHCP from dnsmasq on a tap device in a network namespace."""
        with Netns(ctx) as ns:
            ns.add_tap("ftap0", "192.0.2.1/24")
            dnsmasq(ns, "ftap0")
            vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                          "-netdev", "tap,id=n0,ifname=ftap0,script=no,"
                          "downscript=no",
                          "-device", "%s,netdev=n0" % device,
                          netns=ns.name)
            dhcp_and_ifstat(ctx, vm, chip, "192.0.2.")
    namespace.__doc__ = "%s: DHCP lease from dnsmasq in a namespace" % name


for _device, _name, _chip in NICS:
    register(_device, _name, _chip)
