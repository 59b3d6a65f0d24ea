import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { errorsPage } from '../../shared/http/page/errorsPage';
import { readLocalPrincipal } from '../../shared/settings';

function assetRequest(asset: string): HttpRequest {
  return new HttpRequest({
    url: `http://127.0.0.1/api/errors-page/${asset}`,
    method: 'GET',
    params: { asset },
  });
}

const serve = (asset: string) =>
  errorsPage(assetRequest(asset), new InvocationContext(), readLocalPrincipal({}));

describe('Errors page assets', () => {
  it('serves its script and stylesheet with their content types', async () => {
    const script = await serve('page.js');
    const style = await serve('page.css');
    expect(script.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8' });
    expect(style.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8' });
  });

  it('answers 404 for names that only exist on every object', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const answer = await serve(name);
      expect({ name, status: answer.status }).toEqual({ name, status: 404 });
    }
  });
});
