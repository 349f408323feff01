#!/usr/bin/env python3
"""The demo ("make demo"): Ferry network-boots Linux in QEMU, no set-up.

A small lab is made on the spot: QEMU's user network (DHCP, and TFTP
serving a demo menu script), an HTTP server on this machine's loopback
(the guest sees it as 10.0.2.2) serving Debian's kernel and an initrd
whose /init greets you and powers off.  Ferry shows its banner, fetches
the menu and offers two entries; the chosen one boots Linux.

On a terminal, QEMU runs on it with -nographic (Ctrl-A X leaves QEMU).
Without one (when a test runs the demo), the demo chooses an entry
itself and reports what it saw.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)

from lab import lab  # noqa: E402
from lib.registry import ROOT, TestContext  # noqa: E402

#: The image the demo boots
IMAGE = os.path.join(ROOT, "bin", "ferry.lkrn")
#: What the demo's Linux says
GREETING = "Hello from Linux, network-booted by Ferry!"

#: The menu Ferry fetches by TFTP ({http} is the HTTP server)
MENU = """#!ipxe
:menu
menu Ferry demo: boot Debian's kernel over HTTP
item linux    Boot Linux (quiet)
item verbose  Boot Linux showing the kernel's messages
item shell    Ferry's command line
choose --timeout 10000 --default linux target || goto shell
goto ${{target}}
:linux
kernel {http}/vmlinuz console=ttyS0 quiet demo=quiet
initrd {http}/initrd.cpio
boot || goto menu
:verbose
kernel {http}/vmlinuz console=ttyS0 demo=verbose
initrd {http}/initrd.cpio
boot || goto menu
:shell
echo Type 'help' for the commands, 'chain tftp://10.0.2.2/menu.ipxe' to come back.
shell
"""


def prepare(workdir):
    """Make the lab: files for TFTP and HTTP, and the HTTP server.

    @ret (qemu_args, server)
    """
    www = os.path.join(workdir, "www")
    tftp = os.path.join(workdir, "tftp")
    os.makedirs(www)
    os.makedirs(tftp)
    print("demo: preparing the lab (Debian's kernel, a greeting initrd)...",
          flush=True)
    shutil.copy(lab.kernel(), os.path.join(www, "vmlinuz"))
    shutil.copy(lab.initrd(marker=GREETING), os.path.join(www, "initrd.cpio"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind",
         "127.0.0.1", "--directory", www], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    with open(os.path.join(tftp, "menu.ipxe"), "w") as f:
        f.write(MENU.format(http="http://10.0.2.2:%d" % port))
    args = ["-kernel", IMAGE, "-netdev",
            "user,id=n0,tftp=%s,bootfile=menu.ipxe" % tftp,
            "-device", "virtio-net-pci,netdev=n0"]
    return args, server


def interactive(args):
    """Run QEMU on this terminal until Linux powers off or the user
    leaves."""
    print("demo: starting QEMU (Ctrl-A X leaves it). Ferry will fetch its "
          "menu from QEMU's TFTP server.", flush=True)
    return subprocess.call(["qemu-system-x86_64", "-accel", "tcg", "-m",
                            "512", "-nographic", "-no-reboot"] + args)


def scripted(args):
    """Drive the demo without a terminal, for tests."""
    ctx = TestContext("demo", os.path.join(ROOT, "build", "test-logs"), 300)
    try:
        vm = ctx.qemu(*args, "-no-reboot")
        vm.expect(r"Ferry demo: boot Debian", timeout=120,
                  what="the demo menu")
        vm.send_key("down")
        vm.send("\r")
        match = vm.expect(GREETING + r" cmdline=([^\r\n]*)\r?\n", timeout=150,
                          what="Linux's greeting")
        print("demo: Linux said: %s cmdline=%s" % (GREETING, match.group(1)))
        vm.wait_exit(timeout=60)
        print("demo: Ferry booted Linux over the network, and Linux "
              "powered off")
        return 0 if "demo=verbose" in match.group(1) else 1
    finally:
        ctx.close()


def main():
    workdir = tempfile.mkdtemp(prefix="ferry-demo-")
    server = None
    try:
        args, server = prepare(workdir)
        if sys.stdin.isatty():
            return interactive(args)
        return scripted(args)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
