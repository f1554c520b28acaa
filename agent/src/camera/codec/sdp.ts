import { parse } from 'sdp-transform';

/** The video track of an SDP, with fmtp parameters kept as raw strings. */
export interface SdpVideo {
  /** Encoding name as the camera wrote it, upper-cased: `H264`, `H265`, `JPEG`, `MP4V-ES`, ... */
  encoding: string;
  payload: number;
  clockRate?: number;
  control?: string;
  /** fmtp parameters with lower-cased names and untouched values (base64 keeps its `=` padding). */
  fmtp: Record<string, string>;
  /** `a=framerate` when present. */
  framerate?: number;
  /** From `a=framesize`, `a=x-dimensions` or `a=cliprect`, which some cameras add. */
  width?: number;
  height?: number;
}

export interface SdpSummary {
  /** The first video track; cameras with several (main + metadata) put the picture first. */
  video?: SdpVideo;
  /** Media types in order: `video`, `audio`, `application`. */
  media: string[];
  sessionName?: string;
}

/** Thrown on text that is not an SDP. */
export class SdpError extends Error {
  readonly code = 'sdp';
}

/** Splits an fmtp config (`a=b; c=d`) into parameters without converting values. */
export function parseFmtp(config: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of config.split(';')) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!key) continue;
    out[key] = eq === -1 ? '' : part.slice(eq + 1).trim();
  }
  return out;
}

// RFC 3551 static payload types a camera may use without an rtpmap line.
const STATIC_VIDEO: Record<number, string> = { 26: 'JPEG', 32: 'MPV', 34: 'H263' };

function positiveInt(s: string | undefined): number | undefined {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Summarises an SDP (RFC 4566) from a DESCRIBE. Tolerates bare LF line ends and unknown attributes. */
export function parseSdp(text: string): SdpSummary {
  if (!/^\s*v=0/.test(text)) throw new SdpError('not an SDP (no v=0 line)');
  const session = parse(text);
  const summary: SdpSummary = { media: session.media.map((m) => m.type) };
  if (session.name?.trim()) summary.sessionName = session.name.trim();
  const m = session.media.find((x) => x.type === 'video');
  if (!m) return summary;
  const payload = Number(
    String(m.payloads ?? '')
      .trim()
      .split(/\s+/)[0],
  );
  const rtp = m.rtp.find((r) => r.payload === payload) ?? m.rtp[0];
  const pt = rtp?.payload ?? payload;
  const encoding = (rtp?.codec ?? STATIC_VIDEO[pt] ?? `payload ${pt}`).toUpperCase();
  const fmtpLine = m.fmtp.find((f) => f.payload === pt) ?? m.fmtp[0];
  const video: SdpVideo = { encoding, payload: pt, fmtp: fmtpLine ? parseFmtp(fmtpLine.config) : {} };
  if (rtp?.rate) video.clockRate = rtp.rate;
  if (m.control) video.control = m.control;
  const fr = Number.parseFloat(String(m.framerate ?? ''));
  if (Number.isFinite(fr) && fr > 0) video.framerate = fr;

  // Non-standard size attributes seen in the wild.
  const invalid = (m as { invalid?: { value: string }[] }).invalid ?? [];
  for (const { value } of invalid) {
    const framesize = /^framesize:\s*\d+\s+(\d+)-(\d+)/i.exec(value);
    const dims = /^x-dimensions:\s*(\d+)\s*,\s*(\d+)/i.exec(value);
    const clip = /^cliprect:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/i.exec(value);
    if (framesize) {
      video.width = positiveInt(framesize[1]);
      video.height = positiveInt(framesize[2]);
    } else if (dims) {
      video.width = positiveInt(dims[1]);
      video.height = positiveInt(dims[2]);
    } else if (clip && video.width === undefined) {
      // a=cliprect:top,left,bottom,right
      video.width = positiveInt(String(Number(clip[4]) - Number(clip[2])));
      video.height = positiveInt(String(Number(clip[3]) - Number(clip[1])));
    }
  }
  if (video.width === undefined) delete video.width;
  if (video.height === undefined) delete video.height;
  summary.video = video;
  return summary;
}
