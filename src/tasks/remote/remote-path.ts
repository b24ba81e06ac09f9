import { z } from 'zod';

/**
 * An absolute path on a lab host, from the inventory: letters, digits and . _ - / only, no "..", so it is safe in
 * a command template even before quoting.
 */
export const RemotePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]{1,255}$/, 'must be an absolute path of letters, digits, ".", "_", "-" and "/"')
  .refine((p) => !p.split('/').includes('..') && !p.endsWith('/'), 'must name a file, without ".."');
export type RemotePath = z.infer<typeof RemotePath>;
