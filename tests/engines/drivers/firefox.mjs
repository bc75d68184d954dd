// Firefox driver for the engine tests: Debian's Firefox ESR, headless,
// through puppeteer-core over WebDriver BiDi (no CDP in Firefox).
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.ADAGG_FIREFOX || '/usr/bin/firefox-esr';

/**
 * Starts a fresh headless Firefox ESR (puppeteer makes and removes its profile).
 * @returns {Promise<import('../engines.mjs').Driver>}
 */
export async function launch() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    protocol: 'webDriverBiDi',
    headless: true,
    // No update checks, telemetry or captive-portal probes from the browser itself.
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'app.update.enabled': false,
    },
  });
  const version = (await browser.version()).replace(/^firefox\//, '');
  return {
    name: 'firefox',
    version,
    pid: browser.process()?.pid ?? null,
    async open(url) {
      const page = await browser.newPage();
      // BiDi network.beforeRequestSent of the page's browsing context; Firefox
      // attributes its dedicated workers' requests to the page too.
      const requests = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(url);
      return {
        requests,
        evaluate: (expr) => page.evaluate(expr),
        async chooseFile(expr, path) {
          const handle = await page.evaluateHandle(expr);
          await handle.asElement().uploadFile(path); // BiDi input.setFiles
          await handle.dispose();
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}
