import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readManifests, byKind, containerEnv, shopDir } from './shop-manifests.ts';

const EXPECTED_REPLICAS: Record<string, number> = {
  checkout: 2, 'checkout-fragile': 1, 'payments-primary': 2, 'payments-secondary': 1, 'inventory-v1': 2, 'inventory-v2': 1,
};

describe('shop: manifests', () => {
  const local = readManifests('local');
  const cluster = readManifests('cluster');

  it('local: the six Deployments with their replicas, each behind a Service of the same name in namespace shop', () => {
    const deployments = byKind(local, 'Deployment');
    expect(Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.replicas]))).to.deep.equal(EXPECTED_REPLICAS);
    for (const d of [...deployments, ...byKind(local, 'Service')]) expect(d.metadata.namespace, d.metadata.name).to.equal('shop');
    expect(byKind(local, 'Namespace').map((n) => n.metadata.name)).to.deep.equal(['shop']);
    for (const d of deployments) {
      const service = byKind(local, 'Service').find((s) => s.metadata.name === d.metadata.name);
      expect(service, `Service for ${d.metadata.name}`).to.not.equal(undefined);
      expect(service!.spec.selector).to.deep.equal(d.spec.selector.matchLabels);
      expect(d.spec.template.metadata.labels).to.include(d.spec.selector.matchLabels);
      const container = d.spec.template.spec.containers[0];
      expect(service!.spec.ports[0].targetPort).to.equal(container.ports[0].name);
      expect(container.readinessProbe.httpGet.path).to.equal('/healthz');
      expect(container.readinessProbe.periodSeconds).to.equal(1);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).to.be.within(1, 10);
    }
  });

  it('local: pods run a service file that exists, relative to the manifest directory', () => {
    for (const d of byKind(local, 'Deployment')) {
      const c = d.spec.template.spec.containers[0];
      expect(c.command[0]).to.equal('node');
      const file = path.resolve(shopDir, 'manifests', 'local', c.workingDir, c.command[1]);
      expect(existsSync(file), file).to.equal(true);
    }
  });

  it('local: Service listeners have distinct fixed ports in 21000-21999, and checkout points at them', () => {
    const ports = new Map(byKind(local, 'Service').map((s) => [s.metadata.name, Number(s.metadata.annotations?.['rebound.dev/local-port'])]));
    for (const [name, port] of ports) expect(port, name).to.be.within(21000, 21999);
    expect(new Set(ports.values()).size).to.equal(ports.size);
    expect(ports.has('payments-primary') && [...ports.values()].includes(21001)).to.equal(false); // 21001 is the proxy's
    for (const name of ['checkout', 'checkout-fragile']) {
      const env = containerEnv(byKind(local, 'Deployment').find((d) => d.metadata.name === name)!);
      expect(env.PAYMENTS_PRIMARY_URL).to.equal('http://127.0.0.1:21001');
      expect(env.PAYMENTS_SECONDARY_URL).to.equal(`http://127.0.0.1:${ports.get('payments-secondary')}`);
      expect(env.INVENTORY_BACKENDS).to.equal(
        `inventory-v1=http://127.0.0.1:${ports.get('inventory-v1')};weight=80,inventory-v2=http://127.0.0.1:${ports.get('inventory-v2')};weight=20`,
      );
      expect(env.MODE).to.equal(name === 'checkout' ? 'robust' : 'fragile');
    }
  });

  it('cluster: the same Deployments and Services with the image and no local-port annotations, plus Toxiproxy', () => {
    const deployments = byKind(cluster, 'Deployment');
    expect(Object.fromEntries(deployments.filter((d) => d.metadata.name !== 'toxiproxy').map((d) => [d.metadata.name, d.spec.replicas]))).to.deep.equal(EXPECTED_REPLICAS);
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      expect(c.image, d.metadata.name).to.match(d.metadata.name === 'toxiproxy' ? /^ghcr\.io\/shopify\/toxiproxy:2\.12\.0$/ : /^rebound-shop:dev$/);
      expect(c.workingDir, d.metadata.name).to.equal(undefined);
    }
    for (const s of byKind(cluster, 'Service')) expect(s.metadata.annotations?.['rebound.dev/local-port'], s.metadata.name).to.equal(undefined);
    const checkout = containerEnv(deployments.find((d) => d.metadata.name === 'checkout')!);
    expect(checkout.PAYMENTS_PRIMARY_URL).to.equal('http://toxiproxy:21001');
    const toxiproxyConfig = JSON.parse(byKind(cluster, 'ConfigMap')[0]!.data!['toxiproxy.json']!);
    expect(toxiproxyConfig).to.deep.equal([{ name: 'payments-primary', listen: '0.0.0.0:21001', upstream: 'payments-primary:80', enabled: true }]);
    const toxiproxyService = byKind(cluster, 'Service').find((s) => s.metadata.name === 'toxiproxy')!;
    expect(toxiproxyService.spec.ports.map((p: { port: number }) => p.port)).to.have.members([8474, 21001]);
  });

  it('cluster: the robust checkout has the same resilience settings as the local one', () => {
    const settings = (flavour: 'local' | 'cluster') => {
      const env = containerEnv(byKind(readManifests(flavour), 'Deployment').find((d) => d.metadata.name === 'checkout')!);
      return Object.fromEntries(Object.entries(env).filter(([k]) => !k.endsWith('_URL') && k !== 'INVENTORY_BACKENDS' && k !== 'PORT'));
    };
    expect(settings('cluster')).to.deep.equal(settings('local'));
  });
});
