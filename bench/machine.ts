import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What the numbers were measured on: they mean nothing without it. */
export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly versions: { [pkg: string]: string };
  readonly loadAverage: string;
  readonly date: string;
}

/** Reads the CPU model from /proc/cpuinfo (os.cpus() is the fallback off Linux). */
function cpuModel(): string {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) {
      return line.split(':').slice(1).join(':').trim();
    }
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The version of an installed package, read from its package.json next to its entry point. */
export function packageVersion(pkg: string, root: string): string {
  try {
    const file = path.join(root, 'node_modules', pkg, 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export function describeMachine(root: string): Machine {
  const versions: { [pkg: string]: string } = {};
  for (const pkg of ['cdk8s', 'cdk8s-plus-28', 'constructs', 'typescript', 'ts-node']) {
    versions[pkg] = packageVersion(pkg, root);
  }
  versions.yaml = packageVersion('cdk8s/node_modules/yaml', root) + ' (bundled in cdk8s)';
  return {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function machineMarkdown(m: Machine): string {
  return [
    `- CPU: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ${m.os}`,
    `- Node ${m.node}; ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- Load average at start: ${m.loadAverage}; run at ${m.date}`,
  ].join('\n');
}
