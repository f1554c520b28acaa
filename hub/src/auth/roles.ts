/** What a user may do: viewers read, operators also act on devices, cameras and alerts, admins manage. */
export type Role = 'admin' | 'operator' | 'viewer';

/** Every role, least privileged first. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
