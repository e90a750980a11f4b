/**
 * The lab's data plane on a small fixture cloud (no terraform): servers boot
 * with their user data, networks and floating IPs work, the lab is sealed,
 * security groups filter, haproxy balances and fails over, a volume outlives
 * its server, and clean leaves nothing.
 */
import "./lab-env";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";
import { waitForBoot } from "../../sim/lab/boot";
import { cleanLab, leftovers } from "../../sim/lab/clean";
import { LAB_DIR, LAB_PREFIX, routerNamespace } from "../../sim/lab/paths";
import { reconcile } from "../../sim/lab/reconcile";
import { nspawnPid, nspawnProcesses, stopServers } from "../../sim/lab/servers";
import { sleepMs, tryRun } from "../../sim/lab/sh";
import { REPO_ROOT } from "../../sim/cli/paths";
import { topology } from "../../sim/lab/topology";
import { byIdName } from "../../sim/lab/volumes";
import { ValueObject } from "../../sim/protocol/cty";
import { FixtureCloud, webUserData } from "./fixture-cloud";
import { describeLab, hostLeftovers, httpFromHost, inServer } from "./support";

const T = {
  net: "openstack_networking_network_v2",
  subnet: "openstack_networking_subnet_v2",
  router: "openstack_networking_router_v2",
  ri: "openstack_networking_router_interface_v2",
  port: "openstack_networking_port_v2",
  sg: "openstack_networking_secgroup_v2",
  rule: "openstack_networking_secgroup_rule_v2",
  fip: "openstack_networking_floatingip_v2",
  server: "openstack_compute_instance_v2",
  volume: "openstack_blockstorage_volume_v3",
  attach: "openstack_compute_volume_attach_v2",
  lb: "openstack_lb_loadbalancer_v2",
  listener: "openstack_lb_listener_v2",
  pool: "openstack_lb_pool_v2",
  member: "openstack_lb_member_v2",
  monitor: "openstack_lb_monitor_v2",
};

const dir = path.join(LAB_DIR, "..", "fixture");
const stateFile = path.join(dir, "cloud.json");
const log: string[] = [];
const logger = (line: string) => log.push(line);
let cloud: FixtureCloud;
const ids: Record<string, string> = {};
let subnetId = "";
let dbPortId = "";
let webFip = "";
let lbFip = "";
let volumeId = "";

function server(name: string, portId: string, userData: string): ValueObject {
  return cloud.create(T.server, {
    name,
    image_name: "Debian 12",
    flavor_name: "m1.small",
    user_data: userData,
    network: [{ port: portId }],
  });
}

function port(name: string, networkId: string, groups: string[]): string {
  return String(cloud.create(T.port, { name, network_id: networkId, security_group_ids: groups, fixed_ip: [{ subnet_id: subnetId }] }).id);
}

function dbUserData(): string {
  const dev = `/dev/disk/by-id/${byIdName(volumeId)}`;
  return webUserData(
    "db",
    `  - [sh, -c, 'for i in $(seq 60); do [ -b ${dev} ] && break; sleep 1; done; blkid ${dev} || mkfs.ext4 -q ${dev}; mkdir -p /data; mount ${dev} /data; cat /var/lib/cloud/data/instance-id >> /data/instances']\n`,
  );
}

function boot(): void {
  reconcile({ cloudFile: stateFile, log: logger });
  const servers = topology(Cloud.load(stateFile)).servers;
  const report = waitForBoot(servers, 180, logger);
  if (!report.ok) throw new Error(`boot failed:\n${log.join("\n")}`);
}

