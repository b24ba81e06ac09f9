import { z } from 'zod';
import { UserInputError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { externalInterface } from '../controller/external-interface.js';
import { RemotePath } from '../remote/remote-path.js';

const AnswerKey = z.string().regex(/^CONFIG_[A-Z0-9_]{1,80}$/, 'keys look like CONFIG_SOMETHING');
const AnswerValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => (typeof v === 'boolean' ? (v ? 'y' : 'n') : String(v)))
  .pipe(z.string().regex(/^[^\r\n]{0,500}$/, 'must be one line'));

/** The controller's inventory vars that /lab deploy openstack reads, with the runbook's defaults. */
export const DeployVars = z.object({
  os_release_path: RemotePath.default('/etc/os-release'),
  meminfo_path: RemotePath.default('/proc/meminfo'),
  hosts_path: RemotePath.default('/etc/hosts'),
  selinux_config_path: RemotePath.default('/etc/selinux/config'),
  /** RDO release: centos-release-openstack-<release>. */
  openstack_release: z
    .string()
    .regex(/^[a-z]{3,20}$/, 'must be an RDO release name such as yoga')
    .default('yoga'),
  /** The runbook's /root/openstack.txt. */
  packstack_answer_file: RemotePath.default('/root/openstack.txt'),
  /** Answer-file keys to set besides the runbook's; they win over it. */
  packstack_answers: z.record(AnswerKey, AnswerValue).default({}),
  /** How long packstack may run, in minutes. */
  packstack_timeout_minutes: z.coerce.number().int().min(1).max(600).default(120),
});

export interface DeploySettings extends z.infer<typeof DeployVars> {
  extIface: string;
}

/** The controller's deploy settings; a bad var is the operator's to fix, and the message says which. */
export function deploySettings(host: InventoryHost): DeploySettings {
  const parsed = DeployVars.safeParse(host.vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserInputError(
      `The inventory var ${issue?.path.join('.') ?? '?'} of ${host.name} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  return { ...parsed.data, extIface: externalInterface(host.vars, host.name) };
}
