import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planLaunch } from './plan.js';
import { EMPTY_STATE, MAX_TRIAL_STARTS, type Trial, type VersionState } from './state.js';

const BASE = '0.1.0';
const NOW = Date.UTC(2026, 10, 1, 12);
const v2 = { version: '0.2.0', dir: '0.2.0' };
const trial = (t: Partial<Trial> = {}): Trial => ({
  version: '0.2.0',
  from_version: BASE,
  confirm_s: 300,
  installed_at: NOW - 1000,
  deadline: null,
  starts: 0,
  job_id: 'job_1',
  ...t,
});
const state = (s: Partial<VersionState>): VersionState => ({ ...EMPTY_STATE, events: [], ...s });

describe('planLaunch', () => {
  const cases: {
    name: string;
    state: VersionState;
    service?: boolean;
    run: string;
    deadline?: number;
    starts?: number;
    rolledBack?: RegExp;
  }[] = [
    { name: 'nothing installed: the bundle itself', state: EMPTY_STATE, run: BASE },
    { name: 'a confirmed version', state: state({ active: v2 }), run: '0.2.0' },
    {
      name: 'first start of a trial: its deadline starts now',
      state: state({ active: v2, trial: trial() }),
      run: '0.2.0',
      deadline: NOW + 300_000,
      starts: 1,
    },
    {
      name: 'a later start keeps the first deadline',
      state: state({ active: v2, trial: trial({ deadline: NOW + 5000, starts: 1 }) }),
      run: '0.2.0',
      deadline: NOW + 5000,
      starts: 2,
    },
    {
      name: 'past the deadline: rolled back before it starts',
      state: state({ active: v2, trial: trial({ deadline: NOW - 1, starts: 1 }) }),
      run: BASE,
      rolledBack: /did not reach the hub within 300 s/,
    },
    {
      name: 'too many starts: rolled back',
      state: state({ active: v2, trial: trial({ deadline: NOW + 5000, starts: MAX_TRIAL_STARTS }) }),
      run: BASE,
      rolledBack: /stopped 3 times without reaching the hub/,
    },
    {
      name: 'rolled back to an installed previous version',
      state: state({
        active: { version: '0.3.0', dir: '0.3.0' },
        previous: v2,
        trial: trial({ version: '0.3.0', from_version: '0.2.0', deadline: NOW - 1 }),
      }),
      run: '0.2.0',
      rolledBack: /0\.3\.0 did not reach the hub/,
    },
    {
      name: 'other commands neither count nor roll back',
      state: state({ active: v2, trial: trial({ deadline: NOW - 1, starts: 5 }) }),
      service: false,
      run: '0.2.0',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planLaunch(c.state, NOW, BASE, c.service ?? true);
      assert.equal(plan.run.version, c.run);
      assert.equal(plan.deadline, c.deadline);
      if (c.starts !== undefined) assert.equal(plan.write?.trial?.starts, c.starts);
      if (c.rolledBack) {
        assert.match(plan.rolledBack?.reason ?? '', c.rolledBack);
        assert.equal(plan.write?.trial, null);
        assert.equal(plan.write?.active?.version ?? BASE, c.run);
        const event = plan.write?.events.at(-1);
        assert.equal(event?.phase, 'rolled_back');
        assert.equal(event?.job_id, 'job_1');
        assert.equal(event?.from_version, c.run);
      } else assert.equal(plan.rolledBack, undefined);
      if (c.service === false) assert.equal(plan.write, undefined);
    });
  }

  it('starts the bundle when it was installed again with a version as new as the active one, or newer', () => {
    for (const version of ['0.1.0', '0.0.9']) {
      const s = state({ active: { version, dir: version }, previous: null, trial: trial({ version }) });
      const plan = planLaunch(s, NOW, BASE, true);
      assert.equal(plan.run.dir, null, version);
      assert.equal(plan.write?.active, null);
      assert.equal(plan.write?.trial, null);
    }
    assert.equal(
      planLaunch(state({ active: { version: '0.0.9', dir: '0.0.9' } }), NOW, BASE, false).run.dir,
      null,
    );
  });

  it('drops a trial of a version that is not the active one', () => {
    const plan = planLaunch(state({ active: null, trial: trial() }), NOW, BASE, true);
    assert.equal(plan.run.version, BASE);
    assert.equal(plan.write?.trial, null);
    assert.equal(plan.deadline, undefined);
  });
});
