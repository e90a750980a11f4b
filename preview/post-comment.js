/**
 * Creates or updates a pull request's preview comment and keeps its plan
 * labels in sync. Both workflows run it through actions/github-script,
 * which can load plain JavaScript only (no dependencies): what it reads is
 * the comment the renderer wrote and its labels file.
 */
"use strict";
const fs = require("node:fs");

/** Must match PREVIEW_MARKER, GITHUB_COMMENT_LIMIT and MANAGED_LABELS in preview/ (a test checks). */
const MARKER = "<!-- fractals-plan-preview -->";
const COMMENT_LIMIT = 65536;
const MANAGED_LABELS = ["plan: no changes", "plan: destroy", "plan: replace", "plan: failed"];

/**
 * When even the renderer could not run (the install failed): the old
 * comment is still replaced, so it never looks current.
 */
function fallbackBody(headSha, runUrl) {
  return [
    MARKER,
    "## Terraform plan preview",
    `<sub>Preview for commit <code>${String(headSha).slice(0, 7)}</code>.</sub>`,
    "> [!CAUTION]",
    `> **No preview for this commit: the workflow failed before it could render one.** See [the workflow log](${runUrl}).`,
    "",
  ]
    .join("\n\n")
    .replace("\n\n> **", "\n> **");
}

/**
 * @param {{ github: any, context: any, core: any }} api what actions/github-script provides
 * @param {{ previewFile: string, labelsFile: string, issueNumber: number, headSha: string, runUrl: string }} options
 * @returns {Promise<"created" | "updated" | "stale">}
 */
async function postPreview({ github, context, core }, { previewFile, labelsFile, issueNumber, headSha, runUrl }) {
  const { owner, repo } = context.repo;
  // A run for an older commit that finishes late must not overwrite the newer commit's preview.
  const { data: pull } = await github.rest.pulls.get({ owner, repo, pull_number: issueNumber });
  if (pull.head.sha !== headSha) {
    core.info(`the pull request is at ${pull.head.sha} now, not ${headSha}: its own run comments`);
    return "stale";
  }
  let body = fs.existsSync(previewFile) ? fs.readFileSync(previewFile, "utf8") : undefined;
  let labels = fs.existsSync(labelsFile) ? JSON.parse(fs.readFileSync(labelsFile, "utf8")).labels : undefined;
  if (body === undefined || !body.startsWith(MARKER) || body.length >= COMMENT_LIMIT || !Array.isArray(labels)) {
    body = fallbackBody(headSha, runUrl);
    labels = ["plan: failed"];
  }

  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  const previous = comments.find((c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(MARKER));
  if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
  else await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });

  // Labels: add what applies, remove the managed ones that no longer do; others are not ours to touch.
  const current = (pull.labels || []).map((l) => l.name);
  for (const name of MANAGED_LABELS.filter((l) => current.includes(l) && !labels.includes(l))) {
    await github.rest.issues.removeLabel({ owner, repo, issue_number: issueNumber, name });
  }
  const missing = labels.filter((l) => MANAGED_LABELS.includes(l) && !current.includes(l));
  if (missing.length > 0) await github.rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels: missing });
  return previous ? "updated" : "created";
}

module.exports = { postPreview, fallbackBody, MARKER, COMMENT_LIMIT, MANAGED_LABELS };