describeLab("the lab on a fixture cloud", () => {
  beforeAll(() => {
    cleanLab({ log: logger });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cloud = new FixtureCloud(stateFile);
    const net = cloud.create(T.net, { name: "fixture-net" });
    subnetId = String(cloud.create(T.subnet, { name: "fixture-subnet", network_id: net.id, cidr: "10.77.0.0/24", ip_version: 4 }).id);
    const router = cloud.create(T.router, { name: "fixture-router", external_network_id: cloud.externalNetworkId() });
    ids.router = String(router.id);
    cloud.create(T.ri, { router_id: router.id, subnet_id: subnetId });
    const web = cloud.create(T.sg, { name: "fixture-web" });
    const db = cloud.create(T.sg, { name: "fixture-db" });
    cloud.create(T.rule, {
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 8000,
      port_range_max: 8000,
      remote_ip_prefix: "0.0.0.0/0",
      security_group_id: web.id,
    });
    cloud.create(T.rule, {
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 9000,
      port_range_max: 9000,
      remote_group_id: web.id,
      security_group_id: db.id,
    });
    const web1Port = port("web1-port", String(net.id), [String(web.id)]);
    const web2Port = port("web2-port", String(net.id), [String(web.id)]);
    dbPortId = port("db-port", String(net.id), [String(db.id)]);
    ids.web1 = String(server("fixture-web1", web1Port, webUserData("web1")).id);
    ids.web2 = String(server("fixture-web2", web2Port, webUserData("web2")).id);
    const volume = cloud.create(T.volume, { name: "fixture-data", size: 1 });
    volumeId = String(volume.id);
    ids.db = String(server("fixture-db", dbPortId, dbUserData()).id);
    cloud.create(T.attach, { instance_id: ids.db, volume_id: volumeId });
    webFip = String(cloud.create(T.fip, { pool: "public", port_id: web1Port }).address);
    const lb = cloud.create(T.lb, { name: "fixture-lb", vip_subnet_id: subnetId });
    const listener = cloud.create(T.listener, { protocol: "HTTP", protocol_port: 80, loadbalancer_id: lb.id });
    const pool = cloud.create(T.pool, { protocol: "HTTP", lb_method: "ROUND_ROBIN", listener_id: listener.id });
    cloud.create(T.monitor, {
      pool_id: pool.id,
      type: "HTTP",
      delay: 1,
      timeout: 1,
      max_retries: 1,
      max_retries_down: 1,
      url_path: "/",
      expected_codes: "200",
    });
    for (const [name, p] of [
      ["web1", web1Port],
      ["web2", web2Port],
    ]) {
      const fixedIp = topology(Cloud.load(stateFile)).servers.find((s) => s.name === `fixture-${name}`)!.fixedIp;
      void p;
      cloud.create(T.member, { pool_id: pool.id, address: fixedIp, protocol_port: 8000, subnet_id: subnetId });
    }
    lbFip = String(cloud.create(T.fip, { pool: "public", port_id: lb.vip_port_id }).address);
    boot();
  });

  afterAll(() => {
    cleanLab({ log: logger });
  });

  test("every server boots its user data to cloud-init done; the floating IPs are never the host's address", () => {
    for (const id of [ids.web1, ids.web2, ids.db]) expect(inServer(id, "cloud-init status").out).toContain("status: done");
    expect(inServer(ids.web1, "hostname").out.trim()).toBe("fixture-web1");
    expect([webFip, lbFip]).not.toContain("203.0.113.1");
  });

  test("servers reach each other on the network, and the host reaches a floating IP", () => {
    const db = topology(Cloud.load(stateFile)).servers.find((s) => s.id === ids.db)!;
    expect(inServer(ids.web1, `curl -s -m 5 http://${db.fixedIp}:9000/`).out).toContain("db");
    expect(httpFromHost(`http://${webFip}:8000/`)).toEqual({ status: 200, body: "web1\n" });
  });

  test("sealed: nothing routes beyond the lab, and the host does not forward lab traffic", () => {
    const started = Date.now();
    const attempt = inServer(ids.web1, "curl -sS -m 10 http://1.1.1.1/; echo exit=$?");
    expect(attempt.out).toMatch(/exit=(7|28)/);
    expect(attempt.out).not.toContain("exit=0");
    expect(Date.now() - started).toBeLessThan(5000); // refused at the router at once: it has no route
    const ns = routerNamespace(ids.router);
    expect(tryRun("ip", ["netns", "exec", ns, "ip", "route", "get", "1.1.1.1"]).code).not.toBe(0);
    expect(tryRun("ip", ["netns", "exec", ns, "ip", "route", "show", "default"]).stdout.trim()).toBe("");
    expect(tryRun("nft", ["list", "table", "inet", "fractals_lab"]).stdout).toMatch(/hook forward[\s\S]*drop/);
    expect(inServer(ids.web1, "cat /etc/resolv.conf | grep -c nameserver || true").out.trim()).toBe("0");
  });

  test("the host routes only the lab's own external addresses into it, so the rest of 203.0.113.0/24 (where this machine's registries may answer) stays reachable", () => {
    const routes = JSON.parse(tryRun("ip", ["-j", "-4", "route", "show", "dev", "fl-ext"]).stdout) as { dst: string }[];
    const labAddresses = new Set(
      topology(Cloud.load(stateFile)).routers.flatMap((r) => [r.externalIp, ...r.floatingIps.map((f) => f.address)]),
    );
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect({ dst: route.dst, lab: labAddresses.has(route.dst) }).toEqual({ dst: route.dst, lab: true });
    const registry = tryRun("getent", ["ahostsv4", "registry.npmjs.org"]).stdout.split(/\s+/)[0];
    if (registry && !labAddresses.has(registry)) expect(tryRun("ip", ["-o", "route", "get", registry]).stdout).not.toContain("dev fl-ext");
  });

  test("security groups: allowed ports connect, others are refused, remote groups admit their members only", () => {
    const [web1, db] = ["web1", "db"].map((n) => topology(Cloud.load(stateFile)).servers.find((s) => s.name === `fixture-${n}`)!);
    expect(inServer(ids.web1, `nc -z -w 3 ${db.fixedIp} 9000; echo exit=$?`).out).toContain("exit=0"); // db: 9000 from group web
    expect(inServer(ids.db, `nc -z -w 3 ${web1.fixedIp} 8000; echo exit=$?`).out).toContain("exit=0"); // web: 8000 from anywhere
    expect(inServer(ids.db, `nc -z -w 3 ${web1.fixedIp} 9000; echo exit=$?`).out).toContain("exit=1"); // web: no rule for 9000
    expect(inServer(ids.web1, `nc -z -w 3 ${db.fixedIp} 8000; echo exit=$?`).out).toContain("exit=1"); // db: no rule for 8000
    expect(httpFromHost(`http://${webFip}:9000/`, 3).status).toBe(0);
  });

  test("the load balancer's floating IP balances over the members, and fails over when one stops", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(httpFromHost(`http://${lbFip}/`).body.trim());
    expect([...seen].sort()).toEqual(["web1", "web2"]);
    stopServers([ids.web2]);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000); // the monitor: delay 1 s, 1 failure marks it down
    const answers = Array.from({ length: 8 }, () => httpFromHost(`http://${lbFip}/`));
    expect(answers.map((a) => `${a.status} ${a.body.trim()}`)).toEqual(Array(8).fill("200 web1"));
  });

  test("a volume keeps its data across the server's replacement, under its by-id name", () => {
    expect(inServer(ids.db, `readlink -f /dev/disk/by-id/${byIdName(volumeId)}`).out.trim()).toBe("/dev/vdb");
    expect(inServer(ids.db, "cat /data/instances").out.trim()).toBe(ids.db);
    // Replace the server as Terraform would: detach, delete, create anew (new id), attach.
    const store = Cloud.load(stateFile);
    cloud.destroy(T.attach, store.get(T.attach, `${ids.db}/${volumeId}`)!.state);
    cloud.destroy(T.server, store.get(T.server, ids.db)!.state);
    const old = ids.db;
    ids.db = String(server("fixture-db", dbPortId, dbUserData()).id);
    cloud.create(T.attach, { instance_id: ids.db, volume_id: volumeId });
    boot();
    expect(nspawnPid(old)).toBeNull();
    expect(inServer(ids.db, "cat /data/instances").out.trim().split("\n")).toEqual([old, ids.db]);
  });

  test("a reconcile killed half-way leaves nothing that clean cannot remove", () => {
    cleanLab({ log: logger });
    const child = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), path.join(REPO_ROOT, "sim/lab/cli.ts"), "lab", "reconcile"], {
      env: { ...process.env, FRACTALS_SIM_STATE: stateFile },
      stdio: "ignore",
    });
    // Killed once containers are starting: bridges, namespaces, mounts and nspawn processes exist, the run is not finished.
    for (const started = Date.now(); Date.now() - started < 60_000 && nspawnProcesses().length < 2;) sleepMs(100);
    child.kill("SIGKILL");
    expect(nspawnProcesses().length).toBeGreaterThan(0);
  });

  test("clean stops a container launcher that has not yet started nspawn (a killed run's last start)", () => {
    // startServer's launcher, `sh -c '... exec systemd-nspawn "$@"'`, with a stand-in nspawn (bash under that name) that
    // execs 3 s after it starts: found by nspawn's name alone, it would run on after clean (seen in CI).
    const fakeBin = path.join(dir, "fake-bin");
    mkdirSync(fakeBin, { recursive: true });
    rmSync(path.join(fakeBin, "systemd-nspawn"), { force: true });
    symlinkSync("/bin/bash", path.join(fakeBin, "systemd-nspawn"));
    const launcher = spawn(
      "sh",
      ["-c", 'sleep 3 && exec systemd-nspawn "$@"', "sh", "-c", "sleep 60; :", "-M", `${LAB_PREFIX}s0launcher`],
      {
        env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` },
        detached: true,
        stdio: "ignore",
      },
    );
    launcher.unref();
    const running = () => tryRun("pgrep", ["-f", `${LAB_PREFIX}s0launcher`]).stdout.trim();
    for (const started = Date.now(); Date.now() - started < 2000 && running() === "";) sleepMs(50);
    expect(running()).toBe(String(launcher.pid));
    cleanLab({ log: logger });
    sleepMs(3500);
    expect(running()).toBe("");
    expect(leftovers()).toEqual([]);
  });

  test("clean removes everything the lab made, and is safe to run again", () => {
    cleanLab({ log: logger });
    expect(leftovers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
    cleanLab({ log: logger });
    expect(hostLeftovers()).toEqual([]);
    expect(tryRun("sysctl", ["-n", "net.ipv4.ip_forward"]).stdout.trim()).toBe("0");
  });
});
