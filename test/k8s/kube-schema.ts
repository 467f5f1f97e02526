/**
 * Test helpers: Kubernetes API schema validation by kubernetes-models (validators generated from
 * the official OpenAPI schema), a model of the kubelet's `$(VAR)` expansion, and manifest parsing.
 */
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim, type IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parseAllDocuments } from 'yaml';

/** Throws the schema's first complaint unless `object` is a valid object of its kind. */
export function validateKubeObject(object: unknown): void {
  const kind = (object as { kind?: unknown }).kind;
  switch (kind) {
    case 'ConfigMap':
      return new ConfigMap(object as IConfigMap).validate();
    case 'PersistentVolumeClaim':
      return new PersistentVolumeClaim(object as IPersistentVolumeClaim).validate();
    case 'Job':
      return new Job(object as IJob).validate();
    default:
      throw new Error(`no schema for kind ${String(kind)}`);
  }
}

/** The documents of a manifest as kubectl reads them (YAML 1.1, where `yes` or `on` unquoted would be booleans). */
export function parseManifest(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors[0]?.message);
    return document.toJS() as unknown;
  });
}

/** What a container receives for `text`: `$$` -> `$`, `$(NAME)` -> the value of a declared variable, anything else as written. */
export function kubeExpand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$(\$|\(([^)]*)\))/g, (whole, _inner: string, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? whole;
  });
}
