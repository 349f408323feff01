"""Suites run by other runners: their reports read into results.

Two suites have runners of their own, which print one line per test

    PASS <test>                (optionally followed by " (<time>)")
    FAIL <test>: <message>

and end with "N passed, N failed":

  unit     bin/host/ferry-test, the unit tests of tests/unit/ built with
           AddressSanitizer and UndefinedBehaviorSanitizer; a failed
           check prints an indented "file:line: ..." line before its FAIL
  scripts  tests/scripts/run.py, iPXE scripts run by bin/host/ferry and
           their output compared with what is expected

Each test they report becomes one result here, named <suite>/<test>.
Problems with the run itself (a sanitizer report, a crash, no summary, a
summary that disagrees with the lines, no test at all) become one failure
named after the suite.
"""

import os
import re
import subprocess
import sys

from lib import registry

#: The unit-test binary
UNIT_BINARY = "bin/host/ferry-test"
#: The script suite's runner
SCRIPTS_RUNNER = "tests/scripts/run.py"
#: Hard limit on one suite's whole run, in seconds
SUITE_TIMEOUT_S = 300

#: Lines in a runner's output that mean a sanitizer found a bug
SANITIZER_PATTERN = re.compile(
    r"ERROR: (?:Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer.*"
    r"|runtime error: .*")


def parse_report(output, status, suite, sanitizers=False):
    """Turn a runner's output into results.

    Indented lines before a FAIL (each failed check's "file:line: ...")
    are added to its reason.  A crash, a missing summary or one that
    disagrees with the lines, no test at all, a failing exit status
    without a FAIL line, or (with sanitizers) a sanitizer report add one
    failure of the suite itself, naming every problem.

    @v output      Standard output and error, merged
    @v status      Exit status (negative: killed by that signal)
    @v suite       Suite name, the prefix of the results' names
    @v sanitizers  Look for sanitizer reports
    @ret results   List of (name, ok, reason)
    """
    results = []
    summary = None
    last_test = None
    details = []
    for line in output.splitlines():
        line = line.rstrip("\r")
        match = re.match(r"PASS (\S+)(?: \([^)]*\))?\s*$", line)
        if match:
            results.append(("%s/%s" % (suite, match.group(1)), True, ""))
            last_test = match.group(1)
            details = []
            continue
        match = re.match(r"FAIL (\S+?):\s*(.*)$", line)
        if match:
            reason = match.group(2)
            if details:
                reason += " (first: %s)" % details[0]
            results.append(("%s/%s" % (suite, match.group(1)), False,
                            reason))
            last_test = match.group(1)
            details = []
            continue
        if line[:1].isspace() and line.strip():
            # A check's own report ("  file:line: ..."), before its FAIL
            details.append(line.strip())
            continue
        match = re.match(r"(\d+) passed, (\d+) failed\s*$", line)
        if match:
            summary = (int(match.group(1)), int(match.group(2)))
    passes = sum(1 for _, ok, _ in results if ok)
    fails = len(results) - passes
    problems = []
    sanitizer = SANITIZER_PATTERN.search(output) if sanitizers else None
    if sanitizer:
        where = " (after %s/%s)" % (suite, last_test) if last_test else ""
        problems.append("sanitizer report%s: %s" % (where,
                                                     sanitizer.group(0)))
    if status < 0:
        problems.append("killed by signal %d" % -status)
    if not results:
        problems.append("ran no %s test" % suite)
    if summary is None:
        problems.append("no 'N passed, N failed' line (exit status %d)"
                        % status)
    elif summary != (passes, fails):
        problems.append("summary says %d passed, %d failed but %d PASS and "
                        "%d FAIL lines were printed"
                        % (summary + (passes, fails)))
    if status > 0 and fails == 0:
        problems.append("exit status %d without a FAIL line" % status)
    if status == 0 and fails:
        problems.append("exit status 0 despite %d failures" % fails)
    if problems:
        # One failure for the run, however many ways it went wrong
        results.append((suite, False, "; ".join(problems)))
    return results


def parse_unit_output(output, status):
    """Read the unit-test binary's report (see parse_report)."""
    return parse_report(output, status, "unit", sanitizers=True)


def run_report_suite(suite, argv, log_dir, sanitizers=False, env=None):
    """Run a suite's own runner, logging to log_dir/<suite>.log.

    @v suite       Suite name
    @v argv        Command line, run from the repository's root
    @v sanitizers  Look for sanitizer reports
    @v env         Environment, or None for ours
    @ret results   (results as from parse_report, log path)
    """
    log_path = os.path.join(log_dir, suite + ".log")
    try:
        completed = subprocess.run(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=registry.ROOT, env=env,
            timeout=SUITE_TIMEOUT_S)
        output = completed.stdout.decode("utf-8", "replace")
        status = completed.returncode
        timed_out = False
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode("utf-8", "replace")
        status = 0
        timed_out = True
    with open(log_path, "w") as log:
        log.write("$ %s\n" % " ".join(argv))
        log.write(output)
        log.write("\n[%s]\n" % ("killed after %d s" % SUITE_TIMEOUT_S
                                if timed_out else "exit status %d" % status))
    results = parse_report(output, status, suite, sanitizers)
    if timed_out:
        results.append((suite, False, "still running after %d s"
                        % SUITE_TIMEOUT_S))
    return results, log_path


def run_unit_suite(log_dir):
    """Run the unit-test binary.

    @ret results  (results, log path)
    """
    binary = os.path.join(registry.ROOT, UNIT_BINARY)
    if not os.path.isfile(binary):
        log_path = os.path.join(log_dir, "unit.log")
        with open(log_path, "w") as log:
            log.write("%s is not built\n" % UNIT_BINARY)
        return [("unit", False, "%s is not built (run make %s)"
                 % (UNIT_BINARY, UNIT_BINARY))], log_path
    env = dict(os.environ)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    return run_report_suite("unit", [binary], log_dir, sanitizers=True,
                            env=env)


def scripts_suite_present():
    """True if the script suite's runner exists."""
    return os.path.isfile(os.path.join(registry.ROOT, SCRIPTS_RUNNER))


def run_scripts_suite(log_dir):
    """Run tests/scripts/run.py (it fails by itself if ferry is missing).

    @ret results  (results, log path)
    """
    return run_report_suite(
        "scripts", [sys.executable, os.path.join(registry.ROOT,
                                                 SCRIPTS_RUNNER)], log_dir)
