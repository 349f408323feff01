#!/usr/bin/env python3
"""Ferry's benchmarks ("make bench"): Ferry and Debian's iPXE side by side.

Each benchmark measures the same thing with both, several times, and
prints the medians and their ratio: Ferry's figure divided by iPXE's,
with a note of which one is better (lower times and sizes, higher
throughput).

    tests/bench.py [--runs N] [--filter REGEX] [--markdown FILE]

Benchmarks register themselves in BENCHMARKS; each returns a pair of
numbers (Ferry, iPXE) per run, or raises Skip with a reason when what it
needs is not there yet (for example a NIC driver or a protocol).  One
that fails is reported as FAILED and the others still run; the exit
status is then 1.  The downloads and the boot are set up by
tests/bench/netbench.py (network namespace, tap, dnsmasq, HTTP server,
atftpd; needs root).  docs/performance.md has the method, figures and
their reading.

    FERRY_BENCH_IMAGE=path   benchmark another build of ferry.lkrn
    FERRY_BENCH_PCAP=DIR     record the tap's packets (tcpdump) in DIR
"""

import argparse
import os
import re
import statistics
import sys
import time
import traceback

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)
sys.path.insert(0, os.path.join(TESTS_DIR, "bench"))

from lib.registry import ROOT, TestContext  # noqa: E402
import netbench  # noqa: E402

#: Debian's iPXE images (package "ipxe")
IPXE_LKRN = "/usr/lib/ipxe/ipxe.lkrn"
#: Debian's iPXE e1000 option ROM and UNDI-only PXE image
IPXE_E1000_ROM = "/usr/lib/ipxe/82540em.rom"
IPXE_KPXE = "/usr/lib/ipxe/undionly.kpxe"
#: Where benchmark logs go
LOG_DIR = os.path.join(ROOT, "build", "bench-logs")


class Skip(Exception):
    """A benchmark cannot run here (yet)."""


class Benchmark:
    """One line of the report.

    @v name     Name
    @v unit     Unit of the figures
    @v better   "lower" or "higher": which way is better
    @v function function(ctx) -> (ferry, ipxe), one run
    @v runs     Runs to take the median of (None: the command line's)
    """

    def __init__(self, name, unit, better, function, runs=None):
        self.name = name
        self.unit = unit
        self.better = better
        self.function = function
        self.runs = runs


#: Every benchmark, in report order
BENCHMARKS = []


def benchmark(name, unit, better="lower", runs=None):
    """Decorator registering a benchmark."""
    def register(function):
        BENCHMARKS.append(Benchmark(name, unit, better, function, runs))
        return function
    return register


def need(path):
    """The absolute path of a file a benchmark needs, or Skip."""
    full = path if os.path.isabs(path) else os.path.join(ROOT, path)
    if not os.path.isfile(full):
        raise Skip("%s is missing" % path)
    return full


def ferry_image():
    """Ferry's .lkrn (bin/ferry.lkrn, or FERRY_BENCH_IMAGE), or Skip."""
    return need(netbench.FERRY_LKRN)


@benchmark("lkrn image size", "KiB", runs=1)
def lkrn_size(ctx):
    """Size of the .lkrn image."""
    return (os.path.getsize(ferry_image()) / 1024.0,
            os.path.getsize(need(IPXE_LKRN)) / 1024.0)


@benchmark("e1000 option ROM size (8086:100e)", "KiB", runs=1)
def rom_size(ctx):
    """Size of the e1000 option ROM (iPXE: Debian's 82540em.rom)."""
    return (os.path.getsize(need(os.path.join(ROOT, "bin",
                                              "8086100e.rom"))) / 1024.0,
            os.path.getsize(need(IPXE_E1000_ROM)) / 1024.0)


@benchmark(".kpxe image size", "KiB", runs=1)
def kpxe_size(ctx):
    """Size of the UNDI-driven PXE image (iPXE: undionly.kpxe)."""
    return (os.path.getsize(need(os.path.join(ROOT, "bin",
                                              "ferry.kpxe"))) / 1024.0,
            os.path.getsize(need(IPXE_KPXE)) / 1024.0)


