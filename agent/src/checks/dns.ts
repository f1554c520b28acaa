import { promises as dnsPromises } from 'node:dns';
import type { CheckParams } from '@outpost/protocol';
import { CheckError, type CheckUnit, elapsedMs } from './types.js';

type Resolver = InstanceType<typeof dnsPromises.Resolver>;

/** The answers of one record type as strings (`10 mail.example.org`, `v=spf1 -all`). */
export async function query(
  r: Resolver,
  name: string,
  type: CheckParams['dns']['record_type'],
): Promise<string[]> {
  switch (type) {
    case 'A':
      return r.resolve4(name);
    case 'AAAA':
      return r.resolve6(name);
    case 'CNAME':
      return r.resolveCname(name);
    case 'NS':
      return r.resolveNs(name);
    case 'PTR':
      return r.resolvePtr(name);
    case 'MX':
      return (await r.resolveMx(name)).map((m) => `${m.priority} ${m.exchange}`);
    case 'SRV':
      return (await r.resolveSrv(name)).map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`);
    case 'TXT':
      return (await r.resolveTxt(name)).map((t) => t.join(''));
  }
}

/** A DNS query against one server (c-ares through node:dns, no system resolver, one try). */
export const dns: CheckUnit<CheckParams['dns']> = {
  kind: 'dns',
  async run(p, { signal, timeoutMs }) {
    const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
    const server = p.server.includes(':') ? `[${p.server}]:${p.port}` : `${p.server}:${p.port}`;
    resolver.setServers([server]);
    const onAbort = () => resolver.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const start = performance.now();
    let answers: string[];
    try {
      answers = await query(resolver, p.name, p.record_type);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new CheckError(`${p.name} ${p.record_type} @${server}: ${code}`, { cause: err });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const ms = elapsedMs(start);
    const facts = { answers: answers.join(', ').slice(0, 1024), count: answers.length };
    if (p.expect !== undefined && !answers.some((a) => a.toLowerCase() === p.expect!.toLowerCase()))
      return {
        status: 'down',
        error: `${p.expect} is not among the answers (${facts.answers || 'none'})`,
        response_ms: ms,
        metrics: { dns_response_ms: ms },
        facts,
      };
    return { status: 'up', response_ms: ms, metrics: { dns_response_ms: ms }, facts };
  },
};
