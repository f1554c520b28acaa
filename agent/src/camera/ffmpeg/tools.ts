import { spawnSync } from 'node:child_process';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export interface ToolCheck {
  name: 'ffmpeg' | 'ffprobe';
  path: string;
  ok: boolean;
  /** First line of `-version`, when it ran. */
  version?: string;
  problem?: string;
}

/** Paths of ffmpeg and ffprobe: ffprobe sits beside a configured ffmpeg, otherwise both come from PATH. */
export function resolveTools(ffmpegPath?: string): FfmpegTools {
  if (!ffmpegPath) return { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
  const slash = ffmpegPath.lastIndexOf('/');
  const dir = slash >= 0 ? ffmpegPath.slice(0, slash + 1) : '';
  return { ffmpeg: ffmpegPath, ffprobe: `${dir}ffprobe` };
}

function check(name: ToolCheck['name'], path: string): ToolCheck {
  const r = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5_000 });
  if (r.error || r.status !== 0) {
    const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
    return {
      name,
      path,
      ok: false,
      problem:
        code === 'ENOENT'
          ? `${name} not found (${path})`
          : `${name} does not run: ${r.error?.message ?? `exit ${r.status}`}`,
    };
  }
  return { name, path, ok: true, version: r.stdout.split('\n')[0]?.trim() ?? '' };
}

/**
 * What camera features work on this machine, for the agent's `doctor`: RTSP status and SDP facts always work;
 * frame rate, bitrate and keyframe interval need ffprobe; snapshots and live view need ffmpeg.
 */
export function checkCameraTools(ffmpegPath?: string): { checks: ToolCheck[]; missing: string[] } {
  const tools = resolveTools(ffmpegPath);
  const checks = [check('ffmpeg', tools.ffmpeg), check('ffprobe', tools.ffprobe)];
  const missing: string[] = [];
  for (const c of checks) {
    if (c.ok) continue;
    missing.push(
      c.name === 'ffprobe'
        ? `${c.problem}: camera fps, bitrate and keyframe interval are not measured (install the ffmpeg package)`
        : `${c.problem}: camera snapshots and live view are unavailable (install the ffmpeg package)`,
    );
  }
  return { checks, missing };
}
