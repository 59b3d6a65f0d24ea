/**
 * The catalogue of diagnosed failures: the single source of truth for codes, statuses and retry
 * rules. The classifier, the retry pass, the Errors page, docs/errors.md and the tests read it.
 * A code never changes once issued; new codes may be added (see test/unit/catalogueStability.test.ts).
 */

export type TransactionStatus =
  | 'Success'
  | 'Failed'
  | 'Skipped'
  | 'InvalidBackOfficeSettings'
  | 'EmptyBackOffice'
  | 'InvalidChangeMessage';

/** `retried`: replayed by the retry pass; `fix config`: replayed once a probe shows the setting fixed. */
export type RetryClass = 'retried' | 'fix config' | 'n/a' | 'undiagnosed';

export type Code =
  | 'DSEX001'
  | 'DSEX002'
  | 'DSEX003'
  | 'DSEX004'
  | 'DSEX005'
  | 'DSEX006'
  | 'DSEX007'
  | 'DSEX008'
  | 'DSEX009'
  | 'DSEX010'
  | 'DSEX011'
  | 'DSEX012'
  | 'DSEX013'
  | 'DSEX020'
  | 'DSEX021'
  | 'DSEX022'
  | 'DSEX030'
  | 'DSEX040'
  | 'DSEX041'
  | 'DSEX042'
  | 'DSEX050'
  | 'DSEX051'
  | 'DSEX052'
  | 'DSEX060'
  | 'DSEX070'
  | 'DSEX071'
  | 'DSEX072'
  | 'DSEX073'
  | 'DSEX074'
  | 'DSEX075'
  | 'DSUNK001';

/** Which probe of the retry pass decides that a fix-config failure can be replayed. */
export type ReplayTrigger = 'token probe' | 'graph probe' | 'resource change' | 'backoff' | 'never';

export interface CatalogueEntry {
  readonly code: Code;
  readonly title: string;
  readonly status: TransactionStatus;
  readonly retry: RetryClass;
  readonly replayTrigger: ReplayTrigger;
  /**
   * Rank used when one change has several resource outcomes: the row carries the code of the
   * highest rank. Failures the retry pass replays rank above those it waits on, so a transient
   * failure of one resource keeps the whole appointment moving.
   */
  readonly severity: number;
  /** The setting an administrator corrects, when there is one. */
  readonly setting?: string;
  /** AADSTS error numbers from Microsoft Entra ID that map to this code. */
  readonly aadsts?: readonly number[];
  /** Microsoft Graph error codes that map to this code. */
  readonly graphErrorCodes?: readonly string[];
  /** 💡 What it means. */
  readonly meaning: string;
  /** 🛠️ What to do, step by step. */
  readonly steps: readonly string[];
}

