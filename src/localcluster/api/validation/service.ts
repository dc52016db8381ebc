import { FieldErrors, isInt, isObject } from './field-errors.ts';
import { validateLabels } from './metadata.ts';
import { isDns1123Label, isDns1123Subdomain, isValidPortNum, inclusiveRangeError } from './name-rules.ts';
import { validatePortNumOrName } from './pod-spec.ts';

/** ValidateService (pkg/apis/core/validation/validation.go), the spec part. */

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateServiceSpec(spec: unknown, errors: FieldErrors): void {
  if (!isObject(spec)) {
    errors.required('spec.ports');
    return;
  }
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) errors.notSupported('spec.type', type, SERVICE_TYPES);
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = spec.clusterIP === 'None';
  if (type === 'ExternalName') {
    if (!spec.externalName) errors.required('spec.externalName');
    else errors.invalidEach('spec.externalName', spec.externalName, isDns1123Subdomain(String(spec.externalName)));
  } else if (ports.length === 0 && !headless) errors.required('spec.ports');

  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((port: any, i: number) => {
    const at = `spec.ports[${i}]`;
    if (!isObject(port)) return;
    validateServicePort(port, ports.length > 1, names, at, errors);
    const key = `${port.protocol ?? 'TCP'}/${port.port}`;
    if (keys.has(key)) errors.duplicate(at, undefined, goServicePortKey(port.protocol ?? 'TCP', port.port));
    keys.add(key);
  });

  if (spec.sessionAffinity !== undefined && !AFFINITIES.includes(spec.sessionAffinity)) errors.notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES);
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && (!isInt(timeout) || timeout <= 0 || timeout > 86400)) {
    errors.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, inclusiveRangeError(1, 86400));
  }
  if (type !== 'ExternalName') validateLabels(spec.selector, 'spec.selector', errors);
  if ((type === 'ClusterIP' || type === 'ExternalName') && ports.some((p: any) => isObject(p) && p.nodePort)) {
    ports.forEach((port: any, i: number) => {
      if (isObject(port) && port.nodePort) errors.forbidden(`spec.ports[${i}].nodePort`, `may not be used when \`type\` is '${type}'`);
    });
  }
}

function validateServicePort(port: Record<string, any>, requireName: boolean, names: Set<string>, at: string, errors: FieldErrors): void {
  if (requireName && !port.name) errors.required(`${at}.name`);
  else if (port.name) {
    const name = String(port.name);
    errors.invalidEach(`${at}.name`, name, isDns1123Label(name));
    if (names.has(name)) errors.duplicate(`${at}.name`, name);
    else names.add(name);
  }
  errors.invalidEach(`${at}.port`, port.port ?? 0, isInt(port.port) ? isValidPortNum(port.port) : [inclusiveRangeError(1, 65535)]);
  if (port.protocol === undefined || port.protocol === '') errors.required(`${at}.protocol`);
  else if (!PROTOCOLS.includes(port.protocol)) errors.notSupported(`${at}.protocol`, port.protocol, PROTOCOLS);
  if (port.targetPort !== undefined) validatePortNumOrName(port.targetPort, `${at}.targetPort`, errors);
}

/** `%#v` of the core.ServicePort{Protocol, Port} key the server reports for a duplicate port. */
function goServicePortKey(protocol: string, port: unknown): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${Number(port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}
