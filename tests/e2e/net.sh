# net.sh - loopback helpers of the end-to-end tests that start servers
# (sourced; lib.sh sources it too). Others run servers on this machine at
# the same time, so no test hard-codes a port.

# free_port: prints a loopback TCP port nothing listens on now; 1 if
# fifty random tries found none.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 12000))
		(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
	done
	return 1
}

# wait_http URL [SECONDS]: 0 as soon as URL answers with a 2xx, 1 when it
# has not within SECONDS (default 30; a loaded machine starts slowly).
wait_http() {
	local i n=$((${2:-30} * 5))
	for ((i = 0; i < n; i++)); do
		curl -sf --max-time 2 "$1" >/dev/null && return 0
		sleep 0.2
	done
	return 1
}
