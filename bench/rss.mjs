// Samples the resident memory (VmRSS in /proc/<pid>/status) of a Chromium
// process tree: the browser process launched with --user-data-dir=<profile>
// and all its descendants (zygotes, renderers, GPU and utility processes).
// Renderers (--type=renderer) host the page and its dedicated workers.
import { readdirSync, readFileSync } from 'node:fs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended meanwhile
  }
}

function processes() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const cmdline = read(`/proc/${name}/cmdline`);
    if (stat === null || cmdline === null) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    out.push({ pid: Number(name), ppid, comm, cmdline: cmdline.replaceAll('\0', ' ') });
  }
  return out;
}

/** The pids of `roots` and of all their descendants among `all`. */
function descendants(all, roots) {
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** [{pid, renderer}] for the browser started with this profile and its descendants. */
export function chromiumTree(profile) {
  const all = processes();
  const roots = all.filter((p) => p.cmdline.includes(`--user-data-dir=${profile}`) && !p.cmdline.includes('--type=')).map((p) => p.pid);
  const tree = descendants(all, roots);
  return all.filter((p) => tree.has(p.pid)).map((p) => ({ pid: p.pid, renderer: p.cmdline.includes('--type=renderer') }));
}

/**
 * [{pid, renderer: false, type}] for process `root` and its descendants (the
 * engines other than Chromium); `type` is the process's name (comm), e.g.
 * 'Isolated Web Co' (Firefox's content process) or 'WebKitWebProces'.
 */
export function processTree(root) {
  const all = processes();
  const tree = descendants(all, [root]);
  return all.filter((p) => tree.has(p.pid)).map((p) => ({ pid: p.pid, renderer: false, type: p.comm }));
}

function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) : 0;
}

/** Current RSS sums in MiB: {renderer, all}. */
export function rssNow(procs) {
  let renderer = 0;
  let all = 0;
  for (const p of procs) {
    const kib = rssKiB(p.pid);
    all += kib;
    if (p.renderer) renderer += kib;
  }
  return { renderer: renderer / 1024, all: all / 1024 };
}

/**
 * Starts sampling every `intervalMs`; stop() returns the peaks in MiB:
 * {renderer, all, startRenderer, startAll, samples}. The process list is
 * refreshed every second (new processes rarely appear during a run).
 * `profile`: a Chromium profile directory, or a function that lists the
 * processes to sample (e.g. () => processTree(pid)).
 */
export function startSampling(profile, intervalMs = 50) {
  const tree = typeof profile === 'function' ? profile : () => chromiumTree(profile);
  let procs = tree();
  if (procs.length === 0) throw new Error(`no browser process found for ${profile}`);
  const start = rssNow(procs);
  const peak = { ...start };
  let samples = 0;
  const sample = () => {
    const now = rssNow(procs);
    peak.renderer = Math.max(peak.renderer, now.renderer);
    peak.all = Math.max(peak.all, now.all);
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  const refresh = setInterval(() => {
    procs = tree();
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      clearInterval(refresh);
      sample();
      return { renderer: peak.renderer, all: peak.all, startRenderer: start.renderer, startAll: start.all, samples };
    },
  };
}
