import * as chai from 'chai';

/**
 * `await expect(promise).to.be.rejectedWithStatus(404)`: toxiproxy-node-client turns every
 * non-2xx into "Request failed with status code N".
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      rejectedWithStatus(status: number): Promise<void>;
    }
  }
}

chai.use((_chai, utils) => {
  utils.addMethod(_chai.Assertion.prototype, 'rejectedWithStatus', async function (this: Chai.AssertionStatic, status: number) {
    const promise = utils.flag(this, 'object') as Promise<unknown>;
    let error: unknown;
    try {
      await promise;
    } catch (e) {
      error = e;
    }
    new _chai.Assertion(error, 'expected a rejection').to.be.instanceOf(Error);
    new _chai.Assertion((error as Error).message).to.equal(`Request failed with status code ${status}`);
  });
});
