/** Camera probing: RTSP status and stream facts, ffprobe measurements, JPEG snapshots. */

export { liveProcessCount, runProcess, startProcess, ToolMissingError } from './ffmpeg/spawn.js';
export { checkCameraTools, resolveTools, type ToolCheck } from './ffmpeg/tools.js';
export {
  type CameraProber,
  type CameraProberOptions,
  type CameraSnapshot,
  createCameraProber,
  type ProbeCallOptions,
  type ProbeLogger,
  type ProbeResult,
  SnapshotError,
} from './probe.js';
export { type DescribeOptions, type DescribeResult, describe as rtspDescribe } from './rtsp/client.js';
export { RtspError } from './rtsp/errors.js';
export { redact, redactUrls, withCredentials } from './rtsp/redact.js';
