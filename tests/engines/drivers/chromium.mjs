// Chromium driver for the engine tests: Debian's Chromium through
// playwright-core, launched exactly as tests/e2e/ launch it (helpers.mjs).
import { launch as launchChromium } from '../../e2e/helpers.mjs';

/**
 * Starts a fresh headless Chromium.
 * @returns {Promise<import('../engines.mjs').Driver>}
 */
export async function launch() {
  const browser = await launchChromium();
  const { context } = browser;
  let current = null; // the open tab's request list
  // Context-wide: dedicated workers' requests are reported here too.
  context.on('request', (req) => current?.push(req.url()));
  return {
    name: 'chromium',
    version: context.browser()?.version() ?? (await versionOf(context)),
    pid: null, // a persistent context does not say (bench/rss.mjs finds it by its profile)
    async open(url) {
      const page = await context.newPage();
      const requests = [];
      current = requests;
      await page.goto(url);
      return {
        requests,
        evaluate: (expr) => page.evaluate(expr),
        async chooseFile(expr, path) {
          const handle = await page.evaluateHandle(expr);
          await handle.asElement().setInputFiles(path);
          await handle.dispose();
        },
        async close() {
          if (current === requests) current = null;
          await page.close();
        },
      };
    },
    close: () => browser.close(),
  };
}

/** The version from the user agent (a persistent context has no Browser object). */
async function versionOf(context) {
  const page = await context.newPage();
  try {
    const ua = await page.evaluate(() => navigator.userAgent);
    return /Chrome\/([\d.]+)/.exec(ua)?.[1] ?? ua;
  } finally {
    await page.close();
  }
}
