export { contentTypeOf, negotiateFormat, type ResultFormat } from './lib/accept.negotiation';
export { negotiateResponseEncoding, type ResponseEncoding } from './lib/encoding.negotiation';
export { FormatNegotiationError, ResultRenderError } from './lib/result-format.error';
export { endBody, type RendererOptions, type ResultRenderer } from './lib/result-renderer.types';
export { createRenderer, renderAll, renderPieces } from './lib/result.renderer';
