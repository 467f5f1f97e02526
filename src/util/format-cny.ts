/** A CNY amount with sensible precision (3 significant digits below 1 yuan); never for unknown costs. */
export function formatCny(value: number): string {
  return value >= 100 ? value.toFixed(2) : value >= 1 ? value.toFixed(3) : value.toPrecision(3);
}
