#!/usr/bin/env python3
"""Turn PEM certificates into BearSSL trust anchors, as C source.

usage: trust.py [-o OUT.c] [--prefix NAME] [FILE.pem ...]

Every certificate in the files given (a file may hold several) becomes
one entry of Ferry's TRUST_ANCHORS linker table (crypto/trust.h): the
certificate's subject name exactly as encoded (BearSSL matches issuer
names against it), its public key (RSA modulus and exponent, or the EC
curve and point), and the CA flag (set when basicConstraints says cA,
and for version 1 certificates, which have no extensions; a
certificate that is not a CA can only be trusted directly, as the
server's own certificate).  With no files the output holds no anchors.

The DER is parsed here (RFC 5280 section 4.1), with every length
checked; nothing else is needed but Python.  The build runs this for
TRUST=a.pem,b.pem (crypto/trust.mk).
"""
import argparse
import base64
import hashlib
import re
import sys

# Object identifiers, as encoded (contents of the OID element)
OID_RSA = bytes.fromhex("2a864886f70d010101")          # 1.2.840.113549.1.1.1
OID_EC = bytes.fromhex("2a8648ce3d0201")               # 1.2.840.10045.2.1
OID_BASIC_CONSTRAINTS = bytes.fromhex("551d13")        # 2.5.29.19
OID_COMMON_NAME = bytes.fromhex("550403")              # 2.5.4.3
CURVES = {
    bytes.fromhex("2a8648ce3d030107"): "BR_EC_secp256r1",  # P-256
    bytes.fromhex("2b81040022"): "BR_EC_secp384r1",        # P-384
    bytes.fromhex("2b81040023"): "BR_EC_secp521r1",        # P-521
}

PEM_CERT = re.compile(
    rb"-----BEGIN CERTIFICATE-----\s*(.*?)\s*-----END CERTIFICATE-----",
    re.S)


class TrustError(Exception):
    """A certificate that cannot become a trust anchor."""


class Der:
    """A DER element: tag, contents, and its whole encoding."""

    def __init__(self, tag, contents, encoding):
        self.tag = tag
        self.contents = contents
        self.encoding = encoding

    def children(self):
        """The elements inside a constructed element."""
        return list(der_elements(self.contents))


