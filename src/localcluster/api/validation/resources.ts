import { FieldErrors, isObject } from './field-errors.ts';

/** ValidateResourceRequirements (pkg/apis/core/validation/validation.go): amounts ≥ 0, requests within limits. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** The value of a resource.Quantity string, or undefined when it does not parse. */
export function quantityValue(text: unknown): number | undefined {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (Number.isNaN(number)) return undefined;
  if (suffix in BINARY) return number * BINARY[suffix]!;
  if (suffix in DECIMAL) return number * DECIMAL[suffix]!;
  const exponent = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return exponent ? number * 10 ** Number(exponent[1]) : undefined;
}

/** Requests may exceed limits only for resources that cannot be overcommitted (they must be equal). */
function overcommitAllowed(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage';
}

export function validateResourceRequirements(resources: unknown, path: string, errors: FieldErrors): void {
  if (!isObject(resources)) return;
  const limits = isObject(resources.limits) ? resources.limits : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  for (const [name, quantity] of Object.entries(limits)) {
    const value = quantityValue(quantity);
    if (value !== undefined && value < 0) errors.invalid(`${path}.limits[${name}]`, String(quantity), 'must be greater than or equal to 0');
  }
  for (const [name, quantity] of Object.entries(requests)) {
    const value = quantityValue(quantity);
    if (value !== undefined && value < 0) errors.invalid(`${path}.requests[${name}]`, String(quantity), 'must be greater than or equal to 0');
    if (!(name in limits) || value === undefined) continue;
    const limit = quantityValue(limits[name]);
    if (limit === undefined) continue;
    if (!overcommitAllowed(name) && value !== limit) errors.invalid(`${path}.requests`, String(quantity), `must be equal to ${name} limit of ${String(limits[name])}`);
    else if (value > limit) errors.invalid(`${path}.requests`, String(quantity), `must be less than or equal to ${name} limit of ${String(limits[name])}`);
  }
}
