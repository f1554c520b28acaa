// Pure helpers of the live player: reading the fMP4 init segment the hub relays (no DOM, no network).

/** The 4-character type of an MP4 box at `offset` (`ftyp`, `moov`, `moof`, `mdat`), or '' when too short. */
export function boxType(bytes, offset = 0) {
  if (bytes.length < offset + 8) return '';
  return String.fromCharCode(bytes[offset + 4], bytes[offset + 5], bytes[offset + 6], bytes[offset + 7]);
}

function indexOfType(bytes, type) {
  const [a, b, c, d] = [...type].map((ch) => ch.charCodeAt(0));
  for (let i = 4; i + 4 <= bytes.length; i++) {
    if (bytes[i] === a && bytes[i + 1] === b && bytes[i + 2] === c && bytes[i + 3] === d) return i;
  }
  return -1;
}

const hex2 = (n) => n.toString(16).padStart(2, '0');

/**
 * The RFC 6381 codec string of the video track in an init segment (ftyp + moov): `avc1.64001f` from the
 * avcC box (profile, constraint flags, level, ISO/IEC 14496-15 5.3.3.1), `hvc1`/`hev1` for H.265; null when
 * there is none.
 */
export function codecOf(init) {
  const avcC = indexOfType(init, 'avcC');
  // The box payload follows the 4-byte type: configurationVersion, profile, compatibility, level.
  if (avcC > 0 && avcC + 8 <= init.length) {
    const p = avcC + 4;
    return `avc1.${hex2(init[p + 1])}${hex2(init[p + 2])}${hex2(init[p + 3])}`;
  }
  if (indexOfType(init, 'hvcC') > 0)
    return indexOfType(init, 'hev1') > 0 ? 'hev1.1.6.L93.B0' : 'hvc1.1.6.L93.B0';
  return null;
}

/** Bytes per second over a sliding window: `add(n, now)` records, `rate(now)` reads (bits/s). */
export function bitrateMeter(windowMs = 5000) {
  const samples = [];
  return {
    add(n, now) {
      samples.push([now, n]);
      while (samples.length && samples[0][0] < now - windowMs) samples.shift();
    },
    rate(now) {
      while (samples.length && samples[0][0] < now - windowMs) samples.shift();
      if (samples.length === 0) return 0;
      const span = Math.max(1000, now - samples[0][0]);
      return (samples.reduce((t, [, n]) => t + n, 0) * 8 * 1000) / span;
    },
  };
}

/**
 * How far playback is behind the newest frame received, in seconds: what is buffered ahead of the playhead,
 * plus the time since that data arrived (the source has moved on meanwhile).
 */
export function latencyOf(bufferedEnd, currentTime, lastArrivalMs, nowMs) {
  if (bufferedEnd === null || bufferedEnd === undefined) return null;
  return Math.max(0, bufferedEnd - currentTime) + Math.max(0, (nowMs - lastArrivalMs) / 1000);
}
