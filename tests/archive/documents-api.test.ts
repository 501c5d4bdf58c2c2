import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  attachDocumentService,
  createDocumentService,
  outboxDir,
} from '../../src/archive/documents/compose.ts';
import { FolderArchiveGateway } from '../../src/archive/folder/folder-archive.ts';
import type { Contract } from '../../src/core/index.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { exe, pdf } from './samples.ts';
import { validateArkivmelding } from './xsd.ts';

const LIMIT = 200 * 1024;
const signed = { title: 'Signert rammeavtale', entryType: 'U', documentType: 'AVTALE' };
const screened = {
  title: 'Prisbilag: rabatt 37 % på papir',
  entryType: 'I',
  documentType: 'VEDLEGG',
  screening: {
    accessCode: '13',
    legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
    screenedWords: ['rabatt 37 %'],
  },
};

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  json: () => Record<string, unknown>;
}

let server: TestServer;
let contract: Contract;

async function upload(
  user: string,
  contractId: string,
  metadata: unknown,
  files: [Buffer, string][],
  headers: Record<string, string> = {},
): Promise<Answer> {
  const form = new FormData();
  form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  for (const [content, name] of files) form.append('file', new Blob([content]), name);
  return call(user, 'POST', `/api/contracts/${contractId}/documents`, form, headers);
}

async function call(
  user: string,
  method: string,
  path: string,
  body?: FormData | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'x-dev-user': user, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body: buf,
    json: () => JSON.parse(buf.toString('utf8')),
  };
}

const staging = () => join(server.dataDir, 'uploads', 'staging');
const stagedCount = () => (existsSync(staging()) ? readdirSync(staging()).length : 0);

