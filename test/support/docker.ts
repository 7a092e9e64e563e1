import { execFileSync } from 'node:child_process';

/** Integration tests need a real engine; in CI its absence is a failure, never a skip. */
export function requireDocker(): void {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `these integration tests need a running Docker engine (bash .ci/run starts one): ${String(error).split('\n')[0]}`,
    );
  }
}

/** Ids of containers carrying a label, running or not. */
export function containersWithLabel(label: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=${label}`], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.length > 0);
}
