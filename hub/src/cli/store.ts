import { existsSync } from 'node:fs';
import type { HubConfig } from '../config.js';
import { openStore, parseDatabaseUrl } from '../store/open.js';
import type { HubStore } from '../store/port.js';

/**
 * Opens the hub's store for a CLI command (safe while `serve` runs on SQLite: WAL and a busy timeout). With
 * `mustExist`, a SQLite file that is not there is an error instead of a new empty store.
 */
export async function openCliStore(config: HubConfig, opts: { mustExist?: boolean } = {}): Promise<HubStore> {
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  if (
    opts.mustExist &&
    target.engine === 'sqlite' &&
    target.file !== ':memory:' &&
    !existsSync(target.file)
  ) {
    throw new Error(`no hub database at ${target.file}; check --data, --database-url or OUTPOST_DATA_DIR`);
  }
  return openStore(config.databaseUrl, config.dataDir);
}

/** Reads a password: every line of piped stdin (first line used), or a hidden prompt on a terminal. */
export async function readPassword(question: string, confirm = true): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd();
  }
  const first = await hiddenPrompt(question);
  if (confirm) {
    const again = await hiddenPrompt('Repeat password: ');
    if (again !== first) throw new Error('the passwords do not match');
  }
  return first;
}

function hiddenPrompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
