#!/bin/bash
# DHCP and DNS against real dnsmasq servers over TAP interfaces.
#
#   tests/host/net_dhcp_test.sh [FERRY]     (as root; FERRY defaults to
#                                            bin/host/ferry)
#
# A network namespace ferry-dhcp-<pid> holds three TAP interfaces, one
# per Ferry device (addresses only from TEST-NET-1 and TEST-NET-2, RFC
# 5737, so nothing outside the namespace is ever addressed):
#
#   ftap0 (net0)  192.0.2.1/24: dnsmasq serving DHCP and DNS, with
#                 boot.example.test -> 192.0.2.1 and the alias
#                 www.example.test -> boot.example.test
#   ftap1 (net1)  198.51.100.1/24: a DHCP server that gives no boot
#                 file, and a proxyDHCP server (a second dnsmasq with a
#                 PXE boot menu) that does, on port 4011
#   ftap2 (net2)  no server at all
#
# Ferry runs a script that configures each device, shows the settings,
# resolves names, and checks that DHCP with no server fails with one
# error line within its "dhcp-timeout".  Each check prints "PASS name"
# or "FAIL name: reason"; the exit status is 0 only if all passed, 77 if
# the test cannot run here (not root, no /dev/net/tun, no ip or
# dnsmasq).  Only the processes this script started are stopped, and the
# namespace is deleted at the end, whatever happens.

set -u

FERRY=${1:-bin/host/ferry}
NS="ferry-dhcp-$$"
# Longest Ferry may run before it is killed
FERRY_TIMEOUT_S=90
# "dhcp-timeout" for the device with no server, and the slack allowed
NOSERVER_TIMEOUT_S=6
NOSERVER_SLACK_S=3

WORK=""
FERRY_PID=""
DNSMASQ_PIDFILES=()
. "$(dirname "$0")/check_lib.sh"

# Stop what we started and delete the namespace
cleanup() {
	local pidfile pid

	if [ -n "$FERRY_PID" ] && kill -0 "$FERRY_PID" 2>/dev/null; then
		kill "$FERRY_PID" 2>/dev/null
		wait "$FERRY_PID" 2>/dev/null
	fi
	for pidfile in "${DNSMASQ_PIDFILES[@]}"; do
		pid=$(cat "$pidfile" 2>/dev/null)
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	exec 3>&- 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}

# Start a dnsmasq in the namespace, daemonised, with its pid file and
# log in the work directory
#   $1: name (for its files), $2...: its options
start_dnsmasq() {
	local name=$1

	shift
	DNSMASQ_PIDFILES+=("$WORK/$name.pid")
	ip netns exec "$NS" dnsmasq --conf-file=/dev/null --bind-interfaces \
		--no-resolv --no-hosts --dhcp-leasefile="$WORK/$name.leases" \
		--pid-file="$WORK/$name.pid" --log-facility="$WORK/$name.log" \
		--log-dhcp --log-queries "$@"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	! command -v ip >/dev/null || ! command -v dnsmasq >/dev/null; then
	echo "SKIP net-dhcp: needs root, /dev/net/tun, ip and dnsmasq"
	exit 77
fi
if [ ! -x "$FERRY" ]; then
	echo "FAIL net-dhcp: $FERRY not built"
	exit 1
fi
FERRY=$(readlink -f "$FERRY")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-dhcp.XXXXXX)
# dnsmasq drops privileges: let it write its logs and leases here
chmod 777 "$WORK"

# The namespace and its ends of the links
if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev ftap0 mode tap ||
	! ip -n "$NS" tuntap add dev ftap1 mode tap ||
	! ip -n "$NS" tuntap add dev ftap2 mode tap ||
	! ip -n "$NS" addr add 192.0.2.1/24 dev ftap0 ||
	! ip -n "$NS" addr add 198.51.100.1/24 dev ftap1 ||
	! ip -n "$NS" link set ftap0 up ||
	! ip -n "$NS" link set ftap1 up ||
	! ip -n "$NS" link set ftap2 up; then
	result FAIL net-dhcp-setup "could not create namespace $NS"
	exit 1
fi

# DHCP and DNS on net0's link
if ! start_dnsmasq main --interface=ftap0 \
	--dhcp-range=192.0.2.50,192.0.2.99,255.255.255.0,1h \
	--dhcp-option=option:router,192.0.2.1 \
	--dhcp-option=option:dns-server,192.0.2.1 \
	--domain=example.test --local=/example.test/ \
	--host-record=boot.example.test,192.0.2.1 \
	--cname=www.example.test,boot.example.test; then
	result FAIL net-dhcp-setup "dnsmasq (DHCP and DNS) did not start"
	exit 1
