import { FieldErrors, isObject } from './field-errors.ts';
import { isConfigMapKey } from './name-rules.ts';

/** ValidateConfigMap / ValidateSecret (pkg/apis/core/validation/validation.go). */

const MAX_DATA_SIZE = 1024 * 1024;

export function validateConfigMapData(object: Record<string, any>, errors: FieldErrors): void {
  let size = 0;
  const data = isObject(object.data) ? object.data : {};
  const binary = isObject(object.binaryData) ? object.binaryData : {};
  for (const [key, value] of Object.entries(data)) {
    errors.invalidEach(`data[${key}]`, key, isConfigMapKey(key));
    size += Buffer.byteLength(String(value));
  }
  for (const [key, value] of Object.entries(binary)) {
    errors.invalidEach(`binaryData[${key}]`, key, isConfigMapKey(key));
    if (key in data) errors.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data');
    size += Buffer.from(String(value), 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errors.tooLong('', MAX_DATA_SIZE);
}

/** Keys every Secret of a built-in type must carry (SecretTypeTLS, basic-auth, …). */
const REQUIRED_SECRET_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecretData(object: Record<string, any>, errors: FieldErrors): void {
  const data = isObject(object.data) ? object.data : {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errors.invalidEach(`data[${key}]`, key, isConfigMapKey(key));
    size += Buffer.from(String(value), 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errors.tooLong('data', MAX_DATA_SIZE);
  const type = object.type ?? 'Opaque';
  for (const key of REQUIRED_SECRET_KEYS[type] ?? []) if (!(key in data)) errors.required(`data[${key}]`);
  if (type === 'kubernetes.io/service-account-token' && !object.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errors.required('metadata.annotations[kubernetes.io/service-account.name]');
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errors.required('data[username]', 'either username or password is required');
  }
}
