// Stand-ins for tools that cannot run here (systemd, firewalld, SELinux, a sudo that refuses), first on a lab
// host's PATH. They keep their state in files under the host's state/ dir and append every CHANGING call (not
// queries) to the host's changes.log, so a test can tell what labops changed. Paths are the lab's own (no spaces).

/** Values baked into one host's stand-ins. */
export interface StandInHost {
  name: string;
  stateDir: string;
  changesLog: string;
  /** The lab's pid registry: chronyds started here are stopped with the lab, or by the next one. */
  registryPath: string;
  /** chrony.conf as the unit reads it (inside the host's mount namespace), e.g. /etc/chrony.conf. */
  chronyConf: string;
  /** The unit's name, and other names it answers to (Debian: chrony, alias chronyd). */
  unit: string;
  aliases: string[];
  /** Appended to the written chrony.conf when chronyd starts: this instance's pidfile, ports (last one wins). */
  instanceLines: string[];
}

const header = (h: StandInHost, tool: string) => `#!/bin/bash
# ${tool} stand-in of lab host ${h.name} (test/lab/ntp-admin-stand-ins.ts)
STATE=${h.stateDir}
CHANGES=${h.changesLog}
record() { [ -n "$LAB_NO_RECORD" ] || printf '%s\\n' "$*" >> "$CHANGES"; }
is_root() { [ "$(id -u)" = 0 ]; }
`;

/**
 * systemctl for the chrony unit: start/restart run a real chronyd (-x: never touches the clock) on the written
 * chrony.conf plus this instance's lines; is-active looks at that process; enable/disable keep a state file.
 */
export function systemctlStandIn(h: StandInHost): string {
  return `${header(h, 'systemctl')}UNIT=${h.unit}
NAMES="${[h.unit, ...h.aliases].join(' ')}"
CONF=${h.chronyConf}
REGISTRY=${h.registryPath}
INSTANCE='${h.instanceLines.join('\n')}'

known() { local u=\${1%.service}; for n in $NAMES; do [ "$u" = "$n" ] && return 0; done; return 1; }
running_pid() {
  local p
  p=$(cat "$STATE/chronyd.pid" 2>/dev/null) || return 1
  # /proc, not kill -0: a non-root login may look but not signal
  [ -n "$p" ] && grep -qa "$STATE" "/proc/$p/cmdline" 2>/dev/null && echo "$p"
}
start() {
  running_pid >/dev/null && return 0
  { cat "$CONF"; printf '\\n# lab: this instance (last one wins)\\n%s\\n' "$INSTANCE"; } > "$STATE/chronyd-run.conf"
  if /usr/sbin/chronyd -4 -x -u root -l "$STATE/chronyd.log" -f "$STATE/chronyd-run.conf" 2>>"$STATE/chronyd.log"; then
    echo active > "$STATE/chronyd.result"
    echo "$(cat "$STATE/chronyd.pid") ${h.name}/chronyd" >> "$REGISTRY"
  else
    echo failed > "$STATE/chronyd.result"
    echo "Job for $UNIT.service failed because the control process exited with error code." >&2
    echo "See \\"systemctl status $UNIT.service\\" and \\"journalctl -xeu $UNIT.service\\" for details." >&2
    return 1
  fi
}
stop() {
  local p
  p=$(running_pid) || { echo inactive > "$STATE/chronyd.result"; return 0; }
  kill "$p"
  # gone, or a zombie nobody reaps yet (its command line is empty then)
  for _ in $(seq 50); do grep -qa "$STATE" "/proc/$p/cmdline" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$p" 2>/dev/null
  echo inactive > "$STATE/chronyd.result"
}

verb=$1; shift
[ "\${1:-}" = -- ] && shift # labops ends the options before the unit name
unit=\${1%.service}
case "$verb" in
  is-active)
    if known "$unit" && running_pid >/dev/null; then echo active; exit 0; fi
    if known "$unit" && [ "$(cat "$STATE/chronyd.result" 2>/dev/null)" = failed ]; then echo failed; exit 3; fi
    echo inactive; exit 3 ;;
  is-enabled)
    known "$unit" || { echo "Failed to get unit file state for $unit.service: No such file or directory" >&2; exit 1; }
    [ "$unit" = "$UNIT" ] || { echo alias; exit 0; }
    state=$(cat "$STATE/chronyd.enabled"); echo "$state"; [ "$state" = enabled ] ;;
  enable|disable|start|stop|restart)
    is_root || { echo "Failed to $verb $unit.service: Access denied" >&2; exit 1; }
    known "$unit" || { echo "Failed to $verb $unit.service: Unit $unit.service not found." >&2; exit 5; }
    record "systemctl $verb $unit"
    case "$verb" in
      enable) echo enabled > "$STATE/chronyd.enabled"
        echo "Created symlink /etc/systemd/system/multi-user.target.wants/$UNIT.service → /usr/lib/systemd/system/$UNIT.service." >&2 ;;
      disable) echo disabled > "$STATE/chronyd.enabled" ;;
      start) start ;;
      stop) stop ;;
      restart) stop; start ;;
    esac ;;
  *) echo "systemctl (lab stand-in): $verb is not simulated" >&2; exit 1 ;;
esac
`;
}

