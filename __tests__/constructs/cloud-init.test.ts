import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { renderUserData } from "../../constructs/cloud-init";

describe("renderUserData", () => {
  const files = [
    { path: "/etc/x", content: "y\n" },
    { path: "/usr/local/bin/tool", content: "#!/bin/sh\necho hello\n".repeat(50), permissions: "0755", compress: true },
  ];

  test("renders #cloud-config with write_files and runcmd", () => {
    const text = renderUserData({ files, runcmd: ["/usr/local/bin/tool"] });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(text);
    expect(doc.runcmd).toEqual(["/usr/local/bin/tool"]);
    expect(doc.write_files[0]).toEqual({ path: "/etc/x", permissions: "0644", content: "y\n" });
  });

  test("compressed files are gz+b64 and decode to their content, smaller than the text", () => {
    const doc = parse(renderUserData({ files, runcmd: [] }));
    const tool = doc.write_files[1];
    expect(tool).toMatchObject({ path: "/usr/local/bin/tool", permissions: "0755", encoding: "gz+b64" });
    expect(gunzipSync(Buffer.from(tool.content, "base64")).toString()).toBe(files[1].content);
    expect(tool.content.length).toBeLessThan(files[1].content.length / 4);
  });

  test("long values are never folded (Terraform references must stay on one line)", () => {
    const long = `url = \${${"a".repeat(300)}}`;
    const text = renderUserData({ files: [{ path: "/etc/c", content: long }], runcmd: [] });
    expect(parse(text).write_files[0].content).toBe(long);
    expect(text.split("\n").filter((l) => l.includes(long))).toHaveLength(1);
  });

  test("is deterministic: gzip carries no timestamp", () => {
    expect(renderUserData({ files, runcmd: ["x"] })).toBe(renderUserData({ files, runcmd: ["x"] }));
  });
});
