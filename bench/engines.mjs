// The bench page (bench/page.html) in the other engines the users have:
// Firefox ESR and WebKitGTK, through the drivers of the engine tests
// (tests/engines/). browser.mjs runs their cases in the same rounds as
// Chromium's, so that each is held against Chromium measured alongside.
import { launchEngine } from '../tests/engines/engines.mjs';
import { processTree, startSampling } from './rss.mjs';

/** The engines measured besides Chromium, and how the report names them. */
export const ENGINE_LABELS = { firefox: 'Firefox ESR', webkit: 'WebKitGTK' };

/**
 * Opens bench/page.html (under `baseUrl`) in engine `name` and waits until
 * it has compiled the wasm and warmed its workers up, as the page does.
 * @returns {Promise<{name: string, label: string, version: string, cores: number,
 *   run: (c: {job: string, opts: object, file: {path: string}}) => Promise<object>,
 *   close: () => Promise<void>}>} `cores`: navigator.hardwareConcurrency there
 *   (the page's default worker count); `run` resolves like browser.mjs's runOnce
 */
export async function openEngine(name, baseUrl) {
  const engine = await launchEngine(name);
  try {
    const tab = await engine.open(`${baseUrl}bench/page.html`);
    // WebDriver's load may return before the module script has run (WebKit).
    await tab.waitFor(() => globalThis.bench, [], { timeout: 60_000 });
    const cores = await tab.evaluate(() => globalThis.bench.ready);
    const tree = () => processTree(engine.pid);
    return {
      name,
      label: ENGINE_LABELS[name],
      version: engine.version,
      cores,
      async run(c) {
        await tab.evaluate((job, opts) => globalThis.bench.arm(job, opts), c.job, c.opts);
        const sampler = startSampling(tree);
        try {
          await tab.chooseFile("document.getElementById('file')", c.file.path);
          const value = await tab.evaluate(() => globalThis.bench.done);
          return { ...value, rss: sampler.stop() };
        } catch (err) {
          sampler.stop();
          throw err;
        }
      },
      close: () => engine.close(),
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
