// Usage: node bench/page-daily.mjs WEB_ROOT FILE [ROUNDS] (issue 16: the page with and without the daily series).
// Page on ROOT: the 1 GB file with the daily series + anomalies off and on, interleaved; the time from choosing to 'done', and to the chart drawn.
import { launch } from '../tests/e2e/helpers.mjs';
import { startServer } from '../scripts/serve.mjs';
const [root, file, rounds] = [process.argv[2], process.argv[3], Number(process.argv[4] || 3)];
const server = await startServer(root, 0);
const browser = await launch();
const page = await browser.context.newPage();
await page.goto(server.url);
await page.waitForFunction(() => document.body.dataset.warm === 'true');
const times = { off: [], on: [], chart: [] };
for (let r = 0; r < rounds; r++) {
  for (const daily of [false, true]) {
    await page.evaluate((d) => { for (const id of ['daily', 'anomalies']) document.getElementById(id).checked = d; document.body.dataset.state = ''; }, daily);
    const t0 = await page.evaluate(() => performance.now());
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 600000 });
    const [tDone, tChart] = await page.evaluate(() => [performance.now(), Number(document.getElementById('chart').dataset.drawnAt || 0)]);
    times[daily ? 'on' : 'off'].push(tDone - t0);
    console.log(daily ? 'on ' : 'off', Math.round(tDone - t0), 'ms', await page.evaluate(() => document.getElementById('time-text').textContent.slice(0, 120)));
  }
}
const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`median off ${med(times.off).toFixed(0)} ms, on ${med(times.on).toFixed(0)} ms, ratio ${(med(times.off) / med(times.on)).toFixed(2)}x`);
await browser.close(); await server.close();
