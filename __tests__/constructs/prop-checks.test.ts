/**
 * Each construct checks its own props (issue 15.1): composed directly, with no
 * config, a bad value fails with `<construct path>: <prop>: <what is allowed>`;
 * the same value in an environment's config fails with `<env>: <field>: <the same words>`.
 */
import { ConfigError, ENVIRONMENTS, loadEnvironments } from "../../config";
import {
  AppNetwork,
  Bastion,
  Controller,
  Instance,
  KeyPair,
  LbaasPool,
  Peer,
  SecurityGroup,
  ServicesNode,
  WorkerGroup,
  WorkerScaling,
  AutoscaleOptions,
  BastionProps,
  ControllerProps,
  HealthCheckProps,
  LbaasPoolProps,
  ServicesNodeProps,
} from "../../constructs";
import { Fixture, synthWith } from "../support/synth";

type Env = Record<string, any>;
const [DEV, PROD] = [0, 2];
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----";

const network = (cidr: string, dnsNameservers?: string[]) => (f: Fixture) => {
  new AppNetwork(f.scope, "subnet", { cidr, dnsNameservers });
};
const keyPair = (publicKey: string) => (f: Fixture) => {
  new KeyPair(f.scope, "key", { publicKey });
};
const controller = (props: Partial<ControllerProps>) => (f: Fixture) => {
  new Controller(f.scope, "controller", { network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "i", flavor: "f", ...props });
};
const bastion = (props: Partial<BastionProps>) => (f: Fixture) => {
  new Bastion(f.scope, "bastion", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "i",
    adminCidrs: ["203.0.113.0/24"],
    ...props,
  });
};
const services = (props: Partial<ServicesNodeProps>) => (f: Fixture) => {
  new ServicesNode(f.scope, "services", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "i",
    flavor: "f",
    volumeSizeGb: 20,
    ...props,
  });
};
const workers = (scaling: WorkerScaling) => (f: Fixture) => {
  new WorkerGroup(f.scope, "workers", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "i",
    scaling,
    apiUrl: "http://api",
    amqpUrl: "amqp://q",
  });
};
const autoscale = (options: Partial<AutoscaleOptions>) => workers(WorkerScaling.autoscale({ min: 2, max: 10, flavor: "f", ...options }));
const pool = (healthCheck: HealthCheckProps) => poolWith({ healthCheck });
const poolWith = (props: Partial<LbaasPoolProps>) => (f: Fixture) => {
  const sg = new SecurityGroup(f.scope, "sg", { name: "api" });
  const member = new Instance(f.scope, "api", {
    name: "api",
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "i",
    flavor: "f",
    securityGroups: [sg],
  });
  new LbaasPool(f.scope, "lb", { network: f.network, members: [member], memberPort: 80, ...props });
};

interface Case {
  /** Composes the construct with the bad value. */
  readonly compose: (f: Fixture) => void;
  /** The construct's path and prop, as its message names them. */
  readonly at: string;
  /** The same value in the shipped environments. */
  readonly breakConfig: (envs: Env[]) => void;
  /** The environment and field, as the config loader names them. */
  readonly field: string;
  /** What the message says is allowed. */
  readonly message: string;
}

