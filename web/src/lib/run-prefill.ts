/** What "Run again" on a run page passes to the run form (as router state). */
export interface RunPrefill {
  readonly command?: string;
  readonly hosts?: readonly string[];
}
