import { describe, expect, it } from 'vitest';
import { fitToRowBudget } from '../../shared/domain/rowBudget';
import { ROW_BUDGET } from '../../shared/domain/storageLimits';
import type { TransactionRecord } from '../../shared/domain/transaction';

const at = new Date('2026-11-25T08:00:00Z');

function invalidRow(
  appointmentId: string,
  operation: TransactionRecord['operation'] = 'invalid',
): TransactionRecord {
  return {
    transactionId: 'tx-1',
    changeId: 'message:m-1',
    appointmentId,
    operation,
    status: 'InvalidChangeMessage',
    code: 'DSEX050',
    message: '[DSEX050] Invalid change message: kind is missing.',
    attempts: 1,
    createdAt: at,
    lastAttemptAt: at,
    resources: [],
  };
}

describe('fitToRowBudget: the appointment id of an invalid message', () => {
  it('is cut to its budget (an unvalidated id may be of any length), never splitting a surrogate pair', () => {
    expect(fitToRowBudget(invalidRow('A'.repeat(500))).appointmentId).toBe(
      'A'.repeat(ROW_BUDGET.invalidAppointmentId),
    );
    const pairAtTheEdge = `${'A'.repeat(ROW_BUDGET.invalidAppointmentId - 1)}😀tail`;
    expect(fitToRowBudget(invalidRow(pairAtTheEdge)).appointmentId).toBe(
      'A'.repeat(ROW_BUDGET.invalidAppointmentId - 1),
    );
  });

  it('leaves a short id, and the id of a validated change, as they are', () => {
    expect(fitToRowBudget(invalidRow('A-1')).appointmentId).toBe('A-1');
    expect(fitToRowBudget(invalidRow('B'.repeat(300), 'upsert')).appointmentId).toBe('B'.repeat(300));
  });
});
