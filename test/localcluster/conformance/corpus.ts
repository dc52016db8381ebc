/**
 * Manifests a real API server accepts or refuses, with what it answers, written from
 * pkg/apis/core/validation and pkg/apis/apps/validation (see docs/kube-validation.md).
 * `lines` are the texts kubectl prints for the causes (`field: detail`), in the server's order.
 * Every case is applied with `kubectl apply --dry-run=server`, so running the corpus against
 * a real cluster changes nothing there.
 */
export type Expectation =
  | { readonly code: 201 }
  | { readonly code: 422; readonly lines: readonly string[] }
  | { readonly code: 400; readonly lines: readonly string[] };

export interface ConformanceCase {
  readonly id: string;
  readonly manifest: Record<string, unknown>;
  readonly expect: Expectation;
}

type Json = Record<string, any>;

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const ENV_RULE =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
const CONFIG_KEY_RULE = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function container(extra: Json = {}): Json {
  return { name: 'app', image: 'registry.example/app:1.0', ports: [{ name: 'http', containerPort: 8080 }], ...extra };
}

function deployment(name: string, change: (d: Json) => void = () => {}): Json {
  const d: Json = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container()] } },
    },
  };
  change(d);
  return d;
}

function replicaSet(name: string, change: (d: Json) => void = () => {}): Json {
  const rs = deployment(name, change);
  return { ...rs, kind: 'ReplicaSet' };
}

function service(name: string, change: (s: Json) => void = () => {}): Json {
  const s: Json = { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
  change(s);
  return s;
}

function pod(name: string, change: (p: Json) => void = () => {}): Json {
  const p: Json = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [container()] } };
  change(p);
  return p;
}

const podSpec = (d: Json): Json => d.spec.template.spec;
const firstContainer = (d: Json): Json => podSpec(d).containers[0];
const TEMPLATE_CONTAINER = 'spec.template.spec.containers[0]';

