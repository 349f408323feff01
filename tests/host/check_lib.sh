# Shared by the tests/host/net_*_test.sh scripts (sourced, not run):
# their result lines, stopping the processes they started, and running
# Ferry on a script in their namespace.  The running and checking
# helpers use the sourcing script's WORK, NS, TAP and FERRY_TIMEOUT_S.
#
# Each check prints "PASS name", "SKIP name: reason" or "FAIL name:
# reason"; FAILED becomes 1 on the first failure.

FAILED=0

# Print a result line and remember failures
#   $1: PASS, SKIP or FAIL, $2: check name, $3: reason (not for PASS)
result() {
	case "$1" in
	PASS) echo "PASS $2" ;;
	SKIP) echo "SKIP $2: $3" ;;
	*)
		echo "FAIL $2: $3"
		FAILED=1
		;;
	esac
}

# Stop one process the script started, and reap it
#   $1: its pid (may be empty)
stop_pid() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null
		wait "$1" 2>/dev/null
	fi
}

# Run Ferry in the namespace on a script; its console goes to a log
#   $1: Ferry, $2: script, $3: log (cleaned copy in $3.txt: one line
#   per progress update, no escape sequences)
# Sets FERRY_STATUS.  Ferry reads its console from a FIFO held open
# meanwhile: the end of its standard input would end it early.
run_ferry() {
	mkfifo "$WORK/stdin.$$" 2>/dev/null
	exec 3<>"$WORK/stdin.$$"
	timeout -s KILL "$FERRY_TIMEOUT_S" ip netns exec "$NS" \
		"$1" --tap "$TAP" "$2" < "$WORK/stdin.$$" > "$3" 2>&1 &
	FERRY_PID=$!
	wait "$FERRY_PID" 2>/dev/null
	FERRY_STATUS=$?
	FERRY_PID=""
	exec 3>&-
	tr '\r' '\n' < "$3" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$3.txt"
}

# The image's digest is the file's (in the main run's log)
#   $1: check name, $2: image name, $3: expected sha256
check_sha() {
	if grep -qx "$3  $2" "$WORK/ferry.log.txt"; then
		result PASS "$1"
	else
		result FAIL "$1" "no '$3  $2' line in Ferry's output"
	fi
}

# A fetch failed with one error line
#   $1: check name, $2: URI, $3: regular expression for the message,
#   $4: log (default: the main run's)
check_error() {
	local log=${4:-$WORK/ferry.log.txt}
	local uri_re
	uri_re=$(printf '%s' "$2" | sed 's/[.[\*^$()+?{|]/\\&/g')
	if grep -qE "^error 0x[0-9a-f]{8}: $3 \($uri_re\)\$" "$log"; then
		result PASS "$1"
	else
		result FAIL "$1" "no '$3 ($2)' error line; got: $(grep -F "($2)" \
			"$log" | grep '^error' | head -n 1)"
	fi
}
