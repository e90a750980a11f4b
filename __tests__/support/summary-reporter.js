/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`,
 * that CI logs and humans can read at a glance (jest's own summary is spread
 * over several lines and counts skipped suites separately).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;
