#!/usr/bin/env python3
"""Make tests/unit/tls_test_data.h: certificates for tests/unit/tls_test.c.

usage: tests/unit/tls_test_data.py > tests/unit/tls_test_data.h

openssl makes, in a temporary directory:

  root          "Ferry Test Root", EC P-256, a CA (the trusted root: its
                anchor comes from util/trust.py, so the test also checks
                what that tool makes)
  intermediate  "Ferry Test Intermediate", EC P-256, a CA issued by root
  leaf_ec       EC P-256, issued by intermediate
  leaf_rsa      RSA 2048, issued by root
  leaf_weak     RSA 1024, issued by root
  other_root    "Ferry Untrusted Root", EC P-256, a CA nobody trusts
  leaf_other    EC P-256, issued by other_root

Every leaf names DNS:ferry.test, IP:192.0.2.1 and IP:2001:db8::1 and is
valid for ten years from now; the CAs for a hundred.  The header gives
the certificates and the leaves' keys as DER arrays, the root's anchor,
and three times: one inside every validity period, one after the
leaves expire and one before they start.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRUST_PY = os.path.join(HERE, "..", "..", "util", "trust.py")

LEAF_NAMES = "DNS:ferry.test,IP:192.0.2.1,IP:2001:db8::1"
CA_EXT = ("basicConstraints=critical,CA:TRUE\n"
          "keyUsage=critical,keyCertSign,cRLSign\n")
LEAF_EXT = ("basicConstraints=CA:FALSE\n"
            "keyUsage=critical,%s\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=" + LEAF_NAMES + "\n")


def openssl(work, *args):
    """Run openssl in the work directory."""
    subprocess.run(["openssl"] + list(args), cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def new_key(work, name, kind):
    """Make a private key: "ec" (P-256) or "rsa:BITS"."""
    if kind == "ec":
        openssl(work, "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", name + ".key")
    else:
        openssl(work, "genpkey", "-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:" + kind.split(":")[1], "-out",
                name + ".key")


def issue(work, name, subject, kind, issuer, days, ext, serial):
    """Make a key and a certificate issued by issuer (None: self)."""
    new_key(work, name, kind)
    with open(os.path.join(work, name + ".ext"), "w") as f:
        f.write(ext)
    openssl(work, "req", "-new", "-key", name + ".key", "-subj",
            "/CN=" + subject, "-out", name + ".csr")
    signer = ["-signkey", name + ".key"] if issuer is None else [
        "-CA", issuer + ".pem", "-CAkey", issuer + ".key"]
    openssl(work, "x509", "-req", "-in", name + ".csr", "-days", str(days),
            "-sha256", "-set_serial", str(serial), "-extfile", name + ".ext",
            "-out", name + ".pem", *signer)
    openssl(work, "x509", "-in", name + ".pem", "-outform", "DER", "-out",
            name + ".der")
    openssl(work, "pkey", "-in", name + ".key", "-outform", "DER", "-out",
            name + ".key.der")


def c_array(name, data):
    """A C array definition."""
    lines = ["static const uint8_t %s[] = {" % name]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    lines.append("};")
    return "\n".join(lines)


def main():
    now = int(time.time())
    out = ["/*",
           " * Certificates for tests/unit/tls_test.c, made by",
           " * tests/unit/tls_test_data.py (which says what each is).",
           " * Do not edit; run the script again instead.",
           " */", "",
           "#include <stdint.h>", "",
           "/** A time when every certificate is valid */",
           "#define TLS_TEST_TIME_VALID %dULL" % (now + 86400),
           "/** A time after the leaves expire */",
           "#define TLS_TEST_TIME_EXPIRED %dULL" % (now + 20 * 366 * 86400),
           "/** A time before any certificate is valid */",
           "#define TLS_TEST_TIME_EARLY %dULL" % (now - 10 * 86400), ""]
    with tempfile.TemporaryDirectory() as work:
        issue(work, "root", "Ferry Test Root", "ec", None, 36500, CA_EXT, 1)
        issue(work, "intermediate", "Ferry Test Intermediate", "ec", "root",
              36500, CA_EXT, 2)
        issue(work, "leaf_ec", "ferry.test", "ec", "intermediate", 3650,
              LEAF_EXT % "digitalSignature", 3)
        issue(work, "leaf_rsa", "ferry.test", "rsa:2048", "root", 3650,
              LEAF_EXT % "digitalSignature,keyEncipherment", 4)
        issue(work, "leaf_weak", "ferry.test", "rsa:1024", "root", 3650,
              LEAF_EXT % "digitalSignature,keyEncipherment", 5)
        issue(work, "other_root", "Ferry Untrusted Root", "ec", None, 36500,
              CA_EXT, 6)
        issue(work, "leaf_other", "ferry.test", "ec", "other_root", 3650,
              LEAF_EXT % "digitalSignature", 7)
        for name in ("root", "intermediate", "leaf_ec", "leaf_rsa",
                     "leaf_weak", "other_root", "leaf_other"):
            with open(os.path.join(work, name + ".der"), "rb") as f:
                out.append(c_array("tls_test_%s_cert" % name, f.read()))
            out.append("")
        for name in ("leaf_ec", "leaf_rsa", "leaf_weak", "leaf_other"):
            with open(os.path.join(work, name + ".key.der"), "rb") as f:
                out.append(c_array("tls_test_%s_key" % name, f.read()))
            out.append("")
        anchor = subprocess.run(
            [sys.executable, TRUST_PY, "--prefix", "tls_test_root",
             os.path.join(work, "root.pem")],
            check=True, capture_output=True, text=True).stdout
    anchor = anchor.replace(os.path.join(work, "root.pem"), "root.pem")
    out.append(anchor)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
