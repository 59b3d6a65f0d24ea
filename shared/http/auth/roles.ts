/**
 * The app roles of the sign-in app registration (docs/deploy.md creates them). `Errors.Read` lists,
 * looks up and reads health; `Errors.Replay` does all of that and replays.
 */
export const ERRORS_READ = 'Errors.Read';
export const ERRORS_REPLAY = 'Errors.Replay';
export type AppRole = typeof ERRORS_READ | typeof ERRORS_REPLAY;

/** Who called, as the platform's authentication saw them. */
export interface Caller {
  readonly name: string;
  /** The Microsoft Entra object id of the user or the calling application's service principal. */
  readonly objectId: string;
  readonly roles: readonly string[];
}

/** Whether the caller may do what the role allows: `Errors.Replay` includes `Errors.Read`. */
export function holds(caller: Caller, role: AppRole): boolean {
  return role === ERRORS_READ
    ? caller.roles.includes(ERRORS_READ) || caller.roles.includes(ERRORS_REPLAY)
    : caller.roles.includes(ERRORS_REPLAY);
}