export const CORPUS: readonly ConformanceCase[] = [
  // Deployment (apps/v1)
  { id: 'deployment-valid', manifest: deployment('conf-deploy'), expect: { code: 201 } },
  { id: 'deployment-negative-replicas', manifest: deployment('conf-replicas', (d) => (d.spec.replicas = -1)), expect: { code: 422, lines: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] } },
  {
    id: 'deployment-selector-does-not-match-template',
    manifest: deployment('conf-mismatch', (d) => (d.spec.template.metadata.labels = { app: 'other' })),
    expect: { code: 422, lines: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`'] },
  },
  {
    id: 'deployment-missing-selector',
    manifest: deployment('conf-noselector', (d) => delete d.spec.selector),
    expect: { code: 422, lines: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"conf-noselector"}: `selector` does not match template `labels`'] },
  },
  {
    id: 'deployment-template-restart-policy',
    manifest: deployment('conf-restart', (d) => (podSpec(d).restartPolicy = 'Never')),
    expect: { code: 422, lines: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
  },
  {
    id: 'deployment-strategy-type',
    manifest: deployment('conf-strategy', (d) => (d.spec.strategy = { type: 'Canary' })),
    expect: { code: 422, lines: ['spec.strategy.type: Unsupported value: "Canary": supported values: "Recreate", "RollingUpdate"'] },
  },
  {
    id: 'deployment-rolling-update-both-zero',
    manifest: deployment('conf-rolling', (d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } })),
    expect: { code: 422, lines: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'] },
  },
  {
    id: 'deployment-container-port-name-too-long',
    manifest: deployment('conf-portname', (d) => (firstContainer(d).ports = [{ name: 'payments-primary', containerPort: 8080 }])),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.ports[0].name: Invalid value: "payments-primary": must be no more than 15 characters`] },
  },
  {
    id: 'deployment-env-var-name',
    manifest: deployment('conf-env', (d) => (firstContainer(d).env = [{ name: 'BAD=NAME', value: 'x' }])),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.env[0].name: Invalid value: "BAD=NAME": ${ENV_RULE}`] },
  },
  {
    id: 'deployment-duplicate-container-name',
    manifest: deployment('conf-dupcontainer', (d) => podSpec(d).containers.push(container({ ports: [] }))),
    expect: { code: 422, lines: ['spec.template.spec.containers[1].name: Duplicate value: "app"'] },
  },
  {
    id: 'deployment-probe-without-handler',
    manifest: deployment('conf-probe', (d) => (firstContainer(d).readinessProbe = { periodSeconds: 1 })),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.readinessProbe: Required value: must specify a handler type`] },
  },
  {
    id: 'deployment-liveness-success-threshold',
    manifest: deployment('conf-liveness', (d) => (firstContainer(d).livenessProbe = { tcpSocket: { port: 'http' }, successThreshold: 2 })),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.livenessProbe.successThreshold: Invalid value: 2: must be 1`] },
  },
  {
    id: 'deployment-mount-of-missing-volume',
    manifest: deployment('conf-mount', (d) => (firstContainer(d).volumeMounts = [{ name: 'config', mountPath: '/config' }])),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.volumeMounts[0].name: Not found: "config"`] },
  },
  {
    id: 'deployment-missing-image',
    manifest: deployment('conf-image', (d) => delete firstContainer(d).image),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.image: Required value`] },
  },
  {
    id: 'deployment-unknown-field',
    manifest: deployment('conf-unknown', (d) => (d.spec.replica = 2)),
    expect: { code: 400, lines: ['Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"'] },
  },
  {
    id: 'deployment-label-value',
    manifest: deployment('conf-labels', (d) => (d.metadata.labels = { app: 'has space' })),
    expect: { code: 422, lines: [`metadata.labels: Invalid value: "has space": ${LABEL_VALUE_RULE}`] },
  },
  {
    id: 'deployment-replicas-as-string',
    manifest: deployment('conf-types', (d) => (d.spec.replicas = '2')),
    expect: { code: 400, lines: ['Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'] },
  },
  {
    id: 'deployment-bad-quantity',
    manifest: deployment('conf-quantity', (d) => (firstContainer(d).resources = { limits: { memory: 'lots' } })),
    expect: { code: 400, lines: ["Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"] },
  },
  {
    id: 'deployment-requests-above-limits',
    manifest: deployment('conf-requests', (d) => (firstContainer(d).resources = { limits: { cpu: '1' }, requests: { cpu: '2' } })),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`] },
  },
  {
    id: 'deployment-env-value-and-value-from',
    manifest: deployment('conf-envfrom', (d) => (firstContainer(d).env = [{ name: 'MODE', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }])),
    expect: { code: 422, lines: [`${TEMPLATE_CONTAINER}.env[0].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`] },
  },
  { id: 'deployment-name', manifest: deployment('Conf_Deploy'), expect: { code: 422, lines: [`metadata.name: Invalid value: "Conf_Deploy": ${SUBDOMAIN_RULE}`] } },

  // ReplicaSet (apps/v1)
  { id: 'replicaset-valid', manifest: replicaSet('conf-rs'), expect: { code: 201 } },
  {
    id: 'replicaset-empty-selector',
    manifest: replicaSet('conf-rs-empty', (d) => (d.spec.selector = {})),
    expect: { code: 422, lines: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'] },
  },

  // Service (v1)
  { id: 'service-valid', manifest: service('conf-svc'), expect: { code: 201 } },
  {
    id: 'service-duplicate-port',
    manifest: service('conf-dupport', (s) => s.spec.ports.push({ name: 'again', port: 80, targetPort: 8080 })),
    expect: { code: 422, lines: ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'] },
  },
  {
    id: 'service-unnamed-ports',
    manifest: service('conf-unnamed', (s) => (s.spec.ports = [{ port: 80 }, { port: 81 }])),
    expect: { code: 422, lines: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'] },
  },
  {
    id: 'service-target-port-name-too-long',
    manifest: service('conf-target', (s) => s.spec.ports.push({ name: 'payments-primary', port: 21001, targetPort: 'payments-primary' })),
    expect: { code: 422, lines: ['spec.ports[1].targetPort: Invalid value: "payments-primary": must be no more than 15 characters'] },
  },
  {
    id: 'service-port-out-of-range',
    manifest: service('conf-range', (s) => (s.spec.ports[0].port = 70000)),
    expect: { code: 422, lines: ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  },
  {
    id: 'service-protocol',
    manifest: service('conf-protocol', (s) => (s.spec.ports[0].protocol = 'HTTP')),
    expect: { code: 422, lines: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
  },
  { id: 'service-name-dns1035', manifest: service('1st-svc'), expect: { code: 422, lines: [`metadata.name: Invalid value: "1st-svc": ${DNS1035_RULE}`] } },
  {
    id: 'service-selector-value',
    manifest: service('conf-selector', (s) => (s.spec.selector = { app: 'a b' })),
    expect: { code: 422, lines: [`spec.selector: Invalid value: "a b": ${LABEL_VALUE_RULE}`] },
  },
  {
    id: 'service-session-affinity-timeout',
    manifest: service('conf-affinity', (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 100000 } } })),
    expect: { code: 422, lines: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 100000: must be between 1 and 86400, inclusive'] },
  },
  { id: 'service-no-ports', manifest: service('conf-noports', (s) => delete s.spec.ports), expect: { code: 422, lines: ['spec.ports: Required value'] } },

  // Pod (v1)
  { id: 'pod-valid', manifest: pod('conf-pod'), expect: { code: 201 } },
  {
    id: 'pod-restart-policy',
    manifest: pod('conf-pod-restart', (p) => (p.spec.restartPolicy = 'Sometimes')),
    expect: { code: 422, lines: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
  },
  {
    id: 'pod-container-port-zero',
    manifest: pod('conf-pod-port', (p) => (p.spec.containers[0].ports = [{ containerPort: 0 }])),
    expect: { code: 422, lines: ['spec.containers[0].ports[0].containerPort: Required value'] },
  },
  {
    id: 'pod-duplicate-volume',
    manifest: pod('conf-pod-volumes', (p) => (p.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }])),
    expect: { code: 422, lines: ['spec.volumes[1].name: Duplicate value: "data"'] },
  },

  // ConfigMap, Secret, ServiceAccount, Namespace (v1)
  { id: 'configmap-valid', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf-cm' }, data: { 'app.properties': 'a=b' } }, expect: { code: 201 } },
  {
    id: 'configmap-key',
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf-cm-key' }, data: { 'bad key': 'x' } },
    expect: { code: 422, lines: [`data[bad key]: Invalid value: "bad key": ${CONFIG_KEY_RULE}`] },
  },
  { id: 'secret-valid', manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'conf-secret' }, stringData: { token: 's3cret' } }, expect: { code: 201 } },
  {
    id: 'secret-tls-without-keys',
    manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'conf-tls' }, type: 'kubernetes.io/tls', data: {} },
    expect: { code: 422, lines: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
  },
  { id: 'serviceaccount-valid', manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'conf-robot' } }, expect: { code: 201 } },
  {
    id: 'serviceaccount-name',
    manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Robot' } },
    expect: { code: 422, lines: [`metadata.name: Invalid value: "Robot": ${SUBDOMAIN_RULE}`] },
  },
  { id: 'namespace-valid', manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'conf-team' } }, expect: { code: 201 } },
  {
    id: 'namespace-name',
    manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
    expect: { code: 422, lines: [`metadata.name: Invalid value: "team.a": ${LABEL_RULE}`] },
  },
];
