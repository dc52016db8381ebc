import { expect } from 'chai';

/** Awaits a promise that must reject with this type and message. */
export async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, pattern: RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').to.be.instanceOf(type);
  expect((caught as Error).message).to.match(pattern);
  return caught as Error;
}
