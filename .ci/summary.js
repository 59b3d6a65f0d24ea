// Reads vitest's JSON reports ("label=path" arguments) and prints one line per run, then the total
// last: "N passed, N failed". A file that failed outside its tests (a hook, an import, a timeout)
// counts as a failure and is named with its error, so the end of CI's output says what broke.
const fs = require('node:fs');

// The first lines of an error, each cut short: a counterexample can be megabytes long.
const firstLines = (text) =>
  String(text ?? '')
    .split('\n')
    .slice(0, 6)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n      ');
let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
const problems = [];
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split('=');
  let p = 0;
  let f = 1;
  let s = 0;
  if (fs.existsSync(file) && fs.statSync(file).size > 0) {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    f = report.numFailedTests;
    for (const result of report.testResults) {
      const failedTests = result.assertionResults.filter((a) => a.status === 'failed');
      for (const test of failedTests)
        problems.push(
          `${label}: ${result.name} › ${test.fullName}\n      ${firstLines(test.failureMessages?.[0])}`,
        );
      if (result.status === 'failed' && failedTests.length === 0) {
        f += 1;
        problems.push(
          `${label}: ${result.name} failed outside its tests\n      ${firstLines(result.message)}`,
        );
      }
    }
    if (report.numTotalTestSuites > 0 && report.numTotalTests === 0) f += 1;
    p = report.numPassedTests;
    s = report.numPendingTests + report.numTodoTests;
  } else console.log(`${label}: vitest wrote no report`);
  console.log(`${label}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
  passed += p;
  failed += f;
  skipped += s;
  ok = ok && p > 0 && f === 0;
}
if (problems.length > 0) console.log(`\nWhat failed:\n  ${problems.join('\n  ')}\n`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
