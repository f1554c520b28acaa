import fs from 'node:fs';
import { type RtspServer, startRtspServer } from '../test/support/rtsp-server.js';

/** Whether GStreamer's RTSP server (python3-gi + gir1.2-gst-rtsp-server-1.0) is installed. */
export function rtspServerAvailable(): boolean {
  if (!fs.existsSync('/usr/bin/python3')) return false;
  const dirs = [
    '/usr/lib/x86_64-linux-gnu/girepository-1.0',
    '/usr/lib/aarch64-linux-gnu/girepository-1.0',
    '/usr/lib/girepository-1.0',
  ];
  return dirs.some((d) => {
    try {
      return fs.readdirSync(d).some((f) => f.startsWith('GstRtspServer-1.0'));
    } catch {
      return false;
    }
  });
}

/** Starts a simulated camera (an H.264 test pattern over RTSP) or explains why not. */
export async function startDemoCamera(): Promise<{ server: RtspServer; url: string } | { reason: string }> {
  if (!rtspServerAvailable()) {
    return {
      reason:
        "GStreamer's RTSP server is not installed (apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi)",
    };
  }
  try {
    const server = await startRtspServer({ fps: 10 });
    return { server, url: server.url('h264') };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}
