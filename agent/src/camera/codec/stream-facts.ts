import { parseH264Sps } from './h264-sps.js';
import { parseH265Sps } from './h265-sps.js';
import type { SdpVideo } from './sdp.js';

/** What the SDP and its parameter sets tell about a stream, before any frame is read. */
export interface SdpStreamFacts {
  /** `H264`, `H265`, `MJPEG`, or the SDP's encoding name. */
  codec: string;
  profile?: string;
  level?: string;
  width?: number;
  height?: number;
  /** Frames per second the camera announces (a=framerate or the SPS timing info). */
  fps?: number;
  /** Why the parameter sets could not be read, when they could not. */
  warning?: string;
}

const CODEC_NAMES: Record<string, string> = { H264: 'H264', H265: 'H265', HEVC: 'H265', JPEG: 'MJPEG' };

function decodeBase64(s: string): Uint8Array {
  // Tolerate URL-safe base64 and missing padding (seen on some cameras).
  return Buffer.from(s.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

// H.264 profile_idc (first byte of profile-level-id) to name, used when sprop-parameter-sets is absent.
const H264_PROFILE_BY_IDC: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
};

/** Codec, profile, level, resolution and announced fps from an SDP video track. Never throws. */
export function streamFactsFromSdp(video: SdpVideo): SdpStreamFacts {
  const codec = CODEC_NAMES[video.encoding] ?? video.encoding;
  const facts: SdpStreamFacts = { codec };
  if (video.width) facts.width = video.width;
  if (video.height) facts.height = video.height;
  if (video.framerate) facts.fps = video.framerate;
  try {
    if (codec === 'H264') {
      const sets = (video.fmtp['sprop-parameter-sets'] ?? '').split(',').filter((s) => s.trim());
      const sps = sets.map(decodeBase64).find((b) => b.length > 0 && ((b[0] as number) & 0x1f) === 7);
      if (sps) {
        const p = parseH264Sps(sps);
        Object.assign(facts, { profile: p.profile, level: p.level, width: p.width, height: p.height });
        if (facts.fps === undefined && p.fps) facts.fps = p.fps;
      } else {
        const pli = video.fmtp['profile-level-id'];
        if (pli && /^[0-9a-f]{6}$/i.test(pli)) {
          const idc = Number.parseInt(pli.slice(0, 2), 16);
          facts.profile = H264_PROFILE_BY_IDC[idc] ?? `profile ${idc}`;
          facts.level = (Number.parseInt(pli.slice(4, 6), 16) / 10).toFixed(1).replace(/\.0$/, '');
        }
        facts.warning = 'no sprop-parameter-sets in the SDP: resolution comes from the stream';
      }
    } else if (codec === 'H265') {
      const sps = video.fmtp['sprop-sps'];
      if (sps) {
        const p = parseH265Sps(decodeBase64(sps.split(',')[0] ?? ''));
        Object.assign(facts, { profile: p.profile, level: p.level, width: p.width, height: p.height });
      } else {
        facts.warning = 'no sprop-sps in the SDP: resolution comes from the stream';
      }
    }
  } catch (err) {
    facts.warning = `unreadable parameter sets: ${(err as Error).message}`;
  }
  return facts;
}
