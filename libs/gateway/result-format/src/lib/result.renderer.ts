import type { ResultColumn, ResultRow } from '@cnosdb/contracts';
import type { ResultFormat } from './accept.negotiation';
import { cellFormatterFor } from './cell.formatter';
import { CsvRenderer } from './csv.renderer';
import { JsonRenderer, NdJsonRenderer } from './json.renderer';
import type { RendererOptions, ResultRenderer } from './result-renderer.types';
import { TableRenderer } from './table.renderer';

/**
 * A renderer for one response body in `format` (see {@link ResultRenderer} for the calling
 * protocol). Memory stays per batch for every format except non-chunked `table`.
 */
export function createRenderer(
  format: ResultFormat,
  columns: ResultColumn[],
  options: RendererOptions = {},
): ResultRenderer {
  const cells = columns.map(cellFormatterFor);
  const chunked = options.chunked === true;
  switch (format) {
    case 'csv':
      return new CsvRenderer(cells, ',');
    case 'tsv':
      return new CsvRenderer(cells, '\t');
    case 'json':
      return new JsonRenderer(cells, chunked);
    case 'nd-json':
      return new NdJsonRenderer(cells);
    case 'table':
      return new TableRenderer(cells, chunked);
  }
}

/**
 * The pieces CnosDB writes for a result: with `chunked` each element is one HTTP chunk
 * (`main/src/http/response.rs`: one per non-empty batch, or a single final chunk holding the
 * zero-row form); without it, the pieces simply concatenate to the body. Empty strings are
 * dropped.
 */
export function renderPieces(
  format: ResultFormat,
  columns: ResultColumn[],
  batches: ResultRow[][],
  chunked: boolean,
): string[] {
  const renderer = createRenderer(format, columns, { chunked });
  const pieces: string[] = [];
  let first = true;
  for (const rows of batches) {
    if (rows.length === 0) continue;
    pieces.push(renderer.renderBatch(rows, first));
    first = false;
  }
  pieces.push(renderer.finish(!first));
  return pieces.filter((piece) => piece !== '');
}

/**
 * The whole body for a result given as batches: exactly what a caller streaming with
 * {@link createRenderer} would send, concatenated.
 */
export function renderAll(
  format: ResultFormat,
  columns: ResultColumn[],
  batches: ResultRow[][],
  chunked: boolean,
): string {
  return renderPieces(format, columns, batches, chunked).join('');
}
