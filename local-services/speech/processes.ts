/**
 * Running the Debian speech engines as child processes: always `spawn` with an argument array (text
 * never passes through a shell), always a time limit, and a kill when the caller goes away.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** Why an engine process did not give a usable result. */
export type ProcessFailureKind = 'timeout' | 'exit' | 'missing';

/** An engine process that failed: not started (not installed), killed on its time limit, or exited non-zero. */
export class ProcessFailure extends Error {
  override readonly name = 'ProcessFailure';
  readonly kind: ProcessFailureKind;
  readonly command: string;
  readonly stderr: string;
  constructor(kind: ProcessFailureKind, command: string, stderr: string) {
    super(
      kind === 'missing'
        ? `${command} is not installed (see docs/speech-local.md for the Debian packages).`
        : kind === 'timeout'
          ? `${command} took too long and was stopped.`
          : `${command} failed: ${stderr.trim().split('\n').slice(-2).join(' ') || 'no message'}`,
    );
    this.kind = kind;
    this.command = command;
    this.stderr = stderr;
  }
}

export interface RunOptions {
  timeoutMs: number;
  /** Written to the process's standard input, which is then closed. */
  input?: string | Uint8Array;
  /** Kills the process (the server is closing). */
  signal?: AbortSignal;
}

/** Runs one process to its end and answers its standard output; rejects with `ProcessFailure`. */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal, killSignal: 'SIGKILL' });
    const output: Buffer[] = [];
    let errorText = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the end of what an engine complains about is useful in an error message.
      errorText = (errorText + chunk.toString('utf8')).slice(-2000);
    });
    child.stdin.on('error', () => {
      // The process may exit before reading all its input; its exit status tells what happened.
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ProcessFailure(error.code === 'ENOENT' ? 'missing' : 'exit', command, error.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new ProcessFailure('timeout', command, errorText));
      else if (code !== 0) reject(new ProcessFailure('exit', command, errorText));
      else resolve(Buffer.concat(output));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A chain of processes, each one's standard output fed to the next one's input. */
export interface Pipeline {
  /** The last process's standard output: the result as it is produced. */
  readonly output: NodeJS.ReadableStream;
  /** Settles when every process has exited; rejects with the first `ProcessFailure`. */
  readonly finished: Promise<void>;
  /** Stops every process (the client went away). */
  kill(): void;
}

/** Starts `stages` piped together, the first one reading `input`, all killed after `timeoutMs`. */
export function startPipeline(
  stages: ReadonlyArray<{ command: string; args: readonly string[] }>,
  input: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Pipeline {
  const children: ChildProcess[] = [];
  let timedOut = false;
  const exits: Promise<void>[] = [];
  for (const [index, stage] of stages.entries()) {
    const child = spawn(stage.command, stage.args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal, killSignal: 'SIGKILL' });
    let errorText = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errorText = (errorText + chunk.toString('utf8')).slice(-2000);
    });
    child.stdin?.on('error', () => {
      // A later stage may exit first (killed, or failed); its own status is what gets reported.
    });
    const previous = children[index - 1];
    if (previous?.stdout && child.stdin) previous.stdout.pipe(child.stdin);
    children.push(child);
    exits.push(
      new Promise<void>((resolve, reject) => {
        child.on('error', (error: NodeJS.ErrnoException) => {
          reject(new ProcessFailure(error.code === 'ENOENT' ? 'missing' : 'exit', stage.command, error.message));
        });
        child.on('close', (code, signal) => {
          if (timedOut) reject(new ProcessFailure('timeout', stage.command, errorText));
          else if (code !== 0) reject(new ProcessFailure('exit', stage.command, errorText || `stopped by ${signal ?? 'an error'}`));
          else resolve();
        });
      }),
    );
  }
  const kill = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  // The first process to fail explains the failure (the others exit because their pipe closed).
  const finished = Promise.all(exits).then(
    () => clearTimeout(timer),
    (error: unknown) => {
      clearTimeout(timer);
      kill();
      throw error;
    },
  );
  // Callers look at `finished` only once they need to; a failure before then is not unhandled.
  finished.catch(() => {});
  const first = children[0];
  first?.stdin?.end(input);
  const last = children.at(-1);
  if (!last?.stdout) throw new Error('A pipeline needs at least one stage.');
  return { output: last.stdout, finished, kill };
}

/** At most `limit` tasks at once; the others wait in order. */
export class TaskQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiting task, so `running` stays counted.
      if (next) next();
      else this.running -= 1;
    }
  }
}
