/**
 * Stand-in images for agents with no binary to be had offline (Fluent Bit, Fluentd, Filebeat,
 * Falco, the EBS CSI node plugin and its sidecars, the GPU installers). Each is built from the
 * container's own spec: a busybox script sits where the container's command (or the image's
 * entrypoint) would run the agent; it answers the container's httpGet probes on the agent's own
 * ports and paths (busybox httpd, the probe files baked into the image so that a read-only root
 * still serves them), runs the agent's `work` (what it does with its mounts) first, and stays up
 * (or exits 0 for an init container). Exec probes' commands are stand-ins too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ImageSpec, debTree } from './images';
import { nodeCache } from './real-node';

export interface StandIn {
  /** Shell run before the probes are served (it may wait, e.g. for a socket). Non-zero fails the container. */
  readonly work?: string;
  /** Scripts for exec probe commands: command name -> shell body. */
  readonly execProbes?: Record<string, string>;
  /** More package trees (under the node cache's debs/) for the image. */
  readonly packages?: string[];
  /** More files. */
  readonly files?: ImageSpec['files'];
}

/** The port number of a probe's `port` (a number, or a named port of the container). */
function portOf(container: any, port: any): number {
  if (typeof port === 'number') {
    return port;
  }
  const named = (container.ports ?? []).find((p: any) => p.name === port);
  if (!named) {
    throw new Error(`probe port ${port} is not a port of container ${container.name}`);
  }
  return named.containerPort;
}

/** The httpGet probes of a container, as port -> paths. */
export function httpProbes(container: any): Map<number, Set<string>> {
  const byPort = new Map<number, Set<string>>();
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
    if (probe?.httpGet) {
      const port = portOf(container, probe.httpGet.port);
      byPort.set(port, (byPort.get(port) ?? new Set()).add(probe.httpGet.path ?? '/'));
    }
  }
  return byPort;
}

/** Where the agent's binary would be: the command's path, or the path a shell command execs. */
function agentPath(container: any): { path: string; wrapper?: ImageSpec['files'] } {
  const command: string[] | undefined = container.command;
  if (command && /(^|\/)(ba)?sh$/.test(command[0])) {
    // `/bin/bash -c "... exec /cos-gpu-installer ..."`: the shell is busybox's; the agent is what it execs.
    const script = command.join(' ');
    const exec = /exec (\/\S+)/.exec(script);
    if (!exec) {
      throw new Error(`container ${container.name}: a shell command with no "exec /path" to stand in for`);
    }
    const shell = command[0].startsWith('/') ? command[0] : `/usr/local/bin/${command[0]}`;
    return { path: exec[1], wrapper: shell.endsWith('/sh') ? {} : { [shell]: { content: '#!/bin/sh\nexec /bin/sh "$@"\n', mode: 0o755 } } };
  }
  if (command) {
    return { path: command[0].startsWith('/') ? command[0] : `/usr/local/bin/${command[0]}` };
  }
  // No command: the image's entrypoint runs. When the args start with an absolute path (Falco's
  // `/usr/bin/falco`), the entrypoint runs it; the stand-in is that path.
  if (container.args?.[0]?.startsWith('/')) {
    return { path: container.args[0] };
  }
  return { path: '/stand-in/agent' };
}

/** The image for one container of a preset's pod spec. */
export function standInImage(container: any, init: boolean, standIn: StandIn = {}): ImageSpec {
  const cache = nodeCache();
  const files: NonNullable<ImageSpec['files']> = {};
  const probes = httpProbes(container);
  for (const [port, paths] of probes) {
    for (const p of paths) {
      const file = p === '/' || p.endsWith('/') ? `${p}index.html` : p;
      files[path.posix.join('/stand-in/www', String(port), file)] = { content: `stand-in for ${container.image}: ${p}\n` };
    }
  }
  const agent = agentPath(container);
  const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
  const script = [
    '#!/bin/sh',
    `# Stand-in for ${container.image} (${container.name}): serves its probes, does its work with its mounts.`,
    ...(preStop ? [`if [ "$*" = "${preStop.slice(1).join(' ')}" ]; then echo "stand-in: preStop"; exit 0; fi`] : []),
    `echo "stand-in for ${container.image} as uid $(id -u): $0 $*"`,
    'set -e',
    standIn.work ?? ':',
    'set +e',
    ...[...probes.keys()].map((port) => `httpd -f -p ${port} -h /stand-in/www/${port} &`),
    `echo "stand-in: serving ${[...probes].map(([port, paths]) => `${port}${[...paths].join(',')}`).join(' ') || 'no probes'}"`,
    // Stops at once on SIGTERM, as an agent does (a sleeping PID 1 would take the whole grace period).
    init ? 'exit 0' : 'trap "echo stand-in: stopping; exit 0" TERM INT\nwhile :; do sleep 3600 & wait $!; done',
  ].join('\n');
  files[agent.path] = { content: `${script}\n`, mode: 0o755 };
  Object.assign(files, agent.wrapper ?? {});
  for (const [name, body] of Object.entries(standIn.execProbes ?? {})) {
    files[name.startsWith('/') ? name : `/usr/local/bin/${name}`] = { content: `#!/bin/sh\n${body}\n`, mode: 0o755 };
  }
  files['/stand-in/unix-listen'] = { content: fs.readFileSync(path.join(cache, 'stand-in', 'unix-listen')), mode: 0o755 };
  Object.assign(files, standIn.files ?? {});
  const noCommand = !container.command;
  return {
    name: container.image,
    trees: [debTree(cache, 'busybox-static'), ...(standIn.packages ?? []).map((p) => debTree(cache, p))],
    busyboxLinks: true,
    files,
    // With no command, the image's entrypoint: the stand-in itself, or a pass-through to args[0].
    entrypoint: noCommand ? (agent.path === '/stand-in/agent' ? ['/stand-in/agent'] : ['/bin/sh', '-c', 'exec "$@"', 'entrypoint']) : undefined,
  };
}
