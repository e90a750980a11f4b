import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { dev } from "../../config/dev";
import { parseEnvironment } from "../../config";
import { buildApp } from "../../stacks/app";
import { FractalsStack } from "../../stacks/fractals-stack";

describe("state backend", () => {
  test("an S3-compatible store (Swift S3 API, Ceph RGW) is selected by config", () => {
    const config = parseEnvironment({ ...dev, backend: { type: "s3", bucket: "fractals-state", endpoint: "https://rgw.example.com" } });
    const json = JSON.parse(Testing.synth(new FractalsStack(Testing.app(), { config })));
    expect(json.terraform.backend.local).toBeUndefined();
    expect(json.terraform.backend.s3).toMatchObject({
      bucket: "fractals-state",
      key: "fractals/dev.tfstate",
      endpoints: { s3: "https://rgw.example.com" },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
    });
    expect(JSON.stringify(json.terraform.backend)).not.toMatch(/access_key|secret_key/);
  });

  test("local state lives outside the synth output, at a path relative to the stack directory", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-backend-"));
    try {
      buildApp([dev], { outdir, stateDir: path.join(outdir, "state"), skipValidation: true }).synth();
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/dev/cdk.tf.json"), "utf8"));
      expect(json.terraform.backend.local.path).toBe("../../state/terraform.dev.tfstate");
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("forceLocalState (the simulator's commands) keeps state local even when config names a store", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-backend-"));
    try {
      const s3 = { ...dev, backend: { type: "s3", bucket: "fractals-state", endpoint: "https://rgw.example.com" } };
      buildApp([s3], { outdir, stateDir: path.join(outdir, "sim-state"), forceLocalState: true, skipValidation: true }).synth();
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/dev/cdk.tf.json"), "utf8"));
      expect(json.terraform.backend).toEqual({ local: { path: "../../sim-state/terraform.dev.tfstate" } });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
