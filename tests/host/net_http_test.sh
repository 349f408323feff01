#!/bin/bash
# HTTP client over a real TAP interface, against real servers.
#
#   tests/host/net_http_test.sh [FERRY]     (as root; FERRY defaults to
#                                            bin/host/ferry)
#
# A network namespace ferry-http-<pid> gets a TAP interface fhttp0
# holding 192.0.2.1/24 (TEST-NET-1, RFC 5737: nothing outside the
# namespace is ever addressed).  Two servers listen there: Python's
# http.server on port 8000 (plain GETs, HTTP/1.0) and
# tests/host/http_server.py on port 8080 (keep-alive, chunked bodies,
# redirects, Basic and Digest authentication, ranges, resets, stalls,
# truncation, status codes, forms).  Ferry runs inside the namespace
# with --tap fhttp0 as 192.0.2.10 and a script that fetches with
# "imgfetch" and prints "sha256sum"; this script checks each digest
# against the file served, each failure's one-line error, and the
# server's request log (which requests shared a connection, which asked
# for a range).  Last, a 256 MiB download gives a rough throughput
# figure (printed, not checked).
#
# Each check prints "PASS name" or "FAIL name: reason"; the exit status
# is 0 only if all passed, 77 if the test cannot run here (not root, no
# /dev/net/tun, no ip command, no python3).  Only the processes this
# script started are stopped, and the namespace (with its interface) is
# deleted at the end, whatever happens.

set -u

FERRY=${1:-bin/host/ferry}
HERE=$(cd "$(dirname "$0")" && pwd)
NS="ferry-http-$$"
TAP=fhttp0
FERRY_ADDR=192.0.2.10
SERVER_ADDR=192.0.2.1
PLAIN_PORT=8000
TEST_PORT=8080
# Longest Ferry may run before it is killed (the stall case alone takes
# Ferry's 30 s idle timeout)
FERRY_TIMEOUT_S=300
# Size of the throughput download
BIG_MIB=256

WORK=""
FERRY_PID=""
PLAIN_PID=""
TEST_PID=""
. "$(dirname "$0")/check_lib.sh"

# Stop what we started and delete the namespace
cleanup() {
	stop_pid "$FERRY_PID"
	stop_pid "$PLAIN_PID"
	stop_pid "$TEST_PID"
	exec 3>&-
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	! command -v ip >/dev/null || ! command -v python3 >/dev/null; then
	echo "SKIP net-http: needs root, /dev/net/tun, ip and python3"
	exit 77
fi
if [ ! -x "$FERRY" ]; then
	echo "FAIL net-http: $FERRY not built"
	exit 1
fi
FERRY=$(readlink -f "$FERRY")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-http.XXXXXX)
WWW="$WORK/www"
mkdir -p "$WWW"

# The files served: random ones, and a sparse one for throughput
head -c $((100 * 1024 + 17)) /dev/urandom > "$WWW/small.bin"
head -c $((3 * 1024 * 1024 + 5)) /dev/urandom > "$WWW/medium.bin"
truncate -s "${BIG_MIB}M" "$WWW/big.bin"
sha() {
	sha256sum "$1" | cut -d' ' -f1
}
SMALL_SHA=$(sha "$WWW/small.bin")
MEDIUM_SHA=$(sha "$WWW/medium.bin")
BIG_SHA=$(sha "$WWW/big.bin")
FORM_BODY='user=ferry&n=42&text=a%20b%26c'
FORM_SHA=$(printf '%s' "$FORM_BODY" | sha256sum | cut -d' ' -f1)

# The namespace and its end of the link
if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS" addr add "$SERVER_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" link set "$TAP" up; then
	result FAIL net-http-setup "could not create namespace $NS"
	exit 1
fi

# The servers
ip netns exec "$NS" python3 -u -m http.server --bind "$SERVER_ADDR" \
	--directory "$WWW" "$PLAIN_PORT" > "$WORK/plain.log" 2>&1 &
PLAIN_PID=$!
ip netns exec "$NS" python3 -u "$HERE/http_server.py" --root "$WWW" \
	--bind "$SERVER_ADDR" --port "$TEST_PORT" --log "$WORK/requests.log" \
	--user ferry --password s3cret > "$WORK/test-server.log" 2>&1 &
TEST_PID=$!
for _ in $(seq 1 100); do
	grep -q "Serving HTTP" "$WORK/plain.log" 2>/dev/null &&
		grep -q listening "$WORK/test-server.log" 2>/dev/null && break
	sleep 0.1
