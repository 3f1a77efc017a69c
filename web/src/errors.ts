/** An error the server reported: an HTTP error body or a WebSocket error op. */
export class PushwireError extends Error {
  constructor(
    /** The server's code, e.g. `bad_channel`, `unauthorized`, `too_large`. */
    readonly code: string,
    message: string,
    /** The HTTP status, for errors of HTTP requests. */
    readonly status?: number,
  ) {
    super(message || code);
    this.name = 'PushwireError';
  }
}
