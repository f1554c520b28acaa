import { LIMITS, releasePublicKey } from '@outpost/protocol';
import * as z from 'zod';
import { proxyList } from './net/client-address.js';
import { PRIVATE_NETWORKS, parseNetworks } from './net/site-networks.js';

/** The largest message an agent may publish (a snapshot, a batch or a result). */
const MAX_UPSTREAM_BYTES = Math.max(LIMITS.batchBytes, LIMITS.snapshotBytes, LIMITS.resultBytes);

// Field helpers: every value may arrive as a string (env, CLI flag), so numbers, booleans and lists coerce.
const int = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number().int().min(min).max(max),
  );
const port = () => int(0, 65535);
const bool = () =>
  z.preprocess((v) => {
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    return v;
  }, z.boolean());
const list = () =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.string().min(1)),
  );

/**
 * Every hub setting, in one flat object. A key `fooBar` is set by the config file's `fooBar`, by the env var
 * `OUTPOST_FOO_BAR` and, when a command exposes it, by a flag (see cli/options.ts). Add a key here with its
 * default; mark secrets in SECRET_KEYS so they print as `<secret>`.
 */
export const ConfigSchema = z
  .object({
    /** Directory holding hub.db, secret.key, initial-admin-password. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * Where the hub keeps its state: unset -> SQLite at <dataDir>/hub.db; `sqlite:<path>` -> SQLite there
     * (relative to dataDir); `postgres://...` -> PostgreSQL (serve and every command).
     */
    databaseUrl: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/i, 'use sqlite:<path> or postgres://user@host/db')
      .optional(),
    /**
     * Keep the time series in a Prometheus-compatible TSDB instead of the store (docs/tsdb.md): its base URL,
     * e.g. VictoriaMetrics `http://vm:8428` or Prometheus `http://prom:9090` (remote write at
     * `<url>/api/v1/write`, queries under `<url>/api/v1/`). Unset: the store keeps the time series.
     */
    tsdbUrl: z.string().min(1).optional(),
    /** Remote-write URL when it is not `<tsdbUrl>/api/v1/write` (Mimir: `.../api/v1/push`). */
    tsdbWriteUrl: z.string().min(1).optional(),
    /** Base of the Prometheus query API when it is not `tsdbUrl` (Mimir: `.../prometheus`). */
    tsdbQueryUrl: z.string().min(1).optional(),
    /** Time limit of one remote write or query to the TSDB (an ingest transaction waits for its write). */
    tsdbTimeoutMs: int(100, 30_000).default(10_000),
    httpPort: port().default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** PEM certificate chain and key: the HTTP port then serves HTTPS (agents download upgrades over HTTPS). */
    httpTlsCert: z.string().min(1).optional(),
    httpTlsKey: z.string().min(1).optional(),
    /** Public base URL of the hub (links in notifications, agent enrollment). */
    publicUrl: z.url().optional(),
    /**
     * Where agents reach this very hub for a camera's live-view push (default publicUrl). With several hubs
     * behind one load balancer, each hub's own path on publicUrl's origin (agents push only there): the viewer's
     * session lives on the hub it opened on.
     */
    livePushUrl: z.url().optional(),
    /** Origins allowed by CORS; empty means same-origin only. */
    corsOrigins: list().default([]),
    /** HTTP connections open at once (browsers, API clients, MQTT over WebSocket); more are closed at accept. */
    httpMaxConnections: int(16, 1_000_000).default(20_000),
    /**
     * An HTTP connection with no traffic for this long is closed (Node keeps a connection that never sends a
     * byte open forever otherwise). Event streams send a heartbeat every 15 s, so keep it above that.
     */
    httpIdleTimeoutS: int(1, 3600).default(60),
    /** Largest accepted request body in bytes. */
    bodyLimitBytes: int(1024, 1024 * 1024 * 1024).default(1024 * 1024),
    /**
     * Behind a reverse proxy: take the client address from X-Forwarded-For, read from the right (the hop the
     * proxy appended), never the client-written left part. Off by default: anyone can send that header.
     */
    trustProxy: bool().default(false),
    /** The proxies' addresses or CIDR ranges: X-Forwarded-For counts only from them, and they are skipped. */
    trustedProxies: list()
      .refine((entries) => {
        try {
          proxyList(entries);
          return true;
        } catch {
          return false;
        }
      }, 'must be IP addresses or CIDR ranges such as 10.0.0.0/8')
      .default([]),
    /** A static bearer token for Prometheus to scrape /metrics (otherwise a viewer login is needed). */
    metricsToken: z.string().min(16).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Authentication
    accessTokenTtlS: int(30, 24 * 3600).default(15 * 60),
    refreshTokenTtlS: int(60, 365 * 24 * 3600).default(30 * 24 * 3600),
    jwtIssuer: z.string().min(1).default('outpost-hub'),
    jwtAudience: z.string().min(1).default('outpost-api'),
    passwordMinLength: int(8, 1024).default(12),
    /** scrypt cost as log2(N): 16 means 64 MiB and ~0.1 s per hash. Lower only for tests. */
    passwordHashCost: int(10, 20).default(16),
    /** Login attempts allowed per client address and per username in one minute. */
    loginRateLimitPerMinute: int(1, 10_000).default(5),
    /** Password for the first admin; otherwise a random one is generated and printed once. */
    adminPassword: z.string().min(1).optional(),
    /** 32-byte key (base64 or hex) for secrets at rest; otherwise <dataDir>/secret.key is used/created. */
    secretKey: z.string().min(1).optional(),

    // Broker
    mqttPort: port().default(1883),
    /**
     * Plain MQTT (no TLS) on mqttPort. Turn off (or bind to loopback with mqttPlainHost) once agents use MQTT
     * over TLS: plain MQTT shows each agent's secret and the credentials in its config to anyone on the path.
     */
    mqttPlain: bool().default(true),
    /** Address the plain MQTT listener binds to (default: host), e.g. 127.0.0.1 for a local agent only. */
    mqttPlainHost: z.string().min(1).optional(),
    mqttsPort: port().optional(),
    mqttsCert: z.string().min(1).optional(),
    mqttsKey: z.string().min(1).optional(),
    /** MQTT connections the broker accepts at once (TCP, TLS and WebSocket together); more are refused. */
    mqttMaxConnections: int(1, 1_000_000).default(10_000),
    /**
     * MQTT connections one client address may hold at once. Behind a reverse proxy, WebSocket clients are told
     * apart only with trustProxy; agents behind one NAT share an address.
     */
    mqttMaxConnectionsPerAddress: int(1, 1_000_000).default(100),
    /** Largest MQTT packet accepted: the protocol's largest upstream message plus room for its topic. */
    mqttMaxPacketBytes: int(64 * 1024, 256 * 1024 * 1024).default(MAX_UPSTREAM_BYTES + 64 * 1024),
    /** Seconds from TCP accept to a complete CONNECT before the broker closes the connection. */
    mqttConnectTimeoutS: int(1, 300).default(10),
    /** Bytes a connection may send before its CONNECT is accepted (the CONNECT included). */
    mqttMaxPreAuthBytes: int(1024, 16 * 1024 * 1024).default(64 * 1024),
    // External broker (docs/scaling-out.md): unset brokerUrl -> the embedded broker above
    /**
     * An external MQTT 5 broker (Mosquitto 2 with its dynamic-security plugin) instead of the embedded one:
     * mqtt://, mqtts://, ws:// or wss://, without credentials in it. The mqtt* listener settings then do nothing.
     */
    brokerUrl: z
      .url()
      .regex(
        /^(mqtts?|wss?):\/\/[^@]+$/i,
        'use mqtt://, mqtts://, ws:// or wss://host:port without user:password@',
      )
      .optional(),
    /** The hub's own broker client (provisioned by the hub with the least rights it needs). */
    brokerUsername: z.string().min(1).max(256).optional(),
    brokerPassword: z.string().min(12, 'must be at least 12 characters').optional(),
    /** A dynamic-security admin (`mosquitto_ctrl dynsec init`): agents' broker clients are managed with it. */
    brokerAdminUsername: z.string().min(1).max(256).optional(),
    brokerAdminPassword: z.string().min(1).optional(),
    /** Hubs with one group share the agents' messages (`$share/<group>/...`): each reaches one hub. */
    brokerShareGroup: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
      .default('outpost-hubs'),
    /**
     * Connections each hub opens in the share group to receive agents' messages: how many it handles side by
     * side (each connection handles one at a time, acknowledged after its commit).
     */
    brokerConsumers: int(1, 64).default(4),
    /** The broker URLs handed to agents at enrollment (default: brokerUrl), e.g. the broker's public name. */
    brokerAgentUrls: list()
      .refine(
        (urls) => urls.every((u) => /^(mqtts?|wss?):\/\/[^@/]+(\/.*)?$/i.test(u) && URL.canParse(u)),
        'must be mqtt://, mqtts://, ws:// or wss:// URLs without credentials',
      )
      .default([]),
    /** PEM CA bundle the hub trusts for an mqtts:// or wss:// broker with a private CA. */
    brokerCaFile: z.string().min(1).optional(),
    /** Seconds between agent status heartbeats (sent in their config); offline after 2.5 x this in silence. */
    agentHeartbeatS: int(5, 3600).default(30),
    /**
     * The agents' SNMP trap receiver (sent in their config, every site alike): on or off, its UDP port (162 needs
     * CAP_NET_BIND_SERVICE on the agent), and the community traps must carry besides the devices' own.
     */
    agentTrapsEnabled: bool().default(false),
    agentTrapsPort: port().default(1162),
    agentTrapsCommunity: z.string().min(1).max(255).optional(),
    /** Enrollment attempts allowed per client address in one minute. */
    enrollRateLimitPerMinute: int(1, 10_000).default(10),
    /** Seconds a job waits for its offline agent before it times out. */
    jobQueueTimeoutS: int(1, 7 * 24 * 3600).default(900),
    /** Widest range one discovery may sweep, as a prefix length: 22 allows a /22 (1,024 addresses) and narrower. */
    discoveryMaxPrefix: int(16, 32).default(22),
    /**
     * Networks (addresses or CIDR ranges) where an agent may send credentials on an operator's word: discovery
     * sweeps and schedules (for everyone), and devices or cameras referencing a credential (admins excepted).
     */
    discoveryAllowedNetworks: list()
      .refine((entries) => {
        try {
          parseNetworks(entries);
          return true;
        } catch {
          return false;
        }
      }, 'must be IP addresses or CIDR ranges such as 10.0.0.0/8')
      .default([...PRIVATE_NETWORKS]),
    /** How often agents read their devices' LLDP, CDP, forwarding and ARP tables (sent in their config); 0 off. */
    topologyIntervalS: int(0, 86_400)
      .refine((n) => n === 0 || n >= 30, 'must be 0 (off) or at least 30')
      .default(900),

    // Fleet upgrades (hub/README.md "Fleet upgrades")
    /**
     * The release key's public half (raw Ed25519, base64, as `outpost-hub release keygen` prints it): bundles
     * must be signed with it, and agents pin it at enrollment. Without it, fleet upgrades are off.
     */
    releasePublicKey: z
      .string()
      .refine((k) => {
        try {
          releasePublicKey(k);
          return true;
        } catch {
          return false;
        }
      }, 'must be a raw Ed25519 public key in base64 (44 characters), as `outpost-hub release keygen` prints')
      .optional(),
    /** Largest agent bundle accepted for upload (bytes). */
    releaseMaxBytes: int(1024 * 1024, 256 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Default seconds a new agent version has to reach the hub before the agent rolls it back. */
    rolloutConfirmS: int(10, 24 * 3600).default(300),
    /** Seconds an upgrade job waits for its offline agent. */
    rolloutQueueTimeoutS: int(60, 30 * 24 * 3600).default(7 * 24 * 3600),

    // Bounded growth (hub/README.md "Retention"): how long rows of growing tables are kept, in days
    retentionAuditDays: int(1, 36500).default(365),
    retentionAgentEventsDays: int(1, 3650).default(30),
    /** Finished jobs and their log lines. */
    retentionJobsDays: int(1, 3650).default(30),
    /** Resolved alerts (with their notifications and delivery attempts). */
    retentionAlertsDays: int(1, 3650).default(180),
    /** Delivered or given-up notifications (and their attempts) of alerts still kept. */
    retentionNotificationsDays: int(1, 3650).default(30),
    /** Delivery ledger rows (seqs below the agent's acknowledged one, closed gaps) older than this (hours). */
    retentionLedgerHours: int(1, 24 * 365).default(24),
    /** Revoked or expired API keys stay listed this long. */
    retentionApiKeysDays: int(1, 3650).default(30),
    /** How often (s) the hub prunes, and how many rows one delete takes: ingest runs between batches. */
    pruneIntervalS: int(10, 24 * 3600).default(600),
    pruneBatchRows: int(10, 100_000).default(1000),

    // Time series (hub/README.md "Time series") and retention
    retentionRawDays: int(1, 3650).default(7),
    retentionRollupDays: int(1, 36500).default(90),
    /** A head chunk is sealed once it holds this many samples of its series. */
    tsChunkMaxSamples: int(1, 100_000).default(480),
    /** ... or spans this many seconds of its series' time. */
    tsChunkMaxSpanS: int(1, 7 * 24 * 3600).default(7200),
    /** ... or has been open this long (s): bounds the head log replayed after a crash, and the head's memory. */
    tsHeadMaxAgeS: int(1, 7 * 24 * 3600).default(7200),
    /** How often (ms) the hub seals due chunks and deletes the head-log records they cover. */
    tsSealIntervalMs: int(10, 3_600_000).default(1000),
    /** Series sealed per transaction: ingest runs between transactions, so a seal pass never holds it long. */
    tsSealSeriesPerTransaction: int(1, 100_000).default(256),

    // Alerting (docs/alerting.md)
    /** Notices wait this long after an alert opens, so that dependencies reported with it apply. */
    alertSettleMs: int(0, 60_000).default(500),
    /** Repeat interval (s) for unacknowledged alerts on channels without routes; 0 never. */
    alertRepeatIntervalS: int(0, 7 * 24 * 3600).default(4 * 3600),
    /** An alert with alertFlapThreshold open/resolve transitions within this window (s) is flapping. */
    alertFlapWindowS: int(60, 24 * 3600).default(900),
    alertFlapThreshold: int(2, 100).default(6),
    /** After an agent reconnects, its site's device/camera alerts stay suppressed this long (s). */
    alertDependencyGraceS: int(0, 3600).default(120),
    /** Local time (HH:MM) of the daily summary; empty for none. */
    alertSummaryAt: z
      .string()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d)?$/, 'must be HH:MM or empty')
      .default('08:00'),
    alertSummaryTimezone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Paris')
      .default('UTC'),
    /**
     * Addresses or CIDR ranges that notification channels may reach although they are not public (loopback,
     * private, link-local, ...), e.g. a local SMTP relay: 10.0.5.25/32. Every other non-public target is refused.
     */
    notifyAllowedNetworks: list()
      .refine((entries) => {
        try {
          proxyList(entries);
          return true;
        } catch {
          return false;
        }
      }, 'must be IP addresses or CIDR ranges such as 10.0.5.25/32')
      .default([]),
    /** Hard limit (ms) of one notification delivery attempt. */
    notifyTimeoutMs: int(1000, 120_000).default(10_000),
    /** Delivery attempts before a notification is given up. */
    notifyMaxAttempts: int(1, 50).default(8),

    /** Event streams (`/api/v1/events`) one user may hold open at once; more get 429. */
    sseMaxPerUser: int(1, 1000).default(10),
    /** Event streams the hub serves at once, all users together. */
    sseMaxConnections: int(1, 100_000).default(500),

    // Cameras
    /** Snapshots kept per camera (older ones are deleted as new ones arrive). */
    cameraSnapshotsKeep: int(1, 10_000).default(20),
    /** Viewers of one camera's live view at once. */
    liveMaxViewers: int(1, 100).default(5),
    /** Bandwidth cap of one camera's live stream (kbit/s); a faster stream is stopped. */
    liveMaxKbps: int(100, 1_000_000).default(8_000),
    /** Live views (of any cameras) one user may watch at once. */
    liveMaxPerUser: int(1, 100).default(4),
    /** Longest a live view runs before the viewer must reconnect (seconds). */
    liveMaxSessionS: int(10, 24 * 3600).default(1800),
  })
  .strict();

export type HubConfig = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof HubConfig;

export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as ConfigKey[];