def time_to_offer(ctx, image, offer):
    """Seconds from starting QEMU to the Ctrl-B offer of a loader.

    @v image    The .lkrn to boot with -kernel
    @v offer    Text the loader prints when it offers its command line
    """
    start = time.monotonic()
    # -nographic: Debian's iPXE writes only to the screen, which SeaBIOS
    # then mirrors to the serial port; Ferry is run the same way
    with ctx.qemu("-kernel", image, "-net", "none", nographic=True) as vm:
        vm.expect_exact(offer, timeout=60)
        return time.monotonic() - start


@benchmark("power-on to command-line offer (QEMU TCG, no NIC)", "s")
def boot_to_offer(ctx):
    """Time until the loader offers its command line."""
    return (time_to_offer(ctx, ferry_image(),
                          "Press Ctrl-B for the Ferry command line"),
            time_to_offer(ctx, need(IPXE_LKRN),
                          "Press Ctrl-B for the iPXE command line"))


# ---- downloads ------------------------------------------------------------
#
# tests/bench/netbench.py has the set-up: a network namespace with a tap,
# dnsmasq, the HTTP server and atftpd; each loader boots on QEMU (TCG)
# with the NIC on the tap, and the time between the markers it prints
# right before and right after the download is measured.

#: Size of the HTTP download
HTTP_SIZE = 256 * 1024 * 1024
#: Size of the TFTP download
TFTP_SIZE = 16 * 1024 * 1024
#: Protocols whose fetch has had its SHA-256 checked
_HASHED = set()


def megabytes_per_second(size, seconds):
    """Throughput in MB/s (10^6 bytes a second)."""
    return size / seconds / 1e6


def download(ctx, nic, scheme, size):
    """One run of a download benchmark: Ferry, then iPXE.

    @v nic      QEMU NIC device
    @v scheme   "http" or "tftp"
    @v size     Bytes to fetch
    @ret ferry, ipxe    Throughputs in MB/s
    """
    ferry_image()
    need(IPXE_LKRN)
    try:
        name = "bench-%dM.bin" % (size >> 20)
        _, sha256 = netbench.data_file(name, size)
        if scheme == "http":
            uri = "http://%s/files/%s" % (netbench.SERVER, name)
        else:
            uri = "tftp://%s/%s" % (netbench.SERVER, name)
        # Hashing 256 MiB takes Ferry a minute under TCG: once per
        # protocol and "make bench"
        check_hash = scheme not in _HASHED
        tag = "%s-%s" % (scheme, nic)
        with netbench.Network(ctx, http=(scheme == "http"),
                              tftp=(scheme == "tftp"),
                              tag=tag + "-ferry") as net:
            ferry = netbench.ferry_fetch(ctx, net, nic, uri, name, size,
                                         sha256 if check_hash else None)
        _HASHED.add(scheme)
        with netbench.Network(ctx, http=(scheme == "http"),
                              tftp=(scheme == "tftp"),
                              tag=tag + "-ipxe") as net:
            ipxe = netbench.ipxe_fetch(ctx, net, nic, uri, name, size)
    except netbench.Unavailable as missing:
        raise Skip(str(missing)) from None
    ctx.note("%s over %s: Ferry %.2f s (QEMU CPU %.2f s), iPXE %.2f s "
             "(QEMU CPU %.2f s)" % (scheme, nic, ferry.seconds,
                                    ferry.cpu_seconds, ipxe.seconds,
                                    ipxe.cpu_seconds))
    return (megabytes_per_second(size, ferry.seconds),
            megabytes_per_second(size, ipxe.seconds))


@benchmark("HTTP 256 MiB, virtio-net", "MB/s", better="higher")
def http_virtio(ctx):
    """HTTP download of 256 MiB over virtio-net-pci."""
    return download(ctx, "virtio-net-pci", "http", HTTP_SIZE)


@benchmark("HTTP 256 MiB, e1000", "MB/s", better="higher")
def http_e1000(ctx):
    """HTTP download of 256 MiB over e1000."""
    return download(ctx, "e1000", "http", HTTP_SIZE)


@benchmark("TFTP 16 MiB, e1000 (Ferry: windowsize)", "MB/s",
           better="higher")