/** firewall-cmd: --state, --list-services, --add-service, --reload, with runtime and permanent service lists. */
export function firewallCmdStandIn(h: StandInHost): string {
  return `${header(h, 'firewall-cmd')}state=$(cat "$STATE/firewalld")
permanent=
args=()
for a in "$@"; do if [ "$a" = --permanent ]; then permanent=1; else args+=("$a"); fi; done
if [ "\${args[0]}" = --state ]; then echo "$state"; [ "$state" = running ] && exit 0 || exit 252; fi
[ "$state" = running ] || { echo "FirewallD is not running"; exit 252; }
list="$STATE/firewalld.runtime"; [ -n "$permanent" ] && list="$STATE/firewalld.permanent"
case "\${args[0]}" in
  --list-services) tr '\\n' ' ' < "$list" | sed 's/ $//'; echo ;;
  --add-service=*)
    is_root || { echo "Authorization failed." >&2; echo "    Make sure polkit agent is running or run the application as superuser." >&2; exit 252; }
    service=\${args[0]#--add-service=}
    record "firewall-cmd $*"
    if grep -qx "$service" "$list"; then echo "Warning: ALREADY_ENABLED: $service" >&2; else echo "$service" >> "$list"; fi
    echo success ;;
  --reload)
    is_root || { echo "Authorization failed." >&2; exit 252; }
    record "firewall-cmd $*"
    cp "$STATE/firewalld.permanent" "$STATE/firewalld.runtime"; echo success ;;
  *) echo "firewall-cmd (lab stand-in): $* is not simulated" >&2; exit 2 ;;
esac
`;
}

export function getenforceStandIn(h: StandInHost): string {
  return `${header(h, 'getenforce')}cat "$STATE/selinux"\n`;
}

export function setenforceStandIn(h: StandInHost): string {
  return `${header(h, 'setenforce')}[ "$(cat "$STATE/selinux")" = Disabled ] && { echo "setenforce: SELinux is disabled" >&2; exit 1; }
case "$1" in
  0|[Pp]ermissive) mode=Permissive ;;
  1|[Ee]nforcing) mode=Enforcing ;;
  *) echo "usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]" >&2; exit 1 ;;
esac
is_root || { echo "setenforce:  security_setenforce() failed:  Permission denied" >&2; exit 1; }
record "setenforce $1"
echo "$mode" > "$STATE/selinux"
`;
}

/** sudo for a user without a sudo right: with -n it says so and runs nothing, as the real one does. */
export function refusingSudoStandIn(h: StandInHost): string {
  return `${header(h, 'sudo')}if [ "$1" = -n ]; then echo "sudo: a password is required" >&2; exit 1; fi
echo "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper" >&2
exit 1
`;
}
