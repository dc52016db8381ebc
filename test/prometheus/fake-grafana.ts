/**
 * FAKE Grafana (named as such): only the annotations HTTP API, with the request shapes Grafana
 * documents (HTTP API → Annotations): `POST /api/annotations` with `{ dashboardUID?, panelId?,
 * time, timeEnd?, tags?, text }` answers `{ message: "Annotation added", id }`;
 * `PATCH /api/annotations/:id` with any of `{ time, timeEnd, text, tags }` answers
 * `{ message: "Annotation patched" }` (404 `{ message: "Annotation not found" }` for an unknown id);
 * `GET /api/annotations` lists them; a missing or wrong `Authorization: Bearer` is 401.
 * Bodies that do not match the documented types are 400, as Grafana's binding rejects them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnnotation {
  id: number;
  dashboardUID?: string;
  time: number;
  timeEnd: number;
  tags: string[];
  text: string;
}

export class FakeGrafana {
  readonly annotations: FakeAnnotation[] = [];
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  private server: Server | undefined;

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const path = (req.url ?? '').split('?')[0]!;
        let body: Record<string, unknown>;
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          return send(400, { message: 'bad request data' });
        }
        this.requests.push({ method: req.method ?? '', path, body });
        if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { message: 'Unauthorized' });
        if (req.method === 'GET' && path === '/api/annotations') return send(200, this.annotations);
        if (req.method === 'POST' && path === '/api/annotations') {
          if (typeof body.time !== 'number' || typeof body.text !== 'string' || (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string')))) {
            return send(400, { message: 'bad request data' });
          }
          const annotation: FakeAnnotation = {
            id: this.annotations.length + 1,
            ...(typeof body.dashboardUID === 'string' ? { dashboardUID: body.dashboardUID } : {}),
            time: body.time,
            timeEnd: typeof body.timeEnd === 'number' ? body.timeEnd : body.time,
            tags: (body.tags as string[] | undefined) ?? [],
            text: body.text,
          };
          this.annotations.push(annotation);
          return send(200, { message: 'Annotation added', id: annotation.id });
        }
        const patch = /^\/api\/annotations\/(\d+)$/.exec(path);
        if (req.method === 'PATCH' && patch) {
          const annotation = this.annotations.find((a) => a.id === Number(patch[1]));
          if (!annotation) return send(404, { message: 'Annotation not found' });
          if (typeof body.timeEnd === 'number') annotation.timeEnd = body.timeEnd;
          if (typeof body.text === 'string') annotation.text = body.text;
          return send(200, { message: 'Annotation patched' });
        }
        send(404, { message: 'Not found' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
