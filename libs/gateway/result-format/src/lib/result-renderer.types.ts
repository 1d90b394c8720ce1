import type { ResultRow } from '@cnosdb/contracts';

/**
 * Turns row batches of one query result into body text, one batch at a time.
 *
 * Calling protocol (the same for chunked and non-chunked responses):
 * ```
 * let first = true;
 * for (const rows of batches) {
 *   if (rows.length === 0) continue;          // empty batches render nothing
 *   emit(renderer.renderBatch(rows, first));
 *   first = false;
 * }
 * emit(renderer.finish(!first));
 * ```
 * Non-chunked: the body is the concatenation of everything emitted. Chunked (`chunked=true`):
 * every non-empty string emitted is one HTTP chunk, self-contained as CnosDB sends it.
 *
 * Memory is per batch, except non-chunked `table`: its column widths depend on every row, so it
 * keeps all rendered cells (spilling them to a temporary file past a few MiB) and returns the
 * whole box from finish(), or in pieces from finishStream() — which a caller must use for any
 * result that may be large, since finish() cannot return spilled rows. Use {@link endBody}.
 * A renderer belongs to one response and must not be reused; call dispose() (if present) when
 * the body is abandoned.
 */
export interface ResultRenderer {
  /**
   * Renders a non-empty batch. `first` is true for the first batch that has rows: it carries the
   * CSV/TSV header and, in non-chunked JSON, the opening `[`. An empty batch returns ''.
   */
  renderBatch(rows: ResultRow[], first: boolean): string;
  /**
   * Ends the body. With `emittedAnyRows` false it returns the zero-row form of the format
   * (CSV/TSV header line, JSON `[]`, table header box, ND-JSON nothing).
   */
  finish(emittedAnyRows: boolean): string;
  /** finish() in pieces of bounded size, for renderers that may have kept rows on disk. */
  finishStream?(emittedAnyRows: boolean): AsyncIterable<string>;
  /** Releases what the renderer still holds (a spool file). */
  dispose?(): void;
}

/** The end of a body: finishStream() where the renderer has it, else finish(). */
export async function* endBody(renderer: ResultRenderer, emittedAnyRows: boolean): AsyncGenerator<string> {
  if (renderer.finishStream) yield* renderer.finishStream(emittedAnyRows);
  else yield renderer.finish(emittedAnyRows);
}

/** Options of {@link createRenderer}. */
export interface RendererOptions {
  /** Render for `chunked=true`: each batch is formatted on its own (CnosDB `response.rs`). */
  chunked?: boolean;
}
