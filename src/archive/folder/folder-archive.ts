import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ARKIVMELDING_FILE } from '../../core/archive/index.ts';
import {
  ArchiveError,
  type ArchiveGateway,
  type ArchivePackage,
  type ArchiveReceipt,
  assertSafeName,
} from '../archive-gateway.port.ts';

export interface FolderArchiveOptions {
  /** The outbox, normally `<dataDir>/archive/outbox`. */
  readonly outboxDir: string;
}

const TEMP_PREFIX = '.tmp-';

/**
 * The embedded default archive: per registry entry a folder `<outbox>/<entry>/` holding
 * `arkivmelding.xml` and the document files, ready for the archive's import (or for Fiks IO).
 *
 * Atomic: the package is written into a hidden temporary folder in the outbox itself (same file
 * system), every file is fsynced, then the folder is renamed into place in one step and the outbox
 * is fsynced. A reader of the outbox sees either no entry or a complete one — never half of it.
 * Idempotent: an existing entry folder means an earlier attempt succeeded; it is not written again.
 */
export class FolderArchiveGateway implements ArchiveGateway {
  readonly kind = 'folder';

  constructor(private readonly options: FolderArchiveOptions) {}

  get outboxDir(): string {
    return this.options.outboxDir;
  }

  async file(pkg: ArchivePackage): Promise<ArchiveReceipt> {
    assertSafeName(pkg.folderName);
    for (const f of pkg.files) assertSafeName(f.packageName);
    const names = new Set(pkg.files.map((f) => f.packageName));
    if (names.size !== pkg.files.length || names.has(ARKIVMELDING_FILE)) {
      throw new ArchiveError('Arkivpakken har to filer med samme navn', false);
    }
    const outbox = this.options.outboxDir;
    const target = join(outbox, pkg.folderName);
    const receipt = (alreadyFiled: boolean): ArchiveReceipt => ({
      reference: `archive/outbox/${pkg.folderName}`,
      alreadyFiled,
      keys: pkg.keys,
    });
    try {
      await mkdir(outbox, { recursive: true });
      if (await exists(join(target, ARKIVMELDING_FILE))) return receipt(true);

      const temp = join(
        outbox,
        `${TEMP_PREFIX}${pkg.folderName}-${randomBytes(6).toString('hex')}`,
      );
      await mkdir(temp);
      try {
        for (const f of pkg.files) {
          await copyVerified(f.path, join(temp, f.packageName), f.sha256, f.size);
        }
        await writeDurably(join(temp, ARKIVMELDING_FILE), pkg.arkivmelding);
        await fsyncDir(temp);
        try {
          await rename(temp, target);
        } catch (e) {
          // Another attempt won the race (or a crash left the entry in place after its rename).
          if (isCode(e, 'ENOTEMPTY') || isCode(e, 'EEXIST')) {
            await rm(temp, { recursive: true, force: true });
            if (await exists(join(target, ARKIVMELDING_FILE))) return receipt(true);
          }
          throw e;
        }
      } catch (e) {
        await rm(temp, { recursive: true, force: true });
        throw e;
      }
      await fsyncDir(outbox);
      return receipt(false);
    } catch (e) {
      if (e instanceof ArchiveError) throw e;
      throw new ArchiveError(
        `Kunne ikke skrive arkivpakken til utboksen: ${(e as Error).message}`,
        true,
        { cause: e },
      );
    }
  }

  async recover(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.options.outboxDir);
    } catch (e) {
      if (isCode(e, 'ENOENT')) return;
      throw e;
    }
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX)) {
        await rm(join(this.options.outboxDir, name), { recursive: true, force: true });
      }
    }
  }
}

function isCode(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (isCode(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Copies a stored file into the package, checking size and SHA-256 on the way, then fsyncs it. */
async function copyVerified(from: string, to: string, sha256: string, size: number) {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), tap, createWriteStream(to, { flags: 'wx' }));
  if (bytes !== size || hash.digest('hex') !== sha256) {
    throw new ArchiveError(
      'Den lagrede filen stemmer ikke med sjekksummen; den er endret eller skadet',
      false,
    );
  }
  await fsyncFile(to);
}

async function writeDurably(path: string, content: string) {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncFile(path: string) {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(path: string) {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