const CASES: Case[] = [
  {
    compose: network("not-a-cidr"),
    at: "stack/subnet: cidr",
    field: "dev: network.cidr",
    message: 'must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24, got "not-a-cidr"',
    breakConfig: (e) => {
      e[DEV].network.cidr = "not-a-cidr";
    },
  },
  {
    compose: network("10.10.0.1"),
    at: "stack/subnet: cidr",
    field: "dev: network.cidr",
    message:
      'must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24; the mask is missing in "10.10.0.1". Did you mean "10.10.0.1/32"?',
    breakConfig: (e) => {
      e[DEV].network.cidr = "10.10.0.1";
    },
  },
  {
    compose: network("10.10.0.1/24"),
    at: "stack/subnet: cidr",
    field: "dev: network.cidr",
    message:
      'must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24; "10.10.0.1/24" has host bits set. Did you mean "10.10.0.0/24"?',
    breakConfig: (e) => {
      e[DEV].network.cidr = "10.10.0.1/24";
    },
  },
  {
    compose: network("10.0.0.0/8"),
    at: "stack/subnet: cidr",
    field: "dev: network.cidr",
    message: "must have a prefix length between /16 and /28, got /8",
    breakConfig: (e) => {
      e[DEV].network.cidr = "10.0.0.0/8";
    },
  },
  {
    compose: network("10.10.0.0/24", []),
    at: "stack/subnet: dnsNameservers",
    field: "dev: network.dnsNameservers",
    message: "needs at least one nameserver",
    breakConfig: (e) => {
      e[DEV].network.dnsNameservers = [];
    },
  },
  {
    compose: network("10.10.0.0/24", Array(6).fill("1.1.1.1")),
    at: "stack/subnet: dnsNameservers",
    field: "dev: network.dnsNameservers",
    message: "at most 5 nameservers (Neutron's limit), got 6",
    breakConfig: (e) => {
      e[DEV].network.dnsNameservers = Array(6).fill("1.1.1.1");
    },
  },
  {
    compose: network("10.10.0.0/24", ["1.1.1"]),
    at: "stack/subnet: dnsNameservers.0",
    field: "dev: network.dnsNameservers.0",
    message: 'must be an IPv4 address such as 192.0.2.10, got "1.1.1"',
    breakConfig: (e) => {
      e[DEV].network.dnsNameservers = ["1.1.1"];
    },
  },
  {
    compose: keyPair("ssh-foo notakey"),
    at: "stack/key: publicKey",
    field: "dev: access.publicKey",
    message:
      "must be an OpenSSH public key ('ssh-ed25519 AAAA...', 'ssh-rsa AAAA...' or 'ecdsa-sha2-nistp256 AAAA...'), got \"ssh-foo notakey\"",
    breakConfig: (e) => {
      e[DEV].access.publicKey = "ssh-foo notakey";
    },
  },
  {
    compose: keyPair(PRIVATE_KEY),
    at: "stack/key: publicKey",
    field: "dev: access.publicKey",
    message: "must be a public key, never a private key: put the .pub file's one line here (e.g. ~/.ssh/id_ed25519.pub)",
    breakConfig: (e) => {
      e[DEV].access.publicKey = PRIVATE_KEY;
    },
  },
  {
    compose: controller({ count: 0 }),
    at: "stack/controller: count",
    field: "dev: api.count",
    message: "must be an integer between 1 and 50, got 0",
    breakConfig: (e) => {
      e[DEV].api.count = 0;
    },
  },
  {
    compose: controller({ count: 2 }),
    at: "stack/controller: count",
    field: "dev: api.count",
    message: "must be 1 without a services node (an all-in-one controller holds the database), got 2",
    breakConfig: (e) => {
      e[DEV].api.count = 2;
      e[DEV].loadBalancer = {};
    },
  },
  {
    compose: controller({ antiAffinity: true }),
    at: "stack/controller: antiAffinity",
    field: "prod: api.antiAffinity",
    message: "needs a count of at least 2 (a server group of one spreads nothing), got 1",
    breakConfig: (e) => {
      e[PROD].api.count = 1;
    },
  },
  {
    compose: controller({ apiPort: 70000 }),
    at: "stack/controller: apiPort",
    field: "dev: fractals.apiPort",
    message: "must be an integer between 1 and 65535, got 70000",
    breakConfig: (e) => {
      e[DEV].fractals = { apiPort: 70000 };
    },
  },
  {
    compose: controller({ apiPort: 5672 }),
    at: "stack/controller: apiPort",
    field: "dev: fractals.apiPort",
    message:
      "must not be one of 22, 3306, 4369, 5672, 15672, 25672 (SSH, MariaDB and RabbitMQ's ports, which must never be public), got 5672",
    breakConfig: (e) => {
      e[DEV].fractals = { apiPort: 5672 };
    },
  },
  {
    compose: bastion({ adminCidrs: ["203.0.113.0/24", "admin-network"] }),
    at: "stack/bastion: adminCidrs.1",
    field: "prod: access.adminCidrs.1",
    message: 'must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24, got "admin-network"',
    breakConfig: (e) => {
      e[PROD].access.adminCidrs = ["203.0.113.0/24", "admin-network"];
    },
  },
  {
    compose: bastion({ loginUser: "Admin User" }),
    at: "stack/bastion: loginUser",
    field: "prod: access.loginUser",
    message:
      'must be a login name (lower case letters, digits, \'_\' and \'-\', at most 32 characters, such as "ubuntu" or "debian"), got "Admin User"',
    breakConfig: (e) => {
      e[PROD].access.loginUser = "Admin User";
    },
  },
  {
    compose: services({ volumeSizeGb: 0 }),
    at: "stack/services: volumeSizeGb",
    field: "prod: services.volumeSizeGb",
    message: "must be an integer between 1 and 16384, got 0",
    breakConfig: (e) => {
      e[PROD].services.volumeSizeGb = 0;
    },
  },
  {
    compose: services({ maxConnections: 5 }),
    at: "stack/services: maxConnections",
    field: "prod: services.mysqlMaxConnections",
    message: "must be an integer between 10 and 100000, got 5",
    breakConfig: (e) => {
      e[PROD].services.mysqlMaxConnections = 5;
    },
  },
  {
    compose: workers(WorkerScaling.fixed({ count: -1, flavor: "f" })),
    at: "stack/workers: scaling.count",
    field: "dev: workers.count",
    message: "must be an integer between 0 and 1000, got -1",
    breakConfig: (e) => {
      e[DEV].workers.count = -1;
    },
  },
  {
    compose: autoscale({ min: 5, max: 2, desired: undefined }),
    at: "stack/workers: scaling.max",
    field: "prod: workers.max",
    message: "must be >= min (5), got 2",
    breakConfig: (e) => {
      Object.assign(e[PROD].workers, { min: 5, max: 2 });
      delete e[PROD].workers.desired;
    },
  },
  {
    compose: autoscale({ min: 5, desired: 2 }),
    at: "stack/workers: scaling.desired",
    field: "prod: workers.desired",
    message: "must be >= min (5), got 2",
    breakConfig: (e) => {
      e[PROD].workers.min = 5;
    },
  },
  {
    compose: autoscale({ desired: 11 }),
    at: "stack/workers: scaling.max",
    field: "prod: workers.max",
    message: "must be >= desired (11), got 10",
    breakConfig: (e) => {
      e[PROD].workers.desired = 11;
    },
  },
  {
    compose: autoscale({ max: 0, min: 0 }),
    at: "stack/workers: scaling.max",
    field: "prod: workers.max",
    message: "must be an integer between 1 and 1000, got 0",
    breakConfig: (e) => {
      Object.assign(e[PROD].workers, { min: 0, desired: 0, max: 0 });
    },
  },
  {
    compose: autoscale({ scaleUpCpuPercent: 150 }),
    at: "stack/workers: scaling.scaleUpCpuPercent",
    field: "prod: workers.scaleUpCpuPercent",
    message: "must be greater than 0 and at most 100, got 150",
    breakConfig: (e) => {
      e[PROD].workers.scaleUpCpuPercent = 150;
    },
  },
  {
    compose: autoscale({ scaleDownCpuPercent: 90 }),
    at: "stack/workers: scaling.scaleDownCpuPercent",
    field: "prod: workers.scaleDownCpuPercent",
    message: "must be lower than scaleUpCpuPercent (80), got 90",
    breakConfig: (e) => {
      e[PROD].workers.scaleDownCpuPercent = 90;
    },
  },
  {
    compose: autoscale({ granularitySeconds: 30 }),
    at: "stack/workers: scaling.granularitySeconds",
    field: "prod: workers.granularitySeconds",
    message: "must be an integer between 60 and 86400, got 30",
    breakConfig: (e) => {
      e[PROD].workers.granularitySeconds = 30;
    },
  },
  {
    compose: autoscale({ granularitySeconds: 60 }),
    at: "stack/workers: scaling.granularitySeconds",
    field: "prod: workers.granularitySeconds",
    message:
      "must be 300 (the granularity of Ceilometer's default archive policy for cpu), got 60; set archivePolicy to the policy your cloud keeps cpu at that granularity under",
    breakConfig: (e) => {
      e[PROD].workers.granularitySeconds = 60;
    },
  },
  {
    compose: autoscale({ evaluationPeriods: 1 }),
    at: "stack/workers: scaling.evaluationPeriods",
    field: "prod: workers.evaluationPeriods",
    message: "must be an integer between 2 and 20 (one period flaps when a worker joins), got 1",
    breakConfig: (e) => {
      e[PROD].workers.evaluationPeriods = 1;
    },
  },
  {
    compose: autoscale({ cooldownSeconds: 300 }),
    at: "stack/workers: scaling.cooldownSeconds",
    field: "prod: workers.cooldownSeconds",
    message:
      "must be at least twice granularitySeconds (600), got 300; a shorter cooldown acts again before the last action shows in the metric",
    breakConfig: (e) => {
      e[PROD].workers.cooldownSeconds = 300;
    },
  },
  {
    compose: autoscale({ cooldownSeconds: -1 }),
    at: "stack/workers: scaling.cooldownSeconds",
    field: "prod: workers.cooldownSeconds",
    message: "must be an integer between 0 and 86400, got -1",
    breakConfig: (e) => {
      e[PROD].workers.cooldownSeconds = -1;
    },
  },
  {
    compose: pool({ path: "health" }),
    at: "stack/lb: healthCheck.path",
    field: "prod: loadBalancer.healthCheck.path",
    message: 'must be an absolute URL path such as /, got "health"',
    breakConfig: (e) => {
      e[PROD].loadBalancer.healthCheck = { path: "health" };
    },
  },
  {
    compose: pool({ delaySeconds: 0 }),
    at: "stack/lb: healthCheck.delaySeconds",
    field: "prod: loadBalancer.healthCheck.delaySeconds",
    message: "must be an integer between 1 and 3600, got 0",
    breakConfig: (e) => {
      e[PROD].loadBalancer.healthCheck = { delaySeconds: 0 };
    },
  },
  {
    compose: pool({ maxRetries: 11 }),
    at: "stack/lb: healthCheck.maxRetries",
    field: "prod: loadBalancer.healthCheck.maxRetries",
    message: "must be an integer between 1 and 10, got 11",
    breakConfig: (e) => {
      e[PROD].loadBalancer.healthCheck = { maxRetries: 11 };
    },
  },
  {
    compose: pool({ timeoutSeconds: 10 }),
    at: "stack/lb: healthCheck.timeoutSeconds",
    field: "prod: loadBalancer.healthCheck.timeoutSeconds",
    message: "must be at most delaySeconds (5), got 10",
    breakConfig: (e) => {
      e[PROD].loadBalancer.healthCheck = { timeoutSeconds: 10 };
    },
  },
];

