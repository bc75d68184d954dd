// The worker at its first path, for pages whose `worker-url` points here:
// the worker script is core/worker.js.
import './core/worker.js';
