import { passthrough, type ToxicType } from './toxic-type.ts';

export const noop: ToxicType = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  createRunner: (_attributes, ctx) => passthrough(ctx),
};
