#!/bin/bash
# TFTP client over a real TAP interface, against real servers.
#
#   tests/host/net_tftp_test.sh [FERRY]     (as root; FERRY defaults to
#                                            bin/host/ferry)
#
# A network namespace ferry-tftp-<pid> gets a TAP interface ftftp0 with
# two addresses of TEST-NET-1 (RFC 5737): atftpd (blksize, tsize,
# windowsize) listens on 192.0.2.1, dnsmasq's TFTP server (blksize and
# tsize, no windowsize) on 192.0.2.2.  Ferry runs inside the namespace
# with --tap ftftp0 as 192.0.2.10 and a script that fetches 16 MiB and a
# small file from each, with Ferry's default window and with
# ${tftp-windowsize} 16, and a file that is not there; this script checks
# each digest against the file served, the missing file's one-line
# error, and atftpd's log for the options it granted.
#
# Each check prints "PASS name" or "FAIL name: reason"; the exit status
# is 0 only if all passed, 77 if the test cannot run here (not root, no
# /dev/net/tun, no ip, atftpd or dnsmasq).  Only the processes this
# script started are stopped, and the namespace is deleted at the end.

set -u

FERRY=${1:-bin/host/ferry}
NS="ferry-tftp-$$"
TAP=ftftp0
FERRY_ADDR=192.0.2.10
ATFTPD_ADDR=192.0.2.1
DNSMASQ_ADDR=192.0.2.2
# Longest Ferry may run before it is killed
FERRY_TIMEOUT_S=150

WORK=""
FERRY_PID=""
ATFTPD_PID=""
DNSMASQ_PID=""
. "$(dirname "$0")/check_lib.sh"

# Stop what we started and delete the namespace
cleanup() {
	stop_pid "$FERRY_PID"
	stop_pid "$ATFTPD_PID"
	stop_pid "$DNSMASQ_PID"
	exec 3>&-
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	! command -v ip >/dev/null || ! command -v atftpd >/dev/null ||
	! command -v dnsmasq >/dev/null; then
	echo "SKIP net-tftp: needs root, /dev/net/tun, ip, atftpd and dnsmasq"
	exit 77
fi
if [ ! -x "$FERRY" ]; then
	echo "FAIL net-tftp: $FERRY not built"
	exit 1
fi
FERRY=$(readlink -f "$FERRY")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-tftp.XXXXXX)
ROOT_DIR="$WORK/tftp"
mkdir -p "$ROOT_DIR"
head -c $((16 * 1024 * 1024)) /dev/urandom > "$ROOT_DIR/big.bin"
head -c $((100 * 1024 + 17)) /dev/urandom > "$ROOT_DIR/small.bin"
sha() {
	sha256sum "$1" | cut -d' ' -f1
}
BIG_SHA=$(sha "$ROOT_DIR/big.bin")
SMALL_SHA=$(sha "$ROOT_DIR/small.bin")

# The namespace and its end of the link
if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS" addr add "$ATFTPD_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" addr add "$DNSMASQ_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" link set "$TAP" up; then
	result FAIL net-tftp-setup "could not create namespace $NS"
	exit 1
fi

# The servers
ip netns exec "$NS" atftpd --daemon --no-fork --logfile - --verbose=7 \
	--user root.root --bind-address "$ATFTPD_ADDR" --port 69 \
	"$ROOT_DIR" > "$WORK/atftpd.log" 2>&1 &
ATFTPD_PID=$!
ip netns exec "$NS" dnsmasq --keep-in-foreground --no-daemon --port=0 \
	--bind-interfaces --listen-address="$DNSMASQ_ADDR" \
	--except-interface=lo --enable-tftp --tftp-root="$ROOT_DIR" \
	--user=root --group=root --pid-file="$WORK/dnsmasq.pid" \
	--log-facility=- > "$WORK/dnsmasq.log" 2>&1 &
DNSMASQ_PID=$!
sleep 1
if ! kill -0 "$ATFTPD_PID" 2>/dev/null || ! kill -0 "$DNSMASQ_PID" 2>/dev/null; then
	result FAIL net-tftp-setup "servers did not start"
	cat "$WORK/atftpd.log" "$WORK/dnsmasq.log"
	exit 1
fi

A="tftp://$ATFTPD_ADDR"
D="tftp://$DNSMASQ_ADDR"
cat > "$WORK/test.ipxe" <<EOT
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
ifopen net0
imgfetch --name abig $A/big.bin && sha256sum abig || echo CASE-FAILED abig
imgfree abig
imgfetch --name asmall $A/small.bin && sha256sum asmall || echo CASE-FAILED asmall
set tftp-windowsize 16
imgfetch --name abig16 $A/big.bin && sha256sum abig16 || echo CASE-FAILED abig16
imgfree abig16
clear tftp-windowsize
imgfetch --name dbig $D/big.bin && sha256sum dbig || echo CASE-FAILED dbig
imgfree dbig
imgfetch --name dsmall $D/small.bin && sha256sum dsmall || echo CASE-FAILED dsmall
imgfetch --name missing $A/missing.bin || echo CASE-FAILED missing
echo FERRY-DONE
EOT

run_ferry "$FERRY" "$WORK/test.ipxe" "$WORK/ferry.log"

# ---- checks --------------------------------------------------------------

check_sha net-tftp-atftpd-16m abig "$BIG_SHA"
check_sha net-tftp-atftpd-small asmall "$SMALL_SHA"
check_sha net-tftp-atftpd-window16 abig16 "$BIG_SHA"
check_sha net-tftp-dnsmasq-16m dbig "$BIG_SHA"
check_sha net-tftp-dnsmasq-small dsmall "$SMALL_SHA"
for granted in "windowsize option -> 256" "windowsize option -> 16" \
	"blksize option -> 1468"; do
	if grep -q "$granted" "$WORK/atftpd.log"; then
		result PASS "net-tftp-atftpd-granted ($granted)"
	else
		result FAIL net-tftp-atftpd-granted "atftpd's log has no '$granted'"
	fi
done
MISSING=$(grep -F "($A/missing.bin)" "$WORK/ferry.log.txt" | grep -c '^error 0x')
if [ "$MISSING" = 1 ] && grep -q CASE-FAILED\ missing "$WORK/ferry.log.txt"; then
	result PASS net-tftp-missing-one-error
else
	result FAIL net-tftp-missing-one-error "expected one error line for the missing file, got $MISSING"
fi
if [ "$FERRY_STATUS" = 0 ] && grep -q FERRY-DONE "$WORK/ferry.log.txt"; then
	result PASS net-tftp-ferry-exit
else
	result FAIL net-tftp-ferry-exit "Ferry ended with status $FERRY_STATUS"
fi

if [ "$FAILED" != 0 ]; then
	echo "--- Ferry's output (without progress lines):"
	grep -v '\.\.\. ' "$WORK/ferry.log.txt" | tail -n 60
	echo "--- atftpd:"
	tail -n 30 "$WORK/atftpd.log"
	echo "--- dnsmasq:"
	tail -n 20 "$WORK/dnsmasq.log"
	exit 1
fi
exit 0
