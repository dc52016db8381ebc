import { FieldErrors, isInt, isObject } from './field-errors.ts';
import { validateLabels, validateObjectMeta } from './metadata.ts';
import { validateResourceRequirements } from './resources.ts';
import { isConfigMapKey, isDns1123Label, isDns1123Subdomain, isEnvVarName, isValidPortName, isValidPortNum, inclusiveRangeError } from './name-rules.ts';

/**
 * PodSpec rules of pkg/apis/core/validation/validation.go (ValidatePodSpec and the
 * validateContainers / validateVolumes / validateProbe family it calls).
 */

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const URI_SCHEMES = ['HTTP', 'HTTPS'];
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim',
  'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

export interface PodSpecContext {
  /** Pod templates of ReplicaSets and Deployments accept only restartPolicy Always. */
  readonly template: boolean;
}

/** A workload's pod template; the Go field is a struct, not a pointer, so a missing one is an empty one. */
export function validatePodTemplate(template: unknown, path: string, errors: FieldErrors): void {
  const value = isObject(template) ? template : {};
  if (isObject(value.metadata)) validateObjectMeta(value.metadata, undefined, errors, `${path}.metadata`);
  validatePodSpec(value.spec ?? {}, `${path}.spec`, errors, { template: true });
}

export function validatePodSpec(spec: unknown, path: string, errors: FieldErrors, context: PodSpecContext = { template: false }): void {
  if (!isObject(spec)) {
    errors.required(`${path}.containers`);
    return;
  }
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errors);
  const containerNames = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errors.required(`${path}.containers`);
  else validateContainers(spec.containers, `${path}.containers`, errors, { volumes, containerNames, init: false });
  validateContainers(spec.initContainers, `${path}.initContainers`, errors, { volumes, containerNames, init: true });

  if (context.template) {
    if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') errors.notSupported(`${path}.restartPolicy`, spec.restartPolicy, ['Always']);
    if (spec.activeDeadlineSeconds !== undefined) errors.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicaSet is not Supported');
  } else if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errors.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES);
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) errors.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES);
  if (spec.terminationGracePeriodSeconds !== undefined && (!isInt(spec.terminationGracePeriodSeconds) || spec.terminationGracePeriodSeconds < 0)) {
    errors.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0');
  }
  if (spec.activeDeadlineSeconds !== undefined && !context.template) {
    const value = spec.activeDeadlineSeconds;
    if (!isInt(value) || value < 1 || value > 2147483647) errors.invalid(`${path}.activeDeadlineSeconds`, value, inclusiveRangeError(1, 2147483647));
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') {
    errors.invalidEach(`${path}.serviceAccountName`, spec.serviceAccountName, isDns1123Subdomain(spec.serviceAccountName));
  }
  if (typeof spec.hostname === 'string' && spec.hostname !== '') errors.invalidEach(`${path}.hostname`, spec.hostname, isDns1123Label(spec.hostname));
  if (typeof spec.subdomain === 'string' && spec.subdomain !== '') errors.invalidEach(`${path}.subdomain`, spec.subdomain, isDns1123Label(spec.subdomain));
  validateLabels(spec.nodeSelector, `${path}.nodeSelector`, errors);
}

function validateVolumes(volumes: unknown, path: string, errors: FieldErrors): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(volumes)) return names;
  volumes.forEach((volume: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(volume)) return;
    const sources = VOLUME_SOURCES.filter((source) => volume[source] !== undefined && volume[source] !== null);
    if (sources.length === 0) errors.required(at, 'must specify a volume type');
    else if (sources.length > 1) errors.forbidden(`${at}.${sources[1]}`, 'may not specify more than 1 volume type');
    if (!volume.name) errors.required(`${at}.name`);
    else {
      errors.invalidEach(`${at}.name`, volume.name, isDns1123Label(String(volume.name)));
      if (names.has(volume.name)) errors.duplicate(`${at}.name`, volume.name);
      names.add(volume.name);
    }
    for (const source of ['configMap', 'secret'] as const) {
      const items = volume[source]?.items;
      if (!Array.isArray(items)) continue;
      items.forEach((item: any, j: number) => {
        if (!item?.key) errors.required(`${at}.${source}.items[${j}].key`);
        if (!item?.path) errors.required(`${at}.${source}.items[${j}].path`);
      });
    }
    if (volume.configMap && !volume.configMap.name) errors.required(`${at}.configMap.name`);
    if (volume.secret && !volume.secret.secretName) errors.required(`${at}.secret.secretName`);
  });
  return names;
}

