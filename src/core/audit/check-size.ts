import { LAMBDA_LIMITS } from '../lambda/quotas.js';
import type { LayerTree } from '../layer/entry.js';
import type { AuditFinding } from './types.js';

/**
 * The layer's unzipped size against Lambda's limit, and the files whose bytes the audit could
 * not read (encrypted, an unknown compression method, or past the limit): each is an error,
 * since Lambda refuses the layer or cannot unpack the file.
 */
export function checkSize(tree: LayerTree): AuditFinding[] {
  let bytes = 0;
  for (const entry of tree.entries.values()) if (entry.type !== 'dir') bytes += entry.size;
  const findings: AuditFinding[] = [];
  if (bytes > LAMBDA_LIMITS.unzippedBytes) {
    findings.push({
      severity: 'error',
      code: 'layer-too-large',
      file: '.',
      reason: `${bytes} bytes unzipped, over Lambda's limit of ${LAMBDA_LIMITS.unzippedBytes} bytes (250 MB) for a function and all its layers`,
      hint: 'prune the layer (tests, docs, unused packages) or split it across several layers',
    });
  }
  for (const { path, reason } of tree.unread ?? []) {
    findings.push({
      severity: 'error',
      code: 'unextractable-entry',
      file: path,
      reason,
      hint: 'rebuild the zip from the layer folder (`zip -r -y` or `layerforge build`): unencrypted, deflated or stored, under the limit',
    });
  }
  return findings;
}
