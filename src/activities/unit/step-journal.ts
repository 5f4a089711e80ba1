import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeSlug } from '../../domain/slug.js';

/**
 * What a unit's steps finished on this host, one small JSON file per step under
 * `<workDir>/unit-steps/<featureSlug>/<unitSlug>/<key>.json`. A step writes its outcome here before
 * its activity reports, so a worker restarted on the same host (after SIGKILL or SIGTERM) finds
 * that an agent already exited and hands back its outcome instead of running it again.
 */
export class StepJournal {
  constructor(private readonly root: string) {}

  static under(workDir: string): StepJournal {
    return new StepJournal(join(workDir, 'unit-steps'));
  }

  async read<T>(where: StepWhere, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.file(where, key), 'utf8')) as T;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Missing, or torn by a crash mid-write (never renamed into place): the step did not finish.
      if (code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  /** Written whole, then renamed: a reader sees the old state or the new one, never half. */
  async write(where: StepWhere, key: string, value: unknown): Promise<void> {
    const file = this.file(where, key);
    await mkdir(this.dir(where), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(value));
    await rename(`${file}.tmp`, file);
  }

  /** Everything recorded for this unit on this host: a new attempt starts with a clean slate. */
  async clear(where: StepWhere): Promise<void> {
    await rm(this.dir(where), { recursive: true, force: true });
  }

  private dir(where: StepWhere): string {
    for (const segment of [where.featureSlug, where.unitSlug]) {
      if (!isSafeSlug(segment)) throw new Error(`${JSON.stringify(segment)} is not a safe journal path segment`);
    }
    return join(this.root, where.featureSlug, where.unitSlug);
  }

  private file(where: StepWhere, key: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/.test(key)) throw new Error(`${JSON.stringify(key)} is not a safe journal key`);
    return join(this.dir(where), `${key}.json`);
  }
}

export interface StepWhere {
  featureSlug: string;
  unitSlug: string;
}
