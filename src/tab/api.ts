/**
 * The tab's one HTTP client: adds the caller's credentials (Teams SSO token, MSAL token or the dev
 * user header), parses JSON, and turns API errors into `ApiError` with the field issues the API
 * sends (`{ error, issues: [{ field, message }] }`, fields as dotted paths like `suppliers.0.orgnr`).
 */
import i18next from 'i18next';

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Gives the headers that prove who is calling (refreshed per call: tokens expire). */
export type CredentialProvider = () => Promise<Record<string, string>>;

let credentials: CredentialProvider = async () => ({});
let language = 'nb';

export function setCredentials(provider: CredentialProvider): void {
  credentials = provider;
}
export function setApiLanguage(lng: string): void {
  language = lng;
}

export interface ApiResponse<T> {
  readonly data: T;
  readonly etag: string | null;
}

export async function request<T>(
  method: string,
  path: string,
  options: {
    body?: unknown;
    ifMatch?: string | null;
    signal?: AbortSignal;
    raw?: BodyInit;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': language,
    ...options.headers,
    ...(await credentials()),
  };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  const res = await fetch(path, {
    method,
    headers,
    body: body ?? null,
    signal: options.signal ?? null,
  });
  const text = res.status === 204 ? '' : await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as { error?: string; message?: string; issues?: FieldIssue[] };
    throw new ApiError(
      res.status,
      err.error ?? err.message ?? `${res.status} ${res.statusText}`,
      Array.isArray(err.issues) ? err.issues : [],
    );
  }
  return { data: parsed as T, etag: res.headers.get('etag') };
}

export const get = async <T>(path: string, signal?: AbortSignal): Promise<T> =>
  (await request<T>('GET', path, signal ? { signal } : {})).data;

export const post = async <T>(path: string, body?: unknown, ifMatch?: string | null) =>
  (await request<T>('POST', path, { body, ifMatch: ifMatch ?? null })).data;

/**
 * Sends a file body with XMLHttpRequest so the browser's upload progress can be shown (fetch has no
 * upload progress). `onProgress(sent, total)`; errors become `ApiError` like `request`.
 */
export async function uploadWithProgress<T>(
  path: string,
  body: Blob,
  onProgress: (sent: number, total: number) => void,
  contentType = 'application/octet-stream',
): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': language,
    'content-type': contentType,
    ...(await credentials()),
  };
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onerror = () => reject(new ApiError(0, i18next.t('common.uploadNetworkError')));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const err = (parsed ?? {}) as { error?: string; issues?: FieldIssue[] };
      reject(
        new ApiError(
          xhr.status,
          err.error ?? `${xhr.status} ${xhr.statusText}`,
          Array.isArray(err.issues) ? err.issues : [],
        ),
      );
    };
    xhr.send(body);
  });
}

/** Downloads a file the API produces (e.g. the Excel export), with the caller's credentials. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: { ...(await credentials()) } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Builds a query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
