"""The menu scenario: a menu script fetched by TFTP, driven over serial.

QEMU's user network gives Ferry DHCP and a TFTP server holding the menu
script; the test types on the serial console.  One run picks the second
item with the arrow keys, another lets the countdown run out so the
default is taken.
"""

import os

from lib.registry import test, check
from lib.ferry import boot_to_prompt, run_command

#: The menu script served by TFTP
MENU_SCRIPT = """#!ipxe
menu Ferry test menu
item first First entry
item second Second entry
item third Third entry
choose --timeout 4000 --default first choice || goto cancelled
echo CHOSEN ${choice}
iseq ${choice} second && echo This is the second item's text ||
exit
:cancelled
echo MENU CANCELLED
"""


def start_with_menu(ctx):
    """Boot Ferry with an e1000 NIC on QEMU's user network serving the
    menu by TFTP, and fetch the menu; return the VM at the menu."""
    tftp_dir = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(tftp_dir)
    with open(os.path.join(tftp_dir, "menu.ipxe"), "w") as f:
        f.write(MENU_SCRIPT)
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                  "-netdev", "user,id=n0,tftp=%s" % tftp_dir,
                  "-device", "e1000,netdev=n0")
    boot_to_prompt(vm, ctx.version)
    vm.send("dhcp net0 && chain tftp://10.0.2.2/menu.ipxe\r")
    vm.expect(r"Ferry test menu", timeout=60, what="the menu title")
    return vm


@test("menu-tftp-arrows", timeout_s=180)
def menu_tftp_arrows(ctx):
    """Down arrow then Enter picks the second item; its text is shown."""
    vm = start_with_menu(ctx)
    # The countdown is visible next to the default item
    vm.expect(r"\(\d\)", timeout=10, what="a countdown like (3)")
    vm.send_key("down")
    vm.send("\r")
    vm.expect(r"CHOSEN second", timeout=20)
    vm.expect(r"This is the second item's text", timeout=10)


@test("menu-tftp-timeout", timeout_s=180)
def menu_tftp_timeout(ctx):
    """With no key pressed, the countdown runs out on the default."""
    vm = start_with_menu(ctx)
    vm.expect(r"\(\d\)", timeout=10, what="a countdown like (3)")
    # Wait for the whole line: a pattern ending in \w+ could match while
    # the word is still arriving on the serial line ("f" of "first")
    match = vm.expect(r"CHOSEN (\w+)\r?\n", timeout=30)
    check(match.group(1) == "first",
          "the timeout chose %r, not the default" % match.group(1))
