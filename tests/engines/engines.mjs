// The engine layer of the cross-engine tests: one interface over three
// drivers, so that a test runs the same cases in Chromium (playwright-core),
// Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK
// (selenium-webdriver, WebKitWebDriver). Scripts are sent as source text:
// functions given to evaluate() must not use variables from the test's scope
// (pass them as arguments, which travel as JSON, as do the results).
//
//   ADAGG_ENGINES=firefox,webkit node --test tests/engines/   (default: all three)

/**
 * What each driver (drivers/*.mjs) provides.
 * @typedef {object} Driver
 * @property {string} name 'chromium' | 'firefox' | 'webkit'
 * @property {string} version
 * @property {number | null} pid the process whose descendants are the
 *   browser's (bench/probe.mjs reads their CPU time); null if not known
 * @property {(url: string) => Promise<DriverTab>} open a tab on `url`, loaded
 * @property {() => Promise<void>} close ends the browser and whatever it started
 *
 * @typedef {object} DriverTab
 * @property {(expr: string) => Promise<any>} evaluate the value of a JS
 *   expression in the page, a promise awaited
 * @property {(expr: string, path: string) => Promise<void>} chooseFile chooses
 *   the file at `path` in the <input type=file> that `expr` evaluates to (it
 *   may be in a shadow root), as a user would: the page gets `change`
 * @property {string[] | null} requests every URL the engine saw the tab and
 *   its workers request, as they happen; null where the driver cannot tell
 * @property {() => Promise<void>} close
 */

export const ALL_ENGINES = ['chromium', 'firefox', 'webkit'];

/** The engines to test: ADAGG_ENGINES (comma-separated) or all of them. */
export const ENGINES = (process.env.ADAGG_ENGINES || ALL_ENGINES.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of ENGINES) {
  if (!ALL_ENGINES.includes(name)) throw new Error(`unknown engine ${name} in ADAGG_ENGINES (known: ${ALL_ENGINES.join(', ')})`);
}

/**
 * Starts engine `name`.
 * @param {string} name
 * @returns {Promise<Engine>}
 */
export async function launchEngine(name) {
  const { launch } = await import(`./drivers/${name}.mjs`);
  return new Engine(await launch());
}

/** A browser, engine-neutral. */
export class Engine {
  /** @param {Driver} driver */
  constructor(driver) {
    this.driver = driver;
    this.name = driver.name;
    this.version = driver.version;
    this.pid = driver.pid;
  }

  /** Opens `url` in a new tab (WebKit: the one window) and waits for its load. */
  async open(url) {
    return new Tab(await this.driver.open(url));
  }

  close() {
    return this.driver.close();
  }
}

/** A loaded page, engine-neutral. */
export class Tab {
  /** @param {DriverTab} tab */
  constructor(tab) {
    this.tab = tab;
  }

  /** URLs the engine saw requested since the tab opened (null: not observable in this engine). */
  get requests() {
    return this.tab.requests;
  }

  /**
   * Calls `fn(...args)` in the page and returns its (awaited) value, as JSON.
   * `fn` is a function or its source. A throw in the page is thrown here
   * with the page's message.
   */
  async evaluate(fn, ...args) {
    // Always resolves, to a JSON string: the drivers differ on errors and on
    // how they serialize values, not on strings.
    const expr = `Promise.resolve().then(() => (${fn}).apply(null, ${JSON.stringify(args)}))
      .then((v) => JSON.stringify({ v: v === undefined ? null : v }), (e) => JSON.stringify({ e: String(e) + (e && e.stack ? '\\n' + e.stack : '') }))`;
    const out = JSON.parse(await this.tab.evaluate(expr));
    if ('e' in out) throw new Error(`in the page: ${out.e}`);
    return out.v;
  }

  /**
   * Polls `fn(...args)` in the page every 20 ms until it returns a truthy
   * value (returned), or throws after `timeout` ms. Polling runs in the page:
   * one round trip whatever the wait. (Source text, not eval: the pages'
   * CSP forbids eval.)
   */
  waitFor(fn, args = [], { timeout = 120_000 } = {}) {
    const poll = `async (...args) => {
      const f = (${fn});
      const t0 = Date.now();
      for (;;) {
        const v = await f(...args);
        if (v) return v;
        if (Date.now() - t0 > ${Number(timeout)}) throw new Error(${JSON.stringify(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 300)}`)});
        await new Promise((r) => setTimeout(r, 20));
      }
    }`;
    return this.evaluate(poll, ...args);
  }

  /** Chooses file `path` in the input that the expression `expr` evaluates to. */
  chooseFile(expr, path) {
    return this.tab.chooseFile(expr, path);
  }

  close() {
    return this.tab.close();
  }
}