def der_read(data, pos):
    """Read the element at pos; return it and the position after it."""
    if len(data) - pos < 2:
        raise TrustError("truncated DER")
    start = pos
    tag = data[pos]
    if tag & 0x1f == 0x1f:
        raise TrustError("unexpected multi-byte DER tag")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7f
        if count == 0 or count > 4 or len(data) - pos < count:
            raise TrustError("bad DER length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if len(data) - pos < length:
        raise TrustError("truncated DER")
    end = pos + length
    return Der(tag, data[pos:end], data[start:end]), end


def der_elements(data):
    """Every element in a run of DER."""
    pos = 0
    while pos < len(data):
        element, pos = der_read(data, pos)
        yield element


def expect(element, tag, what):
    """Check an element's tag."""
    if element.tag != tag:
        raise TrustError("%s: expected tag 0x%02x, found 0x%02x"
                         % (what, tag, element.tag))
    return element


def unsigned(integer):
    """An INTEGER's contents as a big-endian unsigned number."""
    if not integer or integer[0] & 0x80:
        raise TrustError("negative or empty integer in public key")
    return integer.lstrip(b"\0") or b"\0"


def common_name(name):
    """The CN of a Name, for comments, or a hex dump of the name."""
    for rdn in name.children():
        for attribute in rdn.children():
            parts = attribute.children()
            if len(parts) == 2 and parts[0].contents == OID_COMMON_NAME:
                return parts[1].contents.decode("utf-8", "replace")
    return name.encoding.hex()


def is_ca(version, extensions):
    """Whether a certificate is a CA (basicConstraints cA, or v1)."""
    if version == 0:
        return True
    if extensions is None:
        return False
    for extension in expect(extensions.children()[0], 0x30,
                            "extensions").children():
        parts = extension.children()
        if not parts or parts[0].contents != OID_BASIC_CONSTRAINTS:
            continue
        value = expect(parts[-1], 0x04, "basicConstraints")
        constraints, _ = der_read(value.contents, 0)
        fields = expect(constraints, 0x30, "basicConstraints").children()
        return bool(fields and fields[0].tag == 0x01 and
                    fields[0].contents not in (b"", b"\0"))
    return False


def parse_certificate(der):
    """Turn one DER certificate into a dict describing its anchor."""
    certificate, end = der_read(der, 0)
    if end != len(der):
        raise TrustError("bytes after the certificate")
    fields = expect(certificate, 0x30, "certificate").children()
    tbs = expect(fields[0], 0x30, "tbsCertificate").children()
    version = 0
    if tbs and tbs[0].tag == 0xa0:
        version = int.from_bytes(tbs[0].children()[0].contents, "big")
        tbs = tbs[1:]
    if len(tbs) < 6:
        raise TrustError("tbsCertificate too short")
    subject = expect(tbs[4], 0x30, "subject")
    spki = expect(tbs[5], 0x30, "subjectPublicKeyInfo").children()
    extensions = next((f for f in tbs[6:] if f.tag == 0xa3), None)
    algorithm = expect(spki[0], 0x30, "algorithm").children()
    bits = expect(spki[1], 0x03, "subjectPublicKey").contents
    if not bits or bits[0] != 0:
        raise TrustError("public key is not a whole number of bytes")
    key = bits[1:]
    anchor = {
        "dn": subject.encoding,
        "ca": is_ca(version, extensions),
        "name": common_name(subject),
        "sha256": hashlib.sha256(der).hexdigest(),
    }
    oid = expect(algorithm[0], 0x06, "algorithm").contents
    if oid == OID_RSA:
        rsa, _ = der_read(key, 0)
        numbers = expect(rsa, 0x30, "RSA key").children()
        if len(numbers) != 2:
            raise TrustError("RSA key is not a modulus and an exponent")
        anchor["type"] = "rsa"
        anchor["n"] = unsigned(expect(numbers[0], 0x02, "modulus").contents)
        anchor["e"] = unsigned(expect(numbers[1], 0x02, "exponent").contents)
    elif oid == OID_EC:
        if len(algorithm) < 2 or algorithm[1].tag != 0x06:
            raise TrustError("EC key without a named curve")
        curve = CURVES.get(algorithm[1].contents)
        if curve is None:
            raise TrustError("EC curve not supported (P-256, P-384, "
                             "P-521 are)")
        anchor["type"] = "ec"
        anchor["curve"] = curve
        anchor["q"] = key
    else:
        raise TrustError("public key type not supported (RSA and EC are)")
    return anchor


def read_certificates(path):
    """Every certificate (DER) in a PEM file."""
    with open(path, "rb") as f:
        text = f.read()
    blocks = PEM_CERT.findall(text)
    if not blocks:
        raise TrustError("no PEM certificate in the file")
    return [base64.b64decode(b"".join(block.split()), validate=True)
            for block in blocks]


def c_bytes(data):
    """C initialiser lines for a byte array."""
    lines = []
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    return "\n".join(lines)


def c_comment(text):
    """Text made safe for a C comment."""
    return "".join(c if 32 <= ord(c) < 127 else "?"
                   for c in text).replace("*/", "*?")


def generate(anchors, sources, prefix):
    """The C source for a list of anchors."""
    out = ["/*",
           " * Trust anchors built in with TRUST=; generated by "
           "util/trust.py.",
           " * Do not edit.  Sources:"]
    for source in sources:
        out.append(" *   %s" % c_comment(source))
    if not sources:
        out.append(" *   (none: no certificate is trusted)")
    out += [" */", "", '#include "crypto/trust.h"', ""]
    for index, anchor in enumerate(anchors):
        name = "%s_%d" % (prefix, index)
        out.append("/* %s%s, SHA-256 %s */" % (
            c_comment(anchor["name"]), "" if anchor["ca"] else " (not a CA)",
            anchor["sha256"]))
        parts = [("dn", anchor["dn"])]
        if anchor["type"] == "rsa":
            parts += [("n", anchor["n"]), ("e", anchor["e"])]
        else:
            parts += [("q", anchor["q"])]
        for part, data in parts:
            out += ["static const unsigned char %s_%s[] = {" % (name, part),
                    c_bytes(data), "};"]
        out += ["static br_x509_trust_anchor %s __trust_anchor = {" % name,
                "\t.dn = { (unsigned char *)%s_dn, sizeof(%s_dn) }," % (
                    name, name),
                "\t.flags = %s," % ("BR_X509_TA_CA" if anchor["ca"] else "0"),
                "\t.pkey = {"]
        if anchor["type"] == "rsa":
            out += ["\t\t.key_type = BR_KEYTYPE_RSA,",
                    "\t\t.key.rsa = { (unsigned char *)%s_n, sizeof(%s_n),"
                    % (name, name),
                    "\t\t\t     (unsigned char *)%s_e, sizeof(%s_e) }," % (
                        name, name)]
        else:
            out += ["\t\t.key_type = BR_KEYTYPE_EC,",
                    "\t\t.key.ec = { %s, (unsigned char *)%s_q, sizeof(%s_q) },"
                    % (anchor["curve"], name, name)]
        out += ["\t},", "};", ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(
        description="PEM certificates to BearSSL trust anchors (C source)")
    parser.add_argument("-o", "--output", help="output file (default stdout)")
    parser.add_argument("--prefix", default="trust_anchor",
                        help="C name prefix of the anchors")
    parser.add_argument("files", nargs="*", help="PEM files")
    args = parser.parse_args()

    anchors = []
    sources = []
    seen = set()
    for path in args.files:
        try:
            certificates = read_certificates(path)
            for der in certificates:
                if der in seen:
                    continue
                seen.add(der)
                anchor = parse_certificate(der)
                anchors.append(anchor)
                sources.append("%s: %s" % (path, anchor["name"]))
        except (OSError, ValueError, TrustError, IndexError) as error:
            sys.stderr.write("trust.py: %s: %s\n" % (path, error))
            return 1
    text = generate(anchors, sources, args.prefix)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
