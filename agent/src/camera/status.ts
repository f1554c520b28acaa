import type { SdpStreamFacts } from './codec/stream-facts.js';
import type { StreamSample } from './ffmpeg/sample.js';
import type { RtspError } from './rtsp/errors.js';

export type CameraStatus = 'online' | 'degraded' | 'auth_failed' | 'unreachable';

export interface Verdict {
  status: CameraStatus;
  reason?: string;
}

export interface Expectations {
  /** Frames per second the camera should send (configured nominal_fps, else what the SDP announces). */
  nominalFps?: number;
  /** Degraded below this share of the nominal fps. */
  minFpsRatio: number;
  /** Degraded when two frames are further apart than this (seconds). */
  stallGapS: number;
  /** Degraded below this bitrate, when set. */
  minBitrateKbps?: number;
}

export const DEFAULT_EXPECTATIONS: Expectations = { minFpsRatio: 0.7, stallGapS: 2 };

/** The camera's state when the RTSP exchange itself failed. */
export function verdictForRtspError(err: RtspError): Verdict {
  switch (err.code) {
    case 'auth_failed':
      return { status: 'auth_failed', reason: err.message };
    case 'auth_required':
      return { status: 'auth_failed', reason: err.message };
    case 'not_found':
      return { status: 'unreachable', reason: `stream not found: ${err.message}` };
    case 'refused':
    case 'connect_timeout':
    case 'dns':
      return { status: 'unreachable', reason: `camera unreachable: ${err.message}` };
    case 'timeout':
      return { status: 'unreachable', reason: `camera not answering RTSP: ${err.message}` };
    case 'closed':
      return { status: 'unreachable', reason: `connection lost: ${err.message}` };
    default:
      return { status: 'unreachable', reason: err.message };
  }
}

/** The camera's state from what a short read of its stream measured (the RTSP exchange having succeeded). */
export function verdictForSample(
  sample: StreamSample,
  facts: SdpStreamFacts,
  exp: Expectations,
  seconds: number,
): Verdict {
  if (sample.frames === 0) return { status: 'degraded', reason: `no video frames within ${seconds} s` };
  if (sample.frames < 2 || sample.fps === undefined) {
    return { status: 'degraded', reason: `only ${sample.frames} frame(s) within ${seconds} s` };
  }
  if (sample.maxGapS !== undefined && sample.maxGapS > exp.stallGapS) {
    return { status: 'degraded', reason: `frames stalled for ${sample.maxGapS} s` };
  }
  const nominal = exp.nominalFps ?? facts.fps;
  if (nominal && sample.fps < nominal * exp.minFpsRatio) {
    return { status: 'degraded', reason: `${fmt(sample.fps)} fps, nominal ${fmt(nominal)}` };
  }
  if (exp.minBitrateKbps && sample.bitrateKbps !== undefined && sample.bitrateKbps < exp.minBitrateKbps) {
    return {
      status: 'degraded',
      reason: `${fmt(sample.bitrateKbps)} kbps, expected at least ${fmt(exp.minBitrateKbps)}`,
    };
  }
  return { status: 'online' };
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
