import type { LayerListing } from './entry.js';
import type { LayoutFinding } from './layout-rules.js';
import { resolveLayerPath } from './resolve-path.js';

/**
 * Links that leave the layer (an error: on Lambda they point into the runtime image) and links
 * that dangle or loop (a warning: harmless until something opens them). A link is followed as
 * the kernel will once the layer is at /opt, so an absolute `/opt/lib/x` reaching a file of the
 * layer is fine.
 */
export function linkFindings(listing: LayerListing): LayoutFinding[] {
  const findings: LayoutFinding[] = [];
  for (const entry of listing.values()) {
    if (entry.type !== 'symlink') continue;
    const target = entry.linkTarget ?? '';
    const where = `${entry.path} -> ${target}`;
    const resolved = resolveLayerPath(listing, entry.path);
    if (resolved.kind === 'outside') {
      findings.push({
        severity: 'error',
        code: 'escaping-symlink',
        file: entry.path,
        reason: `${where} ${target.startsWith('/') ? 'is absolute' : 'climbs out of the layer'}: on Lambda it points outside /opt`,
        hint: 'make the link relative to a file inside the layer, or copy the file into the layer',
      });
    } else if (resolved.kind === 'missing' || resolved.kind === 'loop') {
      findings.push({
        severity: 'warning',
        code: 'dangling-symlink',
        file: entry.path,
        reason: `${where} ${resolved.kind === 'loop' ? 'loops' : 'points at nothing in the layer'}`,
        hint: 'add the file it points to, or drop the link',
      });
    }
  }
  return findings;
}
