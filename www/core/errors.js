// The errors the core rejects with: an AbortError for a cancelled run, an
// Error with a `kind` for everything the caller can tell apart (see
// AdaggErrorKind in adagg.d.ts), and the message of a trapped wasm instance.

/** What a cancelled run rejects with: always a DOMException named AbortError. */
export function abortError() {
  return new DOMException('The aggregation was cancelled.', 'AbortError');
}

/**
 * `err` as an Error with `kind` set, unless it already has one (a frozen
 * error is left as it is).
 * @param {unknown} err
 * @param {string} kind
 * @returns {Error & {kind?: string}}
 */
export function withKind(err, kind) {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!e.kind) {
    try {
      e.kind = kind;
    } catch {
      // a frozen error: leave it as it is
    }
  }
  return e;
}

/**
 * What a run that trapped in wasm rejects with.
 * @param {string} detail the worker's message, e.g. `RuntimeError: unreachable`
 */
export function trapMessage(detail) {
  return (
    `The aggregation failed inside the WebAssembly module (${detail}). Either the file needs more memory ` +
    'than the browser gives a tab (the command-line adagg has no such limit), or this is a bug: please report it.'
  );
}

