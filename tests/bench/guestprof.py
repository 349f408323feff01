#!/usr/bin/env python3
"""Where Ferry spends its time during a download: a sampling profiler.

    tests/bench/guestprof.py [--nic e1000] [--scheme http|tftp]
                             [--size-mib 256] [--hz 200] [--top 40]
                             [--lines FUNCTION]

Boots bin/ferry.lkrn as the download benchmarks do (tests/bench/
netbench.py), with QEMU's gdb stub on a Unix socket.  Between the
benchmark's markers it stops the virtual CPU HZ times a second
(gdb remote protocol: Ctrl-C, read the registers, continue), notes the
instruction pointer, and at the end prints the functions of
build/pcbios/ferry.elf the samples fell in, with their share.  The
stops slow the guest a little (it is not a timing run).

Reading it: QEMU stops the CPU between translated blocks, so time spent
emulating a device register access (an e1000 TDT write that sends a
frame through the tap, a virtio notify) shows up in the function that
made the access.  Ferry relocates itself near the top of memory; the
offset is found by looking for the guest's code in the ELF file.  With
FERRY_BENCH_IMAGE=path (another build), pass that build's ELF as --elf.

Standard library only; needs root (network namespace) like the
benchmarks.
"""

import argparse
import bisect
import collections
import os
import socket
import struct
import subprocess
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(BENCH_DIR))
sys.path.insert(0, BENCH_DIR)

import netbench  # noqa: E402
from lib.registry import ROOT, TestContext  # noqa: E402


