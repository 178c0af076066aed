import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { TesseraError } from '../errors.js';
import { problemFor } from './problem.js';

/** What Node's HTTP parser reports: `HPE_*` codes, with the parser's reason. */
interface ParserError extends Error {
  code?: string;
  reason?: string;
}

/** The problem Node's own answer would have stood for (its 400, 408, 413 and 431 are plain text). */
function errorFor(err: ParserError): TesseraError {
  const reason = err.reason ?? err.message;
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new TesseraError('headers_too_large', 'the request headers are larger than the server reads', [{ path: '(headers)', message: 'too large' }]);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new TesseraError('payload_too_large', 'the chunk extensions of the request body are larger than the server reads', [{ path: '(body)', message: 'chunk extensions too large' }]);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new TesseraError('request_timeout', 'the request did not arrive in time', [{ path: '(request)', message: 'timed out' }]);
    default:
      return new TesseraError('validation', `the request is not valid HTTP: ${reason}`, [{ path: '(request)', message: err.code ?? reason }]);
  }
}

/**
 * The server's 'clientError' listener: a request Node cannot parse (a malformed request line, headers
 * past the limit) is answered as a problem document, as every other error is, then the connection
 * closes. As Node's default, nothing is written once an answer on the socket has begun.
 */
export function answerClientError(err: ParserError, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = problemFor(errorFor(err));
  const body = JSON.stringify(problem);
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
