// The live view: a WebSocket to /api/v1/cameras/{id}/live in MJPEG mode, one JPEG per binary message.
import { streamToken } from './api.js';
import { html, useEffect, useRef, useState } from './html.js';

export function LiveView({ cameraId, onClose }) {
  const img = useRef(null);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    let ws = null;
    let url = null;
    let cancelled = false;
    const connect = (t) => {
      ws = new WebSocket(
        `${proto}://${location.host}/api/v1/cameras/${cameraId}/live?format=mjpeg&access_token=${encodeURIComponent(t)}`,
      );
      ws.binaryType = 'blob';
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          try {
            const m = JSON.parse(e.data);
            setState(m.type === 'live' ? 'waiting for the first frame' : (m.message ?? m.type));
          } catch {}
          return;
        }
        const next = URL.createObjectURL(e.data);
        if (img.current) img.current.src = next;
        if (url) URL.revokeObjectURL(url);
        url = next;
        setState('live');
      };
      ws.onclose = (e) => setState(e.reason ? `closed: ${e.reason}` : 'closed');
      ws.onerror = () => setState('could not connect');
    };
    // A token for this camera's live view only: the access token itself never goes into the URL.
    streamToken(`live:${cameraId}`)
      .then((t) => !cancelled && connect(t))
      .catch((err) => !cancelled && setState(`could not connect: ${err.message}`));
    return () => {
      cancelled = true;
      ws?.close();
      if (url) URL.revokeObjectURL(url);
    };
  }, [cameraId]);
  return html`<div class="live-view">
    <p role="status">Live view: ${state} <button type="button" onClick=${onClose}>Stop</button></p>
    <img ref=${img} alt="Live view" class=${state === 'live' ? 'shot' : 'shot hidden'} />
  </div>`;
}
