/**
 * A tiny HTTP server exposing Istio-shaped counters whose values the test controls, in the
 * Prometheus text format, for the real Prometheus to scrape. Not a mesh: only the metric text.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** Skips (printing why) when the binary is missing; fails under CI=true, where .ci/run installs it. */
export function requirePrometheus(context: Mocha.Context): void {
  if (existsSync(PROMETHEUS_BINARY)) return;
  const message = `${PROMETHEUS_BINARY} not found: install Debian's prometheus (apt-get install -y prometheus)`;
  if (process.env.CI === 'true') throw new Error(message);
  console.log(`      (skipped: ${message})`);
  context.skip();
}

const ISTIO_LABELS = (reporter: string, service: string, code: string, flags: string) =>
  `reporter="${reporter}",source_workload="checkout",source_workload_namespace="shop",destination_workload="payments-v1",destination_workload_namespace="shop",destination_service="${service}",destination_service_name="payments",destination_service_namespace="shop",request_protocol="http",response_code="${code}",grpc_response_status="",response_flags="${flags}",connection_security_policy="unknown"`;

export class FixtureMetrics {
  /** `code|flags` → count, per reporter=source, for payments.shop.svc.cluster.local. */
  readonly counts = new Map<string, number>();
  gauge = 0;
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Added every tick (50 ms): code|flags → how many. */
  rates: Record<string, number> = { '200|-': 10 };

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      const lines = ['# HELP istio_requests_total Requests.', '# TYPE istio_requests_total counter'];
      for (const [key, value] of this.counts) {
        const [code, flags] = key.split('|');
        lines.push(`istio_requests_total{${ISTIO_LABELS('source', 'payments.shop.svc.cluster.local', code!, flags!)}} ${value}`);
      }
      lines.push('# TYPE fixture_gauge gauge', `fixture_gauge ${this.gauge}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    // Every series exists from the start (a counter born inside a window loses its first increase).
    for (const key of ['200|-', '503|-', '503|FI', '200|DI']) this.counts.set(key, 0);
    this.timer = setInterval(() => {
      for (const [key, n] of Object.entries(this.rates)) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    }, 50);
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
