"""Registering tests, and what a test gets to work with.

A test is a function taking a TestContext, registered with @test:

    from lib.registry import test, check

    @test("lkrn-console", quick=True, timeout_s=60)
    def lkrn_console(ctx):
        '''The banner and a command over the serial console.'''
        with ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn")) as vm:
            vm.expect(r"ferry> ")

It passes when it returns and fails when it raises; the first line of
the exception is the reason printed, and the whole of it goes to the
log.  tests/run.py imports every module in the suite folders, which
registers their tests in the order they are defined.
"""

import os
import shutil
import tempfile

#: Every registered test, in registration order
TESTS = []

#: The suites, in the order tests/run.py runs them ("unit" and "scripts"
#: have runners of their own: see lib/unit.py)
SUITES = ("unit", "lib", "host", "scripts", "e2e")

#: The repository's root folder
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class TestFailure(AssertionError):
    """A test's check failed."""


class TestCase:
    """A registered test.

    @v name      Unique name, also its log's name
    @v function  The test: function(ctx)
    @v suite     One of SUITES
    @v quick     Part of "make check" (tests/run.py --quick)
    @v timeout_s Hard limit on its run time, in seconds
    """

    def __init__(self, name, function, suite, quick, timeout_s):
        self.name = name
        self.function = function
        self.suite = suite
        self.quick = quick
        self.timeout_s = timeout_s
        doc = (function.__doc__ or "").strip()
        self.summary = doc.splitlines()[0] if doc else ""


def test(name, suite="e2e", quick=False, timeout_s=60):
    """Decorator registering a test function (see the module's example)."""
    if suite not in SUITES:
        raise ValueError("unknown suite %r" % suite)

    def register(function):
        if any(case.name == name for case in TESTS):
            raise ValueError("test %r registered twice" % name)
        TESTS.append(TestCase(name, function, suite, quick, timeout_s))
        return function
    return register


def check(condition, message):
    """Fail the test with message unless condition is true."""
    if not condition:
        raise TestFailure(message)


def check_equal(actual, expected, what):
    """Fail the test unless actual == expected."""
    if actual != expected:
        raise TestFailure("%s: expected %r, got %r" % (what, expected, actual))


def read_version():
    """Ferry's version, from the VERSION file."""
    with open(os.path.join(ROOT, "VERSION")) as version_file:
        version = version_file.read().strip()
    if not version:
        raise TestFailure("VERSION is empty")
    return version


class TestContext:
    """What a running test works with.

    @v name      The test's name
    @v log_dir   Folder of the logs (build/test-logs)
    @v timeout_s The test's hard time limit
    """

    def __init__(self, name, log_dir, timeout_s):
        self.name = name
        self.root = ROOT
        self.log_dir = log_dir
        self.log_path = os.path.join(log_dir, name + ".log")
        self.timeout_s = timeout_s
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8",
                        errors="replace")
        self._tmpdir = None
        self._consoles = []

    @property
    def tmpdir(self):
        """A private temporary folder, removed when the test ends."""
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix="ferry-test-")
        return self._tmpdir

    def note(self, message):
        """Write a line to the test's log."""
        self.log.write("[test] %s\n" % message)
        self.log.flush()

    def image(self, path):
        """Absolute path of a built file, failing the test if it is missing.

        @v path   Path relative to the repository, e.g. "bin/ferry.lkrn"
        """
        full = os.path.join(self.root, path)
        if not os.path.isfile(full):
            raise TestFailure("%s is not built (run make)" % path)
        return full

    @property
    def version(self):
        """Ferry's version, from the VERSION file."""
        return read_version()

    def qemu(self, *args, **options):
        """Start QEMU (see lib.qemu.Qemu); it is killed when the test ends."""
        from lib.qemu import Qemu
        vm = Qemu(self, *args, **options)
        self._consoles.append(vm)
        return vm

    def process(self, argv, **options):
        """Start a program on pipes (see lib.console.Console); it is
        killed when the test ends."""
        from lib.console import Console
        options.setdefault("hard_timeout_s", self.timeout_s)
        options.setdefault("cwd", self.root)
        program = Console(argv, self.log, **options)
        self._consoles.append(program)
        return program

    def close(self):
        """Kill what the test started, remove its files, close the log."""
        for console in self._consoles:
            try:
                console.kill()
            except Exception as error:  # keep cleaning up the rest
                self.note("cleanup of %s failed: %s" % (console.name, error))
        self._consoles = []
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        self.log.close()
