/**
 * What callers of VirtualServices need without loading @kubernetes/client-node (about a second
 * of start-up): the API group and the error a concurrent edit raises.
 */
import { InfraError } from '../errors.ts';

export const ISTIO_GROUP = 'networking.istio.io';

export class ConcurrentEditError extends InfraError {
  override readonly name: string = 'ConcurrentEditError';
}
