import { BitReader, BitstreamError, unescapeRbsp } from './bit-reader.js';

/** What an H.264 sequence parameter set says about the picture. */
export interface H264Sps {
  profileIdc: number;
  profile: string;
  level: string;
  chromaFormatIdc: number;
  bitDepth: number;
  width: number;
  height: number;
  interlaced: boolean;
  /** Frame rate from the VUI timing info, when the encoder wrote it. */
  fps?: number;
}

const PROFILES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4 Predictive',
  44: 'CAVLC 4:4:4 Intra',
  83: 'Scalable Baseline',
  86: 'Scalable High',
  118: 'Multiview High',
  128: 'Stereo High',
};

// Profiles whose SPS carries chroma format, bit depth and scaling matrices (H.264 7.3.2.1.1).
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function profileName(idc: number, constraints: number): string {
  const set1 = (constraints & 0x40) !== 0;
  const set3 = (constraints & 0x10) !== 0;
  if (idc === 66 && set1) return 'Constrained Baseline';
  if (idc === 100 && (constraints & 0x0c) === 0x0c) return 'Constrained High';
  if (idc === 110 && set3) return 'High 10 Intra';
  return PROFILES[idc] ?? `profile ${idc}`;
}

function levelName(idc: number, profileIdc: number, constraints: number): string {
  // Level 1b is level_idc 11 with constraint_set3 in Baseline/Main/Extended, or level_idc 9.
  if (idc === 9 || (idc === 11 && (constraints & 0x10) !== 0 && [66, 77, 88].includes(profileIdc)))
    return '1b';
  return (idc / 10).toFixed(1).replace(/\.0$/, '');
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Parses an H.264 SPS NAL unit (with its one-byte header, emulation prevention still in). */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  if (nal.length < 4) throw new BitstreamError('H.264 SPS too short');
  const nalType = (nal[0] as number) & 0x1f;
  if (nalType !== 7) throw new BitstreamError(`not an H.264 SPS (NAL type ${nalType})`);
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.bits(8);
  const constraints = r.bits(8);
  const levelIdc = r.bits(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  let bitDepth = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.bit();
    bitDepth = r.ue() + 8;
    r.ue(); // bit_depth_chroma_minus8
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) {
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const cycle = r.ue();
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
  r.bit(); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.bit()) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };

  // H.264 7.4.2.1.1: crop units depend on the chroma format.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropUnitX * (crop.left + crop.right);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (crop.top + crop.bottom);

  const sps: H264Sps = {
    profileIdc,
    profile: profileName(profileIdc, constraints),
    level: levelName(levelIdc, profileIdc, constraints),
    chromaFormatIdc,
    bitDepth,
    width,
    height,
    interlaced: frameMbsOnly === 0,
  };
  const fps = readVuiFps(r);
  if (fps !== undefined) sps.fps = fps;
  return sps;
}

/** Reads the VUI up to timing_info (H.264 E.1.1); a truncated VUI yields no fps rather than an error. */
function readVuiFps(r: BitReader): number | undefined {
  try {
    if (!r.bit()) return undefined; // vui_parameters_present_flag
    if (r.bit() && r.bits(8) === 255) r.skip(32); // aspect_ratio_idc == Extended_SAR
    if (r.bit()) r.bit(); // overscan
    if (r.bit()) {
      r.skip(4); // video_format, video_full_range_flag
      if (r.bit()) r.skip(24); // colour description
    }
    if (r.bit()) {
      r.ue();
      r.ue(); // chroma sample locations
    }
    if (!r.bit()) return undefined; // timing_info_present_flag
    const unitsInTick = r.bits(32);
    const timeScale = r.bits(32);
    if (unitsInTick === 0 || timeScale === 0) return undefined;
    // A frame is two ticks (field-based timing), E.2.1.
    return Math.round((timeScale / (2 * unitsInTick)) * 1000) / 1000;
  } catch {
    return undefined;
  }
}
