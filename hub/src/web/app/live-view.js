// The live view: the hub's fMP4 relay played with Media Source Extensions (no transcoding anywhere: the agent
// remuxes with ffmpeg -c copy), MJPEG only where MSE or the codec is missing. Shows latency and bitrate, and
// stops (closing the relay, so the agent's ffmpeg ends) while the tab is hidden.
import { streamToken } from './api.js';
import { bps } from './format.js';
import { html, useEffect, useRef, useState } from './html.js';
import { bitrateMeter, boxType, codecOf, latencyOf } from './mse.js';

const MAX_LAG_S = 3; // further behind than this: jump to the live edge
const KEEP_S = 20; // buffer kept behind the playhead

const mseSupported = () => typeof window.MediaSource === 'function';

/** One connection: resolves handlers for the fMP4 or MJPEG stream the hub sends. */
function openStream({ cameraId, format, video, img, onState, onStats, onFallback }) {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const meter = bitrateMeter();
  let ws = null;
  let closed = false;
  let objectUrl = null;
  let ms = null;
  let sb = null;
  let init = [];
  const queue = [];
  let lastArrival = 0;
  let stats = null;

  const pump = () => {
    if (!sb || sb.updating || queue.length === 0) return;
    try {
      sb.appendBuffer(queue.shift());
    } catch (err) {
      if (err.name === 'QuotaExceededError') trim(true);
      else onState(`playback failed: ${err.message}`);
    }
  };
  const trim = (force) => {
    if (!sb || sb.updating || !video.buffered.length) return;
    const start = video.buffered.start(0);
    if (force || video.currentTime - start > KEEP_S * 2)
      sb.remove(start, Math.max(start, video.currentTime - KEEP_S));
  };
  const startMse = (codec) => {
    const mime = `video/mp4; codecs="${codec}"`;
    if (!MediaSource.isTypeSupported(mime)) return false;
    ms = new MediaSource();
    // The init segment goes first; media that arrives before the source opens waits behind it.
    queue.push(...init);
    init = [];
    objectUrl = URL.createObjectURL(ms);
    video.src = objectUrl;
    ms.addEventListener('sourceopen', () => {
      sb = ms.addSourceBuffer(mime);
      sb.mode = 'segments';
      sb.addEventListener('updateend', () => {
        const end = video.buffered.length ? video.buffered.end(video.buffered.length - 1) : null;
        if (end !== null && end - video.currentTime > MAX_LAG_S) video.currentTime = Math.max(0, end - 0.3);
        if (video.paused) video.play().catch(() => {});
        trim(false);
        pump();
      });
      pump();
    });
    return true;
  };

  stats = setInterval(() => {
    const now = Date.now();
    const end = video?.buffered?.length ? video.buffered.end(video.buffered.length - 1) : null;
    onStats({
      bitrate: meter.rate(now),
      latency:
        format === 'fmp4'
          ? latencyOf(end, video.currentTime, lastArrival, now)
          : lastArrival
            ? (now - lastArrival) / 1000
            : null,
      time: video?.currentTime ?? 0,
    });
  }, 1000);

  streamToken(`live:${cameraId}`)
    .then((token) => {
      if (closed) return;
      const q = new URLSearchParams({ access_token: token });
      if (format === 'mjpeg') q.set('format', 'mjpeg');
      ws = new WebSocket(`${proto}://${location.host}/api/v1/cameras/${cameraId}/live?${q}`);
      ws.binaryType = 'arraybuffer';
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          try {
            const m = JSON.parse(e.data);
            if (m.type === 'live') {
              format = m.format;
              onState(`starting (${m.format === 'fmp4' ? 'fMP4, no transcoding' : 'MJPEG'})…`, m.format);
            } else onState(m.message ?? m.type);
          } catch {}
          return;
        }
        const bytes = new Uint8Array(e.data);
        const now = Date.now();
        meter.add(bytes.length, now);
        lastArrival = now;
        if (format === 'mjpeg') {
          const url = URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
          const old = img.src;
          img.src = url;
          if (old.startsWith('blob:')) URL.revokeObjectURL(old);
          onState('live', 'mjpeg');
          return;
        }
        const type = boxType(bytes);
        if (!ms && (type === 'ftyp' || type === 'moov')) {
          init.push(bytes);
          if (type !== 'moov') return;
          const whole = new Uint8Array(init.reduce((n, b) => n + b.length, 0));
          let off = 0;
          for (const b of init) {
            whole.set(b, off);
            off += b.length;
          }
          const codec = codecOf(whole);
          if (!codec || !startMse(codec)) {
            onFallback(`this browser cannot play ${codec ?? 'this stream'} with Media Source Extensions`);
            return;
          }
          onState('live', 'fmp4');
          return;
        }
        queue.push(bytes);
        pump();
      };
      ws.onclose = (e) => !closed && onState(e.reason ? `closed: ${e.reason}` : 'closed');
      ws.onerror = () => !closed && onState('could not connect');
    })
    .catch((err) => !closed && onState(`could not connect: ${err.message}`));

  return () => {
    closed = true;
    clearInterval(stats);
    ws?.close();
    try {
      if (ms?.readyState === 'open') ms.endOfStream();
    } catch {}
    if (video) {
      video.removeAttribute('src');
      video.load();
    }
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    if (img?.src?.startsWith('blob:')) URL.revokeObjectURL(img.src);
  };
}

export function LiveView({ cameraId, onClose }) {
  const video = useRef(null);
  const img = useRef(null);
  const [state, setState] = useState('connecting');
  const [format, setFormat] = useState(mseSupported() ? 'auto' : 'mjpeg');
  const [shown, setShown] = useState(null);
  const [stats, setStats] = useState(null);
  const [hidden, setHidden] = useState(document.hidden);
  const [why, setWhy] = useState(mseSupported() ? null : 'this browser has no Media Source Extensions');

  useEffect(() => {
    const on = () => setHidden(document.hidden);
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);

  useEffect(() => {
    if (hidden) {
      setState('paused while this tab is hidden');
      setStats(null);
      return;
    }
    setState('connecting');
    return openStream({
      cameraId,
      format: format === 'mjpeg' ? 'mjpeg' : 'fmp4',
      video: video.current,
      img: img.current,
      onState: (s, f) => {
        setState(s);
        if (f) setShown(f);
      },
      onStats: setStats,
      onFallback: (reason) => {
        setWhy(reason);
        setFormat('mjpeg');
      },
    });
  }, [cameraId, format, hidden]);

  const live = state === 'live';
  return html`<div class="live-view card" data-testid="live-view" data-format=${shown ?? ''}>
    <div class="live-stats">
      <span role="status">Live view: ${state}</span>
      ${live && shown ? html`<span data-testid="live-format">${shown === 'fmp4' ? 'fMP4 (no transcoding)' : 'MJPEG fallback'}</span>` : null}
      ${live && stats ? html`<span data-testid="live-bitrate">${bps(stats.bitrate)}</span>` : null}
      ${live && stats?.latency !== null && stats?.latency !== undefined ? html`<span data-testid="live-latency" title="How far playback is behind the newest frame received">latency ${stats.latency.toFixed(1)} s</span>` : null}
      <button type="button" onClick=${onClose}>Stop</button>
    </div>
    ${why && shown === 'mjpeg' ? html`<p class="muted small">MJPEG because ${why}.</p>` : null}
    <video ref=${video} muted playsinline aria-label="Live video" class=${shown === 'fmp4' ? '' : 'hidden'}></video>
    <img ref=${img} alt="Live view" class=${shown === 'mjpeg' && live ? '' : 'hidden'} />
  </div>`;
}
