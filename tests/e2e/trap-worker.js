// A worker for the e2e tests: adagg's own worker (www/core/worker.js), except
// that a 'range' call answers as worker.js does when its wasm instance
// traps (a Rust panic, memory exhausted): an error marked `fatal`.
import '../../www/core/worker.js';

const real = self.onmessage;
self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'range') {
    postMessage({ id: msg.id, type: 'error', message: 'RuntimeError: unreachable', memory: 0, fatal: true });
    return undefined;
  }
  return real(event);
};
