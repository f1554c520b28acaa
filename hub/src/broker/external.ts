import { readFileSync } from 'node:fs';
import type { HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { AgentRepo } from '../store/agents.js';
import { DynsecAdmin, redactBrokerUrl } from './dynsec.js';
import { MqttBus } from './mqtt-bus.js';

type ExternalSettings = Pick<
  HubConfig,
  | 'brokerUrl'
  | 'brokerUsername'
  | 'brokerPassword'
  | 'brokerAdminUsername'
  | 'brokerAdminPassword'
  | 'brokerShareGroup'
  | 'brokerConsumers'
  | 'brokerCaFile'
>;

/**
 * Opens the hub's side of an external broker: the dynamic-security admin connection, the hub's own
 * least-privilege client (created or reset from the config), then the bus connection with that client.
 */
export async function openExternalBroker(config: ExternalSettings, logger: Logger): Promise<MqttBus> {
  const { brokerUrl: url, brokerUsername, brokerPassword, brokerAdminUsername, brokerAdminPassword } = config;
  if (!url || !brokerUsername || !brokerPassword || !brokerAdminUsername || !brokerAdminPassword)
    throw new Error(
      'an external broker needs brokerUrl, brokerUsername, brokerPassword and the admin credentials',
    );
  let ca: Buffer | undefined;
  if (config.brokerCaFile) {
    try {
      ca = readFileSync(config.brokerCaFile);
    } catch (err) {
      throw new Error(`brokerCaFile: cannot read ${config.brokerCaFile}: ${(err as Error).message}`);
    }
  }
  const tls = ca ? { ca } : {};
  const admin = await DynsecAdmin.connect(
    url,
    {
      username: brokerAdminUsername,
      password: brokerAdminPassword,
      clientId: `outpost-hub-admin-${process.pid}-${Date.now().toString(36)}`,
      ...tls,
    },
    logger,
  );
  try {
    await admin.ensureHubClient(brokerUsername, brokerPassword, config.brokerShareGroup);
    const bus = await MqttBus.connect({
      url,
      username: brokerUsername,
      password: brokerPassword,
      shareGroup: config.brokerShareGroup,
      consumers: config.brokerConsumers,
      admin,
      logger,
      ...tls,
    });
    logger.info(
      { url: redactBrokerUrl(url), group: config.brokerShareGroup, consumers: config.brokerConsumers },
      'connected to the external broker',
    );
    return bus;
  } catch (err) {
    await admin.close();
    throw err;
  }
}

/**
 * Deletes the broker clients of agents the store no longer admits (revoked while the broker was unreachable,
 * or unknown). Returns the ids removed.
 */
export async function reconcileAgentClients(
  admin: DynsecAdmin,
  agents: Pick<AgentRepo, 'get'>,
): Promise<string[]> {
  const removed: string[] = [];
  for (const id of await admin.agentClients()) {
    const row = await agents.get(id);
    if (row && row.revoked_at === null) continue;
    await admin.removeAgent(id);
    removed.push(id);
  }
  return removed;
}
