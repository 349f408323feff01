"""Built-in settings on the x86 BIOS platform, read from the machine.

SMBIOS values come from the real table the firmware (SeaBIOS, from
QEMU's description of the machine) built; the UUID is one we give QEMU.
"""

from lib.registry import test, check_equal
from lib.ferry import boot_to_prompt, run_command

#: The UUID the machine is given
UUID = "5a1e6c2b-3f04-4d8e-9a61-0c2f7b8d9e10"


@test("bios-smbios-settings", quick=True, timeout_s=90)
def bios_smbios_settings(ctx):
    """${manufacturer}, ${uuid}, ${serial}, ${platform} and ${buildarch}."""
    with ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"), "-net", "none",
                  "-uuid", UUID, "-smbios",
                  "type=1,manufacturer=Ferry Labs,product=Test Box,"
                  "serial=SN-4711") as vm:
        boot_to_prompt(vm, ctx.version)
        lines = run_command(vm, "echo ${manufacturer}|${product}|${serial}")
        check_equal(lines, ["Ferry Labs|Test Box|SN-4711"], "SMBIOS strings")
        lines = run_command(vm, "echo ${uuid}")
        check_equal(lines, [UUID], "SMBIOS system UUID")
        lines = run_command(vm, "echo ${platform} ${buildarch}")
        check_equal(lines, ["pcbios i386"], "platform settings")
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)
