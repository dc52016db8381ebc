import { bandwidth } from './bandwidth.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';
import type { ToxicType } from './toxic-type.ts';

/** The toxic types Toxiproxy 2.12 registers (its HTTP-level toxics excepted). */
const TOXIC_TYPES: ReadonlyMap<string, ToxicType> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop].map((t) => [t.type, t]),
);

export function toxicType(name: string): ToxicType | undefined {
  return TOXIC_TYPES.get(name);
}
