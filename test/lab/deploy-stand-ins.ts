import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const FIXTURES = fileURLToPath(new URL('../fixtures/packstack/', import.meta.url));

/** The controller, ready for /lab deploy openstack: its stand-in files, and how to steer the stand-ins. */
export interface DeployStandIns {
  /** Inventory vars that point labops at the host's own files instead of /etc and /proc. */
  vars: Record<string, string>;
  answerFile: string;
  /** Each stand-in appends "tool args" here. */
  callsPath: string;
  /**
   * Whether the next `packstack --answer-file` succeeds, replays the captured Puppet failure, or fails at a chosen
   * step (fail-at:N: the Nth step of the successful run shows [ ERROR ], packstack's ERROR lines follow).
   */
  setOutcome(outcome: 'success' | 'fail' | `fail-at:${number}`): void;
  /**
   * Whether the next install outlives its SSH session (SIGPIPE and SIGHUP ignored, as a Puppet run may), so that
   * a worker killed mid-install leaves it running on the host.
   */
  setOutlivesSession(on: boolean): void;
}

/** The release the controller's stand-ins pretend to be (its /etc/os-release and repository names). */
export type StandInOs = 'centos-stream-9' | 'rocky-8';

const OS_NAME: Record<StandInOs, string> = {
  'centos-stream-9': 'CentOS Stream 9',
  'rocky-8': 'Rocky Linux 8',
};

const OS_RELEASE: Record<StandInOs, string> = {
  'centos-stream-9':
    'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="CentOS Stream 9"\n',
  'rocky-8':
    'NAME="Rocky Linux"\nVERSION="8.9 (Green Obsidian)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"\n',
};

const write = (path: string, text: string, mode = 0o644) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  chmodSync(`${path}.tmp`, mode);
  renameSync(`${path}.tmp`, path);
};

const record = (calls: string) => `printf '%s\\n' "$(basename "$0") $*" >> '${calls}'`;

/**
 * Stand-ins for what a CentOS Stream 9 controller has and this machine has not (packstack, dnf, rpm, systemctl,
 * setenforce, getenforce, hostname -f, and Nova for `openstack compute service list`), in the controller's bin/,
 * keeping their state in files under the host dir. packstack replays the captured console output
 * (test/fixtures/packstack) with its colour codes and small delays, generates answer files with random passwords,
 * and on success writes keystonerc_admin with the answer file's admin password into the host's HOME.
 */
