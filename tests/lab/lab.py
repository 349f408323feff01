"""The test lab's assets: Debian's kernel and a tiny initrd.

    from lab import lab
    kernel = lab.kernel()                  # path to Debian's vmlinuz
    initrd = lab.initrd()                  # path to initrd.cpio
    initrd_gz = lab.initrd(gzip=True)      # the same, gzip-compressed

The kernel comes from the package that Debian's linux-image-amd64
depends on (apt-get download, then unpacked with dpkg-deb); the initrd
is a cpio archive holding only a static /init (tests/lab/init.c) that
prints "BOOT-OK cmdline=<the kernel command line>" on the console and
powers off.  Everything is cached in tests/lab/cache/ (git-ignored).

Run as a program, it prepares everything and prints the paths.
"""

import gzip
import io
import os
import re
import shutil
import subprocess
import sys

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(LAB_DIR, "cache")


def _run(argv, **options):
    """Run a command, raising with its output if it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, **options)
    if result.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(argv),
                                                 result.stdout,
                                                 result.stderr))
    return result.stdout


def kernel():
    """Path to the Debian kernel (downloaded and unpacked once)."""
    path = os.path.join(CACHE, "vmlinuz")
    if os.path.isfile(path):
        return path
    os.makedirs(CACHE, exist_ok=True)
    depends = _run(["apt-cache", "depends", "linux-image-amd64"])
    match = re.search(r"Depends: (linux-image-[^\s]+)", depends)
    if not match:
        raise RuntimeError("cannot find the package linux-image-amd64 "
                           "depends on (run apt-get update?)")
    package = match.group(1)
    work = os.path.join(CACHE, "kernel-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    _run(["apt-get", "download", package], cwd=work)
    deb = [name for name in os.listdir(work) if name.endswith(".deb")][0]
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], cwd=work,
                           stdout=subprocess.PIPE)
    _run(["tar", "-x", "--wildcards", "./boot/vmlinuz-*"], cwd=work,
         stdin=tar.stdout)
    tar.wait()
    boot = os.path.join(work, "boot")
    vmlinuz = [name for name in os.listdir(boot)
               if name.startswith("vmlinuz-")][0]
    shutil.move(os.path.join(boot, vmlinuz), path)
    shutil.rmtree(work)
    return path


def _cpio_newc(files):
    """A cpio archive (newc format) of (name, mode, data) entries."""
    out = io.BytesIO()
    for index, (name, mode, data) in enumerate(files + [("TRAILER!!!", 0,
                                                         b"")]):
        encoded = name.encode() + b"\0"
        header = "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X" % (
            index + 1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0,
            len(encoded), 0)
        out.write(header.encode() + encoded)
        out.write(b"\0" * ((4 - (110 + len(encoded)) % 4) % 4))
        out.write(data)
        out.write(b"\0" * ((4 - len(data) % 4) % 4))
    return out.getvalue()


def init_binary(marker="BOOT-OK"):
    """Path to the static /init printing marker."""
    path = os.path.join(CACHE, "init-%s" % re.sub(r"\W", "_", marker))
    source = os.path.join(LAB_DIR, "init.c")
    if (os.path.isfile(path) and
            os.path.getmtime(path) >= os.path.getmtime(source)):
        return path
    os.makedirs(CACHE, exist_ok=True)
    _run(["gcc", "-static", "-Os", "-s", '-DMARKER="%s"' % marker, "-o",
          path, source])
    return path


def initrd(gzip_compressed=False, marker="BOOT-OK", extra=None):
    """Path to an initrd holding /init (and optionally more files).

    @v gzip_compressed  Compress it with gzip
    @v marker           The marker /init prints
    @v extra            Further (name, data) files to add
    """
    suffix = ("-" + re.sub(r"\W", "_", marker) +
              ("-extra" if extra else "") + (".cpio.gz" if gzip_compressed
                                             else ".cpio"))
    path = os.path.join(CACHE, "initrd" + suffix)
    init = init_binary(marker)
    if (os.path.isfile(path) and
            os.path.getmtime(path) >= os.path.getmtime(init)):
        return path
    with open(init, "rb") as f:
        files = [("init", 0o100755, f.read())]
    files += [(name, 0o100644, data) for name, data in (extra or [])]
    data = _cpio_newc(files)
    if gzip_compressed:
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)
    return path


if __name__ == "__main__":
    print("kernel:", kernel())
    print("initrd:", initrd())
    print("initrd.gz:", initrd(gzip_compressed=True))
    sys.exit(0)