interface ContainerContext {
  readonly volumes: Set<string>;
  readonly containerNames: Set<string>;
  readonly init: boolean;
}

function validateContainers(containers: unknown, path: string, errors: FieldErrors, context: ContainerContext): void {
  if (!Array.isArray(containers)) return;
  containers.forEach((container: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(container)) {
      errors.required(`${at}.name`);
      return;
    }
    // the order of validateContainerCommon, then the duplicate check, then the probes
    if (!container.name) errors.required(`${at}.name`);
    else errors.invalidEach(`${at}.name`, container.name, isDns1123Label(String(container.name)));
    if (!container.image) errors.required(`${at}.image`);
    if (container.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(container.terminationMessagePolicy)) {
      errors.notSupported(`${at}.terminationMessagePolicy`, container.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES);
    }
    validateContainerPorts(container.ports, `${at}.ports`, errors);
    validateEnv(container.env, `${at}.env`, errors);
    validateEnvFrom(container.envFrom, `${at}.envFrom`, errors);
    validateVolumeMounts(container.volumeMounts, `${at}.volumeMounts`, errors, context.volumes);
    if (container.imagePullPolicy !== undefined && !PULL_POLICIES.includes(container.imagePullPolicy)) errors.notSupported(`${at}.imagePullPolicy`, container.imagePullPolicy, PULL_POLICIES);
    validateResourceRequirements(container.resources, `${at}.resources`, errors);
    if (container.name) {
      if (context.containerNames.has(container.name)) errors.duplicate(`${at}.name`, container.name);
      context.containerNames.add(container.name);
    }
    if (context.init) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (container[probe] !== undefined && container.restartPolicy !== 'Always') errors.forbidden(`${at}.${probe}`, `may not be set for init containers without restartPolicy=Always`);
      }
    } else {
      validateProbe(container.livenessProbe, `${at}.livenessProbe`, errors, true);
      validateProbe(container.readinessProbe, `${at}.readinessProbe`, errors, false);
      validateProbe(container.startupProbe, `${at}.startupProbe`, errors, true);
    }
  });
}

function validateContainerPorts(ports: unknown, path: string, errors: FieldErrors): void {
  if (!Array.isArray(ports)) return;
  const allNames = new Set<string>();
  ports.forEach((port: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(port)) return;
    if (port.name !== undefined && port.name !== '') {
      const name = String(port.name);
      const messages = isValidPortName(name);
      if (messages.length > 0) errors.invalidEach(`${at}.name`, name, messages);
      else if (allNames.has(name)) errors.duplicate(`${at}.name`, name);
      else allNames.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errors.required(`${at}.containerPort`);
    else errors.invalidEach(`${at}.containerPort`, port.containerPort, isInt(port.containerPort) ? isValidPortNum(port.containerPort) : [inclusiveRangeError(1, 65535)]);
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      errors.invalidEach(`${at}.hostPort`, port.hostPort, isInt(port.hostPort) ? isValidPortNum(port.hostPort) : [inclusiveRangeError(1, 65535)]);
    }
    if (port.protocol === undefined || port.protocol === '') errors.required(`${at}.protocol`);
    else if (!PROTOCOLS.includes(port.protocol)) errors.notSupported(`${at}.protocol`, port.protocol, PROTOCOLS);
  });
}

