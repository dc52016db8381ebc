import { expect } from 'chai';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ephemeralPortRange, freeLoopbackPort, isEphemeralPort } from '../../src/util/loopback-port.ts';

describe('freeLoopbackPort: ports that outgoing connections cannot take before the bind', () => {
  it('reads the kernel\'s ephemeral range', () => {
    const { low, high } = ephemeralPortRange();
    expect(low).to.be.within(1024, high);
    expect(isEphemeralPort(low)).to.equal(true);
    expect(isEphemeralPort(low - 1)).to.equal(false);
  });

  it('hands out bindable ports below the ephemeral range and above the fixtures\' fixed ports, never one twice', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 200; i++) ports.push(await freeLoopbackPort());
    expect(new Set(ports).size).to.equal(ports.length);
    for (const port of ports) {
      expect(port).to.be.at.least(23_000);
      expect(isEphemeralPort(port)).to.equal(false);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a port listen(0) returned can be taken by a connection\'s local end; the handed-out one is not (the CI failure this prevents)', async () => {
    // The local ends of a burst of connections all lie in the ephemeral range, where listen(0) also picks.
    const target: Server = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const { port } = target.address() as { port: number };
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        sockets.push(socket);
      }
      const localPorts = sockets.map((socket) => socket.localPort!);
      for (const local of localPorts) expect(isEphemeralPort(local), `local port ${local}`).to.equal(true);
      const handedOut = await freeLoopbackPort();
      expect(localPorts).to.not.include(handedOut);
      expect(isEphemeralPort(handedOut)).to.equal(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});