done
if ! grep -q listening "$WORK/test-server.log" ||
	! grep -q "Serving HTTP" "$WORK/plain.log"; then
	result FAIL net-http-setup "servers did not start"
	cat "$WORK/plain.log" "$WORK/test-server.log"
	exit 1
fi

P="http://$SERVER_ADDR:$PLAIN_PORT"
T="http://$SERVER_ADDR:$TEST_PORT"
cat > "$WORK/test.ipxe" <<EOF
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
ifopen net0
echo CASE plain
imgfetch --name plain $P/small.bin && sha256sum plain || echo CASE-FAILED plain
echo CASE keepalive
imgfetch --name ka1 $T/files/small.bin && sha256sum ka1 || echo CASE-FAILED ka1
imgfetch --name ka2 $T/files/medium.bin && sha256sum ka2 || echo CASE-FAILED ka2
echo CASE chunked
imgfetch --name chunked $T/chunked/medium.bin && sha256sum chunked || echo CASE-FAILED chunked
echo CASE redirect
imgfetch --name redirect $T/redirect/5/small.bin && sha256sum redirect || echo CASE-FAILED redirect
echo CASE loop
imgfetch --name loop $T/loop || echo CASE-FAILED loop
echo CASE basic
imgfetch --name basic http://ferry:s3cret@$SERVER_ADDR:$TEST_PORT/basic/small.bin && sha256sum basic || echo CASE-FAILED basic
imgfetch --name basicbad http://ferry:wrong@$SERVER_ADDR:$TEST_PORT/basic/small.bin || echo CASE-FAILED basicbad
imgfetch --name basicnone $T/basic/small.bin || echo CASE-FAILED basicnone
echo CASE digest
imgfetch --name digest http://ferry:s3cret@$SERVER_ADDR:$TEST_PORT/digest/small.bin && sha256sum digest || echo CASE-FAILED digest
imgfetch --name digestold http://ferry:s3cret@$SERVER_ADDR:$TEST_PORT/digest-legacy/small.bin && sha256sum digestold || echo CASE-FAILED digestold
imgfetch --name digest256 http://ferry:s3cret@$SERVER_ADDR:$TEST_PORT/digest-sha256/small.bin && sha256sum digest256 || echo CASE-FAILED digest256
imgfetch --name digestbad http://ferry:wrong@$SERVER_ADDR:$TEST_PORT/digest/small.bin || echo CASE-FAILED digestbad
echo CASE resume
imgfetch --name resume $T/reset/medium.bin && sha256sum resume || echo CASE-FAILED resume
imgfetch --name noresume $T/reset-norange/medium.bin || echo CASE-FAILED noresume
echo CASE truncate
imgfetch --name truncate $T/truncate/medium.bin || echo CASE-FAILED truncate
echo CASE status
imgfetch --name s404 $T/status/404 || echo CASE-FAILED s404
imgfetch --name s403 $T/status/403 || echo CASE-FAILED s403
imgfetch --name s500 $T/status/500 || echo CASE-FAILED s500
imgfetch --name s503 $T/status/503 || echo CASE-FAILED s503
imgfetch --name missing $T/files/missing.bin || echo CASE-FAILED missing
echo CASE form
params
param user ferry
param n 42
param text a b&c
imgfetch --name form $T/form##params && sha256sum form || echo CASE-FAILED form
params --name so
param --params so x 1
imgfetch --name seeother $T/see-other/small.bin##params=so && sha256sum seeother || echo CASE-FAILED seeother
echo CASE refused
imgfetch --name refused http://$SERVER_ADDR:9/nothing || echo CASE-FAILED refused
echo CASE stall
imgfetch --name stall $T/stall/medium.bin || echo CASE-FAILED stall
echo CASE big
imgfetch --name big $T/files/big.bin && sha256sum big || echo CASE-FAILED big
echo FERRY-DONE
EOF

run_ferry "$FERRY" "$WORK/test.ipxe" "$WORK/ferry.log"

# ---- checks --------------------------------------------------------------

# The connection numbers of the requests whose log lines match
#   $1: regular expression
conns_of() {
	grep -E "$1" "$WORK/requests.log" | sed 's/^conn=\([0-9]*\) .*/\1/'
}

check_sha net-http-plain-get plain "$SMALL_SHA"
check_sha net-http-keepalive-first ka1 "$SMALL_SHA"
check_sha net-http-keepalive-second ka2 "$MEDIUM_SHA"
KA=$(conns_of ' GET /files/(small|medium)\.bin range=- ' | head -n 2 | sort -u)
if [ "$(printf '%s\n' "$KA" | grep -c .)" = 1 ]; then
	result PASS net-http-keepalive-reused
