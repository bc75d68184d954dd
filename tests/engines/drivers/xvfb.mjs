// A private X display for browsers without a headless mode (WebKitGTK's
// MiniBrowser): Xvfb picks a free display number itself (-displayfd).
import { spawn } from 'node:child_process';

/**
 * Starts Xvfb on a free display.
 * @returns {Promise<{display: string, stop: () => Promise<void>}>} display like ':99'
 */
export function startXvfb() {
  return new Promise((resolve, reject) => {
    const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let fd = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr.trim()}`)));
    proc.stdio[3].on('data', (d) => {
      fd += d;
      if (!fd.includes('\n')) return;
      const display = `:${fd.trim()}`;
      const exited = new Promise((done) => proc.once('exit', done));
      resolve({
        display,
        async stop() {
          if (proc.exitCode === null) proc.kill();
          await exited;
        },
      });
    });
  });
}
