import { expect } from 'chai';
import { readdir, readlink } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { clientSocketInode, SourceWorkloads } from '../../../src/localcluster/mesh/source-workload.ts';
import { ObjectStore } from '../../../src/localcluster/api/object-store.ts';

async function loopbackPair(): Promise<{ client: Socket; accepted: Socket; close(): Promise<void> }> {
  let accepted!: Socket;
  const server = createServer();
  const gotAccepted = new Promise<void>((resolve) => {
    server.once('connection', (socket) => ((accepted = socket), resolve()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  await gotAccepted;
  return {
    client,
    accepted,
    close: async () => {
      client.destroy();
      accepted.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('mesh: the source of a loopback connection', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it("finds the client end's socket inode from the accepted socket's ports, and it is this process's", async () => {
    const pair = await loopbackPair();
    try {
      const inode = await clientSocketInode(pair.accepted.remotePort!, pair.accepted.localPort!);
      expect(inode).to.match(/^\d+$/);
      const ours = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      expect(ours).to.include(`socket:[${inode}]`);
      // the server end is another socket: swapping the ports finds it, not the client's
      expect(await clientSocketInode(pair.accepted.localPort!, pair.accepted.remotePort!)).to.not.equal(inode);
    } finally {
      await pair.close();
    }
  });

  it('a connection from a process that is no pod of the plane has no source workload; off Linux none has', async () => {
    const pair = await loopbackPair();
    try {
      expect(await new SourceWorkloads(new ObjectStore()).of(pair.accepted)).to.equal(undefined);
      expect(await new SourceWorkloads(new ObjectStore(), 'darwin').of(pair.accepted)).to.equal(undefined);
    } finally {
      await pair.close();
    }
  });
});
