/**
 * cdktf's jest matchers (toHaveResourceWithProperties, toPlanSuccessfully, ...), for the files that use them.
 * Imported where needed rather than set up for every file: loading cdktf costs a file that does not use it
 * about 0.4 CPU s (a trivial test: 2.35 -> 1.95 CPU s alone), and most of the suite's files never do.
 */
import { Testing } from "cdktf";
// The matchers' types.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
