import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { BackendConfig } from "../config";

/**
 * Local state by default (at `localStatePath`); or an
 * S3-compatible object store such as Swift's S3 API or Ceph RGW, whose
 * credentials Terraform reads from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
export function addStateBackend(stack: TerraformStack, backend: BackendConfig, localStatePath: string): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: localStatePath });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: `fractals/${stack.node.id}.tfstate`,
    region: backend.region,
    endpoints: { s3: backend.endpoint },
    usePathStyle: true,
    // Not AWS: there is no STS, IAM or EC2 metadata to validate against.
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipS3Checksum: true,
  });
}
