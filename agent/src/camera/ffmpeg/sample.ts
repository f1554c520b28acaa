/** What a short read of the stream measured. */
export interface StreamSample {
  codec?: string;
  profile?: string;
  width?: number;
  height?: number;
  /** Frames read. */
  frames: number;
  /** Seconds between the first and the last frame's timestamp. */
  durationS: number;
  fps?: number;
  bitrateKbps?: number;
  /** Frames from one keyframe to the next (the GOP length), when two keyframes were seen. */
  keyframeInterval?: number;
  /** Longest gap between consecutive frame timestamps, in seconds. */
  maxGapS?: number;
}

const CODECS: Record<string, string> = { h264: 'H264', hevc: 'H265', mjpeg: 'MJPEG', mpeg4: 'MPEG4' };

function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.split('|').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * Reads ffprobe's `-of compact` output of `-show_entries stream=...:packet=pts_time,size,flags` (packet lines
 * then a stream line). Partial output (a probe cut short) still yields what it holds.
 */
export function parseFfprobeCompact(text: string): StreamSample {
  const pts: number[] = [];
  const keyIndexes: number[] = [];
  let bytes = 0;
  let frames = 0;
  const sample: StreamSample = { frames: 0, durationS: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('packet|')) {
      const f = fields(line);
      const size = Number(f.size);
      if (!Number.isFinite(size)) continue;
      frames++;
      bytes += size;
      if (f.flags?.startsWith('K')) keyIndexes.push(frames - 1);
      const t = Number(f.pts_time);
      if (f.pts_time !== 'N/A' && Number.isFinite(t)) pts.push(t);
    } else if (line.startsWith('stream|')) {
      const f = fields(line);
      if (f.codec_name) sample.codec = CODECS[f.codec_name] ?? f.codec_name.toUpperCase();
      if (f.profile && f.profile !== 'unknown') sample.profile = f.profile;
      const w = Number(f.width);
      const h = Number(f.height);
      if (Number.isInteger(w) && w > 0) sample.width = w;
      if (Number.isInteger(h) && h > 0) sample.height = h;
    }
  }
  sample.frames = frames;
  // Timestamps in arrival order. RTSP timestamps can step backwards once mid-read (ffmpeg re-bases them on the
  // first RTCP sender report), so the steps are summed, not last minus first of sorted values: sorting would
  // fold the two runs into one span and count each frame period twice (a 15 fps stream read as 30).
  if (pts.length >= 2) {
    let span = 0;
    let steps = 0;
    let maxGap = 0;
    for (let i = 1; i < pts.length; i++) {
      const step = (pts[i] as number) - (pts[i - 1] as number);
      if (step <= 0) continue;
      span += step;
      steps++;
      maxGap = Math.max(maxGap, step);
    }
    sample.durationS = round(span, 3);
    sample.maxGapS = round(maxGap, 3);
    if (span > 0) {
      sample.fps = round(steps / span, 2);
      // Every frame read (timestamped or not) covers one frame period.
      const period = span / steps;
      sample.bitrateKbps = round((bytes * 8) / (frames * period) / 1000, 1);
    }
  }
  if (keyIndexes.length >= 2) {
    // The longest run from one keyframe to the next: frames lost in a short read (for example where the
    // timestamps are re-based) only ever shorten a run, so an average would under-report the GOP.
    const gaps = keyIndexes.slice(1).map((k, i) => k - (keyIndexes[i] as number));
    sample.keyframeInterval = Math.max(...gaps);
  }
  return sample;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** ffprobe arguments for a sample of `seconds` over RTSP/TCP; `url` carries credentials if needed. */
export function ffprobeArgs(url: string, seconds: number, ioTimeoutMs: number): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-rtsp_transport',
    'tcp',
    // RTSP socket I/O timeout, in microseconds.
    '-timeout',
    String(Math.round(ioTimeoutMs * 1000)),
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,profile,width,height:packet=pts_time,size,flags',
    '-read_intervals',
    `%+${seconds}`,
    '-of',
    'compact',
    url,
  ];
}