else
	result FAIL net-http-keepalive-reused "requests came on connections $(echo $KA)"
fi
check_sha net-http-chunked chunked "$MEDIUM_SHA"
check_sha net-http-redirect redirect "$SMALL_SHA"
RC=$(conns_of ' GET /redirect/' | sort -u)
if [ "$(grep -c ' GET /redirect/' "$WORK/requests.log")" = 5 ] &&
	[ "$(printf '%s\n' "$RC" | grep -c .)" = 1 ]; then
	result PASS net-http-redirect-one-connection
else
	result FAIL net-http-redirect-one-connection "redirects came on connections $(echo $RC)"
fi
check_error net-http-redirect-loop "$T/loop" "Too many HTTP redirects"
check_sha net-http-basic basic "$SMALL_SHA"
check_error net-http-basic-wrong "http://ferry:***@$SERVER_ADDR:$TEST_PORT/basic/small.bin" \
	"HTTP 401: authentication failed"
check_error net-http-basic-none "$T/basic/small.bin" \
	"HTTP 401: the server wants a user name and password"
check_sha net-http-digest digest "$SMALL_SHA"
check_sha net-http-digest-no-qop digestold "$SMALL_SHA"
check_sha net-http-digest-sha256 digest256 "$SMALL_SHA"
check_error net-http-digest-wrong "http://ferry:***@$SERVER_ADDR:$TEST_PORT/digest/small.bin" \
	"HTTP 401: authentication failed"
check_sha net-http-resume resume "$MEDIUM_SHA"
if [ "$(grep -c ' GET /reset/medium\.bin range=bytes=[0-9]*- ' "$WORK/requests.log")" = 2 ]; then
	result PASS net-http-resume-ranges
else
	result FAIL net-http-resume-ranges "expected two Range requests: $(grep ' /reset/' "$WORK/requests.log" | tr '\n' ';')"
fi
check_error net-http-no-resume "$T/reset-norange/medium.bin" "(TCP )?[Cc]onnection reset.*"
check_error net-http-truncated "$T/truncate/medium.bin" \
	"HTTP connection closed before the end of the body"
check_error net-http-404 "$T/status/404" "HTTP 404 Not Found"
check_error net-http-403 "$T/status/403" "HTTP 403 Forbidden"
check_error net-http-500 "$T/status/500" "HTTP 500 Internal Server Error"
check_error net-http-503 "$T/status/503" "HTTP 503 Service Unavailable"
check_error net-http-missing "$T/files/missing.bin" "HTTP 404 Not Found"
check_sha net-http-post-form form "$FORM_SHA"
check_sha net-http-post-see-other seeother "$SMALL_SHA"
if grep -q ' POST /see-other/small\.bin ' "$WORK/requests.log" &&
	! grep -q ' POST /files/' "$WORK/requests.log"; then
	result PASS net-http-see-other-get
else
	result FAIL net-http-see-other-get "the 303 was not followed with a GET"
fi
check_error net-http-refused "http://$SERVER_ADDR:9/nothing" "(TCP )?[Cc]onnection refused.*"
check_error net-http-stall "$T/stall/medium.bin" \
	"HTTP server stopped sending \(timed out\)"
check_sha net-http-big big "$BIG_SHA"
RATE=$(grep -E "^$(printf '%s' "$T/files/big.bin" | sed 's/[.]/\\./g')\.\.\. .* ok\$" \
	"$WORK/ferry.log.txt" | tail -n 1 | grep -oE '[0-9]+ [KM]?i?B/s')
echo "INFO net-http-big: ${BIG_MIB} MiB at ${RATE:-unknown rate}"
if [ "$FERRY_STATUS" = 0 ] && grep -q FERRY-DONE "$WORK/ferry.log.txt"; then
	result PASS net-http-ferry-exit
else
	result FAIL net-http-ferry-exit "Ferry ended with status $FERRY_STATUS"
fi

if [ "$FAILED" != 0 ]; then
	echo "--- Ferry's output (without progress lines):"
	grep -v '\.\.\. ' "$WORK/ferry.log.txt" | tail -n 150
	echo "--- the test server's request log:"
	tail -n 80 "$WORK/requests.log"
	echo "--- the test server's output:"
	tail -n 20 "$WORK/test-server.log"
	exit 1
fi
exit 0
