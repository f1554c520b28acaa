import net from 'node:net';

/** A port the all-in-one mode needs, with the setting that changes it. */
export interface PortNeed {
  what: string;
  port: number;
  host: string;
  env: string;
  flag?: string;
}

/** Resolves to undefined when the port can be bound, else to one line naming the port and how to change it. */
export function checkPort(need: PortNeed): Promise<string | undefined> {
  if (need.port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${err.code ?? err.message})`;
      resolve(
        `${need.what} port ${need.port} ${why}; choose another with ${need.env}=<port>${need.flag ? ` (or ${need.flag})` : ''}, e.g. ${need.env}=${need.port + 1} npm start`,
      );
    });
    server.listen(need.port, need.host, () => server.close(() => resolve(undefined)));
  });
}

/** Every problem with the ports, one line each. */
export async function checkPorts(needs: readonly PortNeed[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of needs) {
    const problem = await checkPort(n);
    if (problem) out.push(problem);
  }
  return out;
}
