#!/bin/bash
# HTTPS over a real TAP interface: TLS 1.2 against OpenSSL and Python
# servers, with certificates made here by openssl.
#
#   tests/host/net_https_test.sh [FERRY]    (as root; FERRY defaults to
#                                            bin/host/ferry, built
#                                            without TRUST=)
#
# openssl makes a root CA and, from it, a server certificate for
# 192.0.2.1 and ferry-tls.test, one for other names, and one that
# expired in 2021; a second root that nobody trusts issues another
# certificate for the right names.  Ferry is built with TRUST= set to
# the first root, into a build directory of its own under build/ (so
# that the default build is left alone), and run in a network namespace
# ferry-tls-<pid> on a TAP interface ftls0 (192.0.2.0/24, TEST-NET-1).
# There it fetches a file with "imgfetch https://..." from each server:
#
#   443    Python's http.server over ssl, the good certificate
#          (by address, by name, twice on one connection, and 64 MiB
#          for a throughput figure)
#   8443   the certificate for other names     -> host name does not match
#   9443   the expired certificate             -> expired
#   10443  the certificate from the other root -> not trusted
#   11443  "openssl s_server -WWW" (HTTP/1.0, the body ends with
#          close_notify), the good certificate
#
# and, by name, wrong.ferry-tls.test, which DNS (dnsmasq, when there is
# one) also points at port 443.  The file's SHA-256 must come out right
# and each refusal must be its one-line error.  FERRY itself, without
# trusted roots, must refuse the good server too.
#
# Each check prints "PASS name" or "FAIL name: reason" (or "SKIP name:
# reason"); the exit status is 0 only if none failed, 77 if the test
# cannot run here (not root, no /dev/net/tun, no ip, python3 or
# openssl).  Only the processes this script started are stopped; the
# namespace and the build directory are deleted at the end, whatever
# happens.

set -u

FERRY_DEFAULT=${1:-bin/host/ferry}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NS="ferry-tls-$$"
TAP=ftls0
FERRY_ADDR=192.0.2.10
SERVER_ADDR=192.0.2.1
NAME=ferry-tls.test
WRONG_NAME=wrong.ferry-tls.test
# Longest a Ferry run may take before it is killed
FERRY_TIMEOUT_S=240
# Longest the TRUST= build may take
BUILD_TIMEOUT_S=900
# Size of the file fetched, and of the throughput download
FILE_BYTES=$((1024 * 1024 + 13))
BIG_MIB=64

WORK=""
BUILD_DIR=""
PIDS=""
FERRY_PID=""
. "$(dirname "$0")/check_lib.sh"

# Stop what we started, delete the namespace and the build directory
cleanup() {
	local pid
	stop_pid "$FERRY_PID"
	for pid in $PIDS; do
		stop_pid "$pid"
	done
	exec 3>&-
	ip netns del "$NS" 2>/dev/null
	[ -n "$BUILD_DIR" ] && rm -rf "$REPO/$BUILD_DIR"
	[ -n "$WORK" ] && rm -rf "$WORK"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	! command -v ip >/dev/null || ! command -v python3 >/dev/null ||
	! command -v openssl >/dev/null; then
	echo "SKIP net-https: needs root, /dev/net/tun, ip, python3 and openssl"
	exit 77
fi
if [ ! -x "$FERRY_DEFAULT" ]; then
	echo "FAIL net-https: $FERRY_DEFAULT not built"
	exit 1
fi
FERRY_DEFAULT=$(readlink -f "$FERRY_DEFAULT")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-https.XXXXXX)
WWW="$WORK/www"
CA="$WORK/ca"
mkdir -p "$WWW" "$CA/new"

# ---- certificates --------------------------------------------------------

# Run openssl quietly in the CA directory; stop on failure
ossl() {
	if ! (cd "$CA" && openssl "$@") > "$CA/openssl.log" 2>&1; then
		result FAIL net-https-certificates "openssl $1 failed: $(tail -n 3 "$CA/openssl.log")"
		exit 1
	fi
}

# A leaf's extensions
#   $1: file, $2: subjectAltName
leaf_ext() {
	printf '%s\n' "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$2" > "$CA/$1"
}

# A root: RSA, self-signed
#   $1: name, $2: common name
make_root() {
	ossl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-keyout "$1.key" -out "$1.pem" -subj "/O=Ferry tests/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
}

# A leaf: EC P-256, issued by a root, with its chain file (leaf, root)
#   $1: name, $2: issuer, $3: extensions file
make_leaf() {
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
	ossl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
		-set_serial "$((RANDOM + 1000))" -days 825 -sha256 \
		-extfile "$3" -out "$1.pem"
	cat "$CA/$1.pem" "$CA/$2.pem" > "$CA/$1.chain.pem"
}

make_root root "Ferry HTTPS Test Root"
make_root other-root "Ferry Untrusted Root"
leaf_ext good.ext "DNS:$NAME,IP:$SERVER_ADDR"
leaf_ext wrong.ext "DNS:other.test,IP:192.0.2.99"
make_leaf good root good.ext
make_leaf wrong root wrong.ext
make_leaf untrusted other-root good.ext

