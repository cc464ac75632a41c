/**
 * A run and its per-host output, live: GET the run, then follow the stream. Output is appended to
 * bounded buffers as it arrives and published to React at most once per animation frame.
 */
import { useEffect, useState } from 'react';
import type { OrcaClient } from '../api/client.ts';
import { LiveRun, type LiveState } from '../api/live-run.ts';
import type { RunDetail } from '../api/types.ts';
import type { OutputView } from '../lib/output-buffer.ts';
import { RunOutputs } from '../lib/run-outputs.ts';

export interface LiveRunView {
  readonly run: RunDetail | null;
  readonly error: unknown;
  readonly connection: LiveState;
  /** By `outputKey(executionId)` for a host's whole output, `outputKey(executionId, step)` for one step. */
  readonly outputs: ReadonlyMap<string, OutputView>;
  /** Apply a snapshot the page got by other means (e.g. the cancel response). */
  readonly setRun: (run: RunDetail) => void;
}

const EMPTY: ReadonlyMap<string, OutputView> = new Map();

export function useLiveRun(api: OrcaClient, runId: string): LiveRunView {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [connection, setConnection] = useState<LiveState>('connecting');
  const [outputs, setOutputs] = useState<ReadonlyMap<string, OutputView>>(EMPTY);

  useEffect(() => {
    let alive = true;
    let live: LiveRun | null = null;
    let frame = 0;
    let buffers = new RunOutputs();
    const dirty = new Set<string>();
    setRun(null);
    setError(null);
    setOutputs(EMPTY);
    setConnection('connecting');

    const publish = () => {
      frame = 0;
      const updates = [...dirty].map((key) => [key, buffers.snapshot(key)] as const);
      dirty.clear();
      setOutputs((prev) => {
        const next = new Map(prev);
        for (const [id, view] of updates) if (view) next.set(id, view);
        return next;
      });
    };

    api.getRun(runId).then(
      (initial) => {
        if (!alive) return;
        setRun(initial);
        const names = initial.steps.map((st) => `${st.index + 1}. ${st.name}`);
        buffers = new RunOutputs((i) => names[i]);
        live = new LiveRun({
          runId,
          onRun: (r) => alive && setRun(r),
          onEvent: (e) => {
            if (!alive) return;
            const changed = buffers.append(e);
            if (changed.length === 0) return;
            for (const key of changed) dirty.add(key);
            frame ||= requestAnimationFrame(publish);
          },
          onState: (s) => alive && setConnection(s),
          onError: (message) => alive && setError(new Error(message)),
        }).start();
      },
      (e: unknown) => alive && setError(e),
    );

    return () => {
      alive = false;
      live?.stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [api, runId]);

  return { run, error, connection, outputs, setRun };
}