export function setUpDeployStandIns(
  hostDir: string,
  o: { authUrl: string; stepDelay?: number; os?: StandInOs },
): DeployStandIns {
  const bin = join(hostDir, 'bin');
  const state = join(hostDir, 'deploy-state');
  const calls = join(hostDir, 'stand-in-calls.log');
  const home = join(hostDir, 'home');
  const files = {
    os_release_path: join(hostDir, 'etc', 'os-release'),
    meminfo_path: join(hostDir, 'proc', 'meminfo'),
    hosts_path: join(hostDir, 'etc', 'hosts'),
    selinux_config_path: join(hostDir, 'etc', 'selinux', 'config'),
    packstack_answer_file: join(hostDir, 'root', 'openstack.txt'),
  };
  // a host as a fresh install leaves it, also where an earlier run left its state (the demo's lab dir stays)
  for (const path of [state, join(hostDir, 'root'), join(hostDir, 'var-tmp-packstack')])
    rmSync(path, { recursive: true, force: true });
  mkdirSync(state, { recursive: true });
  mkdirSync(join(hostDir, 'root'), { recursive: true });
  writeFileSync(calls, '');
  write(files.os_release_path, OS_RELEASE[o.os ?? 'centos-stream-9']);
  write(
    files.meminfo_path,
    'MemTotal:       16265324 kB\nMemFree:        15012345 kB\nMemAvailable:   15500000 kB\n',
  );
  write(
    files.hosts_path,
    '127.0.0.1   localhost localhost.localdomain\n::1         localhost localhost.localdomain\n',
  );
  write(
    files.selinux_config_path,
    '# This file controls the state of SELinux on the system.\nSELINUX=enforcing\nSELINUXTYPE=targeted\n',
  );
  write(join(state, 'selinux'), 'Enforcing\n');
  write(
    join(state, 'repos'),
    `appstream                ${OS_NAME[o.os ?? 'centos-stream-9']} - AppStream\nbaseos                   ${OS_NAME[o.os ?? 'centos-stream-9']} - BaseOS\n`,
  );
  write(join(state, 'outcome'), 'success\n');
  write(join(state, 'auth-url'), `${o.authUrl}\n`);
  const delay = o.stepDelay ?? 0.06;
  const tool = (name: string, body: string) =>
    write(join(bin, name), `#!/bin/bash\n${record(calls)}\n${body}\n`, 0o755);

  tool('hostname', `[ "$1" = -f ] && { echo controller.lab.example; exit 0; }\necho controller`);
  tool('getenforce', `cat '${state}/selinux'`);
  tool('setenforce', `[ "$1" = 0 ] && echo Permissive > '${state}/selinux'`);
  tool(
    'systemctl',
    `case "$1" in
  is-enabled)
    if [ -e "${state}/unit-$2" ]; then cat "${state}/unit-$2"
    else case "$2" in firewalld|NetworkManager) echo enabled ;;
      *) echo "Failed to get unit file state for $2.service: No such file or directory" >&2; exit 1 ;; esac; fi ;;
  disable) [ "$2" = --now ] && echo disabled > "${state}/unit-$3" ;;
  enable) u=$2; [ "$u" = --now ] && u=$3; echo enabled > "${state}/unit-$u" ;;
  *) echo "lab stand-in: systemctl $* is not simulated" >&2; exit 2 ;;
esac`,
  );
  tool(
    'rpm',
    `[ "$1" = -q ] || exit 2; shift; rc=0
for p in "$@"; do if [ -e "${state}/pkg-$p" ]; then echo "$p-1.0-1.el9.noarch"; else echo "package $p is not installed"; rc=1; fi; done
exit $rc`,
  );
  tool(
    'dnf',
    `case "$1 $2" in
  "install -y") shift 2; for p in "$@"; do touch "${state}/pkg-$p"; done ;;
  "update -y") sleep 1.5; echo "Dependencies resolved." ;;
  "-q repolist") [ "$3" = --enabled ] || exit 2; cat "${state}/repos" ;;
  "config-manager --set-enabled") printf '%-24s %s\\n' "$3" "${OS_NAME[o.os ?? 'centos-stream-9']} - $3" >> "${state}/repos" ;;
  *) echo "lab stand-in: dnf $* is not simulated" >&2; exit 2 ;;
esac`,
  );
  tool(
    'openstack',
    `if [ "$*" = "compute service list -f json" ]; then
  echo '[{"ID": 1, "Binary": "nova-conductor", "Host": "controller", "Zone": "internal", "Status": "enabled", "State": "up"}, {"ID": 2, "Binary": "nova-scheduler", "Host": "controller", "Zone": "internal", "Status": "enabled", "State": "up"}, {"ID": 3, "Binary": "nova-compute", "Host": "controller", "Zone": "nova", "Status": "enabled", "State": "up"}]'
  exit 0
fi
exec /usr/bin/openstack "$@"`,
  );
  const logs = join(hostDir, 'var-tmp-packstack');
  tool(
    'packstack',
    `case "$1" in
  --gen-answer-file=*)
    f=\${1#--gen-answer-file=}
    # packstack's passwords are random: a re-generated file would differ, a reused one keeps them
    sed 1d '${join(FIXTURES, 'answers-generated.txt')}' | while IFS= read -r line; do
      case "$line" in CONFIG_*_PW=?*|CONFIG_*_PASSWORD=?*) line="\${line%%=*}=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n')" ;; esac
      printf '%s\\n' "$line"
    done > "$f"; chmod 600 "$f"
    echo "Packstack changed given value  to required value /root/.ssh/id_rsa.pub"; exit 0 ;;
  --answer-file=*) answers=\${1#--answer-file=} ;;
  *) echo "lab stand-in: packstack $* is not simulated" >&2; exit 2 ;;
esac
outcome=$(cat '${state}/outcome')
[ -e '${state}/outlives-session' ] && trap '' PIPE HUP
esc=$'\\e'
mkdir -p '${logs}/20200108-140542-U13YS1/manifests' '${logs}/20170621-144129-mO5ppO/manifests'
if [ "$outcome" = fail ]; then capture='${join(FIXTURES, 'install-failure.txt')}'; run=20170621-144129-mO5ppO; else capture='${join(FIXTURES, 'install-success.txt')}'; run=20200108-140542-U13YS1; fi
printf '%s\\n' "2024-01-01 00:00:00::INFO::run_setup.py::packstack started" "Puppet run on the controller" "$(tail -n 3 "$capture")" > '${logs}'/$run/openstack-setup.log
n=0
while IFS= read -r line; do
  case "$line" in '# '*) continue ;; esac
  line=\${line//\\/var\\/tmp\\/packstack/${logs}}
  case "$outcome:$line" in fail-at:*'[ DONE ]'*)
    # the chosen step fails: it shows [ ERROR ] and packstack ends as it does on any failed step
    n=$((n + 1))
    if [ "$n" = "\${outcome#fail-at:}" ]; then
      printf '%s\\n' "\${line//\\[ DONE \\]/[ \${esc}[31mERROR\${esc}[0m ]}" '' \\
        "ERROR : lab stand-in: packstack made step $n fail on purpose" \\
        "Please check log file ${logs}/$run/openstack-setup.log for more information"
      exit 1
    fi ;;
  esac
  line=\${line//\\[ DONE \\]/[ \${esc}[32mDONE\${esc}[0m ]}
  line=\${line//\\[ ERROR \\]/[ \${esc}[31mERROR\${esc}[0m ]}
  printf '%s\\n' "$line"
  sleep ${delay}
done < "$capture"
[ "$outcome" = fail ] && exit 1
pw=$(sed -n 's/^CONFIG_KEYSTONE_ADMIN_PW=//p' "$answers" | tail -n 1)
printf '%s\\n' 'unset OS_SERVICE_TOKEN' '    export OS_USERNAME=admin' "    export OS_PASSWORD='$pw'" '    export OS_REGION_NAME=RegionOne' "    export OS_AUTH_URL=$(cat '${state}/auth-url')" 'export OS_PROJECT_NAME=admin' 'export OS_USER_DOMAIN_NAME=Default' 'export OS_PROJECT_DOMAIN_NAME=Default' 'export OS_IDENTITY_API_VERSION=3' > '${home}/keystonerc_admin'
chmod 600 '${home}/keystonerc_admin'`,
  );
  return {
    vars: files,
    answerFile: files.packstack_answer_file,
    callsPath: calls,
    setOutcome: (outcome) => write(join(state, 'outcome'), `${outcome}\n`),
    setOutlivesSession: (on) =>
      on
        ? write(join(state, 'outlives-session'), 'yes\n')
        : rmSync(join(state, 'outlives-session'), { force: true }),
  };
}

/** A copy of the lab's inventory with vars added to the openstack_controllers group; returns its path. */
export function inventoryWithControllerVars(inventoryPath: string, vars: Record<string, unknown>): string {
  const inv = parse(readFileSync(inventoryPath, 'utf8'));
  const group = inv.all.children.openstack_controllers;
  group.vars = { ...group.vars, ...vars };
  const path = inventoryPath.replace(/\.yml$/, '-deploy.yml');
  writeFileSync(path, `# test/lab: the lab's inventory with the deploy vars\n${stringify(inv)}`);
  return path;
}
