/** Why an RTSP exchange failed; the probe maps these to camera states. */
export type RtspErrorCode =
  | 'bad_url'
  | 'dns'
  | 'refused'
  | 'connect_timeout'
  | 'timeout'
  | 'closed'
  | 'tls'
  | 'auth_failed'
  | 'auth_required'
  | 'not_found'
  | 'status'
  | 'redirect'
  | 'protocol'
  | 'aborted'
  | 'network';

/** An RTSP failure. Its message never holds credentials. */
export class RtspError extends Error {
  constructor(
    readonly code: RtspErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RtspError';
  }
}
