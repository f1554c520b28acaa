import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { liveProcessCount, runProcess, startProcess, ToolMissingError } from './spawn.js';

/** Whether any process of the group is still alive after a short grace (killed ones may be reaped late). */
async function groupAlive(pgid: number): Promise<boolean> {
  const alive = () => {
    const r = spawnSync('ps', ['-o', 'stat=', '-g', String(pgid)], { encoding: 'utf8' });
    return r.stdout.split('\n').some((s) => s.trim() && !s.trim().startsWith('Z'));
  };
  for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  return alive();
}

describe('spawned tools', () => {
  it('kills the whole process group at the deadline, grandchildren included', async () => {
    const h = startProcess('sh', ['-c', 'sleep 30 & sleep 30'], { timeoutMs: 200 });
    const pid = h.pid as number;
    const r = await h.done;
    assert.equal(r.killed, 'timeout');
    assert.ok(r.durationMs < 2_000);
    assert.equal(await groupAlive(pid), false);
    assert.equal(liveProcessCount(), 0);
  });
  it('kills on abort and on stop()', async () => {
    const ac = new AbortController();
    const p = runProcess('sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    assert.equal((await p).killed, 'aborted');
    const h = startProcess('sleep', ['30'], { timeoutMs: 10_000 });
    h.stop();
    assert.equal((await h.done).killed, 'stopped');
    assert.equal(await groupAlive(h.pid as number), false);
  });
  it('kills a process that writes more than allowed', async () => {
    const r = await runProcess('sh', ['-c', 'yes'], { timeoutMs: 5_000, maxStdoutBytes: 1024 });
    assert.equal(r.killed, 'output_limit');
  });
  it('returns output and exit code of a normal run', async () => {
    const r = await runProcess('sh', ['-c', 'printf hi; printf oops >&2; exit 3'], { timeoutMs: 5_000 });
    assert.equal(r.stdout.toString(), 'hi');
    assert.equal(r.stderr, 'oops');
    assert.equal(r.code, 3);
    assert.equal(r.killed, undefined);
  });
  it('names a missing tool', async () => {
    await assert.rejects(
      runProcess('/nonexistent/ffmpeg', [], { timeoutMs: 1_000 }),
      (e: Error) => e instanceof ToolMissingError && /not installed/.test(e.message),
    );
  });
});
