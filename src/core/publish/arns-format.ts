import { UserError } from '../errors.js';
import { LOCK_FILE_NAME, type LockEntry } from './lock-file.js';

export const ARN_FORMATS = ['json', 'env', 'sam', 'terraform', 'cdk'] as const;
export type ArnFormat = (typeof ARN_FORMATS)[number];

export function parseArnFormat(value: string): ArnFormat {
  if ((ARN_FORMATS as readonly string[]).includes(value)) return value as ArnFormat;
  throw new UserError(`unknown format "${value}"`, { hint: `use one of ${ARN_FORMATS.join(', ')}` });
}

/** `pandas-python312-x86_64` → `PandasPython312X8664`: a CloudFormation logical id / mapping key. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

/** `pandas-python312-x86_64` in us-east-1 → `PANDAS_PYTHON312_X86_64_US_EAST_1`. */
export function envName(layerName: string, region: string): string {
  const name = `${layerName}_${region}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return /^[0-9]/.test(name) ? `LAYER_${name}` : name;
}

/** Layer name → region → ARN, both levels sorted. */
function byLayer(entries: LockEntry[]): Map<string, Map<string, string>> {
  const layers = new Map<string, Map<string, string>>();
  const sorted = [...entries].sort((a, b) =>
    a.layerName === b.layerName ? (a.region < b.region ? -1 : 1) : a.layerName < b.layerName ? -1 : 1,
  );
  for (const entry of sorted) {
    const regions = layers.get(entry.layerName) ?? new Map<string, string>();
    regions.set(entry.region, entry.layerVersionArn);
    layers.set(entry.layerName, regions);
  }
  return layers;
}

/** Mapping keys per layer, made unique if two names fold to the same PascalCase. */
function logicalIds(layerNames: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of layerNames) {
    const base = pascalCase(name) || 'Layer';
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}${n}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

/**
 * Ready-to-paste references to the current layer versions: JSON, dotenv lines, a SAM/CloudFormation
 * `Mappings` block, a Terraform `locals` block or a CDK (TypeScript) constant.
 */
export function formatArns(entries: LockEntry[], format: ArnFormat): string {
  const layers = byLayer(entries);
  const source = `Layer versions recorded in ${LOCK_FILE_NAME} by layerforge.`;
  switch (format) {
    case 'json':
      return JSON.stringify(
        entries.map((e) => ({
          layerName: e.layerName,
          region: e.region,
          layerVersionArn: e.layerVersionArn,
          layerVersion: e.layerVersion,
          recipe: e.recipe,
          recipeVersion: e.recipeVersion,
          runtimes: e.runtimes,
          arch: e.arch,
          sha256: e.sha256,
          publishedAt: e.publishedAt,
        })),
        null,
        2,
      );
    case 'env':
      return entries.map((e) => `${envName(e.layerName, e.region)}=${e.layerVersionArn}`).join('\n');
    case 'sam': {
      const ids = logicalIds([...layers.keys()]);
      const byRegion = new Map<string, [string, string][]>();
      for (const [name, regions] of layers) {
        for (const [region, arn] of regions)
          byRegion.set(region, [...(byRegion.get(region) ?? []), [ids.get(name) ?? name, arn]]);
      }
      const example = ids.values().next().value ?? 'LayerName';
      const lines = [
        `# ${source}`,
        '# Use in a function: Layers: [!FindInMap [LayerforgeLayers, !Ref AWS::Region, ' + example + ']]',
        'Mappings:',
        '  LayerforgeLayers:',
      ];
      for (const region of [...byRegion.keys()].sort()) {
        lines.push(`    ${region}:`);
        for (const [id, arn] of byRegion.get(region) ?? []) lines.push(`      ${id}: ${arn}`);
      }
      return lines.join('\n');
    }
    case 'terraform': {
      const first = layers.keys().next().value ?? 'layer-name';
      const lines = [
        `# ${source}`,
        `# Use in aws_lambda_function: layers = [local.layerforge_layers["${first}"][var.region]]`,
        'locals {',
        '  layerforge_layers = {',
      ];
      for (const [name, regions] of layers) {
        lines.push(`    "${name}" = {`);
        // terraform fmt aligns the "=" of consecutive one-line attributes.
        const regionWidth = Math.max(...[...regions.keys()].map((r) => r.length + 2));
        for (const [region, arn] of regions)
          lines.push(`      ${pad(`"${region}"`, regionWidth)} = "${arn}"`);
        lines.push('    }');
      }
      lines.push('  }', '}');
      return lines.join('\n');
    }
    case 'cdk': {
      const first = layers.keys().next().value ?? 'layer-name';
      const lines = [
        `// ${source}`,
        `// Use in a stack with an explicit env: lambda.LayerVersion.fromLayerVersionArn(this, '${pascalCase(first) || 'Layer'}', layerforgeLayers['${first}'][this.region])`,
        'export const layerforgeLayers: Record<string, Record<string, string>> = {',
      ];
      for (const [name, regions] of layers) {
        lines.push(`  '${name}': {`);
        for (const [region, arn] of regions) lines.push(`    '${region}': '${arn}',`);
        lines.push('  },');
      }
      lines.push('};');
      return lines.join('\n');
    }
  }
}