describe('documents API over HTTP', () => {
  before(async () => {
    server = await startTestServer();
    attachDocumentService(
      server.services,
      createDocumentService(server.services, { maxFileBytes: LIMIT }),
    );
    contract = await server.services.store.contracts.create(
      contractInput({ referenceNumber: 'BK-ARK-1', published: true }),
      'test',
    );
  });
  after(() => server.close());

  test('upload, list, metadata, status and download of a filed agreement', async () => {
    const content = pdf('Signert');
    const res = await upload('eier1', contract.id, signed, [[content, 'Signert avtale.pdf']]);
    assert.equal(res.status, 201, res.body.toString());
    const doc = res.json();
    assert.equal(doc.status, 'filed');
    assert.equal(res.headers.get('location'), `/api/documents/${doc.id}`);
    const xml = readFileSync(
      join(outboxDir(server.dataDir), String(doc.id), 'arkivmelding.xml'),
      'utf8',
    );
    assert.deepEqual(await validateArkivmelding(xml), []);

    const list = await call('leser', 'GET', `/api/contracts/${contract.id}/documents`);
    assert.equal(list.status, 200);
    assert.ok((list.json().items as { id: string }[]).some((d) => d.id === doc.id));

    const meta = await call('leser', 'GET', `/api/documents/${doc.id}`);
    assert.equal(meta.json().title, 'Signert rammeavtale');
    const status = await call('leser', 'GET', `/api/documents/${doc.id}/status`);
    assert.deepEqual(Object.keys(status.json()).sort(), [
      'archiveReference',
      'attempts',
      'failureReason',
      'filedAt',
      'id',
      'status',
    ]);
    assert.equal(status.json().status, 'filed');

    const file = await call('leser', 'GET', `/api/documents/${doc.id}/files/1`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.match(
      file.headers.get('content-disposition') ?? '',
      /^attachment; filename="Signert avtale.pdf"/,
    );
    assert.deepEqual(file.body, content);
    assert.equal((await call('leser', 'GET', `/api/documents/${doc.id}/files/9`)).status, 404);
    assert.equal((await call('leser', 'GET', `/api/documents/${doc.id}/files/x`)).status, 400);
  });

  test('a screened document never shows its title, names or content to a reader', async () => {
    const res = await upload('eier1', contract.id, screened, [
      [pdf('Priser'), 'Kontorleverandøren AS priser.pdf'],
    ]);
    assert.equal(res.status, 201, res.body.toString());
    const id = String(res.json().id);
    for (const path of [
      `/api/contracts/${contract.id}/documents`,
      `/api/documents/${id}`,
      `/api/documents/${id}/status`,
    ]) {
      const seen = await call('leser', 'GET', path);
      assert.equal(seen.status, 200);
      assert.ok(!seen.body.toString().includes('rabatt 37'), path);
    }
    assert.equal(
      (await call('leser', 'GET', `/api/documents/${id}`)).json().title,
      'Prisbilag: ***** på papir',
    );
    assert.equal((await call('leser', 'GET', `/api/documents/${id}/files/1`)).status, 403);
    assert.equal((await call('eier2', 'GET', `/api/documents/${id}/files/1`)).status, 403);
    assert.equal((await call('eier1', 'GET', `/api/documents/${id}/files/1`)).status, 200);
    assert.equal(
      (await call('kontraktservice', 'GET', `/api/documents/${id}`)).json().title,
      screened.title,
    );
    assert.equal((await call('', 'GET', `/api/documents/${id}`)).status, 401);
  });

  test('bad input is refused: traversal name with executable, zero bytes, bad metadata, wrong type', async () => {
    const before = readdirSync(outboxDir(server.dataDir)).length;
    const evil = await upload('eier1', contract.id, signed, [[exe(), '../../etc/passwd']]);
    assert.equal(evil.status, 400);
    assert.match(String(evil.json().error), /Kjørbare filer/);
    const renamed = await upload('eier1', contract.id, signed, [[exe(), 'avtale.pdf']]);
    assert.equal(renamed.status, 400);
    const empty = await upload('eier1', contract.id, signed, [[Buffer.alloc(0), 'tom.pdf']]);
    assert.equal(empty.status, 400);
    assert.match(String(empty.json().error), /tom/);
    const badJson = await upload('eier1', contract.id, '{"title":', [[pdf(), 'a.pdf']]);
    assert.equal(badJson.status, 400);
    assert.deepEqual(badJson.json().issues, [
      { field: 'metadata', message: 'er ikke gyldig JSON' },
    ]);
    const noFile = await upload('eier1', contract.id, signed, []);
    assert.equal(noFile.status, 400);
    const json = await call('eier1', 'POST', `/api/contracts/${contract.id}/documents`, '{}', {
      'content-type': 'application/json',
    });
    assert.equal(json.status, 415);
    assert.equal((await upload('leser', contract.id, signed, [[pdf(), 'a.pdf']])).status, 403);
    assert.equal((await upload('eier1', 'finnes-ikke', signed, [[pdf(), 'a.pdf']])).status, 404);
    assert.equal(readdirSync(outboxDir(server.dataDir)).length, before);
    assert.equal(stagedCount(), 0);
  });

  test('a file over the limit is answered 413 while streaming, nothing is kept', async () => {
    const before = readdirSync(outboxDir(server.dataDir)).length;
    const big = Buffer.concat([pdf(), Buffer.alloc(LIMIT, 0x20)]);
    const res = await upload('eier1', contract.id, signed, [[big, 'stor.pdf']]);
    assert.equal(res.status, 413);
    assert.match(String(res.json().error), /for stor/);
    assert.equal(stagedCount(), 0);
    assert.equal(readdirSync(outboxDir(server.dataDir)).length, before);
  });

  test('a body whose declared length is far over the limit is refused before it is read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/api/contracts/${contract.id}/documents`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'x-dev-user': 'eier1',
            'content-type': 'multipart/form-data; boundary=xyz',
            'content-length': String(1024 * 1024 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.write('--xyz\r\n');
    });
    assert.equal(status, 413);
  });

  test('Idempotency-Key: a repeated upload gives the same document', async () => {
    const headers = { 'idempotency-key': 'client-retry-0001' };
    const a = await upload('eier1', contract.id, signed, [[pdf(), 'a.pdf']], headers);
    const b = await upload('eier1', contract.id, signed, [[pdf(), 'a.pdf']], headers);
    assert.equal(a.json().id, b.json().id);
  });
});

describe('documents API: failure and retry', () => {
  let blocked: string;
  before(async () => {
    server = await startTestServer();
    blocked = join(server.dataDir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    attachDocumentService(
      server.services,
      createDocumentService(server.services, {
        gateway: new FolderArchiveGateway({ outboxDir: join(blocked, 'outbox') }),
      }),
    );
    contract = await server.services.store.contracts.create(
      contractInput({ referenceNumber: 'BK-ARK-2' }),
      'test',
    );
  });
  after(() => server.close());

  test('a failed filing shows its reason; retry files it once', async () => {
    const res = await upload('eier1', contract.id, signed, [[pdf(), 'a.pdf']]);
    assert.equal(res.status, 201);
    const id = String(res.json().id);
    const status = (await call('eier1', 'GET', `/api/documents/${id}/status`)).json();
    assert.equal(status.status, 'failed');
    assert.match(String(status.failureReason), /Kunne ikke skrive arkivpakken/);

    rmSync(blocked);
    assert.equal((await call('leser', 'POST', `/api/documents/${id}/retry`)).status, 403);
    const retried = await call('eier1', 'POST', `/api/documents/${id}/retry`);
    assert.equal(retried.status, 200);
    assert.equal(retried.json().status, 'filed');
    const again = await call('eier1', 'POST', `/api/documents/${id}/retry`);
    assert.equal(again.json().attempts, retried.json().attempts);
    assert.deepEqual(readdirSync(join(blocked, 'outbox')), [id]);
  });
});
