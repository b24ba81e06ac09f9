import { ParseError } from '../../errors.js';

const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A decimal as chronyc prints it ("-0.000002596", "+0.000", "12"); `-0` becomes 0. */
export function decimal(text: string, what: string, raw: string): number {
  if (!DECIMAL.test(text)) throw new ParseError(`${what} is not a number: "${text}"`, raw);
  return Number(text) || 0;
}

/** A whole number in decimal ("3", "-2"). */
export function integer(text: string, what: string, raw: string): number {
  if (!INTEGER.test(text)) throw new ParseError(`${what} is not a whole number: "${text}"`, raw);
  return Number(text) || 0;
}

/** The reach register: chronyc prints it in octal, 8 bits ("377" = 255, "17" = 15). */
export function octalReach(text: string, raw: string): number {
  const value = /^[0-7]{1,3}$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
  if (!(value <= 0o377)) throw new ParseError(`reach is not an 8-bit octal number: "${text}"`, raw);
  return value;
}
