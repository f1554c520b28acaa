import type { AgentEvent, CameraConfig, KnownEvent, Sample } from '@outpost/protocol';
import { parseSdp } from './codec/sdp.js';
import { type SdpStreamFacts, streamFactsFromSdp } from './codec/stream-facts.js';
import { isCompleteJpeg, jpegSize, snapshotArgs } from './ffmpeg/jpeg.js';
import { ffprobeArgs, parseFfprobeCompact, type StreamSample } from './ffmpeg/sample.js';
import { runProcess, ToolMissingError } from './ffmpeg/spawn.js';
import { resolveTools } from './ffmpeg/tools.js';
import { type LiveSessions, liveSessions } from './live/sessions.js';
import { type DescribeResult, describe } from './rtsp/client.js';
import { RtspError } from './rtsp/errors.js';
import { redact, withCredentials } from './rtsp/redact.js';
import { type CameraStatus, DEFAULT_EXPECTATIONS, verdictForRtspError, verdictForSample } from './status.js';

/** The slice of a pino logger the prober uses. */
export interface ProbeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type ProbeLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ProbeCallOptions {
  signal?: AbortSignal;
  /** Receives each step as a line (credentials already redacted), e.g. for a job's log. */
  log?: (level: ProbeLogLevel, line: string) => void;
}

export interface CameraProberOptions {
  /** ffmpeg binary; ffprobe is taken from the same folder. Default: both from PATH. */
  ffmpegPath?: string;
  /** Epoch milliseconds for event and sample times. */
  clock?: () => number;
  logger?: ProbeLogger;
  /** Seconds of stream ffprobe reads. */
  sampleSeconds?: number;
  connectTimeoutMs?: number;
  /** Deadline of each RTSP response. */
  responseTimeoutMs?: number;
  /** Verify rtsps certificates in the agent's own RTSP client (default true; agent setting rtsp_tls_verify). */
  tlsVerify?: boolean;
  /** Hard deadline of a snapshot's ffmpeg. */
  snapshotTimeoutMs?: number;
  /** Degraded below this share of the nominal fps (default 0.7). */
  minFpsRatio?: number;
  /** Degraded when frames stop for longer than this (default 2 s). */
  stallGapS?: number;
  minBitrateKbps?: number;
}

export interface ProbeResult {
  samples: Sample[];
  events: AgentEvent[];
}

export interface CameraSnapshot {
  image: Uint8Array;
  width: number;
  height: number;
}

