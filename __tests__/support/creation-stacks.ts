/**
 * Leaves cdktf's creation stack traces unmapped inside jest.
 *
 * cdktf captures a full stack trace (no depth limit) for every token and every
 * complex attribute list it creates (tokens/private/stack-trace.js), on a plain
 * object, only to quote it if that token later fails to resolve. Jest installs
 * source-map-support, which maps every frame of every such trace back to
 * TypeScript: more than half of an in-process synth's time under jest
 * (`node --cpu-prof`; bench/README.md has the figures). Traces of real errors
 * (instances of Error) are still mapped, so test failures point at .ts lines.
 * A creation trace ends where jest's frames begin: what a failing token quotes
 * is the construct code and the test above them.
 */
const mapped = Error.prepareStackTrace;
/** Where jest's own frames begin: below them there is nothing of the test's (12 of the 18 frames of a token made in a test body). */
const JEST_FRAME = /[\\/]node_modules[\\/]jest-(circus|runner|runtime)[\\/]/;
if (mapped) {
  Error.prepareStackTrace = (target, frames) => {
    if (target instanceof Error) return mapped(target, frames);
    const jest = frames.findIndex((frame) => JEST_FRAME.test(frame.getFileName() ?? ""));
    // V8's own format: a header line (cdktf drops it), then one "at" line per frame, down to the test's.
    return `${String(target)}${frames
      .slice(0, jest === -1 ? frames.length : jest)
      .map((frame) => `\n    at ${frame}`)
      .join("")}`;
  };
}