const CREDENTIAL_RECOVERY =
  'Once the setting is corrected, the retry pass probes Microsoft Entra ID once and replays every affected appointment within the 14-day window; no manual replay is needed.';

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    code: 'DSEX001',
    title: 'Expired client secret',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_CLIENT_SECRET',
    aadsts: [7000222],
    meaning:
      'Microsoft Entra ID rejected the token request with AADSTS7000222: the client secret of the Exchange app registration has expired. The connector records a rejected credential carrying the offending Client ID.',
    steps: [
      'Open the Azure portal and navigate to the Exchange app registration (the Client ID named in the message).',
      'Under Certificates & secrets, generate a new client secret. Copy the secret value immediately: it is only shown once.',
      'Update EXCHANGE_CLIENT_SECRET (the Key Vault secret in Azure) with the new value, and EXCHANGE_CLIENT_SECRET_EXPIRES_ON with its expiry date.',
      'Client secrets expire after 6, 12 or 24 months. Set a reminder to rotate them before they expire; the health check warns 30 days ahead when EXCHANGE_CLIENT_SECRET_EXPIRES_ON is set.',
      "To stop rotating secrets: in Azure, make the Function App's user-assigned managed identity a federated credential of the app registration and set EXCHANGE_CREDENTIAL_TYPE to managedIdentity (nothing expires or can leak), or use a Key Vault certificate with EXCHANGE_CREDENTIAL_TYPE set to certificate (Key Vault can renew it). docs/deploy.md has the commands for both.",
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX002',
    title: 'Invalid client secret',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_CLIENT_SECRET',
    aadsts: [7000215],
    meaning:
      'Microsoft Entra ID rejected the token request with AADSTS7000215 (invalid_client): the client secret does not belong to the app registration.',
    steps: [
      'In the Azure portal, open the Exchange app registration and go to Certificates & secrets.',
      'Check that EXCHANGE_CLIENT_SECRET holds the secret Value, not the Secret ID: both are shown, and only the Value works.',
      'If the value is lost, generate a new client secret and store its value in EXCHANGE_CLIENT_SECRET (the Key Vault secret in Azure).',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX003',
    title: 'Unknown client ID',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_CLIENT_ID',
    aadsts: [700016],
    meaning:
      'Microsoft Entra ID answered AADSTS700016: no application with this Client ID exists in the tenant. The ID is mistyped, the app registration was deleted, or it lives in another tenant.',
    steps: [
      'In the Azure portal, open Microsoft Entra ID > App registrations and find the Exchange app registration.',
      'On its Overview page, copy the Application (client) ID into EXCHANGE_CLIENT_ID. Do not use the Object ID.',
      'Check that the Directory (tenant) ID on the same page equals EXCHANGE_TENANT_ID: an app registered in another tenant is unknown here.',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX004',
    title: 'Unknown or malformed tenant ID',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_TENANT_ID',
    aadsts: [90002, 900023],
    meaning:
      'The tenant ID is unknown to Microsoft Entra ID (AADSTS90002), is not a valid tenant identifier (AADSTS900023), or failed the connector’s own check before any call: it must be a GUID or a verified domain name.',
    steps: [
      'In the Azure portal, open the Exchange app registration and copy the Directory (tenant) ID from its Overview page into EXCHANGE_TENANT_ID.',
      'A verified domain of the tenant (Microsoft Entra ID > Custom domain names, e.g. contoso.onmicrosoft.com) also works; a URL, an e-mail address or "common" does not.',
      'For a national cloud, also check EXCHANGE_AUTHORITY_HOST: a tenant exists only in its own cloud.',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX005',
    title: 'Other rejected credentials',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    meaning:
      'Microsoft Entra ID rejected the credentials for another reason, for example a Conditional Access policy that blocks the app (AADSTS53003: the message then says so), a disabled application (AADSTS7000112), an app registered as a public client (AADSTS700025) or a missing service principal (AADSTS500011). The message carries the AADSTS number.',
    steps: [
      'Look up the AADSTS number from the message in the Microsoft Entra authentication and authorization error codes reference.',
      'If the message says a Conditional Access policy blocks the app: in Microsoft Entra ID > Protection > Conditional Access, find the policy that targets workload identities (Sign-in logs > Service principal sign-ins names it for the Client ID) and exclude the Exchange app or allow its outbound addresses.',
      'In Microsoft Entra ID > Enterprise applications, check that the Exchange app is enabled for users to sign in and that its service principal exists in the tenant.',
      'Correct the app registration or the settings the error names.',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX006',
    title: 'Incomplete credentials',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    aadsts: [7000218],
    meaning:
      'The credentials are incomplete: EXCHANGE_TENANT_ID, EXCHANGE_CLIENT_ID or the credential of EXCHANGE_CREDENTIAL_TYPE is missing or malformed (the message names which): EXCHANGE_CLIENT_SECRET for secret, EXCHANGE_CLIENT_CERTIFICATE or EXCHANGE_CLIENT_CERTIFICATE_PATH (a certificate with its private key) for certificate, EXCHANGE_MANAGED_IDENTITY_CLIENT_ID for managedIdentity. Or Microsoft Entra ID answered AADSTS7000218 because no secret reached it.',
    steps: [
      'Set every setting the message names in the Function App configuration (Environment variables) or local.settings.json.',
      'In Azure, check that the Key Vault reference of EXCHANGE_CLIENT_SECRET or EXCHANGE_CLIENT_CERTIFICATE resolves: the Function App shows a green tick next to a resolved reference. A certificate must be exportable with its private key (Key Vault certificate policy: Exportable private key).',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX007',
    title: 'Certificate not accepted',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_CLIENT_CERTIFICATE',
    aadsts: [700027],
    meaning:
      'Microsoft Entra ID rejected the client assertion signed with the certificate (AADSTS700027): the certificate is not registered on the app registration ("The key was not found", the message names the thumbprint the connector used), it has expired ("The key used is expired"), or its private key does not match the registered certificate ("failed signature validation"). With subject name and issuer authentication (EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C), the certificate\'s subject or issuer is not one the app trusts.',
    steps: [
      'In the Azure portal, open Microsoft Entra ID > App registrations > the Exchange app registration (the Client ID in the message) > Certificates & secrets > Certificates.',
      'Compare the Thumbprint and Expires columns with the certificate the connector uses: in Key Vault, Certificates > the certificate > its current version shows the X.509 SHA-1 thumbprint; /api/health shows its expiry date.',
      "If it is missing or expired, upload the public certificate (.cer) there with Upload certificate (Key Vault: the version's Download in CER format), or run az ad app credential reset --id <Client ID> --cert <certificate name> --keyvault <vault name> --append.",
      "If EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C is true, the app manifest's trustedCertificateSubjects must list the certificate's subject name, and its issuer must be a certificate authority Microsoft Entra ID trusts for the app.",
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX008',
    title: 'Client assertion outside its valid time',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    aadsts: [700024],
    meaning:
      "Microsoft Entra ID rejected the client assertion because it is not within its valid time range (AADSTS700024). With a certificate, the clock of the machine running the connector differs from Microsoft Entra ID's (the assertion is valid for 10 minutes from the local clock); with a managed identity, the token presented as the assertion had expired. The message quotes Entra's current time and the assertion's validity.",
    steps: [
      'Compare the current time and the assertion\'s "valid from" and "expiry" in the message: a difference of minutes means a clock skew.',
      'On a local machine, synchronise the clock (Windows: Settings > Time & language > Sync now; Linux: timedatectl set-ntp true).',
      'In Azure, restart the Function App (Overview > Restart): it drops any cached managed identity token. If it persists, open a support request with the trace ID from the message.',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX009',
    title: 'No matching federated identity credential',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    aadsts: [70021, 700211, 700212, 700213, 7002138],
    meaning:
      "The token of the Function App's managed identity reached Microsoft Entra ID, but no federated identity credential of the app registration matches it: its Issuer (AADSTS700211), Audience (AADSTS700212) or Subject identifier (AADSTS700213; AADSTS7002138 when only upper and lower case differ) is not the one the credential names, or the app has no matching credential at all (AADSTS70021). The message names the field and the value the token presented.",
    steps: [
      'In the Azure portal, open Microsoft Entra ID > App registrations > the Exchange app registration (the Client ID in the message) > Certificates & secrets > Federated credentials.',
      'The credential for the connector (scenario "Managed identity", or "Other issuer") must have: Issuer https://login.microsoftonline.com/<Directory (tenant) ID>/v2.0 (in a national cloud, its own authority host); Subject identifier the Object (principal) ID of the user-assigned managed identity (Managed Identities > the identity > Overview), exactly, case included; Audience the value of EXCHANGE_FEDERATED_AUDIENCE (api://AzureADTokenExchange in the public cloud, api://AzureADTokenExchangeUSGov or api://AzureADTokenExchangeChina in national clouds).',
      'Add or correct it there, or with az ad app federated-credential create --id <Client ID> --parameters credential.json (docs/deploy.md).',
      'Check that EXCHANGE_MANAGED_IDENTITY_CLIENT_ID is the Client ID of that same identity: another identity presents another subject.',
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX010',
    title: 'Credentials rejected after the call',
    status: 'Skipped',
    retry: 'fix config',
    replayTrigger: 'graph probe',
    severity: 80,
    graphErrorCodes: ['InvalidAuthenticationToken'],
    meaning:
      'Microsoft Entra ID issued a token, but Microsoft Graph rejected it with 401 (InvalidAuthenticationToken): the app lacks the Microsoft Graph application permissions, admin consent was never granted (or was revoked), or, where mailbox access is granted through RBAC for Applications in Exchange Online (the successor of application access policies), the app has no role assignment there.',
    steps: [
      'In the Azure portal, open the Exchange app registration and go to API permissions.',
      'Check that the Microsoft Graph application permissions Calendars.ReadWrite, MailboxSettings.ReadWrite and User.Read.All are present, as Application (not Delegated) permissions.',
      'Check that Grant admin consent for your organization has been clicked and every permission shows Granted.',
      'If the app gets mailbox access through RBAC for Applications instead: in Exchange Online PowerShell, Get-ManagementRoleAssignment -RoleAssignee <service principal> must list "Application Calendars.ReadWrite". Create the Exchange service principal with New-ServicePrincipal -AppId <Client ID> -ObjectId <enterprise application object ID>, then assign the role with New-ManagementRoleAssignment -App <Client ID> -Role "Application Calendars.ReadWrite" -CustomResourceScope <management scope> (New-ManagementScope defines which mailboxes). Assignments take effect within about two hours.',
      'The retry pass probes Microsoft Graph once per pass and replays the affected appointments as soon as it passes.',
    ],
  },
  {
    code: 'DSEX011',
    title: 'Exchange integration disabled',
    status: 'Skipped',
    retry: 'fix config',
    replayTrigger: 'resource change',
    severity: 30,
    meaning:
      'Exchange integration is disabled for every resource of the appointment (the message lists them as Name (No) pairs), or "No resources were assigned to this appointment" when the appointment has no assignments at all. Nothing was written to Exchange.',
    steps: [
      'If the resources should not sync to Exchange, the Skipped status is correct and no action is needed.',
      'Otherwise, enable Exchange integration on the resource in the back office; the resource change replays the appointment automatically.',
    ],
  },
  {
    code: 'DSEX012',
    title: 'Invalid user in the directory',
    status: 'Skipped',
    retry: 'fix config',
    replayTrigger: 'resource change',
    severity: 50,
    graphErrorCodes: [
      'ErrorInvalidUser',
      'MailboxNotEnabledForRESTAPI',
      'MailboxNotSupportedForRESTAPI',
      'ResourceNotFound',
      'ErrorNonExistentMailbox',
      'Request_ResourceNotFound',
    ],
    meaning:
      'Microsoft Graph does not know the mailbox of the resource (ErrorInvalidUser, ErrorNonExistentMailbox), or the account has no Exchange Online mailbox it can reach: inactive, soft-deleted, unlicensed or on-premises (MailboxNotEnabledForRESTAPI, ResourceNotFound "Resource could not be discovered").',
    steps: [
      'In the Microsoft 365 admin center, check that the address on the resource belongs to a user, room or equipment mailbox and that the account has an Exchange Online licence.',
      'Correct the mailbox address on the resource in the back office; the resource change replays the appointment automatically.',
    ],
  },
  {
    code: 'DSEX013',
    title: 'Mailbox full',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 65,
    graphErrorCodes: ['ErrorQuotaExceeded', 'QuotaExceededException'],
    meaning:
      'Exchange Online refused to save the event because the mailbox of the resource is over its storage quota (403 ErrorQuotaExceeded, or 507 QuotaExceededException). The message names the resource and its mailbox. The row stays Failed so the retry pass replays it.',
    steps: [
      'In the Exchange admin center, open the mailbox named in the message and compare its size with its quota (Get-EXOMailboxStatistics <mailbox> shows TotalItemSize; Get-Mailbox <mailbox> shows ProhibitSendReceiveQuota).',
      'Free space (empty Deleted Items and Recoverable Items, move old items to an archive) or raise the quota with Set-Mailbox <mailbox> -ProhibitSendReceiveQuota.',
      'No replay is needed: the retry pass replays the appointment with backoff within the 14-day window; Replay on the Errors page does it at once.',
    ],
  },
  {
    code: 'DSEX020',
    title: 'No mapping entry',
    status: 'EmptyBackOffice',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 40,
    meaning:
      'A delete arrived for an appointment the connector has no event for: its create has not been processed yet, or it was never synced. The retry pass replays it in case the create arrives later.',
    steps: [
      'No action is needed: the retry pass replays the delete automatically.',
      'If the row ages out of the 14-day window, the appointment never reached Exchange and there is nothing to delete.',
    ],
  },
  {
    code: 'DSEX021',
    title: 'Event already deleted',
    status: 'Skipped',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 20,
    graphErrorCodes: ['ErrorItemNotFound'],
    meaning:
      'The event was already gone from the calendar when the connector deleted it (someone removed it in Outlook). The status is Skipped; the desired end state (no event) is already true.',
    steps: ['No action is needed.'],
  },
  {
    code: 'DSEX022',
    title: 'Superseded change',
    status: 'Skipped',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 10,
    meaning:
      'The change is older than a change of the same appointment the connector already received (a lower version, or an earlier changedAt), so it was not applied: applying it would undo the newer one. A failed transaction overtaken by a later success of its appointment is marked the same way by the retry pass.',
    steps: [
      'No action is needed: Exchange follows the newest change.',
      'If this appears often, check that the back office increments version (or changedAt) on every change of an appointment.',
    ],
  },
  {
    code: 'DSEX030',
    title: 'Access denied by the Azure AD app',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'graph probe',
    severity: 70,
    graphErrorCodes: ['ErrorAccessDenied'],
    meaning:
      'Microsoft Graph answered 403 (ErrorAccessDenied "Access is denied. Check credentials and try again."). The message carries the prefix "The Azure AD app does not have sufficient permissions to write events to the calendar." The Calendars.ReadWrite application permission is missing, or RBAC for Applications in Exchange Online (the successor of application access policies) or a legacy application access policy excludes the mailbox.',
    steps: [
      'In the Azure portal, open the Exchange app registration and go to API permissions.',
      'Make sure Calendars.ReadWrite is granted as an Application permission (not Delegated).',
      'Click Grant admin consent for your organization.',
      'If access is restricted with RBAC for Applications (Exchange Online PowerShell): Test-ServicePrincipalAuthorization -Identity <service principal> -Resource <mailbox> shows whether the app may write to the mailbox. Add the mailbox to the management scope of the assignment (Get-ManagementRoleAssignment -RoleAssignee <service principal> names it; Set-ManagementScope changes its RecipientRestrictionFilter), or assign the role for a scope that includes it with New-ManagementRoleAssignment -App <Client ID> -Role "Application Calendars.ReadWrite" -CustomResourceScope <management scope>. Changes take effect within about two hours.',
      'If a legacy application access policy restricts the app (Get-ApplicationAccessPolicy), add the mailbox to the mail-enabled security group the policy names, or migrate the app to RBAC for Applications.',
      'The retry pass replays the failed transaction automatically; Replay on the Errors page does it at once.',
    ],
  },
  {
    code: 'DSEX040',
    title: 'Microsoft Graph transient',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 60,
    graphErrorCodes: [
      'ApplicationThrottled',
      'TooManyRequests',
      'ServiceUnavailable',
      'ErrorServerBusy',
      'ErrorMailboxStoreUnavailable',
      'ErrorTimeoutExpired',
      'ErrorInternalServerTransientError',
      'MailboxInfoStale',
      'ErrorIrresolvableConflict',
    ],
    meaning:
      'Transient error from Microsoft Graph (throttling 429, 500, 502, 503, 504 with or without a body, Exchange busy or its mailbox database unavailable, a conflicting change of the same event, a timeout or a reset connection). The message reads "Transient error from Microsoft Graph: <inner>. Will retry on the next sync attempt." The row stays Failed so the retry pass picks it up.',
    steps: [
      'No action is needed: the retry pass replays it, honouring Retry-After.',
      'If the rate of transients spikes, check the Microsoft 365 service health dashboard and tenant-level Graph throttling.',
    ],
  },
  {
    code: 'DSEX041',
    title: 'Microsoft Entra ID transient',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 85,
    aadsts: [50000, 50033, 50087, 90006, 90033, 90055],
    meaning:
      'The token endpoint of Microsoft Entra ID was unavailable: throttling (429), temporarily_unavailable or server_error (e.g. AADSTS50033, AADSTS90033, AADSTS90055), a server or gateway error (5xx, also with an empty or HTML body), a timeout or a network error. The credentials were not judged. The message reads "Transient error from Microsoft Entra ID: <inner>. Will retry on the next sync attempt."',
    steps: [
      'No action is needed: the retry pass replays it, honouring Retry-After.',
      'If it persists, check the Microsoft Entra service health and that the Function App can reach EXCHANGE_AUTHORITY_HOST (outbound network rules, DNS, proxy).',
    ],
  },
  {
    code: 'DSEX042',
    title: 'Managed identity endpoint transient',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 85,
    meaning:
      'The Function App\'s managed identity endpoint (App Service\'s local token service, IDENTITY_ENDPOINT) did not answer, timed out or answered with a server error, so there was no token to present to Microsoft Entra ID. The credentials were not judged. The message reads "Transient error from the managed identity endpoint: <inner>. Will retry on the next sync attempt."',
    steps: [
      'No action is needed: the retry pass replays it.',
      'If it persists, restart the Function App (Overview > Restart) and check the Azure status page for App Service in the region.',
    ],
  },
  {
    code: 'DSEX050',
    title: 'Invalid change message',
    status: 'InvalidChangeMessage',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 95,
    meaning:
      'The change message from the back office failed validation: the message names the field and the reason (e.g. "appointment.end is before appointment.start"). The raw body is kept on the row for inspection; nothing was written to Exchange, and the message was completed so it does not loop.',
    steps: [
      'Open the row on the Errors page to see the field and the raw body.',
      'Correct the appointment or resource in the back office; its next change is synced as usual. Replaying this message would fail the same way.',
    ],
  },
  {
    code: 'DSEX051',
    title: 'Replay request not from the connector',
    status: 'InvalidChangeMessage',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 95,
    meaning:
      'A message on the change queue asked for transactions to be replayed, but it is not a replay the connector sent: the transactions it lists do not all carry its message id as their replay claim (the retry pass and the Replay button record one on each row before sending), they belong to another appointment, or it lists more than 50. Nothing was changed on the listed rows. A replay the connector sent is refused this way only when it was delivered again after its outcome was recorded.',
    steps: [
      'Open the row on the Errors page: the message names the listed transactions and the raw body shows who the message claims to be.',
      'Find out what sent it: only the connector may put replay messages on the queue. Review who holds Send rights on the queue (Service Bus Data Sender role assignments, shared access policies).',
      'To replay a failed transaction, use its Replay button on the Errors page or POST /api/transactions/{transactionId}/replay.',
    ],
  },
  {
    code: 'DSEX052',
    title: 'Dead-lettered before it was recorded',
    status: 'Failed',
    retry: 'retried',
    replayTrigger: 'backoff',
    severity: 75,
    meaning:
      "The message reached the connector, but its outcome could not be recorded on any delivery (e.g. Table Storage was unreachable every time), so Service Bus moved it to the dead-letter subqueue. The dead-letter sweeper recorded it afterwards; the message gives the dead-letter reason and description. For an appointment change the sweeper saved the appointment's state, and the retry pass replays it; for a resource change it saved the resource state.",
    steps: [
      'No action is needed for an appointment change: the retry pass replays the appointment with its newest state on its next pass.',
      'Find out why every delivery failed: the dead-letter reason is in the message; check /api/health (Table Storage) and the operational log of the time for the errors of syncAppointment.',
      'For a resource change, check that the resource is shown with its current state; if not, save the resource again in the back office.',
    ],
  },
  {
    code: 'DSEX060',
    title: 'Managed identity not assigned',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'token probe',
    severity: 90,
    setting: 'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID',
    meaning:
      'EXCHANGE_CREDENTIAL_TYPE is managedIdentity, but the Function App has no user-assigned managed identity with the client ID in EXCHANGE_MANAGED_IDENTITY_CLIENT_ID: its managed identity endpoint answered 400 "Unable to load the proper Managed Identity.", or the app has no managed identity at all (IDENTITY_ENDPOINT is not set).',
    steps: [
      'In the Azure portal, open the Function App > Settings > Identity > User assigned and add the managed identity that the app registration trusts.',
      "Copy that identity's Client ID (Managed Identities > the identity > Overview > Client ID) into EXCHANGE_MANAGED_IDENTITY_CLIENT_ID. Do not use its Object (principal) ID: that is the federated credential's subject.",
      CREDENTIAL_RECOVERY,
    ],
  },
  {
    code: 'DSEX070',
    title: 'Notification URL not reachable',
    status: 'Failed',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 45,
    setting: 'GRAPH_WEBHOOK_BASE_URL',
    meaning:
      'Creating the change-notification subscription of a resource mailbox failed: Microsoft Graph could not validate the notification URL (400 ValidationError). Graph POSTs a validationToken to <GRAPH_WEBHOOK_BASE_URL>/api/graph/notifications (and /api/graph/lifecycle) and needs it echoed as text/plain with 200 within 10 seconds; the URL was not reachable from the internet, answered something else, or too slowly. Until it works, changes made in Outlook reach the back office only through the periodic delta (every 15 minutes) of mailboxes that have a subscription.',
    steps: [
      "Check that GRAPH_WEBHOOK_BASE_URL is the Function App's own public https host (e.g. https://<app>.azurewebsites.net), without a path.",
      'Open <GRAPH_WEBHOOK_BASE_URL>/api/graph/notifications?validationToken=test with POST from outside your network: it must answer 200 text/plain "test". Access restrictions, a private endpoint or a firewall in front of the Function App block Graph.',
      'No replay is needed: the subscription timer creates the missing subscription on its next run.',
    ],
  },
  {
    code: 'DSEX071',
    title: 'Subscription limit reached',
    status: 'Failed',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 44,
    meaning:
      'Microsoft Graph refused a new change-notification subscription for the mailbox (403 ExtensionError): a mailbox may have at most 1,000 subscriptions across all applications, and it has reached that number. Changes made in Outlook in this mailbox are not detected until a subscription can be created.',
    steps: [
      'Find the applications that subscribe to this mailbox (Exchange admin or Microsoft Graph GET /subscriptions as each app) and remove the subscriptions that are no longer needed.',
      'No replay is needed: the subscription timer tries again on its next run.',
    ],
  },
  {
    code: 'DSEX072',
    title: 'Missing permission for change notifications',
    status: 'Failed',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 46,
    setting: 'EXCHANGE_CLIENT_ID',
    meaning:
      "Microsoft Graph answered 403 (ErrorAccessDenied) when the connector subscribed to a mailbox's events or read its calendar delta: the app registration lacks the application permission Calendars.Read (or Calendars.ReadWrite) with admin consent, or an application access policy / RBAC for Applications scope excludes the mailbox. Writing events may still work while this fails.",
    steps: [
      "In Microsoft Entra ID → App registrations → the connector's app → API permissions, make sure Microsoft Graph Calendars.ReadWrite (Application) is granted with admin consent.",
      'If the app is scoped with RBAC for Applications or an application access policy, include the resource mailbox in that scope.',
      'No replay is needed: the next subscription timer and delta run use the new permission.',
    ],
  },
  {
    code: 'DSEX073',
    title: 'Delta token expired: full resync done',
    status: 'Success',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 5,
    meaning:
      'Informational. Microsoft Graph no longer knew the calendar delta link of the mailbox (410 syncStateNotFound), e.g. after a long pause or a mailbox move, so the connector read the whole window again (30 days back, 365 ahead by default) and compared it with what it had seen. Changes already published are not published again; deletions found by the comparison are.',
    steps: [
      'No action is needed. Frequent occurrences for one mailbox are worth a support ticket with Microsoft.',
    ],
  },
  {
    code: 'DSEX074',
    title: 'Notification with a wrong clientState',
    status: 'Failed',
    retry: 'n/a',
    replayTrigger: 'never',
    severity: 43,
    setting: 'GRAPH_CLIENT_STATE',
    meaning:
      "A change notification reached the webhook with a clientState that is not the connector's secret (GRAPH_CLIENT_STATE), so it was dropped and counted: one row per day for the webhook, its Attempts counting the requests that carried one, its message naming up to three of their subscription ids. Either the secret was changed while subscriptions made with the old one still exist, or someone other than Microsoft Graph posts to the webhook.",
    steps: [
      'If GRAPH_CLIENT_STATE was rotated, the subscription timer (every 6 hours) replaces each subscription made with the old secret by one with the new; notifications sent meanwhile are dropped, and the periodic delta catches up with their changes.',
      'Otherwise, treat it as a probe of the webhook: nothing was enqueued, and the connector reads the truth from the calendar delta anyway.',
    ],
  },
  {
    code: 'DSEX075',
    title: 'Two-way sync settings invalid',
    status: 'InvalidBackOfficeSettings',
    retry: 'fix config',
    replayTrigger: 'never',
    severity: 47,
    setting: 'GRAPH_WEBHOOK_BASE_URL',
    meaning:
      'GRAPH_WEBHOOK_BASE_URL is set, so two-way sync is meant to be on, but it or another two-way setting cannot be used (GRAPH_CLIENT_STATE missing or shorter than 16 characters, GRAPH_WEBHOOK_BASE_URL not an https host, DELTA_WINDOW_DAYS, PUBLISH_DETAIL_CHANGES, NOTIFICATION_DELAY_SECONDS or PRIVACY_DEFAULT_RULE malformed); the message names each. Until it is corrected no subscription is made or renewed, notifications are dropped and no change made in Outlook reaches the back office. Syncing to Exchange is not affected. One row per day, its Attempts counting the runs that found it.',
    steps: [
      'Correct the setting the message names in the Function App > Settings > Environment variables (GRAPH_CLIENT_STATE is a Key Vault reference in Azure), or unset GRAPH_WEBHOOK_BASE_URL to turn two-way sync off.',
      'No replay is needed: the next subscription timer (every 6 hours) subscribes the mailboxes again and the periodic delta (every 15 minutes) catches up with what changed meanwhile.',
    ],
  },
  {
    code: 'DSUNK001',
    title: 'Unexpected exception',
    status: 'Failed',
    retry: 'undiagnosed',
    replayTrigger: 'backoff',
    severity: 100,
    meaning:
      'A failure no rule recognises. The row stays Failed so the retry pass can replay it, and the full stack trace is written to the operational log (not to the row) so the maintainers can add a typed rule.',
    steps: [
      'Send the transaction ID and the time to support, with the matching trace from Application Insights (search the transaction ID).',
      'The retry pass replays it with backoff in the meantime.',
    ],
  },
];

const BY_CODE = new Map<string, CatalogueEntry>(CATALOGUE.map((entry) => [entry.code, entry]));

export function isCode(value: string): value is Code {
  return BY_CODE.has(value);
}

export function catalogueEntry(code: Code): CatalogueEntry {
  const entry = BY_CODE.get(code);
  if (!entry) throw new Error(`Code ${code} is not in the catalogue`);
  return entry;
}

/** Codes whose rows the retry pass reads: retried, fix config and undiagnosed. */
export function isReplayable(code: Code): boolean {
  return catalogueEntry(code).retry !== 'n/a';
}

export function codeForAadsts(aadsts: number): Code | undefined {
  return CATALOGUE.find((entry) => entry.aadsts?.includes(aadsts))?.code;
}

export function codeForGraphError(graphErrorCode: string): Code | undefined {
  return CATALOGUE.find((entry) => entry.graphErrorCodes?.includes(graphErrorCode))?.code;
}

/** The most severe of several codes (see `CatalogueEntry.severity`). */
export function mostSevere(codes: readonly Code[]): Code | undefined {
  let worst: CatalogueEntry | undefined;
  for (const code of codes) {
    const entry = catalogueEntry(code);
    if (!worst || entry.severity > worst.severity) worst = entry;
  }
  return worst?.code;
}
