import { randomUUID } from 'node:crypto';
import { isValidAgentId } from '@outpost/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import type { Logger } from '../logger.js';
import { type BrokerConnection, brokerConnectHint } from './connect-hint.js';
import { agentAcls, agentRoleName, type DynsecAcl, HUB_ROLE, hubAcls } from './dynsec-acl.js';

/** The dynamic-security plugin's control topics (Mosquitto 2, `$CONTROL/dynamic-security/v1`). */
const CONTROL = '$CONTROL/dynamic-security/v1';
const RESPONSE = `${CONTROL}/response`;
/** A command without an answer in this time fails (the plugin answers in microseconds when loaded). */
const COMMAND_TIMEOUT_MS = 10_000;

/** The broker refused a dynamic-security command, or did not answer. */
export class DynsecError extends Error {
  readonly code = 'dynsec_failed';
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`broker dynamic-security ${command}: ${reason}`);
    this.name = 'DynsecError';
  }
}

type Command = { command: string } & Record<string, unknown>;
interface Response {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

/** Errors that mean "already as wanted" for idempotent provisioning. */
const ALREADY = /already exists/i;
const NOT_FOUND = /not found/i;

/**
 * The hub's admin connection to Mosquitto's dynamic-security plugin: it gives each enrolled agent a broker
 * client (username = client id = agent id, password = its secret) with a role equal to protocol's `aclFor`,
 * deletes it on revoke (the plugin disconnects a deleted client at once), and provisions the hub's own
 * least-privilege client. Commands are matched to answers by correlation data, so several hubs may share the
 * response topic.
 */
export class DynsecAdmin {
  readonly #pending = new Map<
    string,
    { resolve: (r: Response) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  private constructor(
    private readonly client: MqttClient,
    private readonly logger: Logger,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== RESPONSE) return;
      let body: { responses?: Response[] };
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        return;
      }
      for (const r of body.responses ?? []) {
        const id = typeof r.correlationData === 'string' ? r.correlationData : undefined;
        const waiter = id ? this.#pending.get(id) : undefined;
        if (!waiter || !id) continue;
        this.#pending.delete(id);
        clearTimeout(waiter.timer);
        waiter.resolve(r);
      }
    });
  }

  /** Connects with the admin credentials and subscribes to the plugin's answers. */
  static async connect(url: string, options: IClientOptions, logger: Logger): Promise<DynsecAdmin> {
    const client = await connectOrExplain(url, { ...options, protocolVersion: 5, clean: true }, 'admin');
    client.on('error', (err) => logger.warn({ err: err.message }, 'broker admin connection error'));
    try {
      await client.subscribeAsync(RESPONSE, { qos: 0 });
    } catch (err) {
      await client.endAsync(true);
      throw new Error(
        `broker admin: cannot subscribe to ${RESPONSE} (${(err as Error).message}); brokerAdminUsername needs ` +
          'the dynamic-security admin role (`mosquitto_ctrl dynsec init` creates one)',
        { cause: err },
      );
    }
    return new DynsecAdmin(client, logger);
  }

  /** Calls `listener` each time the admin connection comes back after a loss. Returns an unsubscribe function. */
  onReconnect(listener: () => void): () => void {
    const on = () => listener();
    this.client.on('connect', on);
    return () => {
      this.client.off('connect', on);
    };
  }

  /** Sends one command and resolves to its answer; rejects with DynsecError when the plugin refused it. */
  async run(cmd: Command, tolerate?: RegExp): Promise<Response> {
    // Fail at once rather than queue: the caller (enrollment, revocation) answers now, and a revocation is
    // applied by the reconciliation when the connection is back.
    if (!this.client.connected) throw new DynsecError(cmd.command, 'the broker admin connection is down');
    const id = randomUUID();
    const answer = new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new DynsecError(cmd.command, `no answer within ${COMMAND_TIMEOUT_MS} ms (is the plugin loaded?)`),
        );
      }, COMMAND_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
    });
    try {
      await this.client.publishAsync(
        CONTROL,
        JSON.stringify({ commands: [{ ...cmd, correlationData: id }] }),
        {
          qos: 1,
        },
      );
    } catch (err) {
      const waiter = this.#pending.get(id);
      this.#pending.delete(id);
      if (waiter) clearTimeout(waiter.timer);
      throw new DynsecError(cmd.command, (err as Error).message);
    }
    const r = await answer;
    if (r.error && !tolerate?.test(r.error)) throw new DynsecError(cmd.command, r.error);
    return r;
  }

  /** Creates `role` with `acls`, or adds the missing ACLs to an existing one (idempotent). */
  async ensureRole(role: string, acls: DynsecAcl[]): Promise<void> {
    const r = await this.run({ command: 'createRole', rolename: role, acls }, ALREADY);
    if (!r.error) return;
    for (const acl of acls) await this.run({ command: 'addRoleACL', rolename: role, ...acl }, ALREADY);
  }

  /**
   * Provisions the hub's own client: role `outpost-hub` with the hub's ACL for `group`, and the client with
   * `password` (reset to it when the client exists, so the config is the source of truth).
   */
  async ensureHubClient(username: string, password: string, group: string): Promise<void> {
    await this.ensureRole(HUB_ROLE, hubAcls(group));
    const created = await this.run(
      { command: 'createClient', username, password, roles: [{ rolename: HUB_ROLE }] },
      ALREADY,
    );
    if (!created.error) return;
    await this.run({ command: 'setClientPassword', username, password });
    const existing = await this.run({ command: 'getClient', username });
    const roles = (existing.data as { client?: { roles?: { rolename: string }[] } })?.client?.roles ?? [];
    if (!roles.some((r) => r.rolename === HUB_ROLE))
      await this.run({ command: 'addClientRole', username, rolename: HUB_ROLE });
    await this.run({ command: 'enableClient', username });
  }

  /** Gives an enrolled agent its broker client, bound to its client id, with its own role. */
  async addAgent(agentId: string, secret: string): Promise<void> {
    if (!isValidAgentId(agentId)) throw new DynsecError('createClient', `invalid agent id ${agentId}`);
    const role = agentRoleName(agentId);
    await this.ensureRole(role, agentAcls(agentId));
    await this.run({
      command: 'createClient',
      username: agentId,
      password: secret,
      clientid: agentId,
      textname: 'Outpost agent',
      roles: [{ rolename: role }],
    });
  }

  /** Deletes an agent's client and role; the plugin disconnects it at once. False when it had none. */
  async removeAgent(agentId: string): Promise<boolean> {
    const r = await this.run({ command: 'deleteClient', username: agentId }, NOT_FOUND);
    await this.run({ command: 'deleteRole', rolename: agentRoleName(agentId) }, NOT_FOUND);
    return !r.error;
  }

  /** Usernames of the agent clients the plugin holds (those with a valid agent id and their own role). */
  async agentClients(): Promise<string[]> {
    const r = await this.run({ command: 'listClients', verbose: true, count: -1, offset: 0 });
    const clients = (r.data as { clients?: { username: string; roles?: { rolename: string }[] }[] })?.clients;
    return (clients ?? [])
      .filter(
        (c) =>
          isValidAgentId(c.username) && (c.roles ?? []).some((x) => x.rolename === agentRoleName(c.username)),
      )
      .map((c) => c.username);
  }

  async close(): Promise<void> {
    for (const [id, w] of this.#pending) {
      clearTimeout(w.timer);
      w.reject(new DynsecError('close', 'the admin connection closed'));
      this.#pending.delete(id);
    }
    await this.client.endAsync(true);
    this.logger.debug('broker admin connection closed');
  }
}

/** Connects once (no retry loop before the first success) and says which credentials failed. */
export async function connectOrExplain(
  url: string,
  options: IClientOptions,
  who: BrokerConnection,
): Promise<MqttClient> {
  try {
    return await mqtt.connectAsync(url, { connectTimeout: 10_000, ...options }, false);
  } catch (err) {
    const e = err as Error & { code?: number | string };
    const hint = brokerConnectHint(e.code, who);
    throw new Error(`broker ${redactBrokerUrl(url)}: ${who} connection failed: ${e.message}${hint}`, {
      cause: err,
    });
  }
}

/** The broker URL without user info, for logs and errors. */
export function redactBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
