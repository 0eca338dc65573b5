/** Targets of issue 6 and the text / Markdown rendering of a result. */

const fmt = (x, d = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '–';
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

/** Every target, with the measured value and whether it holds. */
export function targets(result) {
  const t = result.records?.typical?.items;
  const big = result.records?.['64k']?.items;
  const b100k = (item) => result.bundles?.find((b) => b.size === 100000 && b.item === item);
  const list = [];
  const add = (name, value, want, ok, unit = '×') => list.push({ name, value, want, unit, ok });
  if (t) {
    for (const op of ['seal', 'unseal']) {
      const v = t['naive-noble'][op].oursOverThis;
      add(`typical ${op} vs (a) naive noble`, v, '≥ 2.5×', v >= 2.5);
    }
    for (const op of ['seal', 'unseal']) {
      const v = t.iron[op].oursOverThis;
      add(`typical ${op} vs @hapi/iron`, v, '≥ 8×', v >= 8);
    }
    for (const op of ['seal', 'unseal']) {
      const v = t.paseto[op].oursOverThis;
      add(`typical ${op} vs paseto-ts v4.local`, v, '≥ 4×', v >= 4);
    }
  }
  if (big) {
    for (const op of ['seal', 'unseal']) {
      const v = big['naive-node'][op].oursOverThis;
      add(`64 KiB ${op} vs (b) naive node:crypto`, v, '≥ 1×', v >= 1);
    }
  }
  const ours = b100k('session-seal');
  const naive = b100k('naive-noble');
  if (ours)
    add(
      '100k bundle unseal+validate wall time',
      ours.unsealMs / 1000,
      '≤ 1.5 s',
      ours.unsealMs <= 1500,
      ' s',
    );
  if (ours && naive) {
    add(
      '100k bundle unseal peak RSS, session-seal / (a)',
      ours.unsealPeakRssMiB / naive.unsealPeakRssMiB,
      '≤ 1×',
      ours.unsealPeakRssMiB <= naive.unsealPeakRssMiB,
    );
  }
  return list;
}

/**
 * session-seal's cost per session by bundle size — warm (in-process, interleaved) and cold (fresh
 * process, includes start-up and JIT warm-up) — and per KiB of context by record size.
 */
export function linearity(result) {
  const out = { perSession: [], perKiB: [] };
  for (const w of result.warmBundles ?? []) {
    out.perSession.push({
      size: w.size,
      how: 'warm, in-process',
      seal: w.sealUsPerSession,
      unseal: w.unsealUsPerSession,
    });
  }
  for (const b of result.bundles ?? []) {
    if (b.item === 'session-seal') {
      out.perSession.push({
        size: b.size,
        how: 'cold, own process',
        seal: b.sealUsPerSession,
        unseal: b.unsealUsPerSession,
      });
    }
  }
  for (const [name, r] of Object.entries(result.records ?? {})) {
    const it = r.items['session-seal'];
    const kib = r.contextBytes / 1024;
    out.perKiB.push({
      record: name,
      contextBytes: r.contextBytes,
      sealUs: it.seal.usPerOp,
      unsealUs: it.unseal.usPerOp,
      sealUsPerKiB: it.seal.usPerOp / kib,
      unsealUsPerKiB: it.unseal.usPerOp / kib,
    });
  }
  return out;
}

function table(head, rows) {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export function markdown(result) {
  const m = result.meta;
  const parts = [
    '# session-seal benchmark',
    '',
    `${m.date} · Node ${m.node} · ${m.cpu} × ${m.cores} · ${m.platform} · AEAD backend \`${m.backend}\` · ` +
      `load average ${m.loadavgStart.map((x) => x.toFixed(2)).join(' / ')} at start · ${m.mode} run, ${(m.durationMs / 1000).toFixed(0)} s`,
    '',
    `Command: \`${m.command}\`. Ratios are session-seal ÷ item, the median over rounds of same-round ratios; only they are comparable across runs (the machine is shared and noisy).`,
    '',
  ];
  for (const [name, r] of Object.entries(result.records ?? {})) {
    parts.push(
      `## Single record: ${name} (record ${fmt(r.recordBytes)} B, context ${fmt(r.contextBytes)} B)`,
      '',
    );
    const rows = Object.values(r.items).map((it) => [
      it.name,
      fmt(it.seal.opsPerSec),
      fmt(it.seal.usPerOp, 1),
      ratio(it.seal.oursOverThis),
      fmt(it.unseal?.opsPerSec),
      fmt(it.unseal?.usPerOp, 1),
      ratio(it.unseal?.oursOverThis),
    ]);
    parts.push(
      table(
        ['item', 'seal ops/s', 'seal µs', 'ours ÷ this', 'unseal+validate ops/s', 'unseal µs', 'ours ÷ this'],
        rows,
      ),
      '',
    );
  }
  if (result.bundles?.length) {
    parts.push('## Bundles (fresh process per measurement; median of repetitions)', '');
    const rows = result.bundles.map((b) => [
      `${fmt(b.size)} · ${b.item}`,
      fmt(b.bytes / 1048576, 1),
      fmt(b.sealMs),
      fmt(b.sealUsPerSession, 1),
      fmt(b.sealPeakRssMiB),
      fmt(b.unsealMs),
      fmt(b.unsealUsPerSession, 1),
      fmt(b.unsealPeakRssMiB),
      String(b.reps),
    ]);
    parts.push(
      table(
        [
          'sessions · item',
          'MiB',
          'seal ms',
          'µs/session',
          'seal peak RSS MiB',
          'unseal ms',
          'µs/session',
          'unseal peak RSS MiB',
          'reps',
        ],
        rows,
      ),
      '',
    );
  }
  const lin = linearity(result);
  if (lin.perKiB.length) {
    parts.push('## Linearity (session-seal)', '');
    parts.push(
      table(
        ['record', 'context B', 'seal µs', 'seal µs/KiB', 'unseal µs', 'unseal µs/KiB'],
        lin.perKiB.map((r) => [
          r.record,
          fmt(r.contextBytes),
          fmt(r.sealUs, 1),
          fmt(r.sealUsPerKiB, 2),
          fmt(r.unsealUs, 1),
          fmt(r.unsealUsPerKiB, 2),
        ]),
      ),
      '',
    );
  }
  if (lin.perSession.length) {
    parts.push(
      table(
        ['bundle sessions', 'measured', 'seal µs/session', 'unseal µs/session'],
        lin.perSession.map((r) => [fmt(r.size), r.how, fmt(r.seal, 1), fmt(r.unseal, 1)]),
      ),
      '',
    );
  }
  const tg = targets(result);
  if (tg.length) {
    parts.push('## Targets', '');
    parts.push(
      table(
        ['target', 'measured', 'wanted', ''],
        tg.map((t) => [
          t.name,
          t.unit === '×' ? ratio(t.value) : `${t.value.toFixed(2)}${t.unit}`,
          t.want,
          t.ok ? 'met' : '**not met**',
        ]),
      ),
      '',
    );
  }
  return parts.join('\n');
}
