"""Small test kernels for the boot tests, built with nasm and ld.

    from lab import kernels
    kernels.multiboot_kernel(aout=True)   # flat binary, a.out kludge
    kernels.multiboot_kernel(aout=False)  # ELF, no load addresses
    kernels.elf_program()                 # 32-bit ELF printing ELF-OK
    kernels.elf_program(elf64=True)       # the same as 64-bit ELF

The sources are next to this file (multiboot_kernel.nasm,
elf_marker.nasm, each saying what it prints); the results are cached
in tests/lab/cache/ and rebuilt when their source changes.

Run as a program, it builds them all and prints the paths.
"""

import os
import subprocess
import sys

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(LAB_DIR, "cache")

#: Where the ELF programs are linked (physical = virtual, paging is off)
ELF_LOAD_ADDRESS = 0x400000
#: Where the multiboot kernel is linked as ELF
MULTIBOOT_LOAD_ADDRESS = 0x100000


def _run(argv):
    """Run a build command, raising with its output if it fails."""
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(argv),
                                                 result.stdout,
                                                 result.stderr))


def _fresh(path, source):
    """Whether path exists and is newer than its source."""
    return (os.path.isfile(path) and
            os.path.getmtime(path) >= os.path.getmtime(source) and
            os.path.getmtime(path) >= os.path.getmtime(__file__))


def _link_elf(source, path, defines, fmt, emulation, address):
    """Assemble source as an object of format fmt and link it at address."""
    obj = path + ".o"
    _run(["nasm", "-f", fmt] + ["-D%s" % d for d in defines] +
         ["-o", obj, source])
    # -n: no page-aligned segment holding the ELF headers below the text
    _run(["ld", "-m", emulation, "-static", "-nostdlib", "-n",
          "--build-id=none", "-z", "noexecstack", "-e", "entry",
          "-Ttext=%#x" % address, "-o", path, obj])
    os.unlink(obj)


def multiboot_kernel(aout=True):
    """Path to the multiboot test kernel.

    @v aout    A flat binary with load addresses in its header, else an
               ELF executable without them
    """
    source = os.path.join(LAB_DIR, "multiboot_kernel.nasm")
    path = os.path.join(CACHE, "multiboot-%s" % ("aout" if aout else "elf"))
    if _fresh(path, source):
        return path
    os.makedirs(CACHE, exist_ok=True)
    if aout:
        _run(["nasm", "-f", "bin", "-DAOUT", "-o", path, source])
    else:
        _link_elf(source, path, [], "elf32", "elf_i386",
                  MULTIBOOT_LOAD_ADDRESS)
    return path


def elf_program(elf64=False):
    """Path to the ELF marker program (32-bit, or 64-bit to be refused)."""
    source = os.path.join(LAB_DIR, "elf_marker.nasm")
    path = os.path.join(CACHE, "elf-marker-%d" % (64 if elf64 else 32))
    if _fresh(path, source):
        return path
    os.makedirs(CACHE, exist_ok=True)
    if elf64:
        _link_elf(source, path, ["ELF64"], "elf64", "elf_x86_64",
                  ELF_LOAD_ADDRESS)
    else:
        _link_elf(source, path, [], "elf32", "elf_i386", ELF_LOAD_ADDRESS)
    return path


if __name__ == "__main__":
    print("multiboot (a.out kludge):", multiboot_kernel(aout=True))
    print("multiboot (ELF):", multiboot_kernel(aout=False))
    print("ELF32:", elf_program())
    print("ELF64:", elf_program(elf64=True))
    sys.exit(0)
