// Smallest first: a value takes the first unit in which it shows below that unit's limit once rounded,
// so 0.99996 s is "1.0 s", not "1000 ms".
const UNITS: ReadonlyArray<readonly [seconds: number, name: string, limit: number]> = [
  [1e-9, 'ns', 1000],
  [1e-6, 'µs', 1000],
  [1e-3, 'ms', 1000],
  [1, 's', 60],
  [60, 'min', 60],
  [3600, 'h', 24],
  [86400, 'd', Number.POSITIVE_INFINITY],
];

/** One decimal below 100 ("12.3"), none from 100 on ("588"); nanoseconds never have decimals. */
function digits(value: number, name: string): string {
  const one = value.toFixed(1);
  return name === 'ns' || Number(one) >= 100 ? value.toFixed(0) : one;
}

/** A length of time without sign, in a fitting unit: 0.5 -> "500 ms", 3.000011 -> "3.0 s", 588e-9 -> "588 ns". */
export function formatDuration(seconds: number): string {
  const abs = Math.abs(seconds);
  for (const [size, name, limit] of UNITS) {
    const text = digits(abs / size, name);
    if (Number(text) < limit) return `${text} ${name}`;
  }
  return `${abs} s`; // not finite
}

/**
 * A clock offset with its direction in words, in chronyc's convention: positive = the local clock is SLOW of
 * NTP time. 3.000011444 -> "3.0 s slow", -0.00000139 -> "1.4 µs fast", 0 -> "0 ns".
 */
export function formatOffset(seconds: number): string {
  const magnitude = formatDuration(seconds);
  if (magnitude === '0 ns') return magnitude;
  return `${magnitude} ${seconds > 0 ? 'slow' : 'fast'}`;
}

/** The long form, as chronyc tracking says it: "3.0 s slow of NTP time". */
export function formatOffsetLong(seconds: number): string {
  const short = formatOffset(seconds);
  return short === '0 ns' ? '0 ns from NTP time' : `${short} of NTP time`;
}
