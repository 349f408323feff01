# Shared by the tests/host/net_*_test.sh scripts (sourced, not run):
# their result lines and stopping the processes they started.
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