function configIssues(breakConfig: (envs: Env[]) => void): string[] {
  const envs: Env[] = JSON.parse(JSON.stringify(ENVIRONMENTS));
  breakConfig(envs);
  try {
    loadEnvironments(envs);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error("the configuration was accepted");
}

describe.each(CASES.map((c) => [`${c.at}: ${c.message}`, c] as const))("%s", (_, c) => {
  test("the construct, composed directly, says so", () => {
    expect(() => synthWith(c.compose)).toThrow(`${c.at}: ${c.message}`);
  });

  test("the config loader says the same of the config field", () => {
    expect(configIssues(c.breakConfig)).toContain(`${c.field}: ${c.message}`);
  });
});

describe("Peer.ipv4", () => {
  test("refuses what is not a CIDR, with the same words as a construct's CIDR prop", () => {
    expect(() => Peer.ipv4("not-a-cidr")).toThrow(
      'Peer.ipv4: must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24, got "not-a-cidr"',
    );
    expect(() => Peer.ipv4("192.0.2.7")).toThrow('the mask is missing in "192.0.2.7". Did you mean "192.0.2.7/32"?');
    expect(Peer.ipv4("192.0.2.7/32").peerLabel).toBe("192.0.2.7/32");
  });
});

/** Props no config field carries (the stack derives them), so only the construct can be told them wrong. */
describe("LbaasPool's ports and members, composed directly", () => {
  test.each([
    ["listenerPort 70000", { listenerPort: 70000 }, "stack/lb: listenerPort: must be an integer between 1 and 65535, got 70000"],
    ["listenerPort 0.5", { listenerPort: 0.5 }, "stack/lb: listenerPort: must be an integer between 1 and 65535, got 0.5"],
    ["memberPort 0", { memberPort: 0 }, "stack/lb: memberPort: must be an integer between 1 and 65535, got 0"],
    [
      "members without a memberPort",
      { memberPort: undefined },
      "stack/lb: memberPort: is required with members: the port the members listen on",
    ],
    ["no members", { members: [] }, "stack/lb: members: must list at least one instance (or leave it out and call addTargets())"],
  ] as [string, Partial<LbaasPoolProps>, string][])("%s", (_, props, message) => {
    expect(() => synthWith(poolWith(props))).toThrow(message);
  });
});

describe("every issue of a construct at once", () => {
  test("WorkerGroup names each bad scaling option", () => {
    expect(() => synthWith(autoscale({ min: 5, max: 2, desired: undefined, scaleDownCpuPercent: 90 }))).toThrow(
      "stack/workers: scaling.max: must be >= min (5), got 2\nstack/workers: scaling.scaleDownCpuPercent: must be lower than scaleUpCpuPercent (80), got 90",
    );
  });
});
