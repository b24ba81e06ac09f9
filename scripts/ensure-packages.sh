#!/usr/bin/env bash
# Installs the Debian packages the simulated lab, the tests, the demo and the benchmarks need, when missing.
# Idempotent and quick when everything is there. Usage: scripts/ensure-packages.sh [--bench]
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -e "$1" ]; }
want() { have "$1" || need+=("$2"); }

want /usr/sbin/sshd openssh-server
want ssh openssh-client
want ssh-keygen openssh-client
want /usr/sbin/chronyd chrony
want chronyc chrony
want /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 libfaketime
want redis-server redis-server
want redis-cli redis-tools
want ip iproute2
want openstack python3-openstackclient
want /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core  # text of the offset charts
if [ "${1:-}" = "--bench" ]; then
  want ansible ansible
  want parallel-ssh pssh
fi

[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "labops needs these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d 101: the packages' own services (system sshd, chronyd, redis) are not started; the lab starts its own
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
