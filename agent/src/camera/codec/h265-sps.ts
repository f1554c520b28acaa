import { BitReader, BitstreamError, unescapeRbsp } from './bit-reader.js';

/** What an H.265 sequence parameter set says about the picture. */
export interface H265Sps {
  profileIdc: number;
  profile: string;
  tier: 'Main' | 'High';
  level: string;
  chromaFormatIdc: number;
  bitDepth: number;
  width: number;
  height: number;
}

const PROFILES: Record<number, string> = {
  1: 'Main',
  2: 'Main 10',
  3: 'Main Still Picture',
  4: 'Rext',
  5: 'High Throughput',
  9: 'Screen Content',
};

/** Parses an H.265 SPS NAL unit (two-byte header, emulation prevention still in). */
export function parseH265Sps(nal: Uint8Array): H265Sps {
  if (nal.length < 6) throw new BitstreamError('H.265 SPS too short');
  const nalType = ((nal[0] as number) >> 1) & 0x3f;
  if (nalType !== 33) throw new BitstreamError(`not an H.265 SPS (NAL type ${nalType})`);
  const r = new BitReader(unescapeRbsp(nal.subarray(2)));
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  r.bit(); // sps_temporal_id_nesting_flag

  // profile_tier_level(1, maxSubLayersMinus1), H.265 7.3.3
  r.skip(2); // general_profile_space
  const tier = r.bit() ? 'High' : 'Main';
  const profileIdc = r.bits(5);
  const compatibility = r.bits(32);
  r.skip(48); // progressive/interlaced/non-packed/frame-only flags + 44 reserved bits
  const levelIdc = r.bits(8);
  const subProfile: boolean[] = [];
  const subLevel: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subProfile.push(r.bit() === 1);
    subLevel.push(r.bit() === 1);
  }
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) r.skip(2);
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subProfile[i]) r.skip(88);
    if (subLevel[i]) r.skip(8);
  }

  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  let separateColourPlane = 0;
  if (chromaFormatIdc === 3) separateColourPlane = r.bit();
  let width = r.ue();
  let height = r.ue();
  if (r.bit()) {
    // conformance_window offsets are in chroma units (H.265 7.4.3.2.1, Table 6-1).
    const chroma = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chroma === 1 || chroma === 2 ? 2 : 1;
    const subHeightC = chroma === 1 ? 2 : 1;
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    width -= subWidthC * (left + right);
    height -= subHeightC * (top + bottom);
  }
  const bitDepth = r.ue() + 8;

  // Some encoders leave general_profile_idc 0 and only set a compatibility flag.
  let effectiveProfile = profileIdc;
  if (effectiveProfile === 0) {
    for (let j = 1; j < 32; j++)
      if ((compatibility >>> (31 - j)) & 1) {
        effectiveProfile = j;
        break;
      }
  }
  return {
    profileIdc: effectiveProfile,
    profile: PROFILES[effectiveProfile] ?? `profile ${effectiveProfile}`,
    tier,
    // general_level_idc is 30 times the level number (A.4).
    level: (levelIdc / 30).toFixed(1).replace(/\.0$/, ''),
    chromaFormatIdc,
    bitDepth,
    width,
    height,
  };
}