fi
# DHCP without a boot file, and proxyDHCP with one, on net1's link
if ! start_dnsmasq lease --interface=ftap1 --port=0 \
	--dhcp-range=198.51.100.50,198.51.100.99,255.255.255.0,1h ||
	! start_dnsmasq proxy --interface=ftap1 --port=0 \
		--dhcp-range=198.51.100.0,proxy,255.255.255.0 \
		--pxe-service=x86PC,"Ferry test",pxelinux; then
	result FAIL net-dhcp-setup "dnsmasq (proxyDHCP) did not start"
	exit 1
fi

cat > "$WORK/test.ipxe" <<EOF
#!ipxe
dhcp net0 && echo FERRY-DHCP-OK || echo FERRY-DHCP-FAILED
show net0/ip
echo FERRY-IP=\${net0/ip} FERRY-DNS=\${net0/dns} FERRY-DOMAIN=\${net0/domain}
nslookup boot.example.test && echo FERRY-NS-OK || echo FERRY-NS-FAILED
nslookup www.example.test || echo FERRY-NS-ALIAS-FAILED
nslookup --type CNAME www.example.test || echo FERRY-NS-CNAME-FAILED
nslookup boot || echo FERRY-NS-SEARCH-FAILED
echo FERRY-MISSING-START
nslookup missing.example.test && echo FERRY-NS-MISSING-FOUND || echo FERRY-NS-MISSING-FAILED
nslookup resolved www.example.test || echo FERRY-NS-SET-FAILED
echo FERRY-RESOLVED=\${resolved}
dhcp net1 && echo FERRY-PROXY-OK || echo FERRY-PROXY-FAILED
echo FERRY-FILENAME=\${net1/filename} FERRY-NEXT-SERVER=\${net1/next-server}
set dhcp-timeout $NOSERVER_TIMEOUT_S
echo FERRY-NOSERVER-START
dhcp net2 && echo FERRY-NOSERVER-FOUND || echo FERRY-NOSERVER-FAILED
echo FERRY-DONE
EOF

# Ferry reads its console from a FIFO we hold open: the end of its
# standard input would end it early.
mkfifo "$WORK/stdin"
exec 3<>"$WORK/stdin"
timeout -s KILL "$FERRY_TIMEOUT_S" ip netns exec "$NS" \
	"$FERRY" --tap ftap0 --tap ftap1 --tap ftap2 "$WORK/test.ipxe" \
	< "$WORK/stdin" > "$WORK/ferry.log" 2>&1 &
FERRY_PID=$!

# Time the DHCP attempt with no server from the outside
NOSERVER_START=""
NOSERVER_END=""
while kill -0 "$FERRY_PID" 2>/dev/null; do
	if [ -z "$NOSERVER_START" ] &&
		grep -q FERRY-NOSERVER-START "$WORK/ferry.log"; then
		NOSERVER_START=$(date +%s.%N)
	fi
	if [ -n "$NOSERVER_START" ] && [ -z "$NOSERVER_END" ] &&
		grep -q 'FERRY-NOSERVER-\(FAILED\|FOUND\)' "$WORK/ferry.log"; then
		NOSERVER_END=$(date +%s.%N)
	fi
	sleep 0.1
done
# Ferry may have ended in the last interval
if [ -n "$NOSERVER_START" ] && [ -z "$NOSERVER_END" ] &&
	grep -q 'FERRY-NOSERVER-\(FAILED\|FOUND\)' "$WORK/ferry.log"; then
	NOSERVER_END=$(date +%s.%N)
fi
wait "$FERRY_PID" 2>/dev/null
FERRY_STATUS=$?
FERRY_PID=""
# The console ends lines with CR LF, as a serial line would
tr -d '\r' < "$WORK/ferry.log" > "$WORK/ferry.txt"
OUT="$WORK/ferry.txt"

# net0: a lease, with the progress line iPXE prints
if grep -q FERRY-DHCP-OK "$OUT" &&
	grep -Eq '^Configuring \(net0 ([0-9a-f]{2}:){5}[0-9a-f]{2}\)\.* ok$' "$OUT"; then
	result PASS net-dhcp-lease
else
	result FAIL net-dhcp-lease "no lease on net0"
fi
if grep -Eq '^net0: 192\.0\.2\.(5[0-9]|[6-9][0-9])/255\.255\.255\.0 gw 192\.0\.2\.1 \(lease 3600 s\)$' "$OUT" &&
	grep -Eq '^net0\.dhcp/ip:ipv4 = 192\.0\.2\.' "$OUT" &&
	grep -Eq '^FERRY-IP=192\.0\.2\.[0-9]+ FERRY-DNS=192\.0\.2\.1 FERRY-DOMAIN=example\.test$' "$OUT"; then
	result PASS net-dhcp-settings
