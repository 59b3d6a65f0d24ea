/** The `event` of the log lines the Azure Monitor alerts and the workbook query (infra/modules/queries). */
export const LOG_EVENTS = {
  transaction: 'transaction',
  retryPass: 'retry pass',
  retryProbeFailed: 'retry probe failed',
  manualReplay: 'manual replay',
} as const;
