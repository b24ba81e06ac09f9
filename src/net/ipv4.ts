import { isIPv4 } from 'node:net';
import { z } from 'zod';

/** 10.0.0.2 -> 167772162; the caller has checked it is an IPv4 address. */
export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The first and last address of a CIDR such as 10.0.0.0/24, as numbers. */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [ip = '', bits = '0'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipToInt(ip) / size) * size;
  return { first, last: first + size - 1 };
}

export function inCidr(ip: string, cidr: string): boolean {
  const { first, last } = cidrRange(cidr);
  const n = ipToInt(ip);
  return n >= first && n <= last;
}

/** A dotted-quad IPv4 address, no leading zeros (Neutron would print it back without them). */
export const Ipv4 = z
  .string()
  .refine((v) => isIPv4(v) && !/(^|\.)0\d/.test(v), 'must be an IPv4 address such as 10.0.0.2');

/** An IPv4 network in CIDR form whose host bits are zero, e.g. 10.0.0.0/24 (Neutron stores it that way). */
export const Ipv4Cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/24')
  .refine((v) => {
    const [ip = '', bits = ''] = v.split('/');
    return Ipv4.safeParse(ip).success && Number(bits) <= 32;
  }, 'must be an IPv4 CIDR such as 10.0.0.0/24')
  .refine((v) => {
    const [ip = ''] = v.split('/');
    return Ipv4.safeParse(ip).success && cidrRange(v).first === ipToInt(ip);
  }, 'must be the network address (host bits zero), e.g. 10.0.0.0/24 rather than 10.0.0.5/24');

/** A Neutron resource or physical network name as labops accepts it: no spaces, no shell characters. */
export const ResourceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be letters, digits, dot, dash or underscore (max 63)');
