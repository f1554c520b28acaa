import type { Prober } from './types.js';

/**
 * A camera prober that loads its code on first use (a probe, a snapshot or a live view): an agent without cameras
 * never loads the RTSP, ffmpeg and WebSocket (`ws`) code. A failed load is retried on the next use, and each use
 * reports it as its own failure.
 */
export function lazyProber(load: () => Promise<Prober>): Prober {
  let loading: Promise<Prober> | undefined;
  let loaded: Prober | undefined;
  const get = (): Promise<Prober> => {
    loading ??= load().then(
      (p) => {
        loaded = p;
        return p;
      },
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    return loading;
  };
  return {
    probe: async (camera, opts) => (await get()).probe(camera, opts),
    snapshot: async (camera, opts) => {
      const p = await get();
      if (!p.snapshot) throw new Error('snapshots are not available on this agent');
      return p.snapshot(camera, opts);
    },
    live: async () => {
      const p = await get();
      if (!p.live) throw new Error('live view is not available on this agent');
      return p.live();
    },
    // Nothing of a camera runs before the code is loaded: nothing to forget or to close until then.
    forget: (cameraId) => loaded?.forget?.(cameraId),
    close: async () => {
      const p = loading ? await loading.catch(() => undefined) : undefined;
      await p?.close?.();
    },
  };
}
