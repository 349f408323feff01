"""Network benchmarks: the same download with Ferry and with Debian's iPXE.

Used by tests/bench.py.  One run of a benchmark is:

  1. a network namespace "ferry-bench-<pid>" with a tap device ftap0
     (192.0.2.1/24), dnsmasq for DHCP, the test HTTP server
     (tests/host/http_server.py: it sends file bodies with sendfile(),
     which keeps it far from being the bottleneck, see
     docs/performance.md) and, for TFTP, atftpd;
  2. Ferry booted from bin/ferry.lkrn on QEMU (TCG) with the NIC on that
     tap, driven over the serial console: Ctrl-B, "dhcp net0", then one
     line "echo BENCH-START && imgfetch URI && echo BENCH-DONE";
  3. Debian's ipxe.lkrn on the same VM set-up, running a script passed
     with -initrd that does the same;

and the time is taken between the two markers as they arrive on the
serial console (so booting, DHCP and typing are not counted).  What was
fetched is checked: its size always (imgstat), and with Ferry its
SHA-256 (sha256sum) once per protocol in a run of tests/bench.py
(hashing 256 MiB takes Ferry about a minute under TCG; Debian's iPXE has
no sha256sum).  The boot benchmark (boot_to_kernel) times QEMU's start
to the kernel's first line, each loader booting on its own.

FERRY_BENCH_IMAGE=path benchmarks another build of Ferry's .lkrn.

Set FERRY_BENCH_PCAP=DIR to also record the first 128 bytes of every
packet on the tap (tcpdump, if installed) into DIR/<tag>.pcap, for
profiling.
"""

import collections
import hashlib
import os
import re
import shutil
import subprocess
import time

from lib.ferry import PROMPT_PATTERN, boot_to_prompt, run_command
from lib.netns import Netns, dnsmasq
from lib.registry import ROOT

#: Debian's iPXE
IPXE_LKRN = "/usr/lib/ipxe/ipxe.lkrn"
#: Ferry (FERRY_BENCH_IMAGE=path compares another build)
FERRY_LKRN = os.environ.get("FERRY_BENCH_IMAGE") or \
    os.path.join(ROOT, "bin", "ferry.lkrn")
#: Files served, made once and kept (build/ is git-ignored)
DATA_DIR = os.path.join(ROOT, "build", "bench-data")
#: The server's address on the tap
SERVER = "192.0.2.1"
#: HTTP port
HTTP_PORT = 80
#: Guest memory: room for a 256 MiB image and the loader
MEMORY_MB = 768
#: QEMU arguments for the download runs (both loaders): the guest's RAM
#: is allocated and touched by QEMU before the guest starts.  Otherwise
#: the host takes a page fault the first time the guest writes each
#: page, and the 256 MiB downloads pay 0.3 s to over 1 s of host time
#: that depends on the host's memory (how long ago it was freed, its
#: hypervisor), not on the loader: a real machine's RAM is simply there.
DOWNLOAD_QEMU_ARGS = ("-mem-prealloc",)
#: dnsmasq's options beyond DHCP on 192.0.2.0/24 (lib/netns.py): offer at
#: once, without first pinging the address (3 s), and say "no proxyDHCP
#: here" (175.176 = 1, which both loaders honour) so that neither waits
#: for proxyDHCP offers
DNSMASQ_OPTIONS = ("--no-ping", "--dhcp-option=encap:175,176,1b")
#: iPXE's command for DHCP: "dhcp" in this iPXE (2019) is "ifconf", which
#: also waits for IPv6 router advertisements, 13 s on this IPv4-only
#: network; "-c dhcp" leaves IPv6 out, as Ferry has none
IPXE_DHCP = "ifconf -c dhcp net0"
#: Markers printed around the download
START, DONE, FAILED = "BENCH-START", "BENCH-DONE", "BENCH-FAILED"


#: What a fetch measured: seconds between the markers, and the CPU time
#: QEMU used meanwhile (all its threads)
Transfer = collections.namedtuple("Transfer", "seconds cpu_seconds")


class Unavailable(Exception):
    """Something a benchmark needs is missing (the caller skips)."""


