import {
  app,
  type HttpFunctionOptions,
  type ServiceBusQueueFunctionOptions,
  type TimerFunctionOptions,
} from '@azure/functions';

/**
 * What a file under functions/ registers. The Functions host reads the registration; the local
 * runner reads the same exported definition, so there is no second list of functions.
 */
export type FunctionDefinition =
  | {
      readonly name: string;
      readonly trigger: 'serviceBusQueue';
      readonly options: ServiceBusQueueFunctionOptions;
    }
  | { readonly name: string; readonly trigger: 'timer'; readonly options: TimerFunctionOptions }
  | { readonly name: string; readonly trigger: 'http'; readonly options: HttpFunctionOptions };

export function registerFunction<T extends FunctionDefinition>(definition: T): T {
  switch (definition.trigger) {
    case 'serviceBusQueue':
      app.serviceBusQueue(definition.name, definition.options);
      break;
    case 'timer':
      app.timer(definition.name, definition.options);
      break;
    case 'http':
      app.http(definition.name, definition.options);
      break;
  }
  return definition;
}

/** Resolves `%SETTING%` binding expressions the way the Functions host does. */
export function resolveBindingExpression(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => env[name] ?? '');
}
