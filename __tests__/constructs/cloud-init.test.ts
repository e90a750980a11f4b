import { parse } from "yaml";
import { faafoInstallCommand, renderUserData, shellQuote } from "../../constructs/cloud-init";

describe("cloud-init", () => {
  const install = {
    scriptUrl: "https://example.org/install.sh",
    components: ["faafo"] as const,
    roles: ["worker"] as const,
    apiUrl: "http://10.0.0.5",
    amqpUrl: "amqp://faafo:${random_password.q.result}@10.0.0.6:5672/",
  };

  test("the install command carries every flag in the script's syntax", () => {
    expect(faafoInstallCommand({ ...install, databaseUrl: "mysql+pymysql://u:p@h:3306/faafo" })).toBe(
      "curl -fsSL 'https://example.org/install.sh' | bash -s -- -i faafo -r worker -e 'http://10.0.0.5' " +
      "-m 'amqp://faafo:${random_password.q.result}@10.0.0.6:5672/' -d 'mysql+pymysql://u:p@h:3306/faafo'");
  });

  test("renders valid #cloud-config whose runcmd keeps the order before, install, after", () => {
    const text = renderUserData({ install, before: ["echo one"], after: ["echo three"], files: [{ path: "/etc/x", content: "y\n" }] });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(text);
    expect(doc.runcmd).toEqual(["echo one", faafoInstallCommand(install), "echo three"]);
    expect(doc.write_files).toEqual([{ path: "/etc/x", permissions: "0644", content: "y\n" }]);
  });

  test("long values are never folded (Terraform references must stay on one line)", () => {
    const long = `http://${"a".repeat(300)}`;
    const doc = parse(renderUserData({ install: { ...install, apiUrl: long } }));
    expect(doc.runcmd[0]).toContain(long);
    expect(renderUserData({ install: { ...install, apiUrl: long } }).split("\n").filter((l) => l.includes(long))).toHaveLength(1);
  });

  test("is deterministic", () => {
    expect(renderUserData({ install })).toBe(renderUserData({ install }));
  });

  test("shell quoting survives single quotes", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  test("an install of nothing is refused", () => {
    expect(() => faafoInstallCommand({ ...install, components: [] })).toThrow(/components must name at least one/);
  });
});