class BenchNetns(Netns):
    """Netns named for benchmarks."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.name = "ferry-bench-%d" % os.getpid()


def data_file(name, size):
    """A file of random bytes served to the loaders, made once.

    @v name     File name in DATA_DIR
    @v size     Its size in bytes
    @ret path, sha256   Its path and SHA-256 (hex)
    """
    os.makedirs(DATA_DIR, exist_ok=True)
    path = os.path.join(DATA_DIR, name)
    digest_path = path + ".sha256"
    if os.path.isfile(path) and os.path.getsize(path) == size and \
            os.path.isfile(digest_path):
        with open(digest_path) as digest_file:
            return path, digest_file.read().split()[0]
    digest = hashlib.sha256()
    with open(path + ".tmp", "wb") as out:
        left = size
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    os.replace(path + ".tmp", path)
    with open(digest_path, "w") as digest_file:
        digest_file.write("%s  %s\n" % (digest.hexdigest(), name))
    return path, digest.hexdigest()


def require(*programs):
    """Raise Unavailable unless every program is installed."""
    for program in programs:
        if os.path.isabs(program):
            if not os.path.exists(program):
                raise Unavailable("%s is missing" % program)
        elif not shutil.which(program):
            raise Unavailable("%s is not installed" % program)


class Network:
    """A namespace with DHCP and the servers, for one run.

        with Network(ctx, http=True, tftp=False) as net:
            transfer = ferry_fetch(ctx, net, "e1000", uri, ...)

    @v ctx      The benchmark's context
    @v http     Start the HTTP server (serving DATA_DIR on port 80)
    @v tftp     Start atftpd (serving DATA_DIR)
    @v root     Folder the servers serve (default DATA_DIR)
    @v boot_file  DHCP boot file name (option 67) to offer, or None
    @v tag      Names the servers' logs (<benchmark>-<tag>-http.log...)
                and the packet capture recorded if FERRY_BENCH_PCAP is
                set (<tag>.pcap)
    """

    def __init__(self, ctx, http=True, tftp=False, tag="net", root=None,
                 boot_file=None):
        require("ip", "dnsmasq", "qemu-system-x86_64")
        if tftp:
            require("/usr/sbin/atftpd")
        self.ctx = ctx
        self.http = http
        self.tftp = tftp
        self.tag = tag
        self.root = root or DATA_DIR
        self.boot_file = boot_file
        self.ns = BenchNetns(ctx)

    def __enter__(self):
        self.ns.__enter__()
        try:
            self._start()
        except BaseException:
            self.ns.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        ns = self.ns
        ns.add_tap("ftap0", "%s/24" % SERVER)
        dnsmasq(ns, "ftap0", boot_file=self.boot_file,
                extra=DNSMASQ_OPTIONS)
        if self.http:
            ns.start(["python3", os.path.join(ROOT, "tests", "host",
                                              "http_server.py"),
                      "--root", self.root, "--bind", SERVER,
                      "--port", str(HTTP_PORT),
                      "--log", os.path.join(self.ctx.log_dir,
                                            "%s-%s-http.log"
                                            % (self.ctx.name, self.tag))],
                     "%s-%s-http.out" % (self.ctx.name, self.tag))
        if self.tftp:
            ns.start(["/usr/sbin/atftpd", "--daemon", "--no-fork",
                      "--user", "root.root", "--bind-address", SERVER,
                      "--port", "69", "--logfile", "-", "--verbose=5",
                      self.root],
                     "%s-%s-atftpd.log" % (self.ctx.name, self.tag))
        capture_dir = os.environ.get("FERRY_BENCH_PCAP")
        if capture_dir and shutil.which("tcpdump"):
            os.makedirs(capture_dir, exist_ok=True)
            ns.start(["tcpdump", "-i", "ftap0", "-s", "128", "-U", "-w",
                      os.path.join(capture_dir, self.tag + ".pcap")],
                     "%s-%s-tcpdump.log" % (self.ctx.name, self.tag))
        self.wait_ready()

    def wait_ready(self, timeout=10):
        """Wait until the servers listen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listening = subprocess.run(
                ["ip", "netns", "exec", self.ns.name, "ss", "-lntu"],
                capture_output=True, text=True).stdout
            ok = True
            if self.http and ("%s:%d" % (SERVER, HTTP_PORT)) not in listening:
                ok = False
            if self.tftp and ("%s:69" % SERVER) not in listening:
                ok = False
            if ok:
                time.sleep(0.3)  # dnsmasq and tcpdump: no port to wait on
                return
            time.sleep(0.1)
        raise RuntimeError("the servers did not start listening in %d s "
                           "(see the logs in %s)" % (timeout,
                                                    self.ctx.log_dir))

    def __exit__(self, *exc):
        return self.ns.__exit__(*exc)

    def qemu(self, image, nic, *args, timeout_s=300):
        """Start QEMU on the tap with a NIC (no option ROM on it).

        @v image    The .lkrn to boot with -kernel
        @v nic      QEMU NIC device (e1000, virtio-net-pci...)
        @v args     Further QEMU arguments
        """
        return self.ctx.qemu(
            "-kernel", image, *args,
            "-netdev", "tap,id=n0,ifname=ftap0,script=no,downscript=no",
            "-device", "%s,netdev=n0,romfile=" % nic,
            memory_mb=MEMORY_MB, nographic=True, netns=self.ns.name,
            hard_timeout_s=timeout_s)


