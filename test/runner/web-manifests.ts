import { resolve } from 'node:path';

const BACKEND = resolve(import.meta.dirname, 'apps/backend.mjs');

/** Namespace rbtest: Service web and a Deployment of two test/runner/apps/backend.mjs pods. */
export const WEB_MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: rbtest }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: rbtest }
spec:
  selector: { app: web }
  ports: [ { name: http, port: 80, targetPort: http } ]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: rbtest }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    # probe every 200 ms locally (real servers take whole seconds only: periodSeconds is an int32)
    metadata: { labels: { app: web }, annotations: { rebound.dev/probe-period-ms: "200" } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: unused
          command: [node, ${JSON.stringify(BACKEND)}]
          ports: [ { name: http, containerPort: 8080 } ]
          readinessProbe:
            httpGet: { path: /, port: http }
            periodSeconds: 1
            failureThreshold: 1
`;
