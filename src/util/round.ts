/** Rounds to 3 decimals: milliseconds to the microsecond, rates to a thousandth. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
