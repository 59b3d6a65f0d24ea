import { assertionMessage, classifyManagedIdentity } from './assertionFailures';
import { type Code, catalogueEntry, codeForAadsts, codeForGraphError } from './catalogue';
import {
  DiagnosedFailure,
  GraphRequestError,
  InvalidExchangeCredentialsException,
  ManagedIdentityError,
  TokenEndpointError,
} from './failures';

export const ACCESS_DENIED_PREFIX =
  'The Azure AD app does not have sufficient permissions to write events to the calendar.';

/** What the classifier needs to know about where the failure happened. */
export interface FailureContext {
  readonly clientId?: string;
  readonly tenantId?: string;
  /** The Graph call that failed, and for which resource. */
  readonly graphCall?: {
    readonly action: 'create' | 'update' | 'delete' | 'probe';
    readonly mailbox: string;
    readonly resourceName: string;
  };
}

const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);
/** OAuth errors that say Entra ID itself could not answer (RFC 6749 §5.2, Entra's error reference). */
const TRANSIENT_OAUTH_ERRORS = new Set(['temporarily_unavailable', 'server_error']);
/** Conditional Access blocks (BlockedByConditionalAccess and its device/app/security-policy kin). */
const CONDITIONAL_ACCESS_AADSTS = new Set([53000, 53001, 53002, 53003, 53004, 530032]);

/**
 * The AADSTS number that decides: MSAL's `errorNo` when the catalogue knows it, else the first number
 * in the description the catalogue knows (older answers carry two, `AADSTS70002: … AADSTS50012: …`,
 * and some carry none in `error_codes`), else whichever number there is.
 */
function aadstsOf(error: TokenEndpointError): number | undefined {
  const { aadsts } = error.details;
  if (aadsts !== undefined && codeForAadsts(aadsts)) return aadsts;
  const described = [...error.message.matchAll(/AADSTS(\d+)/g)].map((match) => Number(match[1]));
  return described.find((number) => codeForAadsts(number) !== undefined) ?? aadsts ?? described[0];
}

/** The code from the AADSTS number, the OAuth error and the HTTP status together, each a fallback for the others. */
function tokenCode(error: TokenEndpointError, aadsts: number | undefined): Code {
  const { oauthError, httpStatus, transport } = error.details;
  const byNumber = aadsts !== undefined ? codeForAadsts(aadsts) : undefined;
  if (transport) return 'DSEX041';
  if (byNumber) return byNumber;
  if (oauthError && TRANSIENT_OAUTH_ERRORS.has(oauthError)) return 'DSEX041';
  if (httpStatus !== undefined && (httpStatus === 429 || httpStatus >= 500)) return 'DSEX041';
  return oauthError === 'invalid_tenant' ? 'DSEX004' : 'DSEX005';
}

function classifyToken(error: TokenEndpointError, context: FailureContext): DiagnosedFailure {
  const { oauthError, httpStatus, transport, retryAfterMs } = error.details;
  const aadsts = aadstsOf(error);
  const code = tokenCode(error, aadsts);
  if (code === 'DSEX041') {
    const inner = transport === 'timeout' ? 'the token request timed out' : error.message;
    return new DiagnosedFailure(
      'DSEX041',
      `Transient error from Microsoft Entra ID: ${inner}. Will retry on the next sync attempt.`,
      retryAfterMs,
    );
  }
  const clientId = context.clientId ?? 'unknown';
  const tag = aadsts !== undefined ? `AADSTS${aadsts}` : (oauthError ?? `HTTP ${httpStatus ?? '?'}`);
  const fullTag = `${tag}${oauthError && aadsts !== undefined ? ` ${oauthError}` : ''}`;
  const messages: Partial<Record<Code, string>> = {
    DSEX001: `The client secret of Client ID ${clientId} has expired (${tag}). Generate a new secret and update EXCHANGE_CLIENT_SECRET.`,
    DSEX002: `The client secret of Client ID ${clientId} is invalid (${tag}). EXCHANGE_CLIENT_SECRET must hold the secret value, not its ID.`,
    DSEX003: `Client ID ${clientId} is unknown in tenant ${context.tenantId ?? 'unknown'} (${tag}). Check EXCHANGE_CLIENT_ID.`,
    DSEX004: `Tenant ${context.tenantId ?? 'unknown'} is unknown or malformed (${tag}). Check EXCHANGE_TENANT_ID.`,
    DSEX006: `No client secret reached Microsoft Entra ID for Client ID ${clientId} (${tag}). Check EXCHANGE_CLIENT_SECRET.`,
  };
  const conditionalAccess =
    aadsts !== undefined && CONDITIONAL_ACCESS_AADSTS.has(aadsts)
      ? `A Conditional Access policy blocks the app: Microsoft Entra ID refused a token for Client ID ${clientId} (${fullTag}). Review the Conditional Access policies that target workload identities; the service principal sign-in logs name the policy.`
      : undefined;
  const message =
    messages[code] ??
    assertionMessage(code, error.message, { clientId, aadsts, tag: fullTag }) ??
    conditionalAccess ??
    `Microsoft Entra ID rejected the credentials of Client ID ${clientId} (${fullTag}).`;
  return new InvalidExchangeCredentialsException(code, message, aadsts, catalogueEntry(code).setting);
}

