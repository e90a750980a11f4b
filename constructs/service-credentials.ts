import { Construct } from "constructs";
import { Password } from "@cdktf/provider-random/lib/password";
import { intToIpv4, ipv4Netmask } from "../providers/schema/value-formats";

/** The MySQL and RabbitMQ ports the app uses. */
export const MYSQL_PORT = 3306;
export const AMQP_PORT = 5672;

/** Characters URL-, shell- and JSON-safe, so passwords embed in connection URLs unescaped. */
const PASSWORD_SPECIALS = "-_";

/**
 * Generated passwords for the database and the queue, and the URLs that use
 * them. The values exist only in Terraform state: synthesized
 * files hold references to `random_password`, never the passwords.
 */
export class ServiceCredentials extends Construct {
  readonly databasePassword: Password;
  readonly queuePassword: Password;
  /** The boot script (workload/guest/fractals-boot) creates these names. */
  readonly databaseUser = "fractals";
  readonly queueUser = "fractals";
  readonly databaseName = "fractals";

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.databasePassword = new Password(this, "database-password", {
      length: 32,
      special: true,
      overrideSpecial: PASSWORD_SPECIALS,
    });
    this.queuePassword = new Password(this, "queue-password", {
      length: 32,
      special: true,
      overrideSpecial: PASSWORD_SPECIALS,
    });
  }

  /** The app's database URL (`[database] url` in fractals.conf). */
  databaseUrl(host: string): string {
    return `mysql://${this.databaseUser}:${this.databasePassword.result}@${host}:${MYSQL_PORT}/${this.databaseName}`;
  }

  /** The app's AMQP URL (`[queue] url` in fractals.conf). */
  amqpUrl(host: string): string {
    return `amqp://${this.queueUser}:${this.queuePassword.result}@${host}:${AMQP_PORT}/`;
  }
}

/** A CIDR in MariaDB's account-host notation, `10.20.0.0/255.255.255.0`. */
export function mariadbHostPattern(cidr: string): string {
  const [network, bits] = cidr.split("/");
  return `${network}/${intToIpv4(ipv4Netmask(Number(bits)))}`;
}
