import { describe, expect, it } from 'vitest';
import { credentialFailure } from '../../shared/domain/credentialFailure';
import type { SettingProblem } from '../../shared/domain/credentials';
import {
  ConnectorError,
  DiagnosedFailure,
  InvalidExchangeCredentialsException,
  TokenEndpointError,
} from '../../shared/domain/failures';
import { isFields } from '../../shared/domain/fields';
import { eventTransactionId, transactionIdFor } from '../../shared/domain/ids';
import { PerKeyQueue } from '../../shared/domain/perKeyQueue';
import { InvalidContinuationTokenError } from '../../shared/domain/ports';
import { redact, redactDeep } from '../../shared/domain/redaction';
import { ReplayNotPossibleError } from '../../shared/domain/retryPass';
import { daysBefore } from '../../shared/domain/time';
import { gate, inFlight, settle } from '../support/gate';

describe('ids stored in tables and sent to Graph never change between versions', () => {
  it('keeps the transaction id of a change and the Graph transactionId of an event', () => {
    expect(transactionIdFor('chg-1')).toBe('tx-7c0d89427067f0a3dbb960d2');
    expect(eventTransactionId('A-1', 'R-1', 'Room@X.com')).toBe('02e9ffad-29de-4a33-a2bf-4e0e551ada13');
  });

  it('keeps the parts apart: shifting characters between ids gives another event', () => {
    expect(eventTransactionId('A-1', 'R-1', 'room@x.com')).not.toBe(
      eventTransactionId('A-1R', '-1', 'room@x.com'),
    );
  });
});

describe('redaction of short secrets', () => {
  it('redacts a secret of 4 characters, and leaves shorter ones alone (they would mask ordinary words)', () => {
    expect(redact('pin 4321 ok', ['4321'])).toBe('pin [redacted] ok');
    expect(redact('the cat sat', ['cat'])).toBe('the cat sat');
    expect(redactDeep({ note: 'the cat sat' }, ['cat'])).toEqual({ note: 'the cat sat' });
  });
});

describe('PerKeyQueue after a task settles', () => {
  it('keeps a later task of the key waiting behind the one still running', async () => {
    const lanes = new PerKeyQueue();
    const counter = inFlight();
    const [first, second, third] = [gate(counter), gate(counter), gate(counter)];
    const runs = [lanes.run('a', first.call), lanes.run('a', second.call)];
    first.release();
    await runs[0];
    await settle();
    const late = lanes.run('a', third.call);
    await settle();
    expect([second.started(), third.started()]).toEqual([true, false]);
    second.release();
    third.release();
    await Promise.all([...runs, late]);
    expect(counter.peak).toBe(1);
  });
});

describe('error names, as logs and stacks show them', () => {
  it('names each error of the domain after its class', () => {
    const errors = [
      new ConnectorError('m'),
      new TokenEndpointError('m', {}),
      new DiagnosedFailure('DSEX040', 'm'),
      new InvalidExchangeCredentialsException('DSEX002', 'm', 7000215, 'EXCHANGE_CLIENT_SECRET'),
      new InvalidContinuationTokenError('m'),
      new ReplayNotPossibleError('m'),
    ];
    expect(errors.map(String)).toEqual([
      'ConnectorError: m',
      'TokenEndpointError: m',
      'DiagnosedFailure: m',
      'InvalidExchangeCredentialsException: m',
      'InvalidContinuationTokenError: m',
      'ReplayNotPossibleError: m',
    ]);
  });
});

describe('credentialFailure', () => {
  const missing = (setting: string): SettingProblem => ({
    setting,
    kind: 'missing',
    message: `${setting} is not set`,
  });
  const malformed = (setting: string): SettingProblem => ({
    setting,
    kind: 'malformed',
    message: `${setting} is malformed`,
  });

  it.each([
    [
      'a missing setting beside a malformed tenant',
      [malformed('EXCHANGE_TENANT_ID'), missing('EXCHANGE_CLIENT_SECRET')],
      'DSEX006',
    ],
    [
      'a malformed tenant beside a malformed client id',
      [malformed('EXCHANGE_CLIENT_ID'), malformed('EXCHANGE_TENANT_ID')],
      'DSEX004',
    ],
    [
      'a malformed client id beside another malformed setting',
      [malformed('EXCHANGE_CLIENT_ID'), malformed('GRAPH_ENDPOINT')],
      'DSEX003',
    ],
    ['only another malformed setting', [malformed('GRAPH_ENDPOINT')], 'DSEX006'],
  ] as const)('%s is %s', (_, problems, code) => {
    const failure = credentialFailure(problems);
    expect(failure.code).toBe(code);
    expect(failure.message).toBe(
      `The Exchange credentials cannot be used: ${problems.map((p) => p.message).join('; ')}.`,
    );
  });
});

describe('isFields and daysBefore', () => {
  it('takes only a plain object for fields: no text, number, list or null', () => {
    expect([{}, 'text', 5, [], null, undefined].map(isFields)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('counts days back in whole 24-hour days', () => {
    expect(daysBefore(new Date('2026-11-25T08:00:00Z'), 14).toISOString()).toBe('2026-11-11T08:00:00.000Z');
  });
});