function classifyGraph(error: GraphRequestError, context: FailureContext): DiagnosedFailure {
  const { httpStatus, graphCode, transport, retryAfterMs } = error.details;
  const call = context.graphCall;
  const target = call ? `${call.resourceName} (${call.mailbox})` : 'the mailbox';
  const answer = [httpStatus, graphCode].filter((part) => part !== undefined).join(' ');
  const byCode = graphCode ? codeForGraphError(graphCode) : undefined;
  if (byCode === 'DSEX013' || httpStatus === 507) {
    return new DiagnosedFailure(
      'DSEX013',
      `The mailbox of ${target} is full: Exchange Online refused to save the event (${answer}). Free space in the mailbox or raise its quota.`,
    );
  }
  if (transport || byCode === 'DSEX040' || (httpStatus !== undefined && TRANSIENT_HTTP.has(httpStatus))) {
    const inner = transport
      ? `${transport === 'timeout' ? 'timeout' : 'connection reset'} for ${target}`
      : `${answer} for ${target}`;
    return new DiagnosedFailure(
      'DSEX040',
      `Transient error from Microsoft Graph: ${inner}. Will retry on the next sync attempt.`,
      retryAfterMs,
    );
  }
  if (httpStatus === 401) {
    return new DiagnosedFailure(
      'DSEX010',
      `Microsoft Graph rejected the access token for ${target} (${answer}). Check the app's Microsoft Graph application permissions and admin consent, or its RBAC for Applications role assignment in Exchange Online.`,
    );
  }
  if (httpStatus === 403) {
    return new DiagnosedFailure(
      'DSEX030',
      `${ACCESS_DENIED_PREFIX} Microsoft Graph answered ${answer} for ${target}.`,
    );
  }
  if (byCode === 'DSEX012') {
    return new DiagnosedFailure(
      'DSEX012',
      `The mailbox of ${target} is not a valid user in the directory (${graphCode}).`,
    );
  }
  if (httpStatus === 404 && call?.action === 'delete') {
    return new DiagnosedFailure('DSEX021', `The event of ${target} was already deleted.`);
  }
  return unexpected(error);
}

/** Not cut here: the recorder redacts secrets first and cuts after (a cut secret escapes redaction). */
function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function unexpected(error: unknown): DiagnosedFailure {
  const description =
    error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : `a thrown ${typeof error}`;
  const failure = new DiagnosedFailure(
    'DSUNK001',
    `Unexpected exception: ${description}. The stack trace is in the operational log.`,
  );
  if (error instanceof Error && error.stack) failure.stack = error.stack;
  return failure;
}

/** Turns anything thrown while syncing into a diagnosed failure with a catalogue code. */
export function classifyFailure(error: unknown, context: FailureContext = {}): DiagnosedFailure {
  if (error instanceof DiagnosedFailure) return error;
  if (error instanceof TokenEndpointError) return classifyToken(error, context);
  if (error instanceof GraphRequestError) return classifyGraph(error, context);
  if (error instanceof ManagedIdentityError) return classifyManagedIdentity(error);
  return unexpected(error);
}
