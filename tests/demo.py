#!/usr/bin/env python3
"""The demo ("make demo"): Ferry booting in QEMU on this terminal.

On a terminal, QEMU runs with -nographic: Ferry's console is the
terminal (Ctrl-A X leaves QEMU).  Without one (when a test runs the
demo), the demo drives Ferry itself and reports what it saw.

The machine has a virtio-net NIC on QEMU's user network, which offers
DHCP and TFTP and reaches this host's loopback as 10.0.2.2.
"""

import os
import subprocess
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)

from lib.registry import ROOT, TestContext  # noqa: E402
from lib.ferry import boot_to_prompt, run_command  # noqa: E402

#: The image the demo boots
IMAGE = os.path.join(ROOT, "bin", "ferry.lkrn")
#: QEMU's machine for the demo
QEMU_ARGS = ["-kernel", IMAGE, "-netdev", "user,id=net0",
             "-device", "virtio-net-pci,netdev=net0"]


def interactive():
    """Run QEMU on this terminal until the user leaves it."""
    print("Ferry demo: QEMU is starting (leave with Ctrl-A X, or type "
          "'poweroff' at the ferry> prompt).", flush=True)
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "512",
            "-nographic"] + QEMU_ARGS
    return subprocess.call(argv)


def scripted():
    """Drive the demo without a terminal, for tests."""
    ctx = TestContext("demo", os.path.join(ROOT, "build", "test-logs"), 120)
    try:
        with ctx.qemu(*QEMU_ARGS) as vm:
            banner = boot_to_prompt(vm, ctx.version)
            print(banner)
            for line in run_command(vm, "help"):
                print(line)
            vm.send("poweroff\r")
            vm.wait_exit(timeout=20)
        print("demo: Ferry booted, ran its command line and powered off")
        return 0
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(interactive() if sys.stdin.isatty() else scripted())
