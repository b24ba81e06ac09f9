import { describe, expect, it } from 'vitest';
import { formatDuration, formatOffset, formatOffsetLong } from '../../../src/tasks/chrony/format-offset.js';

describe('formatOffset (positive = local clock slow of NTP time)', () => {
  it.each([
    [3.000011444, '3.0 s slow'],
    [-0.00000139, '1.4 µs fast'],
    [0.0123, '12.3 ms slow'],
    [0, '0 ns'],
    [-0, '0 ns'],
    [0.0000000004, '0 ns'], // rounds to nothing: no direction
    [0.000000588, '588 ns slow'],
    [-0.5, '500 ms fast'],
    [0.99996, '1.0 s slow'], // not "1000.0 ms"
    [-0.0000999996, '100 µs fast'],
    [12.29999733, '12.3 s slow'],
    [-90, '1.5 min fast'],
    [100000, '1.2 d slow'],
    [-7200, '2.0 h fast'],
    [59.97, '1.0 min slow'],
    [-0.0000009996, '1.0 µs fast'],
    [0.0999, '99.9 ms slow'],
  ])('%d -> "%s"', (seconds, text) => {
    expect(formatOffset(seconds)).toBe(text);
  });

  it('says "of NTP time" in the long form, as chronyc tracking does', () => {
    expect(formatOffsetLong(3.000011444)).toBe('3.0 s slow of NTP time');
    expect(formatOffsetLong(-0.00000139)).toBe('1.4 µs fast of NTP time');
    expect(formatOffsetLong(0)).toBe('0 ns from NTP time');
  });
});

describe('formatDuration', () => {
  it.each([
    [0.5, '500 ms'],
    [0.05, '50.0 ms'],
    [-2.25, '2.3 s'],
    [0.000001, '1.0 µs'],
    [150, '2.5 min'],
    [2.345, '2.3 s'], // rounded once, not 2.35 then 2.4
    [0.12, '120 ms'],
  ])('%d -> "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
