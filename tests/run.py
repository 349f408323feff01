#!/usr/bin/env python3
"""Ferry's test runner: every suite, one line per test, one summary.

    tests/run.py --all              everything ("make test")
    tests/run.py --quick            the quick subset ("make check")
    tests/run.py --filter lkrn      tests whose name matches a regex
    tests/run.py --list             list the tests instead of running them

Suites run in this order:

  unit   bin/host/ferry-test, the host unit tests built with ASan and
         UBSan; each unit test it reports is one test here (unit/NAME)
  lib    the harness's own tests (tests/lib/selftest.py): the VGA screen
         reader checked on SeaBIOS's boot screen, keyboard input, expect()
  host   bin/host/ferry driven through standard input (tests/host/)
  scripts  tests/scripts/run.py: iPXE scripts run by bin/host/ferry, their
         output compared with NAME.expected; each is scripts/NAME here
  e2e    the real images under QEMU (tests/e2e/)

Each test prints "PASS name" or "FAIL name: reason (log: path)"; the last
line is "N passed, N failed", and the exit status is 1 if any failed or
none ran.  Logs are in build/test-logs/NAME.log.
"""

import argparse
import glob
import importlib.util
import os
import re
import signal
import sys
import time
import traceback

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)

from lib import registry  # noqa: E402  (after the path is set)
from lib.unit import (SCRIPTS_RUNNER, UNIT_BINARY,  # noqa: E402
                      run_scripts_suite, run_unit_suite,
                      scripts_suite_present)

#: Folders holding test modules, with their suite
SUITE_DIRS = (("lib", "lib/selftest.py"), ("host", "host/*.py"),
              ("e2e", "e2e/*.py"))

#: Extra seconds beyond a test's own hard timeout before the runner gives
#: up on it (the test's programs are killed at the test's timeout)
RUNNER_GRACE_S = 30


class Results:
    """Counts results and prints one line for each."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, name, ok, reason="", log_path=None):
        """Print and count one test's result."""
        if ok:
            self.passed += 1
            print("PASS %s" % name, flush=True)
            return
        self.failed += 1
        reason = " ".join(reason.split()) if reason else "failed"
        if len(reason) > 300:
            reason = reason[:297] + "..."
        where = " (log: %s)" % os.path.relpath(log_path, registry.ROOT) \
            if log_path else ""
        print("FAIL %s: %s%s" % (name, reason, where), flush=True)


def load_test_modules():
    """Import every test module, which registers its tests.

    @ret broken  (module path, error text) for each module that failed to
                 import: reported as failures, so a broken module cannot
                 silently drop its tests
    """
    broken = []
    for suite, pattern in SUITE_DIRS:
        for path in sorted(glob.glob(os.path.join(TESTS_DIR, pattern))):
            base = os.path.basename(path)
            if base.startswith("_"):
                continue
            module_name = "ferrytests_%s_%s" % (suite, base[:-3])
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except Exception:
                broken.append((os.path.relpath(path, registry.ROOT),
                               traceback.format_exc()))
    return broken


# ---- registered tests -----------------------------------------------------------

class RunnerTimeout(Exception):
    """A test overran its time limit and the runner stopped it."""


def _alarm(signum, frame):
    raise RunnerTimeout("test overran its time limit")


def run_registered(case, log_dir):
    """Run one registered test.

    @ret result  (ok, reason, log path)
    """
    ctx = registry.TestContext(case.name, log_dir, case.timeout_s)
    ctx.note("%s: %s" % (case.name, case.summary))
    started = time.monotonic()
    ok, reason = True, ""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(case.timeout_s + RUNNER_GRACE_S)
    try:
        case.function(ctx)
    except Exception as error:  # any failure of the test is its result
        ok = False
        text = str(error).strip() or type(error).__name__
        reason = text.splitlines()[0]
        if not isinstance(error, AssertionError):
            reason = "%s: %s" % (type(error).__name__, reason)
        ctx.note("FAILED:\n" + traceback.format_exc())
    finally:
        signal.alarm(0)
        ctx.note("took %.1f s" % (time.monotonic() - started))
        ctx.close()
    return ok, reason, ctx.log_path


# ---- main ------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(
        description="Run Ferry's tests.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Logs: build/test-logs/<test>.log (unit.log, scripts.log "
        "for those suites)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--all", action="store_true",
                      help="run every test (the default)")
    mode.add_argument("--quick", action="store_true",
                      help="unit and script tests, and the tests marked "
                      "quick")
    parser.add_argument("--filter", metavar="PATTERN",
                        help="only tests whose name matches this regular "
                        "expression (searched, so a substring works)")
    parser.add_argument("--list", action="store_true",
                        help="list the tests and exit")
    parser.add_argument("--log-dir", default=os.path.join(
        registry.ROOT, "build", "test-logs"), help="where logs go")
    args = parser.parse_args()

    broken_modules = load_test_modules()
    pattern = re.compile(args.filter) if args.filter else None

    def selected(case):
        if args.quick and not case.quick:
            return False
        return pattern is None or pattern.search(case.name)

    # Suites with runners of their own: (run function, what --list says)
    external = {"unit": (run_unit_suite, "each unit test in " + UNIT_BINARY)}
    if scripts_suite_present():
        external["scripts"] = (run_scripts_suite,
                               "each script test of " + SCRIPTS_RUNNER)

    def external_selected(suite):
        """An external suite runs when its results could be selected."""
        return pattern is None or bool(pattern.search(suite + "/")) or \
            suite in args.filter

    plan = []
    for suite in registry.SUITES:
        if suite in external and external_selected(suite):
            plan.append((suite, None))
        plan += [(suite, case) for case in registry.TESTS
                 if case.suite == suite and selected(case)]

    if args.list:
        for suite, case in plan:
            if case is None:
                print("%-22s %-5s %s" % (suite + "/*", "quick",
                                         external[suite][1]))
            else:
                print("%-22s %-5s %s" % (case.name,
                                         "quick" if case.quick else "",
                                         case.summary))
        return 0

    os.makedirs(args.log_dir, exist_ok=True)
    results = Results()
    started = time.monotonic()
    for path, error in broken_modules:
        log_path = os.path.join(args.log_dir, "import-%s.log"
                                % os.path.basename(path)[:-3])
        with open(log_path, "w") as log:
            log.write(error)
        results.record("import " + path, False,
                       error.strip().splitlines()[-1], log_path)
    for suite, case in plan:
        if case is None:
            suite_results, log_path = external[suite][0](args.log_dir)
            for name, ok, reason in suite_results:
                if pattern is None or name == suite or pattern.search(name):
                    results.record(name, ok, reason, log_path)
        else:
            ok, reason, log_path = run_registered(case, args.log_dir)
            results.record(case.name, ok, reason, log_path)
    if results.passed + results.failed == 0:
        print("no test matched %r" % args.filter)
    print("took %.0f s; logs in %s" % (
        time.monotonic() - started, os.path.relpath(args.log_dir,
                                                     registry.ROOT)))
    print("%d passed, %d failed" % (results.passed, results.failed),
          flush=True)
    return 0 if results.failed == 0 and results.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
