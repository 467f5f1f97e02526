/**
 * The manifest as multi-document YAML for `kubectl apply -f`. Written as YAML 1.1, which quotes
 * strings such as `yes`, `on` or `no`: Kubernetes reads manifests as YAML 1.1, where those are booleans.
 */
import { stringify } from 'yaml';
import type { ManifestObject } from './manifest.js';

export function manifestYaml(objects: readonly ManifestObject[]): string {
  return objects.map((object) => `---\n${stringify(object, { version: '1.1', lineWidth: 0 })}`).join('');
}
