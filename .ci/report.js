// The jest tiers' junit reports (test-reports/junit*.xml) as the last lines of the CI log, where
// a truncated log still shows them: the totals, and on failure each failing test with the head
// of its message. Usage: node .ci/report.js [failed-step]
const fs = require('fs');
const path = require('path');

const dir = 'test-reports';
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^junit.*\.xml$/.test(f)).sort() : [];
const unescape = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#x1B;|\u001b/g, '').replace(/\[\d+m/g, '').replace(/&amp;/g, '&');
let passed = 0;
let failed = 0;
const failures = [];
for (const file of files) {
  const xml = fs.readFileSync(path.join(dir, file), 'utf8');
  for (const m of xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[3] ?? '';
    if (/<(failure|error)\b/.test(body)) {
      failed++;
      const text = unescape((/<(?:failure|error)\b[^>]*>([\s\S]*?)<\/(?:failure|error)>/.exec(body) ?? [, ''])[1]);
      failures.push(`${file}: ${unescape(m[1])}\n${text.split('\n').slice(0, 12).map((l) => `    ${l}`).join('\n')}`);
    } else if (!/<skipped\b/.test(body)) {
      passed++;
    }
  }
}
const step = process.argv[2];
if (step) {
  console.log(`\nCI failed in: ${step}`);
}
for (const f of failures) {
  console.log(`FAILED ${f}`);
}
console.log(`${passed} passed, ${failed} failed (${files.join(', ') || 'no jest reports'})`);
