/**
 * A process the tiers drive: one they spawned (a ChildProcess), or one an earlier jest file
 * spawned and left running for the next (the node tier's shared node), adopted by its PID.
 */
import { ChildProcess } from 'child_process';

/** What the tiers use of a ChildProcess; `adopt` gives the same for a PID. */
export interface RunningProcess {
  readonly pid?: number;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'exit', listener: () => void): unknown;
  /** Lets this process end while the child runs on (a parked node outlives its jest file). */
  unref(): void;
}

/** A running process, its log, and why it ended (undefined while it runs). */
export interface Launched {
  readonly name: string;
  readonly process: RunningProcess;
  readonly log: string;
  exited?: string;
}

/** How a launched process is written down, to be adopted later. */
export interface LaunchedRecord {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Watches a spawned child: `exited` says why it ended. */
export function watch(name: string, child: ChildProcess, log: string): Launched {
  const launched: Launched = { name, process: child, log };
  child.on('exit', (code, signal) => {
    launched.exited = signal ?? `code ${code}`;
  });
  child.on('error', (e) => {
    launched.exited = e.message;
  });
  return launched;
}

/** The records of the processes still running, to adopt them after this jest file. */
export function records(launched: Launched[]): LaunchedRecord[] {
  return launched.filter((l) => l.exited === undefined && l.process.pid !== undefined)
    .map((l) => ({ name: l.name, pid: l.process.pid!, log: l.log }));
}

/**
 * A process started by an earlier jest file, driven by its PID: `kill` signals it, `exit`
 * listeners run once it is gone (polled, as it is not this process's child).
 */
export function adopt(record: LaunchedRecord): Launched {
  const listeners: Array<() => void> = [];
  const launched: Launched = {
    name: record.name,
    log: record.log,
    process: {
      pid: record.pid,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        try {
          return process.kill(record.pid, signal);
        } catch {
          return false;
        }
      },
      once: (_event: 'exit', listener: () => void) => listeners.push(listener),
      unref: () => clearInterval(timer),
    },
  };
  const timer = setInterval(() => {
    if (!alive(record.pid)) {
      clearInterval(timer);
      launched.exited = 'gone';
      listeners.splice(0).forEach((l) => l());
    }
  }, 250);
  timer.unref();
  if (!alive(record.pid)) {
    launched.exited = 'gone';
  }
  return launched;
}
