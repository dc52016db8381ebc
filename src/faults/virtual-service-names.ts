/**
 * What callers of VirtualServices need without loading @kubernetes/client-node (about a second
 * of start-up): the API group and the error a concurrent edit raises.
 */
import { InfraError } from '../errors.ts';

export const ISTIO_GROUP = 'networking.istio.io';

export class ConcurrentEditError extends InfraError {
  override readonly name: string = 'ConcurrentEditError';
}

/**
 * By name, not instanceof: VirtualServices is loaded lazily, and a loader that reaches this module
 * both through require and through import (mocha with tsx does) makes two copies of the class.
 */
export function isConcurrentEdit(error: unknown): error is ConcurrentEditError {
  return error instanceof Error && error.name === 'ConcurrentEditError';
}
