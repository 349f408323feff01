#!/usr/bin/env python3
"""Ferry's benchmarks ("make bench"): Ferry and Debian's iPXE side by side.

Each benchmark measures the same thing with both, several times, and
prints the medians and their ratio: Ferry's figure divided by iPXE's,
with a note of which one is better (lower times and sizes, higher
throughput).

    tests/bench.py [--runs N] [--filter REGEX] [--markdown FILE]

Benchmarks register themselves in BENCHMARKS; each returns a pair of
numbers (Ferry, iPXE) per run, or raises Skip with a reason when what it
needs is not there yet (for example a NIC driver or a protocol).
"""

import argparse
import os
import re
import statistics
import sys
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)

from lib.registry import ROOT, TestContext  # noqa: E402

#: Debian's iPXE images (package "ipxe")
IPXE_LKRN = "/usr/lib/ipxe/ipxe.lkrn"
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


@benchmark("lkrn image size", "KiB", runs=1)
def lkrn_size(ctx):
    """Size of the .lkrn image."""
    return (os.path.getsize(need("bin/ferry.lkrn")) / 1024.0,
            os.path.getsize(need(IPXE_LKRN)) / 1024.0)


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
    return (time_to_offer(ctx, need("bin/ferry.lkrn"),
                          "Press Ctrl-B for the Ferry command line"),
            time_to_offer(ctx, need(IPXE_LKRN),
                          "Press Ctrl-B for the iPXE command line"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--filter", default="")
    parser.add_argument("--markdown", help="also write a Markdown table")
    args = parser.parse_args()

    rows = []
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
        finally:
            ctx.close()
        f, i = statistics.median(ferry), statistics.median(ipxe)
        ratio = (f / i) if i else float("nan")
        wins = (f < i) if bench.better == "lower" else (f > i)
        print("%-52s %9.2f %-2s %9.2f %-2s %7.2fx %s" % (
            bench.name, f, bench.unit, i, bench.unit, ratio,
            "(Ferry better)" if wins else "(iPXE better)"))
        rows.append((bench.name, f, i, bench.unit, ratio, bench.better))
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write("| benchmark | Ferry | iPXE | Ferry/iPXE | better |\n"
                      "|---|---|---|---|---|\n")
            for name, f, i, unit, ratio, better in rows:
                out.write("| %s | %.2f %s | %.2f %s | %.2f | %s |\n"
                          % (name, f, unit, i, unit, ratio, better))
    return 0


if __name__ == "__main__":
    sys.exit(main())
