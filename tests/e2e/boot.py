"""Booting what was fetched, on bin/ferry.lkrn under QEMU, without a network.

The files come through QEMU's fw_cfg (arch/x86/fw_cfg_uri.c):

    qemu ... -kernel bin/ferry.lkrn -fw_cfg name=opt/ferry/vmlinuz,file=...
    ferry> kernel fw_cfg:opt/ferry/vmlinuz console=ttyS0

Linux is Debian's kernel with the lab's initrd (tests/lab/lab.py), whose
/init prints "BOOT-OK cmdline=<its command line>" (and "EXTRA-OK" first
when /extra.cpio exists) and powers off.  The multiboot and ELF kernels
are the lab's own (tests/lab/kernels.py), each printing what it was
given.  Bad input must give one error line and a prompt, and Ferry must
still boot Linux afterwards.
"""

import gzip
import os
import re

from lab import kernels, lab
from lib.ferry import ERROR_PATTERN, boot_to_prompt, run_command
from lib.registry import check, check_equal, test

#: The image under test
LKRN = "bin/ferry.lkrn"
#: Hard limit per scenario
SCENARIO_TIMEOUT_S = 180
#: Seconds from "boot" to Linux's marker line (about 8 under TCG)
LINUX_TIMEOUT_S = 90
#: Seconds a command that fetches over fw_cfg may take
FETCH_TIMEOUT_S = 60
#: Seconds from "boot" to a test kernel's last line
KERNEL_TIMEOUT_S = 30
#: The marker line of the lab's initrd
BOOT_OK = re.compile(r"BOOT-OK cmdline=([^\r\n]*)\r?\n")


def fw_cfg_args(files):
    """QEMU arguments passing files as opt/ferry/<name>.

    @v files   Dictionary of name to path
    """
    args = []
    for name, path in sorted(files.items()):
        args += ["-fw_cfg", "name=opt/ferry/%s,file=%s" % (name, path)]
    return args


def start(ctx, files, memory_mb=512, extra_args=()):
    """Boot Ferry with fw_cfg files and get to its prompt.

    @v files       Dictionary of name to path
    @v memory_mb   Guest memory
    @v extra_args  Further QEMU arguments
    @ret vm        The running QEMU
    """
    vm = ctx.qemu("-kernel", ctx.image(LKRN), "-no-reboot", "-net", "none",
                  *fw_cfg_args(files), *extra_args, memory_mb=memory_mb)
    boot_to_prompt(vm, ctx.version)
    return vm


def fetch(vm, command):
    """Run a fetching command that must succeed (no error line)."""
    lines = run_command(vm, command, timeout=FETCH_TIMEOUT_S)
    errors = [line for line in lines if re.search(ERROR_PATTERN, line)]
    check(not errors, "%r failed: %r" % (command, errors))
    return lines


def expect_one_error(vm, command, message, timeout=FETCH_TIMEOUT_S):
    """Run a command that must fail with exactly one error line.

    @v command   Command line
    @v message   Regular expression the error line must contain
    @ret line    The error line
    """
    lines = run_command(vm, command, timeout=timeout)
    errors = [line for line in lines if re.search(ERROR_PATTERN, line)]
    check_equal(len(errors), 1, "error lines from %r (output %r)"
                % (command, lines))
    check(re.search(message, errors[0]), "%r printed %r, not %r"
          % (command, errors[0], message))
    return errors[0]


def expect_linux(vm, cmdline, extra=False):
    """Send "boot" and wait for the lab initrd's marker.

    @v cmdline   The command line Linux must report
    @v extra     The initrd must also report EXTRA-OK (/extra.cpio)
    """
    vm.send("boot\r")
    if extra:
        vm.expect(r"EXTRA-OK\r?\n", timeout=LINUX_TIMEOUT_S,
                  what="EXTRA-OK from the initrd (/extra.cpio)")
    match = vm.expect(BOOT_OK, timeout=LINUX_TIMEOUT_S,
                      what="BOOT-OK from the initrd")
    check_equal(match.group(1), cmdline, "the command line Linux reports")


def imgstat(vm):
    """The image list, as {name: (size, [flags])}."""
    images = {}
    for line in run_command(vm, "imgstat"):
        match = re.match(r"(\S+) : (\d+) bytes(.*)", line)
        if match:
            images[match.group(1)] = (int(match.group(2)),
                                      re.findall(r"\[([^]]+)\]",
                                                 match.group(3)))
    return images


@test("boot-linux", timeout_s=SCENARIO_TIMEOUT_S)
def boot_linux(ctx):
    """Debian's kernel and the lab initrd from fw_cfg boot to BOOT-OK."""
    files = {"vmlinuz": lab.kernel(), "initrd": lab.initrd()}
    cmdline = "console=ttyS0 panic=-1 ferry.test=boot-linux"
    with start(ctx, files) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz %s" % cmdline)
        fetch(vm, "initrd fw_cfg:opt/ferry/initrd")
        images = imgstat(vm)
        check("bzImage" in images.get("vmlinuz", (0, []))[1],
              "imgstat does not show vmlinuz as a bzImage: %r" % images)
        check_equal(images.get("initrd", (0,))[0],
                    os.path.getsize(files["initrd"]), "initrd size")
        expect_linux(vm, cmdline)