function validateEnv(env: unknown, path: string, errors: FieldErrors): void {
  if (!Array.isArray(env)) return;
  env.forEach((variable: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(variable)) return;
    if (!variable.name) errors.required(`${at}.name`);
    else errors.invalidEach(`${at}.name`, variable.name, isEnvVarName(String(variable.name)));
    const from = variable.valueFrom;
    if (isObject(from)) {
      // validateEnvVarValueFrom: each source's own fields first, then how many sources there are
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((key) => from[key] !== undefined && from[key] !== null);
      if (isObject(from.fieldRef) && !from.fieldRef.fieldPath) errors.required(`${at}.valueFrom.fieldRef.fieldPath`);
      for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
        const selector = from[ref];
        if (!isObject(selector)) continue;
        if (!selector.name) errors.required(`${at}.valueFrom.${ref}.name`);
        if (!selector.key) errors.required(`${at}.valueFrom.${ref}.key`);
        else errors.invalidEach(`${at}.valueFrom.${ref}.key`, selector.key, isConfigMapKey(String(selector.key)));
      }
      if (sources.length === 0) errors.invalid(`${at}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
      else if (variable.value !== undefined && variable.value !== '') errors.invalid(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty');
      else if (sources.length > 1) errors.invalid(`${at}.valueFrom`, '', 'may not have more than one field specified at a time');
    }
  });
}

function validateEnvFrom(envFrom: unknown, path: string, errors: FieldErrors): void {
  if (!Array.isArray(envFrom)) return;
  envFrom.forEach((source: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(source)) return;
    if (source.prefix) errors.invalidEach(`${at}.prefix`, source.prefix, isEnvVarName(String(source.prefix)));
    const refs = ['configMapRef', 'secretRef'].filter((key) => source[key] !== undefined && source[key] !== null);
    if (refs.length === 0) errors.invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`');
    else if (refs.length > 1) errors.invalid(at, '', 'may not have more than one field specified at a time');
    for (const ref of refs) if (!source[ref]?.name) errors.required(`${at}.${ref}.name`);
  });
}

function validateVolumeMounts(mounts: unknown, path: string, errors: FieldErrors, volumes: Set<string>): void {
  if (!Array.isArray(mounts)) return;
  const paths = new Set<string>();
  mounts.forEach((mount: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(mount)) return;
    if (!mount.name) errors.required(`${at}.name`);
    else if (!volumes.has(mount.name)) errors.notFound(`${at}.name`, mount.name);
    if (!mount.mountPath) errors.required(`${at}.mountPath`);
    else {
      if (paths.has(mount.mountPath)) errors.invalid(`${at}.mountPath`, mount.mountPath, 'must be unique');
      paths.add(mount.mountPath);
    }
  });
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: unknown, path: string, errors: FieldErrors, successMustBeOne: boolean): void {
  if (probe === undefined || probe === null) return;
  if (!isObject(probe)) return;
  const handlers = PROBE_HANDLERS.filter((key) => probe[key] !== undefined && probe[key] !== null);
  if (handlers.length === 0) errors.required(path, 'must specify a handler type');
  else if (handlers.length > 1) errors.forbidden(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type');
  for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const value = probe[field];
    if (value !== undefined && (!isInt(value) || value < 0)) errors.invalid(`${path}.${field}`, value, 'must be greater than or equal to 0');
  }
  if (successMustBeOne && probe.successThreshold !== undefined && probe.successThreshold !== 1) errors.invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1');
  if (isObject(probe.httpGet)) {
    const http = probe.httpGet;
    validatePortNumOrName(http.port, `${path}.httpGet.port`, errors);
    if (http.scheme !== undefined && !URI_SCHEMES.includes(http.scheme)) errors.notSupported(`${path}.httpGet.scheme`, http.scheme, URI_SCHEMES);
  }
  if (isObject(probe.tcpSocket)) validatePortNumOrName(probe.tcpSocket.port, `${path}.tcpSocket.port`, errors);
  if (isObject(probe.exec) && (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0)) errors.required(`${path}.exec.command`);
  if (isObject(probe.grpc)) errors.invalidEach(`${path}.grpc.port`, probe.grpc.port, isInt(probe.grpc.port) ? isValidPortNum(probe.grpc.port) : [inclusiveRangeError(1, 65535)]);
}

/** ValidatePortNumOrName: a number in 1..65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, path: string, errors: FieldErrors): void {
  if (typeof port === 'number') errors.invalidEach(path, port, isInt(port) ? isValidPortNum(port) : [inclusiveRangeError(1, 65535)]);
  else if (typeof port === 'string') {
    if (port === '') errors.required(path);
    else errors.invalidEach(path, port, isValidPortName(port));
  } else if (port === undefined || port === null) errors.required(path);
  else errors.invalid(path, port, 'must be an integer or a string');
}
