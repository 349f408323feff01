#!/bin/bash
# Install what building and testing Ferry needs, on Debian 12.
#
#   util/deps.sh        (as root; "make deps" and "make test" run it)
#
# Idempotent and quick when nothing is missing: each package is checked
# with dpkg-query first, and apt-get runs only for the missing ones (with
# one "apt-get update" before).  Also fetches BearSSL's Debian source
# package into build/deps/bearssl/ and points build/deps/bearssl/src at
# the unpacked tree, adding a deb-src entry for the configured Debian
# mirror if there is none.
#
# Prints one line per thing it installs or fetches; apt's own output goes
# to build/deps/apt.log and is shown only when a step fails.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS_DIR="$ROOT/build/deps"
APT_LOG="$DEPS_DIR/apt.log"

# Everything the build, the tests and the benchmarks use
PACKAGES=(
	# compilers and assemblers
	build-essential gcc-multilib nasm clang libclang-rt-14-dev lld
	# the test harness (tests/run.py, stdlib only) and QEMU with its
	# firmware: SeaBIOS (whose VGA font tests/lib/screen.py reads),
	# OVMF, and the iPXE NIC ROMs QEMU's NICs boot from
	python3 qemu-system-x86 qemu-utils seabios ipxe-qemu ovmf
	# EFI builds
	gnu-efi
	# servers for the network scenarios
	dnsmasq atftpd iproute2 openssl curl
	# ISO and USB images, and the loaders chained in tests
	xorriso isolinux syslinux syslinux-common pxelinux mtools dosfstools cpio
	# Debian's iPXE, for benchmarks
	ipxe
	# apt-get source (dpkg-source unpacks the source package)
	dpkg-dev
)

export DEBIAN_FRONTEND=noninteractive

mkdir -p "$DEPS_DIR"
: >"$APT_LOG"

# Say what went wrong and show the end of apt's log
fail() {
	echo "deps: $*" >&2
	if [ -s "$APT_LOG" ]; then
		echo "deps: last lines of $APT_LOG:" >&2
		tail -n 20 "$APT_LOG" >&2
	fi
	exit 1
}

# True if a package is installed
is_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$status" = "install ok installed" ]
}

APT_UPDATED=0

# Run "apt-get update" once per run of this script
apt_update_once() {
	if [ "$APT_UPDATED" = 0 ]; then
		echo "deps: updating the package lists"
		apt-get update </dev/null >>"$APT_LOG" 2>&1 ||
			fail "apt-get update failed"
		APT_UPDATED=1
	fi
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		fail "must run as root to $1 (try: sudo $0)"
	fi
}

# ---- packages ---------------------------------------------------------------

missing=()
for package in "${PACKAGES[@]}"; do
	is_installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" != 0 ]; then
	need_root "install ${missing[*]}"
	apt_update_once
	for package in "${missing[@]}"; do
		echo "deps: installing $package"
	done
	apt-get install -y --no-install-recommends "${missing[@]}" \
		</dev/null >>"$APT_LOG" 2>&1 ||
		fail "apt-get install ${missing[*]} failed"
fi

# ---- BearSSL source ---------------------------------------------------------

BEARSSL_DIR="$DEPS_DIR/bearssl"
BEARSSL_LINK="$BEARSSL_DIR/src"

# True if the BearSSL tree is unpacked where the build looks for it
bearssl_ready() {
	[ -f "$BEARSSL_LINK/inc/bearssl.h" ] && [ -d "$BEARSSL_LINK/src" ]
}

# True if apt has a deb-src entry in any source file it reads
have_deb_src() {
	local file
	for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources; do
		[ -f "$file" ] || continue
		if grep -Eqs '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
			"$file"; then
			return 0
		fi
	done
	return 1
}

# Add a deb-src entry for the Debian mirror and suite apt already uses
add_deb_src() {
	local mirror="" suite="" keyring="" file
	# deb822 files: the first stanza of Types: deb naming a Debian mirror
	for file in /etc/apt/sources.list.d/*.sources; do
		[ -f "$file" ] || continue
		read -r mirror suite keyring < <(awk '
			function flush() {
				if (deb && uri ~ /debian\/?$/ && uri !~ /security/ &&
				    suite != "" && !found) {
					print uri, suite, (key == "" ? "-" : key)
					found = 1
				}
				deb = 0; uri = ""; suite = ""; key = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { suite = $2 }
			/^Signed-By:/ { key = $2 }
			END { flush() }' "$file") || true
		[ -n "$mirror" ] && break
	done
	# one-line format
	if [ -z "$mirror" ]; then
		for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$file" ] || continue
			read -r mirror suite < <(awk '
				$1 == "deb" {
					i = 2
					if ($i ~ /^\[/) while ($i !~ /\]$/) i++
					if ($i ~ /^\[/ || $i ~ /\]$/) i++
					if ($i ~ /debian\/?$/ && $i !~ /security/) {
						print $i, $(i + 1); exit
					}
				}' "$file") || true
			[ -n "$mirror" ] && break
		done
		keyring="-"
	fi
	if [ -z "$mirror" ]; then
		mirror=http://deb.debian.org/debian
		suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
		keyring="-"
	fi
	echo "deps: adding deb-src $mirror $suite main"
	if [ "$keyring" != "-" ]; then
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
			"$mirror" "$suite" "$keyring" \
			>/etc/apt/sources.list.d/ferry-deb-src.sources
	else
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' \
			"$mirror" "$suite" \
			>/etc/apt/sources.list.d/ferry-deb-src.sources
	fi
	APT_UPDATED=0
}

if ! bearssl_ready; then
	need_root "fetch the BearSSL source"
	if ! have_deb_src; then
		add_deb_src
	fi
	# The source index may be missing even with a deb-src entry
	if ! apt-cache showsrc bearssl 2>/dev/null | grep -q '^Package: bearssl'; then
		APT_UPDATED=0
		apt_update_once
	fi
	echo "deps: fetching the bearssl source package"
	mkdir -p "$BEARSSL_DIR"
	(cd "$BEARSSL_DIR" && apt-get source bearssl) </dev/null >>"$APT_LOG" 2>&1 ||
		fail "apt-get source bearssl failed"
	# Newest unpacked tree, e.g. bearssl-0.6+dfsg.1
	tree=$(cd "$BEARSSL_DIR" &&
		find . -mindepth 1 -maxdepth 1 -type d -name 'bearssl-*' |
		sort -V | tail -n 1)
	[ -n "$tree" ] || fail "no unpacked bearssl-* tree in $BEARSSL_DIR"
	ln -sfn "${tree#./}" "$BEARSSL_LINK"
	bearssl_ready || fail "$BEARSSL_LINK has no inc/bearssl.h"
	echo "deps: bearssl source is in $BEARSSL_LINK"
fi
