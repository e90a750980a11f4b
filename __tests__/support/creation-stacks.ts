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
 */
const mapped = Error.prepareStackTrace;
if (mapped) {
  Error.prepareStackTrace = (target, frames) =>
    target instanceof Error
      ? mapped(target, frames)
      : // V8's own format: a header line (cdktf drops it), then one "at" line per frame.
        `${String(target)}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}
