import { z } from 'zod';
import { UserInputError } from '../../errors.js';

/** The inventory var that names the external interface of the controller (the one br-ex took over). */
export const EXT_IFACE_VAR = 'openstack_ext_iface';

/** A letter or digit first, so that it can never read as an option where it reaches a command line. */
export const InterfaceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$/, 'must be an interface name such as ens33');

export function externalInterface(vars: Readonly<Record<string, unknown>>, host: string): string {
  const parsed = InterfaceName.default('ens33').safeParse(vars[EXT_IFACE_VAR]);
  if (!parsed.success)
    throw new UserInputError(
      `The inventory var ${EXT_IFACE_VAR} of ${host} ${parsed.error.issues[0]?.message ?? 'is invalid'}.`,
    );
  return parsed.data;
}
