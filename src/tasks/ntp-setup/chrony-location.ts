import { type OsFamily, type OsRelease, osFamily } from '../remote/os-release.js';

/** Where chrony's configuration lives and what its systemd unit is called, per family. */
export const CHRONY_LOCATION: Readonly<Record<OsFamily, { confPath: string; service: string }>> = {
  rhel: { confPath: '/etc/chrony.conf', service: 'chronyd' },
  debian: { confPath: '/etc/chrony/chrony.conf', service: 'chrony' },
};

/**
 * The host's chrony.conf path and unit: the inventory's chrony_conf_path / chrony_service win, else the family's.
 * A problem in words when the family is unknown and the inventory does not say.
 */
export function chronyLocation(
  os: OsRelease,
  vars: { chrony_conf_path?: string; chrony_service?: string },
): { confPath: string; service: string } | { problem: string; hint: string } {
  const family = osFamily(os);
  const known = family ? CHRONY_LOCATION[family] : undefined;
  const confPath = vars.chrony_conf_path ?? known?.confPath;
  const service = vars.chrony_service ?? known?.service;
  if (confPath && service) return { confPath, service };
  return {
    problem: `unknown OS family (${os.name}, ID=${os.id || 'none'}): labops knows where chrony lives on RHEL- and Debian-like systems only`,
    hint: 'Set chrony_conf_path and chrony_service for this host in the inventory.',
  };
}