# The expired one needs fixed dates: "openssl ca" sets them
cat > "$CA/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $CA/index.txt
new_certs_dir = $CA/new
serial = $CA/serial
default_md = sha256
policy = policy_any
[ policy_any ]
commonName = supplied
EOF
: > "$CA/index.txt"
echo 1000 > "$CA/serial"
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout expired.key -out expired.csr -subj "/CN=expired"
ossl ca -batch -config ca.cnf -cert root.pem -keyfile root.key \
	-in expired.csr -out expired.pem -notext -extfile good.ext \
	-startdate 20200101000000Z -enddate 20210101000000Z
cat "$CA/expired.pem" "$CA/root.pem" > "$CA/expired.chain.pem"

# ---- Ferry, trusting the root --------------------------------------------

# Its own build directory (relative, inside build/), starting from the
# default build's objects so that little is rebuilt
BUILD_DIR="build/https-test-$$"
mkdir -p "$REPO/$BUILD_DIR"
ln -s ../deps "$REPO/$BUILD_DIR/deps"
[ -d "$REPO/build/host" ] && cp -a "$REPO/build/host" "$REPO/$BUILD_DIR/"
MAKEFILE="$REPO/Makefile"
if ! grep -q '^include crypto/trust.mk' "$MAKEFILE"; then
	# Until the top Makefile includes it (after crypto/bearssl.mk)
	sed 's|^include crypto/bearssl.mk$|&\ninclude crypto/trust.mk|' \
		"$MAKEFILE" > "$WORK/Makefile"
	MAKEFILE="$WORK/Makefile"
fi
if ! (cd "$REPO" && timeout "$BUILD_TIMEOUT_S" make -f "$MAKEFILE" -j2 \
	BUILD="$BUILD_DIR" TRUST="$CA/root.pem" "$BUILD_DIR/host/ferry.elf") \
	> "$WORK/build.log" 2>&1; then
	result FAIL net-https-build "make TRUST=root.pem failed: $(tail -n 5 "$WORK/build.log")"
	exit 1
fi
FERRY="$WORK/ferry"
cp "$REPO/$BUILD_DIR/host/ferry.elf" "$FERRY"
if grep -q "Ferry HTTPS Test Root" "$REPO/$BUILD_DIR/trust/trust_anchors.c"; then
	result PASS net-https-build
else
	result FAIL net-https-build "the root is not in the generated trust anchors"
fi

# ---- network and servers -------------------------------------------------

if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS" addr add "$SERVER_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" link set "$TAP" up; then
	result FAIL net-https-setup "could not create namespace $NS"
	exit 1
fi

head -c "$FILE_BYTES" /dev/urandom > "$WWW/file.bin"
truncate -s "${BIG_MIB}M" "$WWW/big.bin"
FILE_SHA=$(sha256sum "$WWW/file.bin" | cut -d' ' -f1)
BIG_SHA=$(sha256sum "$WWW/big.bin" | cut -d' ' -f1)

# An HTTPS file server: HTTP/1.1 keep-alive, one log line per request
# with the client's port (which tells connections apart)
cat > "$WORK/https_server.py" <<'EOF'
import functools
import http.server
import ssl
import sys

addr, port, chain, key, root, log = sys.argv[1:7]


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        with open(log, "a") as f:
            f.write("port=%d conn=%d %s\n" % (int(port),
                                               self.client_address[1],
                                               fmt % args))


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(chain, key)
server = http.server.ThreadingHTTPServer(
    (addr, int(port)), functools.partial(Handler, directory=root))
server.socket = context.wrap_socket(server.socket, server_side=True)
print("listening", flush=True)
server.serve_forever()
EOF

# Start a Python HTTPS server
#   $1: port, $2: certificate name
start_python() {
	ip netns exec "$NS" python3 -u "$WORK/https_server.py" "$SERVER_ADDR" \
		"$1" "$CA/$2.chain.pem" "$CA/$2.key" "$WWW" \
		"$WORK/requests.log" > "$WORK/server-$1.log" 2>&1 &
	PIDS="$PIDS $!"
}
start_python 443 good
start_python 8443 wrong
start_python 9443 expired
start_python 10443 untrusted
(cd "$WWW" && exec ip netns exec "$NS" openssl s_server -quiet -WWW \
	-accept "$SERVER_ADDR:11443" -cert "$CA/good.pem" -key "$CA/good.key" \
	-CAfile "$CA/root.pem") > "$WORK/server-11443.log" 2>&1 &
PIDS="$PIDS $!"
HAVE_DNS=0
if command -v dnsmasq >/dev/null; then
	ip netns exec "$NS" dnsmasq --no-daemon --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SERVER_ADDR" --except-interface=lo \
		--address="/$NAME/$SERVER_ADDR" --pid-file= \
		> "$WORK/dnsmasq.log" 2>&1 &
	PIDS="$PIDS $!"
	HAVE_DNS=1
fi
for _ in $(seq 1 100); do
	[ "$(cat "$WORK"/server-*.log 2>/dev/null | grep -c listening)" = 4 ] &&
		break
	sleep 0.1
