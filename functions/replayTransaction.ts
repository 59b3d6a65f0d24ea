import { registerFunction } from '../shared/host/functionDefinitions';
import { replayApi } from '../shared/http/replayApi';

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
