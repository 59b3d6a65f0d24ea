import { replayApi } from '../shared/errorsPage/replayApi';
import { registerFunction } from '../shared/host/functionDefinitions';

export const definition = registerFunction({
  name: 'replayTransaction',
  trigger: 'http',
  options: {
    route: 'transactions/{transactionId}/replay',
    methods: ['POST'],
    authLevel: 'function',
    handler: replayApi,
  },
});