else
	result FAIL net-dhcp-settings "net0's settings are not what the server gave"
fi
# What the real server saw of our identity
if grep -q 'vendor class: PXEClient:Arch:00000:UNDI:002001' "$WORK/main.log" &&
	grep -q 'user class: iPXE' "$WORK/main.log" &&
	grep -Eq 'requested options: .*67:bootfile-name' "$WORK/main.log"; then
	result PASS net-dhcp-identity
else
	result FAIL net-dhcp-identity "dnsmasq did not see PXEClient and iPXE"
fi

# DNS
if grep -q FERRY-NS-OK "$OUT" &&
	grep -q '^boot\.example\.test: 192\.0\.2\.1$' "$OUT"; then
	result PASS net-dns-a
else
	result FAIL net-dns-a "boot.example.test did not resolve"
fi
if grep -q '^www\.example\.test: 192\.0\.2\.1 (alias for boot\.example\.test)$' "$OUT" &&
	grep -q '^www\.example\.test: alias for boot\.example\.test$' "$OUT"; then
	result PASS net-dns-cname
else
	result FAIL net-dns-cname "the alias www.example.test was not followed"
fi
if grep -q '^boot: 192\.0\.2\.1$' "$OUT"; then
	result PASS net-dns-search-domain
else
	result FAIL net-dns-search-domain "boot did not resolve through example.test"
fi
if grep -A2 FERRY-MISSING-START "$OUT" |
	grep -Eq '^error 0x[0-9a-f]{8}: Host name not found \(missing\.example\.test\)$' &&
	grep -q FERRY-NS-MISSING-FAILED "$OUT"; then
	result PASS net-dns-missing
else
	result FAIL net-dns-missing "no clear error for a missing name"
fi
if grep -q '^FERRY-RESOLVED=192\.0\.2\.1$' "$OUT"; then
	result PASS net-dns-store-setting
else
	result FAIL net-dns-store-setting "nslookup did not store the address"
fi

# proxyDHCP: the boot file comes from the proxy's PXE menu, on 4011
if grep -q FERRY-PROXY-OK "$OUT" &&
	grep -q '^FERRY-FILENAME=pxelinux\.0 FERRY-NEXT-SERVER=198\.51\.100\.1$' "$OUT" &&
	grep -q 'PXE(ftap1) .* proxy' "$WORK/proxy.log"; then
	result PASS net-dhcp-proxy
else
	result FAIL net-dhcp-proxy "no boot file from the proxyDHCP server"
fi

# No server: one error line, within the time allowed
NOSERVER_LINES=$(sed -n '/^FERRY-NOSERVER-START$/,/^FERRY-NOSERVER-/p' "$OUT" |
	grep -v '^FERRY-NOSERVER-')
ELAPSED=""
if [ -n "$NOSERVER_START" ] && [ -n "$NOSERVER_END" ]; then
	ELAPSED=$(echo "$NOSERVER_END - $NOSERVER_START" | bc)
fi
if grep -q FERRY-NOSERVER-FAILED "$OUT" &&
	[ "$(printf '%s\n' "$NOSERVER_LINES" | wc -l)" = 1 ] &&
	printf '%s\n' "$NOSERVER_LINES" |
	grep -Eq '^Configuring \(net2 ([0-9a-f]{2}:){5}[0-9a-f]{2}\)\.+ error 0x[0-9a-f]{8}: No DHCP offer received \(net2\)$' &&
	[ -n "$ELAPSED" ] &&
	[ "$(echo "$ELAPSED >= $NOSERVER_TIMEOUT_S - 0.5 && $ELAPSED <= $NOSERVER_TIMEOUT_S + $NOSERVER_SLACK_S" | bc)" = 1 ]; then
	result PASS net-dhcp-no-server
else
	result FAIL net-dhcp-no-server "expected one error line after ${NOSERVER_TIMEOUT_S} s, got ${ELAPSED:-no end} s: $NOSERVER_LINES"
fi

if [ "$FERRY_STATUS" = 0 ] && grep -q FERRY-DONE "$OUT"; then
	result PASS net-dhcp-ferry-exit
else
	result FAIL net-dhcp-ferry-exit "Ferry ended with status $FERRY_STATUS"
fi

if [ "$FAILED" != 0 ]; then
	echo "--- Ferry's output:"
	cat "$OUT"
	for log in main lease proxy; do
		echo "--- dnsmasq ($log), last lines:"
		tail -n 20 "$WORK/$log.log" 2>/dev/null
	done
	exit 1
fi
exit 0
