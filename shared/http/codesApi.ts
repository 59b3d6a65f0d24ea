import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { CATALOGUE, catalogueEntry, isCode } from '../domain/catalogue';
import { jsonResponse, problemResponse } from './responses';

/** `GET codes`: the whole catalogue; `GET codes/{code}`: one entry (the seed's "look up any failure by its code"). */
export function codesApi(request: HttpRequest): HttpResponseInit {
  const code = request.params.code?.toUpperCase();
  if (!code) return jsonResponse(200, { codes: CATALOGUE }, []);
  if (!isCode(code)) return problemResponse(404, `${code} is not a code in the catalogue.`, []);
  return jsonResponse(200, catalogueEntry(code), []);
}