def cpu_seconds(pid):
    """CPU time (user and system, all threads) a process has used."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _time_markers(vm, timeout, watch=None):
    """Seconds between the START and DONE markers on the console.

    The CPU time QEMU used meanwhile is noted in the log: well below the
    elapsed time, the guest was waiting (on the network or a timer), or
    other programs had the cores.

    @v watch    None, or an object whose start(vm) and stop(vm) are
                called at the markers (a profiler: tests/bench/guestprof.py)
    @ret transfer   A Transfer
    @raise RuntimeError if the loader said FAILED
    """
    vm.expect_line(START, timeout=60)
    start = time.monotonic()
    cpu_start = cpu_seconds(vm.process.pid)
    if watch:
        watch.start(vm)
    try:
        match = vm.expect(r"(?<![^\r\n])(%s|%s)\r?\n" % (DONE, FAILED),
                          timeout=timeout, what="%s or %s" % (DONE, FAILED))
    finally:
        if watch:
            watch.stop(vm)
    elapsed = time.monotonic() - start
    cpu = cpu_seconds(vm.process.pid) - cpu_start
    vm.note("transfer: %.2f s, QEMU CPU %.2f s, load average %.1f"
            % (elapsed, cpu, os.getloadavg()[0]))
    if match.group(1) == FAILED:
        raise RuntimeError("the download failed; last output:\n%s"
                           % vm.tail(1500))
    return Transfer(elapsed, cpu)


def _check_size(lines, name, size, who):
    """Check imgstat's line for an image: "NAME : SIZE bytes"."""
    text = "\n".join(lines)
    match = re.search(r"%s\s*:\s*(\d+) bytes" % re.escape(name), text)
    if not match:
        raise RuntimeError("%s: imgstat does not show %s: %r"
                           % (who, name, text[-500:]))
    if int(match.group(1)) != size:
        raise RuntimeError("%s fetched %s bytes of %s, not %d"
                           % (who, match.group(1), name, size))


def ferry_fetch(ctx, net, nic, uri, name, size, sha256=None,
                timeout=240, qemu_args=(), watch=None):
    """Boot Ferry, fetch a URI, check it, return the Transfer.

    @v uri      What to fetch
    @v name     The image's name (the URI's last part)
    @v size     The expected size
    @v sha256   The expected SHA-256, or None to check only the size
    @v qemu_args  Further QEMU arguments
    @v watch    See _time_markers()
    """
    vm = net.qemu(FERRY_LKRN, nic, *DOWNLOAD_QEMU_ARGS, *qemu_args,
                  timeout_s=timeout + 240)
    try:
        boot_to_prompt(vm, ctx.version)
        lines = run_command(vm, "dhcp net0", timeout=60)
        if any("No such network device" in line for line in lines):
            raise Unavailable("Ferry has no driver for %s" % nic)
        if not any("ok" in line for line in lines):
            raise RuntimeError("Ferry: dhcp failed: %r" % lines)
        vm.send("echo %s && imgfetch %s && echo %s || echo %s\r"
                % (START, uri, DONE, FAILED))
        transfer = _time_markers(vm, timeout, watch)
        vm.expect(PROMPT_PATTERN, timeout=10)
        _check_size(run_command(vm, "imgstat", timeout=20), name, size,
                    "Ferry")
        if sha256:
            lines = run_command(vm, "sha256sum %s" % name,
                                timeout=max(60, size >> 20))
            if not any(line.split()[:1] == [sha256] for line in lines):
                raise RuntimeError("Ferry: wrong SHA-256 for %s: %r "
                                   "(expected %s)" % (name, lines, sha256))
        return transfer
    finally:
        vm.kill()


