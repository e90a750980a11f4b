import { Construct } from "constructs";
import { Password } from "@cdktf/provider-random/lib/password";
import { shellQuote } from "./cloud-init";

/** The MySQL and RabbitMQ ports the app uses. */
export const MYSQL_PORT = 3306;
export const AMQP_PORT = 5672;

/** Characters URL-, shell- and JSON-safe, so passwords embed in connection URLs unescaped. */
const PASSWORD_SPECIALS = "-_";

/**
 * Generated passwords for the database and the queue, and the commands and
 * URLs that use them. The values exist only in Terraform state: synthesized
 * files hold references to `random_password`, never the passwords.
 */
export class ServiceCredentials extends Construct {
  readonly databasePassword: Password;
  readonly queuePassword: Password;
  readonly databaseUser = "faafo";
  readonly queueUser = "faafo";
  readonly databaseName = "faafo";

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.databasePassword = new Password(this, "database-password", {
      length: 32, special: true, overrideSpecial: PASSWORD_SPECIALS,
    });
    this.queuePassword = new Password(this, "queue-password", {
      length: 32, special: true, overrideSpecial: PASSWORD_SPECIALS,
    });
  }

  /** SQLAlchemy URL for faafo's `-d`. */
  databaseUrl(host: string): string {
    return `mysql+pymysql://${this.databaseUser}:${this.databasePassword.result}@${host}:${MYSQL_PORT}/${this.databaseName}`;
  }

  /** AMQP URL for faafo's `-m`. */
  amqpUrl(host: string): string {
    return `amqp://${this.queueUser}:${this.queuePassword.result}@${host}:${AMQP_PORT}/`;
  }

  /**
   * Shell commands, run after faafo's install on the node hosting MySQL and
   * RabbitMQ, that replace the script's fixed credentials with ours.
   */
  setupCommands(): string[] {
    const db = this.databasePassword.result;
    const sql = [
      `CREATE DATABASE IF NOT EXISTS ${this.databaseName}`,
      `CREATE USER IF NOT EXISTS '${this.databaseUser}'@'%' IDENTIFIED BY '${db}'`,
      `ALTER USER '${this.databaseUser}'@'%' IDENTIFIED BY '${db}'`,
      `GRANT ALL PRIVILEGES ON ${this.databaseName}.* TO '${this.databaseUser}'@'%'`,
      "FLUSH PRIVILEGES",
    ].join("; ");
    const queue = this.queuePassword.result;
    return [
      `mysql -e ${shellQuote(sql)}`,
      `rabbitmqctl add_user ${this.queueUser} '${queue}' || rabbitmqctl change_password ${this.queueUser} '${queue}'`,
      `rabbitmqctl set_permissions -p / ${this.queueUser} '.*' '.*' '.*'`,
      "rabbitmqctl delete_user guest || true",
    ];
  }
}