@test("boot-linux-fw-cfg-ports", timeout_s=SCENARIO_TIMEOUT_S)
def boot_linux_fw_cfg_ports(ctx):
    """Linux boots with fw_cfg's DMA off (files read through its port)."""
    files = {"vmlinuz": lab.kernel(), "initrd": lab.initrd()}
    cmdline = "console=ttyS0 panic=-1 ferry.test=fw-cfg-ports"
    with start(ctx, files, extra_args=("-global",
                                       "fw_cfg_io.dma_enabled=off")) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz %s" % cmdline)
        fetch(vm, "initrd fw_cfg:opt/ferry/initrd")
        check_equal(imgstat(vm).get("vmlinuz", (0,))[0],
                    os.path.getsize(files["vmlinuz"]), "kernel size")
        expect_linux(vm, cmdline)


@test("boot-linux-initrds", timeout_s=SCENARIO_TIMEOUT_S)
def boot_linux_initrds(ctx):
    """initrd= picks two initrds; --name extra.cpio makes a file of one.

    The second initrd is wrapped as the file /extra.cpio (the initrd
    prints EXTRA-OK), and the initrd= arguments stay on the command line.
    """
    extra = os.path.join(ctx.tmpdir, "extra.txt")
    with open(extra, "w") as out:
        out.write("an extra file for the initramfs\n")
    files = {"vmlinuz": lab.kernel(), "initrd": lab.initrd(),
             "extra": extra}
    cmdline = "initrd=initrd initrd=extra.cpio console=ttyS0 panic=-1"
    with start(ctx, files) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz %s" % cmdline)
        fetch(vm, "initrd fw_cfg:opt/ferry/initrd")
        fetch(vm, "initrd --name extra.cpio fw_cfg:opt/ferry/extra")
        expect_linux(vm, cmdline, extra=True)


@test("boot-linux-gzip", timeout_s=SCENARIO_TIMEOUT_S)
def boot_linux_gzip(ctx):
    """A gzip-compressed kernel and initrd are unpacked on fetch and boot.

    imgstat shows their unpacked sizes.
    """
    kernel_gz = os.path.join(ctx.tmpdir, "vmlinuz.gz")
    with open(lab.kernel(), "rb") as plain, open(kernel_gz, "wb") as out:
        out.write(gzip.compress(plain.read(), compresslevel=6, mtime=0))
    files = {"vmlinuz.gz": kernel_gz,
             "initrd.gz": lab.initrd(gzip_compressed=True)}
    cmdline = "console=ttyS0 panic=-1 ferry.test=gzip"
    with start(ctx, files) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz.gz %s" % cmdline)
        fetch(vm, "initrd fw_cfg:opt/ferry/initrd.gz")
        images = imgstat(vm)
        check_equal(images.get("vmlinuz.gz", (0,))[0],
                    os.path.getsize(lab.kernel()), "unpacked kernel size")
        check_equal(images.get("initrd.gz", (0,))[0],
                    os.path.getsize(lab.initrd()), "unpacked initrd size")
        check("bzImage" in images["vmlinuz.gz"][1],
              "the unpacked kernel is not a bzImage: %r" % images)
        expect_linux(vm, cmdline)


def multiboot_scenario(ctx, aout):
    """Boot the multiboot test kernel with two modules and check its
    report: command lines, module sizes, alignment and contents, memory,
    and a zeroed .bss."""
    module_one = os.path.join(ctx.tmpdir, "one.txt")
    module_two = os.path.join(ctx.tmpdir, "two.txt")
    with open(module_one, "w") as out:
        out.write("first module text\nsecond line\n")
    with open(module_two, "w") as out:
        out.write("module two")
    files = {"mb": kernels.multiboot_kernel(aout=aout), "one": module_one,
             "two": module_two}
    with start(ctx, files) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/mb hello multiboot")
        fetch(vm, "module fw_cfg:opt/ferry/one arg1 arg2")
        fetch(vm, "module fw_cfg:opt/ferry/two")
        vm.send("boot\r")
        vm.expect_line("MB-OK cmdline=fw_cfg:opt/ferry/mb hello multiboot",
                       timeout=KERNEL_TIMEOUT_S)
        vm.expect_line("MB-MODULE fw_cfg:opt/ferry/one arg1 arg2 "
                       "len=%08x aligned=yes data=first module text"
                       % os.path.getsize(module_one))
        vm.expect_line("MB-MODULE fw_cfg:opt/ferry/two len=%08x "
                       "aligned=yes data=module two"
                       % os.path.getsize(module_two))
        memory = vm.expect(r"MB-MEM lower=([0-9a-f]{8}) upper=([0-9a-f]{8})"
                           r" mmap=([0-9a-f]{8})")
        lower, upper, entries = (int(value, 16) for value in memory.groups())
        check(600 <= lower <= 640, "mem_lower is %d KiB" % lower)
        check(500 * 1024 <= upper < 512 * 1024,
              "mem_upper is %d KiB with 512 MiB" % upper)
        check(entries >= 3, "only %d memory map entries" % entries)
        vm.expect_line("MB-END bss=zero")


