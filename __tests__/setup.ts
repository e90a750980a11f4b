import { Testing } from "cdktf";
// The types of the matchers setupJest adds (toHaveResourceWithProperties, toPlanSuccessfully, ...).
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
