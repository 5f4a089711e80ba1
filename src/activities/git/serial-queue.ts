/**
 * Runs jobs one at a time per key (a mirror's path): git's own locks are not meant for
 * several worktree adds, prunes and fetches on one repository at once. In-process only;
 * the lock-retry in run-git.ts covers another process.
 */
export class SerialQueue {
  private readonly tails = new Map<string, Promise<void>>();
  /** A job queued and not started yet, per key and kind: later callers share it. */
  private readonly waiting = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /**
   * Like run, but a caller arriving while the same kind of job is still queued joins it
   * instead of queueing another: it starts after both callers asked, so it serves both.
   */
  coalesce<T>(key: string, kind: string, job: () => Promise<T>): Promise<T> {
    const id = `${kind}\0${key}`;
    const queued = this.waiting.get(id) as Promise<T> | undefined;
    if (queued) return queued;
    const result = this.run(key, () => {
      this.waiting.delete(id);
      return job();
    });
    this.waiting.set(id, result);
    return result;
  }
}