@test("boot-multiboot", timeout_s=SCENARIO_TIMEOUT_S)
def boot_multiboot(ctx):
    """A multiboot kernel with load addresses in its header, two modules."""
    multiboot_scenario(ctx, aout=True)


@test("boot-multiboot-elf", timeout_s=SCENARIO_TIMEOUT_S)
def boot_multiboot_elf(ctx):
    """A multiboot kernel loaded as ELF, two modules."""
    multiboot_scenario(ctx, aout=False)


@test("boot-elf", timeout_s=SCENARIO_TIMEOUT_S)
def boot_elf(ctx):
    """A 32-bit ELF program runs (ELF-OK) with its .bss zeroed."""
    files = {"marker": kernels.elf_program()}
    with start(ctx, files) as vm:
        fetch(vm, "imgfetch fw_cfg:opt/ferry/marker")
        check("ELF" in imgstat(vm).get("marker", (0, []))[1],
              "imgstat does not show the program as ELF")
        vm.send("boot marker\r")
        vm.expect_line("ELF-OK bss=zero", timeout=KERNEL_TIMEOUT_S)


@test("boot-bad-input", timeout_s=SCENARIO_TIMEOUT_S)
def boot_bad_input(ctx):
    """Bad images give one error line and a prompt; Linux boots after.

    A truncated kernel, a text file, a 64-bit ELF and a corrupt gzip file.
    """
    with open(lab.kernel(), "rb") as kernel:
        data = kernel.read()
    truncated = os.path.join(ctx.tmpdir, "truncated")
    with open(truncated, "wb") as out:
        out.write(data[:len(data) // 2])
    text = os.path.join(ctx.tmpdir, "text")
    with open(text, "w") as out:
        out.write("This is not a kernel.\n" * 20)
    corrupt = bytearray(gzip.compress(b"corrupt me " * 1000, mtime=0))
    corrupt[-8] ^= 0xff
    corrupt_gz = os.path.join(ctx.tmpdir, "corrupt.gz")
    with open(corrupt_gz, "wb") as out:
        out.write(corrupt)
    files = {"truncated": truncated, "text": text, "corrupt.gz": corrupt_gz,
             "elf64": kernels.elf_program(elf64=True),
             "vmlinuz": lab.kernel(), "initrd": lab.initrd()}
    with start(ctx, files) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/truncated console=ttyS0")
        expect_one_error(vm, "boot", "truncated")
        expect_one_error(vm, "boot fw_cfg:opt/ferry/text",
                         r"Not an executable image|Unrecognised image format")
        expect_one_error(vm, "chain fw_cfg:opt/ferry/elf64", "64-bit ELF")
        expect_one_error(vm, "initrd fw_cfg:opt/ferry/corrupt.gz",
                         "CRC check")
        check("corrupt.gz" not in imgstat(vm),
              "the corrupt gzip file was registered")

        # Nothing was harmed: Linux boots
        cmdline = "console=ttyS0 panic=-1 ferry.test=after-errors"
        run_command(vm, "imgfree")
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz %s" % cmdline)
        fetch(vm, "initrd fw_cfg:opt/ferry/initrd")
        expect_linux(vm, cmdline)


@test("boot-memory-limits", timeout_s=SCENARIO_TIMEOUT_S)
def boot_memory_limits(ctx):
    """Too little memory is one error line and a prompt, never a boot.

    With 64 MiB the kernel cannot unpack itself and a 96 MiB file does not
    fit; with 160 MiB a 96 MiB initrd cannot sit above the kernel.
    """
    big = os.path.join(ctx.tmpdir, "big")
    with open(big, "wb") as out:
        out.truncate(96 << 20)
    files = {"vmlinuz": lab.kernel(), "big": big}
    with start(ctx, files, memory_mb=64) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz console=ttyS0")
        expect_one_error(vm, "boot", "Not enough memory to load and unpack")
        expect_one_error(vm, "initrd fw_cfg:opt/ferry/big",
                         "Not enough memory")
        check_equal(run_command(vm, "echo still here"), ["still here"],
                    "output after the errors")
    with start(ctx, files, memory_mb=160) as vm:
        fetch(vm, "kernel fw_cfg:opt/ferry/vmlinuz console=ttyS0")
        fetch(vm, "initrd fw_cfg:opt/ferry/big")
        expect_one_error(vm, "boot", "Not enough memory for the initrds")
        check_equal(run_command(vm, "echo still here"), ["still here"],
                    "output after the error")