/** A snapshot failed; the message holds no credentials. */
export class SnapshotError extends Error {
  constructor(
    readonly code: 'tool_missing' | 'timeout' | 'failed' | 'not_jpeg' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface CameraProber {
  /** Probes one camera. Never throws: always one `camera_state` event, plus samples when measured. */
  probe(camera: CameraConfig, opts?: ProbeCallOptions): Promise<ProbeResult>;
  /** One JPEG frame of the stream (needs ffmpeg). Throws `SnapshotError`. */
  snapshot(camera: CameraConfig, opts?: ProbeCallOptions): Promise<CameraSnapshot>;
  /** Stops a camera's live view when its config changes or it is removed. */
  forget(cameraId: number): void;
  /** Stops every live view (agent shutdown); their ffmpeg processes are gone when it resolves. */
  close(): Promise<void>;
  /** The live views (`live-start`, `live-stop` commands). */
  live(): Promise<LiveSessions>;
}

type CameraStateEvent = Extract<KnownEvent, { type: 'camera_state' }>;
type StreamFields = NonNullable<CameraStateEvent['stream']>;

const SILENT: ProbeLogger = { debug() {}, info() {}, warn() {} };

/** Creates the camera prober: RTSP OPTIONS/DESCRIBE for status and SDP facts, ffprobe for real rates. */
export function createCameraProber(options: CameraProberOptions = {}): CameraProber {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? SILENT;
  const tools = resolveTools(options.ffmpegPath);
  const sampleSeconds = options.sampleSeconds ?? 3;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const responseTimeoutMs = options.responseTimeoutMs ?? 5_000;
  const snapshotTimeoutMs = options.snapshotTimeoutMs ?? 20_000;

  function reporter(camera: CameraConfig, opts?: ProbeCallOptions) {
    const secrets = [camera.password, camera.username];
    const ctx = { camera_id: camera.id, camera: camera.name, url: redact(camera.rtsp_url, secrets) };
    return (level: ProbeLogLevel, line: string) => {
      const clean = redact(line, secrets);
      opts?.log?.(level, clean);
      const fn = level === 'error' ? logger.warn : level === 'debug' ? logger.debug : logger[level];
      fn.call(logger, ctx, clean);
    };
  }

  async function probe(camera: CameraConfig, opts?: ProbeCallOptions): Promise<ProbeResult> {
    const log = reporter(camera, opts);
    const ts = clock();
    const samples: Sample[] = [];
    const state = (status: CameraStatus, reason?: string, stream?: StreamFields): ProbeResult => {
      const event: CameraStateEvent = { type: 'camera_state', ts, camera_id: camera.id, status };
      if (reason) event.reason = redact(reason, [camera.password, camera.username]).slice(0, 1024);
      if (stream && Object.keys(stream).length > 0) event.stream = stream;
      log(status === 'online' ? 'info' : 'warn', `status ${status}${reason ? `: ${event.reason}` : ''}`);
      return { samples, events: [event] };
    };
    try {
      log('info', `RTSP OPTIONS and DESCRIBE ${redact(camera.rtsp_url)}`);
      let described: DescribeResult;
      try {
        described = await describe({
          url: camera.rtsp_url,
          username: camera.username,
          password: camera.password,
          connectTimeoutMs,
          responseTimeoutMs,
          tlsVerify: options.tlsVerify ?? true,
          signal: opts?.signal,
        });
      } catch (err) {
        if (err instanceof RtspError) {
          log('warn', `RTSP failed (${err.code}): ${err.message}`);
          const v = verdictForRtspError(err);
          return state(v.status, v.reason);
        }
        throw err;
      }
      const responseMs = Math.round((described.timings.optionsMs ?? 0) + described.timings.describeMs);
      samples.push(metric(camera.id, 'rtsp_response_ms', responseMs, 'ms', ts));
      log(
        'info',
        `DESCRIBE 200 in ${Math.round(described.timings.describeMs)} ms (connect ${Math.round(described.timings.connectMs)} ms, auth ${described.auth}${described.server ? `, server "${described.server}"` : ''}${described.redirects ? `, ${described.redirects} redirect(s)` : ''})`,
      );

      let facts: SdpStreamFacts;
      try {
        const sdp = parseSdp(described.sdp);
        if (!sdp.video)
          return state(
            'degraded',
            `the stream has no video track (media: ${sdp.media.join(', ') || 'none'})`,
          );
        facts = streamFactsFromSdp(sdp.video);
      } catch (err) {
        return state('degraded', `unreadable SDP: ${(err as Error).message}`);
      }
      if (facts.warning) log('warn', facts.warning);
      log('info', `SDP: ${describeFacts(facts)}`);
      const stream: StreamFields = {};
      if (facts.codec) stream.codec = facts.codec;
      if (facts.profile) stream.profile = facts.profile;
      if (facts.width) stream.width = facts.width;
      if (facts.height) stream.height = facts.height;

      if (opts?.signal?.aborted) return state('unreachable', 'probe cancelled', stream);
      log('info', `sampling ${sampleSeconds} s of video with ffprobe`);
      // Credentials only for the server they belong to: after a redirect to another one, ffprobe gets none.
      const url = described.sameOrigin
        ? withCredentials(
            described.url.includes('***@') ? camera.rtsp_url : described.url,
            camera.username,
            camera.password,
          )
        : described.url;
      let sample: StreamSample;
      try {
        const res = await runProcess(tools.ffprobe, ffprobeArgs(url, sampleSeconds, responseTimeoutMs), {
          timeoutMs: connectTimeoutMs + responseTimeoutMs * 2 + sampleSeconds * 1000,
          signal: opts?.signal,
          maxStdoutBytes: 8 * 1024 * 1024,
        });
        sample = parseFfprobeCompact(res.stdout.toString('utf8'));
        if (res.killed === 'aborted') return state('unreachable', 'probe cancelled', stream);
        const failed = res.killed !== undefined || res.code !== 0;
        // A live stream delivers the whole sample; one that ends early was cut (camera gone or stream dropped).
        const cut = sample.durationS < sampleSeconds * 0.6;
        if (failed || cut) {
          const why =
            res.killed === 'timeout'
              ? `no complete ${sampleSeconds} s sample in time`
              : failed
                ? lastLine(res.stderr) || `ffprobe exit ${res.code}`
                : `the stream ended after ${sample.frames} frames (${sample.durationS} s)`;
          log('warn', `ffprobe: ${why}`);
          // Did the camera go away, or does it answer but not stream?
          const recheck = await stillThere(camera, opts?.signal);
          if (recheck) return state('unreachable', `connection lost during the probe: ${recheck}`, stream);
          if (sample.frames === 0 || cut) return state('degraded', `video stopped: ${why}`, stream);
        }
      } catch (err) {
        if (err instanceof ToolMissingError) {
          log('warn', `${err.message}: status and stream facts come from RTSP and the SDP only`);
          return state('online', 'ffprobe not installed: frame rate and bitrate not measured', stream);
        }
        throw err;
      }

      if (!stream.codec && sample.codec) stream.codec = sample.codec;
      if (!stream.profile && sample.profile) stream.profile = sample.profile;
      if (!stream.width && sample.width) stream.width = sample.width;
      if (!stream.height && sample.height) stream.height = sample.height;
      if (sample.fps !== undefined) {
        stream.fps = sample.fps;
        samples.push(metric(camera.id, 'stream_fps', sample.fps, 'fps', ts));
      }
      if (sample.bitrateKbps !== undefined) {
        stream.bitrate_kbps = sample.bitrateKbps;
        samples.push(metric(camera.id, 'stream_bitrate_kbps', sample.bitrateKbps, 'kbps', ts));
      }
      if (sample.keyframeInterval !== undefined) stream.keyframe_interval = sample.keyframeInterval;
      log(
        'info',
        `sample: ${sample.frames} frames over ${sample.durationS} s, ${sample.fps ?? '?'} fps, ${sample.bitrateKbps ?? '?'} kbps, keyframe every ${sample.keyframeInterval ?? '?'} frames`,
      );
      const v = verdictForSample(
        sample,
        facts,
        {
          ...DEFAULT_EXPECTATIONS,
          nominalFps: camera.nominal_fps,
          minFpsRatio: options.minFpsRatio ?? DEFAULT_EXPECTATIONS.minFpsRatio,
          stallGapS: options.stallGapS ?? DEFAULT_EXPECTATIONS.stallGapS,
          minBitrateKbps: options.minBitrateKbps,
        },
        sampleSeconds,
      );
      return state(v.status, v.reason, stream);
    } catch (err) {
      // Unexpected: report it as the camera's state rather than throwing into the runner.
      return state('unreachable', `probe failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** A short OPTIONS/DESCRIBE after a failed sample: the reason if the camera is gone, else undefined. */
  async function stillThere(camera: CameraConfig, signal?: AbortSignal): Promise<string | undefined> {
    try {
      await describe({
        url: camera.rtsp_url,
        username: camera.username,
        password: camera.password,
        connectTimeoutMs: Math.min(connectTimeoutMs, 2_000),
        responseTimeoutMs: Math.min(responseTimeoutMs, 2_000),
        tlsVerify: options.tlsVerify ?? true,
        signal,
      });
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  async function snapshot(camera: CameraConfig, opts?: ProbeCallOptions): Promise<CameraSnapshot> {
    const log = reporter(camera, opts);
    const secrets = [camera.password, camera.username];
    const url = withCredentials(camera.rtsp_url, camera.username, camera.password);
    log('info', `snapshot of ${redact(camera.rtsp_url)} with ffmpeg`);
    let res: Awaited<ReturnType<typeof runProcess>>;
    try {
      res = await runProcess(tools.ffmpeg, snapshotArgs(url, responseTimeoutMs), {
        timeoutMs: snapshotTimeoutMs,
        signal: opts?.signal,
        maxStdoutBytes: 3 * 1024 * 1024,
      });
    } catch (err) {
      if (err instanceof ToolMissingError)
        throw new SnapshotError('tool_missing', `${err.message}: snapshots need ffmpeg`);
      throw new SnapshotError('failed', redact((err as Error).message, secrets));
    }
    if (res.killed === 'aborted' || res.killed === 'stopped')
      throw new SnapshotError('aborted', 'snapshot cancelled');
    if (res.killed === 'timeout')
      throw new SnapshotError('timeout', `no frame within ${snapshotTimeoutMs} ms`);
    if (res.killed === 'output_limit') throw new SnapshotError('failed', 'the JPEG is larger than 3 MiB');
    if (res.code !== 0) {
      throw new SnapshotError(
        'failed',
        redact(`ffmpeg exit ${res.code}: ${lastLine(res.stderr) || 'no message'}`, secrets),
      );
    }
    const image = new Uint8Array(res.stdout);
    const size = jpegSize(image);
    if (!size || !isCompleteJpeg(image))
      throw new SnapshotError('not_jpeg', 'ffmpeg did not produce a whole JPEG');
    log(
      'info',
      `snapshot ${size.width}x${size.height}, ${image.length} bytes in ${Math.round(res.durationMs)} ms`,
    );
    return { image, ...size };
  }

  return {
    probe,
    snapshot,
    forget: (cameraId) => liveSessions.stopCamera(cameraId),
    close: () => liveSessions.stopAll(),
    live: async () => liveSessions,
  };
}

function metric(cameraId: number, name: string, value: number, unit: string, ts: number): Sample {
  return { camera_id: cameraId, metric: name, value, unit, ts };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

function describeFacts(f: SdpStreamFacts): string {
  const parts = [f.codec];
  if (f.profile) parts.push(`${f.profile}${f.level ? ` level ${f.level}` : ''}`);
  if (f.width && f.height) parts.push(`${f.width}x${f.height}`);
  if (f.fps) parts.push(`${f.fps} fps announced`);
  return parts.join(', ');
}
