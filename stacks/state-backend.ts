import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { BackendConfig } from "../config";

/**
 * Local state by default (`terraform.<env>.tfstate` beside cdktf.json); or an
 * S3-compatible object store such as Swift's S3 API or Ceph RGW, whose
 * credentials Terraform reads from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
export function addStateBackend(stack: TerraformStack, env: string, backend: BackendConfig): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: `terraform.${env}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: `fractals/${env}.tfstate`,
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