def tftp_e1000(ctx):
    """TFTP download of 16 MiB from atftpd over e1000."""
    return download(ctx, "e1000", "tftp", TFTP_SIZE)


@benchmark("power-on to kernel's first line (HTTP, e1000)", "s")
def boot_kernel(ctx):
    """From starting QEMU to the kernel's first line on the serial
    console: the loader's Ctrl-B offer, DHCP, then the script DHCP names
    (kernel and initrd over HTTP, boot), each loader on its own."""
    images = (ferry_image(), need(IPXE_LKRN))
    try:
        from lab import lab  # tests/lab: Debian's kernel, a tiny initrd
        kernel, initrd = lab.kernel(), lab.initrd(gzip_compressed=True)
    except Exception as error:  # not fetched and no way to fetch it
        raise Skip("no test kernel (python3 tests/lab/lab.py): %s"
                   % str(error).strip().splitlines()[0]) from None
    try:
        root, marker = netbench.boot_files(ctx, kernel, initrd)
        boot_file = "http://%s/files/boot.ipxe" % netbench.SERVER
        times = []
        for image in images:
            with netbench.Network(ctx, root=root, boot_file=boot_file,
                                  tag=os.path.basename(image)) as net:
                times.append(netbench.boot_to_kernel(ctx, net, image,
                                                     "e1000", marker))
    except netbench.Unavailable as missing:
        raise Skip(str(missing)) from None
    return tuple(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--filter", default="")
    parser.add_argument("--markdown", help="also write a Markdown table")
    args = parser.parse_args()

    rows = []
    failures = 0
    started = time.monotonic()
    # The figures are wall-clock times under QEMU TCG on shared cores:
    # anything else running skews them, so say how busy the machine was
    print("load average at start: %.2f (cores: %d)"
          % (os.getloadavg()[0], os.cpu_count() or 0))
    if os.environ.get("FERRY_BENCH_IMAGE"):
        print("Ferry: %s (FERRY_BENCH_IMAGE)" % netbench.FERRY_LKRN)
    print("%-52s %12s %12s %8s" % ("benchmark", "Ferry", "iPXE", "ratio"))
    for bench in BENCHMARKS:
        if args.filter and not re.search(args.filter, bench.name):
            continue
        ctx = TestContext("bench-" + re.sub(r"\W+", "-", bench.name),
                          LOG_DIR, 600)
        ferry, ipxe = [], []
        try:
            for _ in range(bench.runs or args.runs):
                a, b = bench.function(ctx)
                ferry.append(a)
                ipxe.append(b)
        except Skip as skip:
            print("%-52s skipped: %s" % (bench.name, skip))
            continue
        except Exception as error:  # report it, go on with the others
            ctx.note("failed:\n%s" % traceback.format_exc())
            reason = (str(error).strip().splitlines() or [repr(error)])[0]
            print("%-52s FAILED: %s (log: %s)" % (
                bench.name, reason[:200], os.path.relpath(ctx.log_path,
                                                          ROOT)))
            failures += 1
            continue
        finally:
            ctx.note("runs: Ferry %s, iPXE %s" % (
                ", ".join("%.3f" % x for x in ferry),
                ", ".join("%.3f" % x for x in ipxe)))
            ctx.close()
        f, i = statistics.median(ferry), statistics.median(ipxe)
        ratio = (f / i) if i else float("nan")
        wins = (f < i) if bench.better == "lower" else (f > i)
        print("%-52s %9.2f %-2s %9.2f %-2s %7.2fx %s" % (
            bench.name, f, bench.unit, i, bench.unit, ratio,
            "(Ferry better)" if wins else "(iPXE better)"))
        rows.append((bench.name, f, i, bench.unit, ratio, bench.better))
    print("load average at end: %.2f; %.0f s in all"
          % (os.getloadavg()[0], time.monotonic() - started))
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write("| benchmark | Ferry | iPXE | Ferry/iPXE | better |\n"
                      "|---|---|---|---|---|\n")
            for name, f, i, unit, ratio, better in rows:
                out.write("| %s | %.2f %s | %.2f %s | %.2f | %s |\n"
                          % (name, f, unit, i, unit, ratio, better))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
