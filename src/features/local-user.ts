import { userInfo } from 'node:os';

/** Whoever runs the CLI, as a run's requester; an account without a name (some containers) has none. */
export function localUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    // uv_os_get_passwd: no passwd entry for this uid.
    return process.env.USER || undefined;
  }
}
