import {
  type CommandMessage,
  type CommandType,
  LIMITS,
  type LogLine,
  type MessageInputs,
  parseCommandArgs,
} from '@outpost/protocol';
import type { Logger } from '../logger.js';
import type { CommandContext, CommandHandler } from './types.js';

type ResultInput = MessageInputs['result'];
type FinalState = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

export interface DispatcherOptions {
  handlers: ReadonlyMap<CommandType, CommandHandler>;
  context: Omit<CommandContext, 'cancel'>;
  /** Publishes one `up/result`. */
  publish(result: ResultInput): Promise<void>;
  now(): number;
  log: Logger;
  /** How often log lines and progress of a running command are sent. */
  flushMs?: number;
}

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
}

const MAX_LINE = 4000;
// Keeps a result message well under LIMITS.resultBytes whatever the lines hold.
const MAX_CHUNK_BYTES = LIMITS.resultBytes / 2;
const REMEMBERED = 200;

/**
 * Runs `down/cmd` jobs: accepted -> running (progress, log lines) -> one final state. The hub re-sends a
 * command until it gets a result, so a command already running is not started twice and a finished one gets
 * its final result again.
 */
export class CommandDispatcher {
  private readonly running = new Map<string, RunningJob>();
  private readonly finished = new Map<string, ResultInput>();
  private readonly ctx: CommandContext;

  constructor(private readonly o: DispatcherOptions) {
    this.ctx = { ...o.context, cancel: (id) => this.cancel(id, 'cancelled') };
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Handles one command from the hub. Never throws. */
  handle(cmd: CommandMessage): void {
    if (this.running.has(cmd.id)) return;
    const final = this.finished.get(cmd.id);
    if (final) {
      this.send(final);
      return;
    }
    const job = this.execute(cmd).catch((err: unknown) =>
      this.o.log.error({ command: cmd.id, err }, 'command dispatch failed'),
    );
    const entry = this.running.get(cmd.id);
    if (entry) entry.done = job;
  }

  private cancel(id: string, reason: 'cancelled' | 'shutdown'): boolean {
    const job = this.running.get(id);
    if (!job) return false;
    job.controller.abort(reason);
    return true;
  }

  private send(result: ResultInput): Promise<void> {
    return this.o.publish(result).catch((err: unknown) => {
      this.o.log.warn({ command: result.id, state: result.state, err }, 'publishing a command result failed');
    });
  }

  private async execute(cmd: CommandMessage): Promise<void> {
    const { id } = cmd;
    const controller = new AbortController();
    this.running.set(id, { controller, done: Promise.resolve() });
    const base = { v: 1 as const, id };
    let logs: LogLine[] = [];
    let progress: number | undefined;
    let dirty = false;
    let chain = this.send({ ...base, ts: this.o.now(), state: 'accepted' });
    const flush = (final?: Omit<ResultInput, 'v' | 'id' | 'ts' | 'logs'>, partial?: unknown) => {
      // Log lines go out in chunks under the result limits; the last chunk rides on the final message.
      const chunks: LogLine[][] = [];
      let chunk: LogLine[] = [];
      let bytes = 0;
      for (const line of logs) {
        const size = Buffer.byteLength(line.line) + 64;
        if (chunk.length >= LIMITS.resultLogLines || bytes + size > MAX_CHUNK_BYTES) {
          chunks.push(chunk);
          chunk = [];
          bytes = 0;
        }
        chunk.push(line);
        bytes += size;
      }
      chunks.push(chunk);
      // A partial result travels in a message of its own, so that log lines never push it over the limit.
      if (partial !== undefined && chunk.length > 0) chunks.push([]);
      logs = [];
      dirty = false;
      chunks.forEach((lines, i) => {
        const last = i === chunks.length - 1;
        const msg: ResultInput =
          last && final
            ? { ...base, ts: this.o.now(), ...final, logs: lines }
            : {
                ...base,
                ts: this.o.now(),
                state: 'running',
                logs: lines,
                ...(progress !== undefined ? { progress } : {}),
                ...(last && partial !== undefined ? { result: partial } : {}),
              };
        if (last && final) this.remember(msg);
        chain = chain.then(() => this.send(msg));
      });
    };
    const finish = async (final: Omit<ResultInput, 'v' | 'id' | 'ts' | 'logs'> & { state: FinalState }) => {
      flush(final);
      this.running.delete(id);
      await chain;
    };

    const parsed = parseCommandArgs(cmd);
    if (!parsed.ok) return finish({ state: 'failed', error: parsed.reason });
    const handler = this.o.handlers.get(parsed.type);
    if (!handler)
      return finish({ state: 'failed', error: `command type "${cmd.type}" is not supported by this agent` });

    const timer = setTimeout(() => controller.abort('timeout'), cmd.timeout_s * 1000);
    timer.unref();
    const ticker = setInterval(() => {
      if (dirty) flush();
    }, this.o.flushMs ?? 250);
    ticker.unref();
    chain = chain.then(() => this.send({ ...base, ts: this.o.now(), state: 'running', progress: 0 }));
    const job = {
      id,
      args: parsed.args,
      signal: controller.signal,
      log: (line: string, level: LogLine['level'] = 'info') => {
        logs.push({
          ts: this.o.now(),
          level,
          line: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line,
        });
        dirty = true;
      },
      progress: (percent: number) => {
        progress = Math.max(0, Math.min(100, percent));
        dirty = true;
      },
      partial: (result: unknown) => flush(undefined, result),
    };
    try {
      // Aborting ends the job at once even when the handler does not watch its signal.
      const aborted = new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
      const result = await Promise.race([handler.run(job as never, this.ctx), aborted]);
      progress = 100;
      await finish({ state: 'succeeded', progress: 100, result: result ?? null });
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : null;
      if (reason === 'timeout')
        await finish({ state: 'timed_out', error: `did not finish within ${cmd.timeout_s} s` });
      else if (reason === 'cancelled') await finish({ state: 'cancelled' });
      else if (reason === 'shutdown') await finish({ state: 'failed', error: 'the agent is stopping' });
      else await finish({ state: 'failed', error: (err as Error).message ?? String(err) });
    } finally {
      clearTimeout(timer);
      clearInterval(ticker);
    }
  }

  private remember(result: ResultInput): void {
    this.finished.set(result.id, result);
    if (this.finished.size > REMEMBERED) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }

  /** Cancels running commands (they report `failed: the agent is stopping`) and waits for their results. */
  async stop(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const id of this.running.keys()) this.cancel(id, 'shutdown');
    await Promise.all(jobs.map((j) => j.done));
  }
}