def ipxe_fetch(ctx, net, nic, uri, name, size, timeout=240, qemu_args=(),
               watch=None):
    """Boot Debian's iPXE with a script that fetches a URI; check its
    size; return the Transfer."""
    script = os.path.join(ctx.tmpdir, "bench.ipxe")
    with open(script, "w") as out:
        out.write("#!ipxe\n"
                  "%s\n"
                  "echo %s\n"
                  "imgfetch %s && echo %s || echo %s\n"
                  "imgstat\n"
                  "echo BENCH-END\n"
                  % (IPXE_DHCP, START, uri, DONE, FAILED))
    vm = net.qemu(IPXE_LKRN, nic, "-initrd", script, *DOWNLOAD_QEMU_ARGS,
                  *qemu_args, timeout_s=timeout + 240)
    try:
        transfer = _time_markers(vm, timeout, watch)
        start = vm.position
        vm.expect_line("BENCH-END", timeout=30)
        _check_size(vm.output[start:vm.position].splitlines(), name, size,
                    "iPXE")
        return transfer
    finally:
        vm.kill()


#: The first line the kernel prints on the serial console
KERNEL_FIRST_LINE = r"Linux version \S+"
#: Where the loaders find the kernel and the initrd
BOOT_SCRIPT = """#!ipxe
kernel http://%(server)s/files/vmlinuz console=ttyS0 %(marker)s
initrd http://%(server)s/files/initrd.cpio.gz
boot
"""


def boot_files(ctx, kernel, initrd):
    """A folder to serve for the boot benchmark: the kernel, the initrd
    and boot.ipxe, the script DHCP names (as a URI) and both loaders run.

    @v kernel   Path of the kernel (bzImage)
    @v initrd   Path of the gzip-compressed initrd
    @ret root, marker   The folder, and a word on the kernel's command
                        line that shows it is this kernel booting
    """
    root = os.path.join(ctx.tmpdir, "boot")
    os.makedirs(root, exist_ok=True)
    for source, name in ((kernel, "vmlinuz"), (initrd, "initrd.cpio.gz")):
        target = os.path.join(root, name)
        if not os.path.exists(target):
            os.symlink(os.path.abspath(source), target)
    marker = "ferrybench=%d" % os.getpid()
    with open(os.path.join(root, "boot.ipxe"), "w") as script:
        script.write(BOOT_SCRIPT % {"server": SERVER, "marker": marker})
    return root, marker


def boot_to_kernel(ctx, net, image, nic, marker, timeout=120):
    """Seconds from starting QEMU to the kernel's first console line,
    the loader booting on its own (DHCP, then the script DHCP names).

    The kernel's command line is then checked for the marker, and QEMU
    is stopped.
    """
    start = time.monotonic()
    vm = net.qemu(image, nic, timeout_s=timeout + 60)
    try:
        vm.expect(KERNEL_FIRST_LINE, timeout=timeout,
                  what="the kernel's first line (Linux version ...)")
        seconds = time.monotonic() - start
        vm.expect(r"Command line: [^\r\n]*%s" % re.escape(marker),
                  timeout=30, what="the kernel's command line with %s"
                  % marker)
        vm.note("power-on to kernel: %.2f s, load average %.1f"
                % (seconds, os.getloadavg()[0]))
        return seconds
    finally:
        vm.kill()