done
sleep 0.5
if [ "$(cat "$WORK"/server-*.log | grep -c listening)" != 4 ]; then
	result FAIL net-https-setup "servers did not start: $(cat "$WORK"/server-*.log | tail -n 5)"
	exit 1
fi

# ---- Ferry's runs --------------------------------------------------------

U="https://$SERVER_ADDR"
cat > "$WORK/test.ipxe" <<EOF
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
set dns $SERVER_ADDR
ifopen net0
echo CASE good
imgfetch --name good $U/file.bin && sha256sum good || echo CASE-FAILED good
imgfetch --name again $U/file.bin && sha256sum again || echo CASE-FAILED again
echo CASE name
imgfetch --name byname https://$NAME/file.bin && sha256sum byname || echo CASE-FAILED byname
imgfetch --name wrongname https://$WRONG_NAME/file.bin || echo CASE-FAILED wrongname
echo CASE wrong
imgfetch --name wrong $U:8443/file.bin || echo CASE-FAILED wrong
echo CASE expired
imgfetch --name expired $U:9443/file.bin || echo CASE-FAILED expired
echo CASE untrusted
imgfetch --name untrusted $U:10443/file.bin || echo CASE-FAILED untrusted
echo CASE close-notify
imgfetch --name sserver $U:11443/file.bin && sha256sum sserver || echo CASE-FAILED sserver
echo CASE big
imgfetch --name big $U/big.bin && sha256sum big || echo CASE-FAILED big
echo FERRY-DONE
EOF
cat > "$WORK/noroots.ipxe" <<EOF
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
ifopen net0
imgfetch --name noroots $U/file.bin || echo CASE-FAILED noroots
echo FERRY-DONE
EOF

run_ferry "$FERRY" "$WORK/test.ipxe" "$WORK/ferry.log"
MAIN_STATUS=$FERRY_STATUS
run_ferry "$FERRY_DEFAULT" "$WORK/noroots.ipxe" "$WORK/noroots.log"
NOROOTS_STATUS=$FERRY_STATUS

# ---- checks --------------------------------------------------------------

check_sha net-https-good good "$FILE_SHA"
check_sha net-https-again again "$FILE_SHA"
CONNS=$(grep '^port=443 ' "$WORK/requests.log" 2>/dev/null |
	grep ' "GET /file.bin ' | head -n 2 | sed 's/.* conn=\([0-9]*\) .*/\1/' |
	sort -u | grep -c .)
if [ "$CONNS" = 1 ]; then
	result PASS net-https-keepalive
else
	result FAIL net-https-keepalive "the two fetches came on $CONNS connections"
fi
if [ "$HAVE_DNS" = 1 ]; then
	check_sha net-https-by-name byname "$FILE_SHA"
	check_error net-https-wrong-name-dns "https://$WRONG_NAME/file.bin" \
		"TLS: host name does not match the certificate"
else
	result SKIP net-https-by-name "no dnsmasq"
	result SKIP net-https-wrong-name-dns "no dnsmasq"
fi
check_error net-https-wrong-name "$U:8443/file.bin" \
	"TLS: host name does not match the certificate"
check_error net-https-expired "$U:9443/file.bin" \
	"TLS: certificate expired or not yet valid \(check the clock\)"
check_error net-https-untrusted "$U:10443/file.bin" \
	"TLS: certificate not trusted"
check_sha net-https-close-notify sserver "$FILE_SHA"
check_sha net-https-big big "$BIG_SHA"
RATE=$(grep -E "^$(printf '%s' "$U/big.bin" | sed 's/[.]/\\./g')\.\.\. .* ok\$" \
	"$WORK/ferry.log.txt" | tail -n 1 | grep -oE '[0-9.]+ [KMG]?i?B/s')
echo "INFO net-https-big: ${BIG_MIB} MiB at ${RATE:-unknown rate}"
check_error net-https-no-roots "$U/file.bin" \
	"TLS: (no trusted roots \(build Ferry with TRUST=\)|certificate not trusted)" \
	"$WORK/noroots.log.txt"
if [ "$MAIN_STATUS" = 0 ] && grep -q FERRY-DONE "$WORK/ferry.log.txt" &&
	[ "$NOROOTS_STATUS" = 0 ] && grep -q FERRY-DONE "$WORK/noroots.log.txt"; then
	result PASS net-https-ferry-exit
else
	result FAIL net-https-ferry-exit "Ferry ended with status $MAIN_STATUS / $NOROOTS_STATUS"
fi

if [ "$FAILED" != 0 ]; then
	echo "--- Ferry's output (without progress lines):"
	grep -v '\.\.\. ' "$WORK/ferry.log.txt" | tail -n 80
	echo "--- Ferry without roots:"
	grep -v '\.\.\. ' "$WORK/noroots.log.txt" | tail -n 10
	echo "--- the servers' request log:"
	tail -n 20 "$WORK/requests.log" 2>/dev/null
	echo "--- the servers' output:"
	tail -n 5 "$WORK"/server-*.log
	exit 1
fi
exit 0
