// WebKit driver for the engine tests: Debian's WebKitGTK MiniBrowser through
// WebKitWebDriver (webkit2gtk-driver) and selenium-webdriver. MiniBrowser has
// no headless mode, so it runs on a private Xvfb display. WebDriver classic
// reports no network requests: `requests` is null, the tests read the
// server's log instead.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder } from 'selenium-webdriver';
import { startXvfb } from './xvfb.mjs';

export const WEBKIT_DRIVER = process.env.ADAGG_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
// From the libwebkit2gtk-4.1-0 package (dpkg -L libwebkit2gtk-4.1-0 | grep MiniBrowser).
export const MINIBROWSER = process.env.ADAGG_MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** Longest a single script may run (a run on a large file, a wait). */
const SCRIPT_TIMEOUT_MS = 10 * 60_000;

/** A free TCP port on 127.0.0.1 (free when asked; WebKitWebDriver binds it right after). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts WebKitWebDriver on `display` and waits until it answers /status. */
async function startDriver(display) {
  const port = await freePort();
  const proc = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((done) => proc.once('exit', done));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`WebKitWebDriver exited (${proc.exitCode}): ${stderr.trim()}`);
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {
      if (i > 100) throw new Error(`WebKitWebDriver did not answer on ${url}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode === null) proc.kill();
      await exited;
    },
  };
}

/**
 * Starts Xvfb, WebKitWebDriver and a MiniBrowser session (its profile is
 * ephemeral: MiniBrowser --automation keeps no data).
 * @returns {Promise<import('../engines.mjs').Driver>}
 */
export async function launch() {
  const xvfb = await startXvfb();
  let server;
  let driver;
  try {
    server = await startDriver(xvfb.display);
    driver = await new Builder()
      .usingServer(server.url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
    await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
  } catch (err) {
    await driver?.quit().catch(() => {});
    await server?.stop();
    await xvfb.stop();
    throw err;
  }
  const version = (await driver.getCapabilities()).get('browserVersion');
  return {
    name: 'webkit',
    version,
    pid: server.pid, // WebKitWebDriver: MiniBrowser and its web and network processes descend from it
    /** One window: a tab is the window navigated to `url`. */
    async open(url) {
      await driver.get(url);
      return {
        requests: null,
        // The expression's value (a promise is awaited) through the async
        // script's callback; engines.mjs makes every expression resolve.
        evaluate: (expr) =>
          driver.executeAsyncScript(`const done = arguments[arguments.length - 1]; Promise.resolve(${expr}).then(done);`),
        async chooseFile(expr, path) {
          const input = await driver.executeScript(`return (${expr});`);
          await input.sendKeys(path); // the file input's files, then input and change
        },
        close: () => driver.get('about:blank'),
      };
    },
    async close() {
      await driver.quit().catch(() => {});
      await server.stop();
      await xvfb.stop();
    },
  };
}