class GdbStub:
    """A minimal gdb remote protocol client."""

    def __init__(self, path, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(5)
        self.buffer = b""

    def _read_packet(self):
        while True:
            start = self.buffer.find(b"$")
            if start >= 0:
                end = self.buffer.find(b"#", start)
                if end >= 0 and len(self.buffer) >= end + 3:
                    body = self.buffer[start + 1:end]
                    self.buffer = self.buffer[end + 3:]
                    self.sock.sendall(b"+")
                    return body.decode("ascii", "replace")
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("gdb stub closed")
            self.buffer += data

    def _send(self, body):
        checksum = sum(body.encode()) & 0xff
        self.sock.sendall(b"$%s#%02x" % (body.encode(), checksum))

    def command(self, body):
        """Send a packet and return the reply's body."""
        self._send(body)
        return self._read_packet()

    def interrupt(self):
        """Stop the CPU; returns the stop reply."""
        self.sock.sendall(b"\x03")
        return self._read_packet()

    def cont(self):
        """Let the CPU run (no reply until it stops)."""
        self._send("c")

    def pc(self):
        """The instruction pointer (x86-64 register layout: rip is the
        17th register, after 16 64-bit general registers)."""
        regs = self.command("g")
        raw = bytes.fromhex(regs[16 * 16:17 * 16])
        return int.from_bytes(raw, "little")

    def read_memory(self, address, length):
        """Bytes of guest memory (virtual addresses), or None."""
        reply = self.command("m%x,%x" % (address, length))
        if not reply or reply.startswith("E"):
            return None
        return bytes.fromhex(reply)

    def close(self):
        self.sock.close()


def load_segments(elf):
    """(address, bytes) of the LOAD segments of a 32-bit ELF file."""
    with open(elf, "rb") as image:
        data = image.read()
    if data[:4] != b"\x7fELF" or data[4] != 1:
        raise SystemExit("%s: not a 32-bit ELF file" % elf)
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    segments = []
    for index in range(phnum):
        kind, offset, vaddr, _, filesz = struct.unpack_from(
            "<IIIII", data, phoff + index * phentsize)
        if kind == 1 and filesz:
            segments.append((vaddr, data[offset:offset + filesz]))
    return segments


def relocation(gdb, pc, segments):
    """How far Ferry was moved from its link address: the guest's code
    around pc is looked for in the ELF file's segments.

    @ret offset     Runtime address minus link address, or None
    """
    for before in (64, 32, 16, 0):
        code = gdb.read_memory(pc - before, 96)
        if not code:
            continue
        for vaddr, data in segments:
            found = data.find(code)
            if found >= 0 and data.find(code, found + 1) < 0:
                return (pc - before) - (vaddr + found)
    return None


def symbols(elf):
    """Sorted (address, name) of the functions in an ELF file."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf],
                         capture_output=True, text=True, check=True).stdout
    table = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            table.append((int(parts[0], 16), parts[2]))
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nic", default="e1000")
    parser.add_argument("--scheme", default="http", choices=("http", "tftp"))
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--hz", type=float, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--lines", metavar="FUNCTION",
                        help="also list the source lines of FUNCTION's "
                        "samples (addr2line)")
    parser.add_argument("--elf", default=os.path.join(ROOT, "build",
                                                      "pcbios", "ferry.elf"))
    args = parser.parse_args()

    size = args.size_mib << 20
    name = "bench-%dM.bin" % args.size_mib
    netbench.data_file(name, size)
    uri = ("http://%s/files/%s" if args.scheme == "http"
           else "tftp://%s/%s") % (netbench.SERVER, name)
    ctx = TestContext("guestprof", os.path.join(ROOT, "build",
                                                "bench-logs"), 900)
    gdb_path = os.path.join(ctx.tmpdir, "gdb.sock")
    samples = collections.Counter()
    segments = load_segments(args.elf)
    offsets = []
    qemu_args = ("-chardev", "socket,id=gdb0,path=%s,server=on,wait=off"
                 % gdb_path, "-gdb", "chardev:gdb0")

    class Sampler:
        """Samples the instruction pointer between the markers."""

        def __init__(self):
            self.done = threading.Event()
            self.thread = None

        def run(self):
            gdb = GdbStub(gdb_path)
            try:
                period = 1.0 / args.hz
                while not self.done.is_set():
                    gdb.interrupt()
                    pc = gdb.pc()
                    samples[pc] += 1
                    if not offsets and pc >= 0x100000:
                        offset = relocation(gdb, pc, segments)
                        if offset is not None:
                            offsets.append(offset)
                    gdb.cont()
                    time.sleep(period)
            except (OSError, EOFError):
                pass
            finally:
                gdb.close()

        def start(self, vm):
            self.thread = threading.Thread(target=self.run, daemon=True)
            self.thread.start()

        def stop(self, vm):
            self.done.set()
            self.thread.join(10)

    try:
        with netbench.Network(ctx, http=(args.scheme == "http"),
                              tftp=(args.scheme == "tftp"),
                              tag="guestprof") as net:
            transfer = netbench.ferry_fetch(ctx, net, args.nic, uri, name,
                                           size, qemu_args=qemu_args,
                                           watch=Sampler())
    finally:
        ctx.close()

    table = symbols(args.elf)
    addresses = [address for address, _ in table]
    by_function = collections.Counter()
    offset = offsets[0] if offsets else 0
    end = max(vaddr + len(data) for vaddr, data in segments)
    for pc, count in samples.items():
        link = pc - offset
        index = bisect.bisect_right(addresses, link) - 1
        by_function[table[index][1] if index >= 0 and
                     segments[0][0] <= link < end
                     else "0x%x (outside Ferry)" % pc] += count
    total = sum(samples.values())
    print("%s %s %d MiB: %.2f s under sampling, %d samples; Ferry runs "
          "0x%x above its link address"
          % (args.scheme, args.nic, args.size_mib, transfer.seconds, total,
             offset))
    for function, count in by_function.most_common(args.top):
        print("%6.2f%%  %s" % (100.0 * count / max(1, total), function))
    if args.lines:
        print_lines(args, samples, offset, table, addresses, total)
    return 0


def print_lines(args, samples, offset, table, addresses, total):
    """List the source lines one function's samples fell on."""
    links = collections.Counter()
    for pc, count in samples.items():
        link = pc - offset
        index = bisect.bisect_right(addresses, link) - 1
        if index >= 0 and table[index][1] == args.lines:
            links[link] += count
    if not links:
        print("no samples in %s" % args.lines)
        return
    out = subprocess.run(["addr2line", "-e", args.elf] +
                         ["0x%x" % link for link in links],
                         capture_output=True, text=True, check=True).stdout
    by_line = collections.Counter()
    for link, line in zip(links, out.splitlines()):
        by_line[line.split("/")[-1]] += links[link]
    print("%s by source line:" % args.lines)
    for line, count in by_line.most_common(args.top):
        print("%6.2f%%  %s" % (100.0 * count / max(1, total), line))


if __name__ == "__main__":
    sys.exit(main())
