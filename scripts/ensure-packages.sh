#!/usr/bin/env bash
# Installs the Debian packages the simulated lab, the tests, the demo and the benchmarks need, when missing.
# Idempotent and silent when everything is there. Says in one line what it installs and why, shows progress on a
# terminal, and keeps apt's own output in a log file it points to on failure. Never asks (CI runs it too).
# Usage: scripts/ensure-packages.sh [--bench]     LABOPS_APT_LOG: the log file (default /tmp/labops-apt.log)
set -euo pipefail

need=()
why=()
have() { command -v "$1" >/dev/null 2>&1 || [ -e "$1" ]; }
want() { have "$1" || { need+=("$2"); why+=("$2 ($3)"); }; }

want /usr/sbin/sshd openssh-server "an sshd per lab host"
want ssh openssh-client "ssh-keyscan, ssh-keygen"
want ssh-keygen openssh-client "the lab's keys"
want /usr/sbin/chronyd chrony "a chronyd per lab host"
want chronyc chrony "chronyc, what labops reads"
want /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 libfaketime "hosts whose clock drifts"
want redis-server redis-server "the job queue"
want redis-cli redis-tools "the job queue"
want ip iproute2 "loopback addresses"
want openstack python3-openstackclient "the controller's openstack CLI"
want /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core "text of the offset charts"
if [ "${1:-}" = "--bench" ]; then
  want ansible ansible "the benchmark's comparison"
  want parallel-ssh pssh "the benchmark's comparison"
fi

[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
mapfile -t why < <(printf '%s\n' "${why[@]}" | sort -u -t' ' -k1,1)
if [ "$(id -u)" -ne 0 ]; then
  echo "labops needs these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

log="${LABOPS_APT_LOG:-/tmp/labops-apt.log}"
: >"$log"
(IFS=','; echo "Installing ${#need[@]} Debian package(s) for the simulated lab:${why[*]/#/ }" >&2)
echo "  apt's output goes to $log" >&2

# apt reports progress on fd 3 (APT::Status-Fd) as "pmstatus:<pkg>:<percent>:<what>"; a terminal sees one line
progress() {
  local step="$1" kind pkg pct what
  while IFS=: read -r kind pkg pct what; do
    [ -t 2 ] && printf '\r\033[K  %s %3.0f%% %s' "$step" "${pct:-0}" "${what:0:60}" >&2
  done
  return 0
}
fail() {
  [ -t 2 ] && printf '\r\033[K' >&2
  echo "Package installation failed at \"$1\" (exit $2). apt's output: $log; its last lines:" >&2
  tail -n 8 "$log" | sed 's/^/  | /' >&2
  echo "Fix the cause (network, apt sources, a held lock) and run npm run demo again." >&2
  exit "$2"
}
apt_step() {
  local step="$1"
  shift
  set +e
  "$@" -o APT::Status-Fd=3 3>&1 >>"$log" 2>&1 | progress "$step"
  local rc="${PIPESTATUS[0]}"
  set -e
  [ "$rc" -eq 0 ] || fail "$*" "$rc"
}

export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
apt_step "[1/2] apt-get update" apt-get update
# policy-rc.d 101: the packages' own services (system sshd, chronyd, redis) are not started; the lab starts its own
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt_step "[2/2] apt-get install" apt-get install -y --no-install-recommends "${need[@]}"
[ -t 2 ] && printf '\r\033[K' >&2
echo "  installed in $((SECONDS - start)) s" >&2
