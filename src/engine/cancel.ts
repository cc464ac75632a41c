/** The reason given when a worker stops its own executions on shutdown (not a person's cancel). */
export class ShutdownAbort extends Error {
  override readonly name = 'ShutdownAbort';
}

/** The abort controllers of the executions this worker is running, so a cancel can reach them. */
export class CancelRegistry {
  private readonly controllers = new Map<string, AbortController>();

  register(executionId: string): AbortController {
    const controller = new AbortController();
    this.controllers.set(executionId, controller);
    return controller;
  }

  unregister(executionId: string): void {
    this.controllers.delete(executionId);
  }

  /** Aborts those of the given executions that run here; returns how many it reached. */
  cancel(executionIds: readonly string[], reason: Error = new Error('canceled by request')): number {
    let n = 0;
    for (const id of executionIds) {
      const controller = this.controllers.get(id);
      if (controller && !controller.signal.aborted) {
        controller.abort(reason);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.controllers.size;
  }

  abortAll(reason: string): void {
    this.cancel([...this.controllers.keys()], new ShutdownAbort(reason));
  }
}
